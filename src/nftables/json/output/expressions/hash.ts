// The hash expression (`jhash ip saddr . tcp dport mod 4 seed 0x1 offset 10`, `symhash mod 2`)
// as nft 1.0.6 prints it (src/hash.c, json.c hash_expr_json).
import {
  NFT_HASH_SYM, NFTA_HASH_DREG, NFTA_HASH_LEN, NFTA_HASH_MODULUS, NFTA_HASH_OFFSET, NFTA_HASH_SEED, NFTA_HASH_SREG, NFTA_HASH_TYPE,
} from '../../../../generated/nf_tables.js';
import type { NftJsonValue } from '../../schema.js';
import { plainInteger } from '../values.js';
import type { RawExpressionContext } from './context.js';
import { RawAttributes } from './raw-attributes.js';

export function hash(data: Buffer | undefined, ctx: RawExpressionContext, what: string): void {
  const a = new RawAttributes(data, 'hash', what);
  const symmetric = a.u32(NFTA_HASH_TYPE) === NFT_HASH_SYM;
  const body: { [k: string]: NftJsonValue } = { mod: a.required(NFTA_HASH_MODULUS, 'the modulus') };
  // nft sends a seed only when one was given (and prints it then, even 0).
  const seed = a.u32(NFTA_HASH_SEED);
  if (seed !== undefined) body.seed = seed;
  const offset = a.u32(NFTA_HASH_OFFSET) ?? 0;
  if (offset) body.offset = offset;
  if (!symmetric) body.expr = ctx.key(a.required(NFTA_HASH_SREG, 'the source register'), a.required(NFTA_HASH_LEN, 'the length'));
  ctx.load(a.required(NFTA_HASH_DREG, 'the destination register'), { json: { [symmetric ? 'symhash' : 'jhash']: body }, type: plainInteger(4, 'host'), length: 4 });
}
