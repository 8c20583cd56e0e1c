// The expressions nft writes as a flat list of attributes (rt, socket, osf, xfrm, numgen, hash,
// exthdr, connlimit, dup, fwd, tproxy, synproxy) are built here attribute by attribute, in the
// order the kernel lists them, and read back through their codec: a rule read from JSON then
// holds exactly the value the listing of the same rule decodes to, attribute presence included.
import { AttributeCursor } from '../../../netlink/attributes.js';
import { MessageWriter } from '../../../netlink/writer.js';
import { expressionCodec } from '../../expressions/index.js';
import type { Expression } from '../../expressions/types.js';

/** One attribute of an expression's data: a 32-bit big-endian number, a byte, or raw bytes. */
export type RawAttribute = [type: number, value: number | Buffer, width?: 1 | 2 | 4];

/** The expression `name` with these attributes, in this order. */
export function rawExpression(name: string, attributes: readonly RawAttribute[]): Expression {
  const w = new MessageWriter(64);
  for (const [type, value, width = 4] of attributes) {
    if (Buffer.isBuffer(value)) w.binary(type, value);
    else if (width === 1) w.u8(type, value);
    else if (width === 2) w.be16(type, value);
    else w.be32(type, value);
  }
  const data = Buffer.from(w.bytes());
  const codec = expressionCodec(name);
  if (!codec) return { kind: 'unknown', name, data };
  return codec.decode(new AttributeCursor(data, 0, data.length)) as Expression;
}
