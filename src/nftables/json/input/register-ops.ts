// The register operations nft puts around loads: a mask (bitwise), a shift, a byte swap, all on
// register 1 unless told otherwise.
import { NFT_REG_1 } from '../../../generated/nf_tables.js';
import type { Expression } from '../../expressions/types.js';

/** `reg = (reg & mask) ^ xor` over `length` bytes. */
export function bitwise(length: number, mask: Buffer, xor: Buffer = Buffer.alloc(length), reg = NFT_REG_1): Expression {
  return { kind: 'bitwise', sreg: reg, dreg: reg, length, op: 'bool', mask, xor };
}

/** Register 1 shifted right by `bits`. */
export function shiftRight(length: number, bits: number): Expression {
  const data = Buffer.alloc(4);
  data.writeUInt32LE(bits);
  return { kind: 'bitwise', sreg: NFT_REG_1, dreg: NFT_REG_1, length, op: 'rshift', data };
}

/** Register 1 turned from host to network byte order. */
export function hton(length: number): Expression {
  return { kind: 'byteorder', sreg: NFT_REG_1, dreg: NFT_REG_1, op: 'hton', length, size: length };
}
