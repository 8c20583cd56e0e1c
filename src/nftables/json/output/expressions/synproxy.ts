// The synproxy statement (`synproxy mss 1460 wscale 7 timestamp sack-perm`) as nft 1.0.6
// prints it (json.c synproxy_stmt_json).
import { SYNPROXY_OPTIONS as OPT, type SynproxyExpression } from '../../../expressions/synproxy.js';
import type { NftJsonValue } from '../../schema.js';
import type { RawExpressionContext } from './context.js';

export function synproxy(e: SynproxyExpression, ctx: RawExpressionContext): void {
  const flags = e.flags ?? 0;
  const body: { [k: string]: NftJsonValue } = {};
  if (flags & OPT.mss) body.mss = e.mss ?? 0;
  if (flags & OPT.wscale) body.wscale = e.wscale ?? 0;
  const names = [...(flags & OPT.timestamp ? ['timestamp'] : []), ...(flags & OPT['sack-perm'] ? ['sack-perm'] : [])];
  if (names.length) body.flags = names;
  ctx.emit({ synproxy: Object.keys(body).length ? body : null });
}
