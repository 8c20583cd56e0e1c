import {
  NFT_HASH_JENKINS, NFT_HASH_SYM, NFTA_HASH_DREG, NFTA_HASH_LEN, NFTA_HASH_MODULUS, NFTA_HASH_OFFSET, NFTA_HASH_SEED, NFTA_HASH_SREG, NFTA_HASH_TYPE,
} from '../../generated/nf_tables.js';
import { attributeTableCodec } from './attribute-table.js';
import { EnumNames, type ExpressionCodec, type KeepsUnknown } from './codec.js';

/** Which hash (NFTA_HASH_TYPE): `jenkins` over `length` bytes of a register (nft's `jhash`), or `sym`, symmetric over the flow's addresses and ports (nft's `symhash`). */
export type HashType = 'jenkins' | 'sym';
export const HASH_TYPES = new EnumNames<HashType>('hash type', { jenkins: NFT_HASH_JENKINS, sym: NFT_HASH_SYM });

/** `[ hash reg 1 = jhash(reg 1, 4, 0xdead) % mod 2 ]`: a hash of packet data modulo `modulus` (nft_hash). */
export interface HashExpression extends KeepsUnknown {
  /** The kernel's `hash` expression. */
  kind: 'hash';
  /** The register holding what is hashed, for `jenkins` (NFTA_HASH_SREG). */
  sreg?: number;
  /** Register receiving the hash, a host-order u32 (NFTA_HASH_DREG). */
  dreg: number;
  /** Bytes hashed from `sreg`, for `jenkins` (NFTA_HASH_LEN). */
  length?: number;
  /** The hash is taken modulo this (NFTA_HASH_MODULUS). */
  modulus: number;
  /** The seed, when one was given (NFTA_HASH_SEED); without it the kernel picks one at random. */
  seed?: number;
  /** Added to the hash (NFTA_HASH_OFFSET); the kernel lists it only when not 0. */
  offset?: number;
  /** Which hash; a raw number for a type nlkit does not name. */
  type: HashType | number;
}

// nft_jhash_dump: SREG, DREG, LEN, MODULUS, SEED (given), OFFSET (not 0), TYPE; nft_symhash_dump the same without SREG, LEN, SEED.
export const hashCodec: ExpressionCodec<HashExpression> = attributeTableCodec<HashExpression>('hash', [
  { attr: NFTA_HASH_SREG, field: 'sreg', width: 4, register: true },
  { attr: NFTA_HASH_DREG, field: 'dreg', width: 4, register: true, required: true },
  { attr: NFTA_HASH_LEN, field: 'length', width: 4 },
  { attr: NFTA_HASH_MODULUS, field: 'modulus', width: 4, required: true },
  { attr: NFTA_HASH_SEED, field: 'seed', width: 4 },
  { attr: NFTA_HASH_OFFSET, field: 'offset', width: 4 },
  { attr: NFTA_HASH_TYPE, field: 'type', width: 4, names: HASH_TYPES, required: true },
]);
