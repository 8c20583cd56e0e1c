import {
  NFT_BYTEORDER_HTON, NFT_BYTEORDER_NTOH, NFTA_BYTEORDER_DREG, NFTA_BYTEORDER_LEN, NFTA_BYTEORDER_OP,
  NFTA_BYTEORDER_SIZE, NFTA_BYTEORDER_SREG,
} from '../../generated/nf_tables.js';
import { EnumNames, keepUnknown, requireRegister, requireUint, writeUnknown, type ExpressionCodec, type KeepsUnknown } from './codec.js';

export type ByteorderOp = 'ntoh' | 'hton';
const byteorderOps = new EnumNames<ByteorderOp>('byteorder operation', { ntoh: NFT_BYTEORDER_NTOH, hton: NFT_BYTEORDER_HTON });

/** `[ byteorder reg 1 = ntoh(reg 1, 2, 2) ]`: converts `length` bytes of `size`-byte words between byte orders. */
export interface ByteorderExpression extends KeepsUnknown {
  kind: 'byteorder';
  sreg: number;
  dreg: number;
  op: ByteorderOp | number;
  length: number;
  size: number;
}

export const byteorderCodec: ExpressionCodec<ByteorderExpression> = {
  kind: 'byteorder',
  encode(w, e) {
    w.be32(NFTA_BYTEORDER_SREG, requireRegister(e.sreg, 'byteorder sreg'));
    w.be32(NFTA_BYTEORDER_DREG, requireRegister(e.dreg, 'byteorder dreg'));
    w.be32(NFTA_BYTEORDER_OP, byteorderOps.encode(e.op));
    w.be32(NFTA_BYTEORDER_LEN, requireUint(e.length, 'byteorder length', 0xff));
    w.be32(NFTA_BYTEORDER_SIZE, requireUint(e.size, 'byteorder size', 8));
    writeUnknown(w, e.unknown);
  },
  decode(c) {
    const e: Partial<ByteorderExpression> = { kind: 'byteorder' };
    while (c.next()) {
      switch (c.type) {
        case NFTA_BYTEORDER_SREG: e.sreg = c.be32(); break;
        case NFTA_BYTEORDER_DREG: e.dreg = c.be32(); break;
        case NFTA_BYTEORDER_OP: e.op = byteorderOps.decode(c.be32()); break;
        case NFTA_BYTEORDER_LEN: e.length = c.be32(); break;
        case NFTA_BYTEORDER_SIZE: e.size = c.be32(); break;
        default: keepUnknown(e, c);
      }
    }
    return e as ByteorderExpression;
  },
};
