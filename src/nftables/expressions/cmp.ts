import {
  NFT_CMP_EQ, NFT_CMP_GT, NFT_CMP_GTE, NFT_CMP_LT, NFT_CMP_LTE, NFT_CMP_NEQ, NFTA_CMP_DATA, NFTA_CMP_OP, NFTA_CMP_SREG,
} from '../../generated/nf_tables.js';
import { readDataValue, writeDataValue } from '../protocol/data.js';
import { EnumNames, keepUnknown, requireBytes, requireRegister, writeUnknown, type ExpressionCodec, type KeepsUnknown } from './codec.js';

/** Comparison (NFTA_CMP_OP): `eq`, `neq`, `lt`, `lte`, `gt`, `gte`; orderings compare the bytes as a big-endian number. */
export type CmpOp = 'eq' | 'neq' | 'lt' | 'lte' | 'gt' | 'gte';

export const cmpOps = new EnumNames<CmpOp>('cmp operator', {
  eq: NFT_CMP_EQ, neq: NFT_CMP_NEQ, lt: NFT_CMP_LT, lte: NFT_CMP_LTE, gt: NFT_CMP_GT, gte: NFT_CMP_GTE,
});

/** `[ cmp eq reg 1 0x00000006 ]`: compares a register with constant bytes; a mismatch ends the rule. */
export interface CmpExpression extends KeepsUnknown {
  /** The kernel's `cmp` expression (nft_cmp). */
  kind: 'cmp';
  /** Register compared (NFTA_CMP_SREG): 1-4 for the 128-bit registers, 8-23 for the 32-bit ones. */
  sreg: number;
  /** Comparison; a raw number for one nlkit does not name. */
  op: CmpOp | number;
  /** The constant compared with (NFTA_CMP_DATA), as many bytes as the loaded field, in the field's byte order (ports big-endian, `meta mark` host order). */
  data: Buffer;
}

export const cmpCodec: ExpressionCodec<CmpExpression> = {
  kind: 'cmp',
  encode(w, e) {
    w.be32(NFTA_CMP_SREG, requireRegister(e.sreg, 'cmp sreg'));
    w.be32(NFTA_CMP_OP, cmpOps.encode(e.op));
    writeDataValue(w, NFTA_CMP_DATA, requireBytes(e.data, 'cmp data'));
    writeUnknown(w, e.unknown);
  },
  decode(c) {
    const e: Partial<CmpExpression> = { kind: 'cmp' };
    while (c.next()) {
      switch (c.type) {
        case NFTA_CMP_SREG: e.sreg = c.be32(); break;
        case NFTA_CMP_OP: e.op = cmpOps.decode(c.be32()); break;
        case NFTA_CMP_DATA: e.data = readDataValue(c); break;
        default: keepUnknown(e, c);
      }
    }
    return e as CmpExpression;
  },
};
