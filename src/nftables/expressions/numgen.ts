import { NFT_NG_INCREMENTAL, NFT_NG_RANDOM, NFTA_NG_DREG, NFTA_NG_MODULUS, NFTA_NG_OFFSET, NFTA_NG_TYPE } from '../../generated/nf_tables.js';
import { attributeTableCodec } from './attribute-table.js';
import { EnumNames, type ExpressionCodec, type KeepsUnknown } from './codec.js';

/** How `numgen` makes its numbers (NFTA_NG_TYPE): counting up (`inc`) or at random. */
export type NumgenType = 'inc' | 'random';
export const NUMGEN_TYPES = new EnumNames<NumgenType>('numgen type', { inc: NFT_NG_INCREMENTAL, random: NFT_NG_RANDOM });

/** `[ numgen reg 1 = inc mod 4 offset 10 ]`: a number 0..modulus-1 (plus offset) per packet (nft_numgen). */
export interface NumgenExpression extends KeepsUnknown {
  /** The kernel's `numgen` expression. */
  kind: 'numgen';
  /** Register receiving the number, a host-order u32 (NFTA_NG_DREG). */
  dreg: number;
  /** The numbers wrap at this (NFTA_NG_MODULUS), 1 or more. */
  modulus: number;
  /** How they are made; a raw number for a type nlkit does not name. */
  type: NumgenType | number;
  /** Added to every number (NFTA_NG_OFFSET); the kernel lists 0 when none was given. */
  offset?: number;
}

// nft_ng_dump: DREG, MODULUS, TYPE, OFFSET.
export const numgenCodec: ExpressionCodec<NumgenExpression> = attributeTableCodec<NumgenExpression>('numgen', [
  { attr: NFTA_NG_DREG, field: 'dreg', width: 4, register: true, required: true },
  { attr: NFTA_NG_MODULUS, field: 'modulus', width: 4, required: true },
  { attr: NFTA_NG_TYPE, field: 'type', width: 4, names: NUMGEN_TYPES, required: true },
  { attr: NFTA_NG_OFFSET, field: 'offset', width: 4 },
]);
