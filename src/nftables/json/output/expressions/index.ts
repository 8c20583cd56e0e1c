// Expressions the listing keeps undecoded (`{ kind: 'unknown', name, data }`) that the JSON
// output prints from their raw attributes, one module each, by the kernel's expression name.
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

/** Delinearizes one raw expression into the rule: loads a register or emits a statement. */
export type RawExpressionHandler = (data: Buffer | undefined, ctx: RawExpressionContext, what: string) => void;

export const RAW_EXPRESSIONS: Readonly<Record<string, RawExpressionHandler>> = {
  exthdr,
  // nft's name for TCP option expressions in old kernels' listings.
  tcpopt: exthdr,
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
  connlimit: (data, ctx, what) => ctx.emit(connlimitJson(data, what)),
};
