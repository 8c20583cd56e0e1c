// The numgen expression (`numgen inc mod 4 offset 10`) as nft 1.0.6 prints it (src/numgen.c,
// json.c numgen_expr_json).
import type { NumgenExpression } from '../../../expressions/numgen.js';
import { plainInteger } from '../values.js';
import { named, required, type RawExpressionContext } from './context.js';

export function numgen(e: NumgenExpression, ctx: RawExpressionContext): void {
  const json = { numgen: { mode: named(e.type, ctx, 'numgen', 'mode'), mod: required(e.modulus, ctx, 'numgen', 'the modulus'), offset: e.offset ?? 0 } };
  // nft's numbers in a register are host-order 32-bit integers.
  ctx.load(required(e.dreg, ctx, 'numgen', 'the destination register'), { json, type: plainInteger(4, 'host'), length: 4 });
}
