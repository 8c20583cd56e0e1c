// A decoded Link keeps raw bytes (unknown attributes, IFLA_AF_SPEC, ...) as
// views into one private copy of its message instead of one copy per
// attribute: a dozen small Buffer.from copies cost more than the rest of the
// decoding. The copies are carved out of slabs, so a dump of thousands of
// links allocates a few dozen ArrayBuffers rather than one per message.
// As with Buffer's own 8 kB pool (which the per-attribute copies came from),
// a link kept alive keeps its whole slab, and `.buffer` of its views reaches
// the rest of the slab.

const SLAB_SIZE = 1 << 16;
/** Larger messages (links with many VFs) get an allocation of their own. */
const OWN_ALLOCATION_ABOVE = SLAB_SIZE >>> 2;

let slab = Buffer.allocUnsafeSlow(SLAB_SIZE);
let used = 0;

/**
 * A copy of `buf[start, end)` that no one else writes to: it stays valid
 * after `buf` (e.g. the socket's shared receive buffer) is reused.
 */
export function copyMessage(buf: Buffer, start: number, end: number): Buffer {
  const length = end - start;
  if (length > OWN_ALLOCATION_ABOVE) {
    const own = Buffer.allocUnsafeSlow(length);
    buf.copy(own, 0, start, end);
    return own;
  }
  if (used + length > SLAB_SIZE) {
    slab = Buffer.allocUnsafeSlow(SLAB_SIZE);
    used = 0;
  }
  const at = used;
  buf.copy(slab, at, start, end);
  // Keep every copy 8-byte aligned, as Buffer's own pool does.
  used = (at + length + 7) & ~7;
  return slab.subarray(at, at + length);
}
