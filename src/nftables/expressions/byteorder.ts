import {
  NFT_BYTEORDER_HTON, NFT_BYTEORDER_NTOH, NFTA_BYTEORDER_DREG, NFTA_BYTEORDER_LEN, NFTA_BYTEORDER_OP,
  NFTA_BYTEORDER_SIZE, NFTA_BYTEORDER_SREG,
} from '../../generated/nf_tables.js';
import { EnumNames, keepUnknown, requireRegister, requireUint, writeUnknown, type ExpressionCodec, type KeepsUnknown } from './codec.js';

/** Conversion direction (NFTA_BYTEORDER_OP): `ntoh` network to host order, `hton` host to network. */
export type ByteorderOp = 'ntoh' | 'hton';
const byteorderOps = new EnumNames<ByteorderOp>('byteorder operation', { ntoh: NFT_BYTEORDER_NTOH, hton: NFT_BYTEORDER_HTON });

/** `[ byteorder reg 1 = ntoh(reg 1, 2, 2) ]`: converts `length` bytes of `size`-byte words between byte orders. */
export interface ByteorderExpression extends KeepsUnknown {
  /** The kernel's `byteorder` expression (nft_byteorder). */
  kind: 'byteorder';
  /** Register holding the value to convert (NFTA_BYTEORDER_SREG). */
  sreg: number;
  /** Register receiving the converted value (NFTA_BYTEORDER_DREG). */
  dreg: number;
  /** Conversion direction; a raw number for one nlkit does not name. */
  op: ByteorderOp | number;
  /** Total bytes converted (NFTA_BYTEORDER_LEN), a multiple of `size`. */
  length: number;
  /** Word size in bytes (NFTA_BYTEORDER_SIZE): 2, 4 or 8. */
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
