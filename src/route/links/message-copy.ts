// A decoded Link keeps raw bytes (unknown attributes, IFLA_AF_SPEC, ...) as
// views into one private copy of its message instead of one copy per
// attribute: a dozen small Buffer.from copies cost more than the rest of the
// decoding. The copies are carved out of slabs, so a dump of thousands of
// links allocates a few dozen ArrayBuffers rather than one per message. A
// copy is named by its slab and offsets, not by a Buffer view of its own:
// making that view (a FastBuffer) cost as much as copying the bytes.
// As with Buffer's own 8 kB pool (which the per-attribute copies came from),
// a link kept alive keeps its whole slab, and `.buffer` of its views reaches
// the rest of the slab.

const SLAB_SIZE = 1 << 16;
/** Larger messages (links with many VFs) get an allocation of their own. */
const OWN_ALLOCATION_ABOVE = SLAB_SIZE >>> 2;

let slab = Buffer.allocUnsafeSlow(SLAB_SIZE);
let slabWords = wordsOf(slab);
let used = 0;

/** Where a copy of a message is: `buf[start, end)`, bytes no one else writes to. */
export class MessageCopy {
  constructor(
    readonly buf: Buffer,
    /**
     * `buf` as host-order 32-bit words. A copy starts 8-byte aligned and
     * attributes are 4-byte aligned, so an attribute header (length in the
     * low half on the little-endian hosts byte-reads.ts assumes, type in the
     * high half) and a u32 payload are each one load, `words[offset >>> 2]`,
     * instead of four byte loads.
     */
    readonly words: Uint32Array,
    readonly start: number,
    readonly end: number,
  ) {}
}

function wordsOf(buf: Buffer): Uint32Array {
  return new Uint32Array(buf.buffer, buf.byteOffset, buf.length >>> 2);
}

/**
 * A copy of `buf[start, end)` that stays valid after `buf` (e.g. the
 * socket's shared receive buffer) is reused.
 */
export function copyMessage(buf: Buffer, start: number, end: number): MessageCopy {
  const length = end - start;
  if (length > OWN_ALLOCATION_ABOVE) {
    const own = Buffer.allocUnsafeSlow(length);
    buf.copy(own, 0, start, end);
    return new MessageCopy(own, wordsOf(own), 0, length);
  }
  if (used + length > SLAB_SIZE) {
    slab = Buffer.allocUnsafeSlow(SLAB_SIZE);
    slabWords = wordsOf(slab);
    used = 0;
  }
  const at = used;
  buf.copy(slab, at, start, end);
  // Keep every copy 8-byte aligned, as Buffer's own pool does.
  used = (at + length + 7) & ~7;
  return new MessageCopy(slab, slabWords, at, at + length);
}
