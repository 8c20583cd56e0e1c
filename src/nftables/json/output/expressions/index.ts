// nft's JSON for the expressions the kernel runs that nft prints as expressions or statements
// of their own (exthdr, rt, socket, tproxy...), one module each, keyed by the kernel's name.
// The values come decoded by their codecs in src/nftables/expressions.
import type { Expression } from '../../../expressions/types.js';
import { connlimitJson } from './connlimit.js';
import type { RawExpressionContext } from './context.js';
import { dup } from './dup.js';
import { exthdr } from './exthdr.js';
import { fwd } from './fwd.js';
import { hash } from './hash.js';
import { numgen } from './numgen.js';
import { osf } from './osf.js';
import { rt } from './rt.js';
import { socket } from './socket.js';
import { synproxy } from './synproxy.js';
import { tproxy } from './tproxy.js';
import { xfrm } from './xfrm.js';

export type { RawExpressionContext, RegisterLoad } from './context.js';
export { connlimitJson } from './connlimit.js';

type Kind = 'exthdr' | 'rt' | 'socket' | 'xfrm' | 'osf' | 'numgen' | 'hash' | 'tproxy' | 'dup' | 'fwd' | 'synproxy' | 'connlimit';

/** Delinearizes one expression of its kind into the rule: loads a register or emits a statement. */
export type KernelExpressionJson<K extends Kind> = (e: Extract<Expression, { kind: K }>, ctx: RawExpressionContext) => void;

export const KERNEL_EXPRESSIONS: { readonly [K in Kind]: KernelExpressionJson<K> } = {
  exthdr,
  rt,
  socket,
  xfrm,
  osf,
  numgen,
  hash,
  tproxy,
  dup,
  fwd,
  synproxy,
  connlimit: (e, ctx) => ctx.emit(connlimitJson(e)),
};

/** The JSON module for an expression of this kind, if nft prints it through one. */
export function kernelExpressionJson(e: Expression): ((ctx: RawExpressionContext) => void) | undefined {
  if (!Object.hasOwn(KERNEL_EXPRESSIONS, e.kind)) return undefined;
  const handler = KERNEL_EXPRESSIONS[e.kind as Kind] as (e: Expression, ctx: RawExpressionContext) => void;
  return (ctx) => handler(e, ctx);
}
