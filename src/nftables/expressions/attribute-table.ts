// Expressions whose NFTA_EXPR_DATA is a flat list of fixed-width numbers (rt, socket, numgen,
// hash, exthdr, tproxy, dup, fwd...) share one codec built from a table of their attributes,
// so each kind's file holds only what is particular to it: its attributes, widths and names.
import { InvalidArgumentError } from '../../netlink/addresses.js';
import type { AttributeCursor } from '../../netlink/attributes.js';
import type { MessageWriter } from '../../netlink/writer.js';
import { keepUnknown, requireRegister, requireUint, writeUnknown, type EnumNames, type ExpressionCodec, type KeepsUnknown } from './codec.js';

/** How many bytes an attribute's number takes; the kernel's policy for it (NLA_U8, NLA_BE16, NLA_BE32). */
export type AttributeWidth = 1 | 2 | 4;

/** One attribute of an expression: its type, the field it fills, how it travels. */
export interface AttributeField {
  /** NFTA_<KIND>_<NAME>. */
  attr: number;
  /** The field of the expression object. */
  field: string;
  width: AttributeWidth;
  /** A register (validated as one on encode). */
  register?: boolean;
  /** Names for the attribute's values; numbers without a name pass through. */
  names?: EnumNames<string>;
  /** The kernel refuses the expression without it: encoding without it is refused before anything is sent. */
  required?: boolean;
}

const MAX: Record<AttributeWidth, number> = { 1: 0xff, 2: 0xffff, 4: 0xffffffff };

/**
 * A codec for an expression made of the attributes `fields`, written in that order, which
 * is the order the kernel dumps them in: decoding a dump and encoding it again gives the
 * same bytes. An attribute of another width than its field's, or one listed twice, is kept
 * in `unknown` rather than misread.
 */
export function attributeTableCodec<E extends { kind: string } & KeepsUnknown>(kind: E['kind'], fields: readonly AttributeField[]): ExpressionCodec<E> {
  const byAttr = new Map(fields.map((f) => [f.attr, f]));
  return {
    kind,
    encode(w: MessageWriter, e: E) {
      const values = e as unknown as Record<string, unknown>;
      for (const f of fields) {
        const value = values[f.field];
        if (value === undefined) {
          if (f.required) throw new InvalidArgumentError(`a ${kind} expression needs "${f.field}"`);
          continue;
        }
        const what = `${kind} ${f.field}`;
        const n = f.register ? requireRegister(value, what) : requireUint(f.names ? f.names.encode(value as string) : value, what, MAX[f.width]);
        if (f.width === 1) w.u8(f.attr, n);
        else if (f.width === 2) w.be16(f.attr, n);
        else w.be32(f.attr, n);
      }
      writeUnknown(w, e.unknown);
    },
    decode(c: AttributeCursor) {
      const e = { kind } as Record<string, unknown> & KeepsUnknown;
      while (c.next()) {
        const f = byAttr.get(c.type);
        if (!f || c.length !== f.width || e[f.field] !== undefined || c.nested || c.netByteOrder) {
          keepUnknown(e, c);
          continue;
        }
        const n = f.width === 1 ? c.u8() : f.width === 2 ? c.be16() : c.be32();
        e[f.field] = f.names ? f.names.decode(n) : n;
      }
      return e as unknown as E;
    },
  };
}
