// The fwd statement (`fwd to "eth0"`, `fwd ip to 192.0.2.1 device "eth0"`) as nft 1.0.6 prints it
// (json.c fwd_stmt_json).
import type { FwdExpression } from '../../../expressions/fwd.js';
import { DATATYPES as T } from '../../../objects/datatypes.js';
import type { NftJsonValue } from '../../schema.js';
import { named, required, type RawExpressionContext } from './context.js';

export function fwd(e: FwdExpression, ctx: RawExpressionContext): void {
  const body: { [k: string]: NftJsonValue } = { dev: ctx.value(required(e.sregDev, ctx, 'fwd', 'the device register'), T.iface_index!) };
  if (e.sregAddr) {
    const family = named(e.nfproto ?? 0, ctx, 'fwd', 'family');
    body.family = family;
    body.addr = ctx.value(e.sregAddr, family === 'ip6' ? T.ipv6_addr! : T.ipv4_addr!);
  }
  ctx.emit({ fwd: body });
}
