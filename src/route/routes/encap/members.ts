// The members of an RTA_ENCAP payload by type, read leniently: the encap is
// an attribute nlkit keeps raw in `unknown`, and what reads it (ip's output,
// a spec to pass back) leaves out what does not fit rather than failing the
// whole route.
/** The nested attributes of `data` by type (the first of each); a truncated one ends the walk. */
export function encapMembers(data: Buffer): Map<number, Buffer> {
  const out = new Map<number, Buffer>();
  let at = 0;
  while (at + 4 <= data.length) {
    const len = data.readUInt16LE(at);
    if (len < 4 || at + len > data.length) break;
    const type = data.readUInt16LE(at + 2) & 0x3fff;
    if (!out.has(type)) out.set(type, data.subarray(at + 4, at + len));
    at += (len + 3) & ~3;
  }
  return out;
}
