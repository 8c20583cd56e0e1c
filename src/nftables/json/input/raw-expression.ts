// Expressions nlkit has no codec for (rt, socket, osf, xfrm, numgen, hash,
// exthdr, connlimit, dup, fwd, tproxy, synproxy) travel as `unknown`
// expressions: their kernel name and NFTA_EXPR_DATA, written here attribute by
// attribute in the order the kernel lists them, so a rule read from JSON
// compares equal to the same rule listed after nft added it.
import { MessageWriter } from '../../../netlink/writer.js';
import type { UnknownExpression } from '../../expressions/types.js';

/** One attribute of an expression's data: a 32-bit big-endian number, a byte, or raw bytes. */
export type RawAttribute = [type: number, value: number | Buffer, width?: 1 | 2 | 4];

/** The `unknown` expression `name` with these attributes, in this order. */
export function rawExpression(name: string, attributes: readonly RawAttribute[]): UnknownExpression {
  const w = new MessageWriter(64);
  for (const [type, value, width = 4] of attributes) {
    if (Buffer.isBuffer(value)) w.binary(type, value);
    else if (width === 1) w.u8(type, value);
    else if (width === 2) w.be16(type, value);
    else w.be32(type, value);
  }
  return { kind: 'unknown', name, data: Buffer.from(w.bytes()) };
}
