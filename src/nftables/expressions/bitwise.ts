import {
  NFT_BITWISE_BOOL, NFT_BITWISE_LSHIFT, NFT_BITWISE_RSHIFT, NFTA_BITWISE_DATA, NFTA_BITWISE_DREG, NFTA_BITWISE_LEN,
  NFTA_BITWISE_MASK, NFTA_BITWISE_OP, NFTA_BITWISE_SREG, NFTA_BITWISE_XOR,
} from '../../generated/nf_tables.js';
import { InvalidArgumentError } from '../../netlink/addresses.js';
import { readDataValue, writeDataValue } from '../protocol/data.js';
import { EnumNames, keepUnknown, requireBytes, requireRegister, requireUint, writeUnknown, type ExpressionCodec, type KeepsUnknown } from './codec.js';

/** Bitwise operation (NFTA_BITWISE_OP): `bool` is `(reg & mask) ^ xor` (NFT_BITWISE_BOOL), `lshift`/`rshift` shift by `data` bits. */
export type BitwiseOp = 'bool' | 'lshift' | 'rshift';

const bitwiseOps = new EnumNames<BitwiseOp>('bitwise operator', {
  bool: NFT_BITWISE_BOOL, lshift: NFT_BITWISE_LSHIFT, rshift: NFT_BITWISE_RSHIFT,
});

/**
 * `[ bitwise reg 1 = ( reg 1 & mask ) ^ xor ]` (op `bool`), or a shift of
 * `length` bytes by `data` bits (ops `lshift`, `rshift`).
 */
export interface BitwiseExpression extends KeepsUnknown {
  /** The kernel's `bitwise` expression (nft_bitwise). */
  kind: 'bitwise';
  /** Source register (NFTA_BITWISE_SREG): 1-4 for the 128-bit registers, 8-23 for the 32-bit ones. */
  sreg: number;
  /** Destination register (NFTA_BITWISE_DREG), often the same as `sreg`. */
  dreg: number;
  /** Bytes operated on (NFTA_BITWISE_LEN), 1-64; `mask` and `xor` must be this long. */
  length: number;
  /** The operation; a raw number for one nlkit does not name. Decodes as `bool` from kernels before 5.6, which do not report it. */
  op: BitwiseOp | number;
  /** AND mask of a `bool` operation (NFTA_BITWISE_MASK), `length` bytes in register byte order. */
  mask?: Buffer;
  /** XOR applied after the mask in a `bool` operation (NFTA_BITWISE_XOR), `length` bytes; all zero for a plain mask. */
  xor?: Buffer;
  /** Shift amount (a u32 in host byte order) for lshift/rshift. */
  data?: Buffer;
}

export const bitwiseCodec: ExpressionCodec<BitwiseExpression> = {
  kind: 'bitwise',
  encode(w, e) {
    w.be32(NFTA_BITWISE_SREG, requireRegister(e.sreg, 'bitwise sreg'));
    w.be32(NFTA_BITWISE_DREG, requireRegister(e.dreg, 'bitwise dreg'));
    const length = requireUint(e.length, 'bitwise length', 64);
    w.be32(NFTA_BITWISE_LEN, length);
    const op = bitwiseOps.encode(e.op ?? 'bool');
    w.be32(NFTA_BITWISE_OP, op);
    if (op === NFT_BITWISE_BOOL) {
      const mask = requireBytes(e.mask, 'bitwise mask');
      const xor = requireBytes(e.xor, 'bitwise xor');
      if (mask.length !== length || xor.length !== length) {
        throw new InvalidArgumentError(`bitwise mask and xor must be ${length} bytes (the length), got ${mask.length} and ${xor.length}`);
      }
      writeDataValue(w, NFTA_BITWISE_MASK, mask);
      writeDataValue(w, NFTA_BITWISE_XOR, xor);
    } else {
      writeDataValue(w, NFTA_BITWISE_DATA, requireBytes(e.data, 'bitwise shift data'));
    }
    writeUnknown(w, e.unknown);
  },
  decode(c) {
    const e: Partial<BitwiseExpression> = { kind: 'bitwise' };
    while (c.next()) {
      switch (c.type) {
        case NFTA_BITWISE_SREG: e.sreg = c.be32(); break;
        case NFTA_BITWISE_DREG: e.dreg = c.be32(); break;
        case NFTA_BITWISE_LEN: e.length = c.be32(); break;
        case NFTA_BITWISE_OP: e.op = bitwiseOps.decode(c.be32()); break;
        case NFTA_BITWISE_MASK: e.mask = readDataValue(c); break;
        case NFTA_BITWISE_XOR: e.xor = readDataValue(c); break;
        case NFTA_BITWISE_DATA: e.data = readDataValue(c); break;
        default: keepUnknown(e, c);
      }
    }
    // Kernels before 5.6 know only mask/xor and do not report the op.
    e.op ??= 'bool';
    return e as BitwiseExpression;
  },
};
