// The tproxy statement (`tproxy ip to 127.0.0.1:5353`) as nft 1.0.6 prints it (json.c
// tproxy_stmt_json): the family only in inet tables, then address and port.
import type { TproxyExpression } from '../../../expressions/tproxy.js';
import { DATATYPES as T } from '../../../objects/datatypes.js';
import type { NftJsonValue } from '../../schema.js';
import { named, type RawExpressionContext } from './context.js';

export function tproxy(e: TproxyExpression, ctx: RawExpressionContext): void {
  const nfproto = named(e.family ?? 'unspec', ctx, 'tproxy', 'family');
  const family = nfproto === 'unspec' ? undefined : nfproto;
  const body: { [k: string]: NftJsonValue } = {};
  if (ctx.family === 'inet' && family) body.family = family;
  if (e.regAddr !== undefined) {
    const ip = family ?? (ctx.family === 'ip6' ? 'ip6' : 'ip');
    body.addr = ctx.value(e.regAddr, ip === 'ip6' ? T.ipv6_addr! : T.ipv4_addr!);
  }
  if (e.regPort !== undefined) body.port = ctx.value(e.regPort, T.inet_service!);
  ctx.emit({ tproxy: body });
}
