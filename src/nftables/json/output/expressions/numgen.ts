// The numgen expression (`numgen inc mod 4 offset 10`) as nft 1.0.6 prints it (src/numgen.c,
// json.c numgen_expr_json).
import { NFT_NG_INCREMENTAL, NFT_NG_RANDOM, NFTA_NG_DREG, NFTA_NG_MODULUS, NFTA_NG_OFFSET, NFTA_NG_TYPE } from '../../../../generated/nf_tables.js';
import { plainInteger } from '../values.js';
import type { RawExpressionContext } from './context.js';
import { RawAttributes } from './raw-attributes.js';

const MODES: Record<number, string> = { [NFT_NG_INCREMENTAL]: 'inc', [NFT_NG_RANDOM]: 'random' };

export function numgen(data: Buffer | undefined, ctx: RawExpressionContext, what: string): void {
  const a = new RawAttributes(data, 'numgen', what);
  const mode = MODES[a.u32(NFTA_NG_TYPE) ?? 0] ?? a.fail('a mode nft does not name');
  const json = { numgen: { mode, mod: a.required(NFTA_NG_MODULUS, 'the modulus'), offset: a.u32(NFTA_NG_OFFSET) ?? 0 } };
  // nft's numbers in a register are host-order 32-bit integers.
  ctx.load(a.required(NFTA_NG_DREG, 'the destination register'), { json, type: plainInteger(4, 'host'), length: 4 });
}
