// The hash expression (`jhash ip saddr . tcp dport mod 4 seed 0x1 offset 10`, `symhash mod 2`)
// as nft 1.0.6 prints it (src/hash.c, json.c hash_expr_json).
import type { HashExpression } from '../../../expressions/hash.js';
import type { NftJsonValue } from '../../schema.js';
import { plainInteger } from '../values.js';
import { required, type RawExpressionContext } from './context.js';

export function hash(e: HashExpression, ctx: RawExpressionContext): void {
  const symmetric = e.type === 'sym';
  const body: { [k: string]: NftJsonValue } = { mod: required(e.modulus, ctx, 'hash', 'the modulus') };
  // nft sends a seed only when one was given (and prints it then, even 0).
  if (e.seed !== undefined) body.seed = e.seed;
  if (e.offset) body.offset = e.offset;
  if (!symmetric) body.expr = ctx.key(required(e.sreg, ctx, 'hash', 'the source register'), required(e.length, ctx, 'hash', 'the length'));
  ctx.load(required(e.dreg, ctx, 'hash', 'the destination register'), { json: { [symmetric ? 'symhash' : 'jhash']: body }, type: plainInteger(4, 'host'), length: 4 });
}
