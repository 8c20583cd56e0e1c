import {
  NFT_RANGE_EQ, NFT_RANGE_NEQ, NFTA_RANGE_FROM_DATA, NFTA_RANGE_OP, NFTA_RANGE_SREG, NFTA_RANGE_TO_DATA,
} from '../../generated/nf_tables.js';
import { readDataValue, writeDataValue } from '../protocol/data.js';
import { EnumNames, keepUnknown, requireBytes, requireRegister, writeUnknown, type ExpressionCodec, type KeepsUnknown } from './codec.js';

/** Range test (NFTA_RANGE_OP): `eq` matches inside the range, `neq` outside (`tcp dport != 1000-2000`). */
export type RangeOp = 'eq' | 'neq';
const rangeOps = new EnumNames<RangeOp>('range operator', { eq: NFT_RANGE_EQ, neq: NFT_RANGE_NEQ });

/** `[ range neq reg 1 0x... 0x... ]`: whether a register lies within [from, to] (big-endian compare). */
export interface RangeExpression extends KeepsUnknown {
  /** The kernel's `range` expression (nft_range). */
  kind: 'range';
  /** Register tested (NFTA_RANGE_SREG). */
  sreg: number;
  /** Inside or outside; a raw number for an op nlkit does not name. */
  op: RangeOp | number;
  /** Lower bound, inclusive (NFTA_RANGE_FROM_DATA), in the field's byte order. */
  from: Buffer;
  /** Upper bound, inclusive (NFTA_RANGE_TO_DATA), as long as `from`. */
  to: Buffer;
}

export const rangeCodec: ExpressionCodec<RangeExpression> = {
  kind: 'range',
  encode(w, e) {
    w.be32(NFTA_RANGE_SREG, requireRegister(e.sreg, 'range sreg'));
    w.be32(NFTA_RANGE_OP, rangeOps.encode(e.op));
    writeDataValue(w, NFTA_RANGE_FROM_DATA, requireBytes(e.from, 'range from'));
    writeDataValue(w, NFTA_RANGE_TO_DATA, requireBytes(e.to, 'range to'));
    writeUnknown(w, e.unknown);
  },
  decode(c) {
    const e: Partial<RangeExpression> = { kind: 'range' };
    while (c.next()) {
      switch (c.type) {
        case NFTA_RANGE_SREG: e.sreg = c.be32(); break;
        case NFTA_RANGE_OP: e.op = rangeOps.decode(c.be32()); break;
        case NFTA_RANGE_FROM_DATA: e.from = readDataValue(c); break;
        case NFTA_RANGE_TO_DATA: e.to = readDataValue(c); break;
        default: keepUnknown(e, c);
      }
    }
    return e as RangeExpression;
  },
};
