// The tproxy statement (`tproxy ip to 127.0.0.1:5353`) as nft 1.0.6 prints it (json.c
// tproxy_stmt_json): the family only in inet tables, then address and port.
import { NFTA_TPROXY_FAMILY, NFTA_TPROXY_REG_ADDR, NFTA_TPROXY_REG_PORT } from '../../../../generated/nf_tables.js';
import { DATATYPES as T } from '../../../objects/datatypes.js';
import type { NftJsonValue } from '../../schema.js';
import type { RawExpressionContext } from './context.js';
import { RawAttributes } from './raw-attributes.js';

/** NFPROTO_IPV4 and NFPROTO_IPV6, as nft names them. */
const FAMILIES: Record<number, 'ip' | 'ip6'> = { 2: 'ip', 10: 'ip6' };

export function tproxy(data: Buffer | undefined, ctx: RawExpressionContext, what: string): void {
  const a = new RawAttributes(data, 'tproxy', what);
  const nfproto = a.u32(NFTA_TPROXY_FAMILY) ?? 0;
  const family = nfproto === 0 ? undefined : FAMILIES[nfproto] ?? a.fail(`family ${nfproto} is not one nft names`);
  const body: { [k: string]: NftJsonValue } = {};
  if (ctx.family === 'inet' && family) body.family = family;
  const addr = a.u32(NFTA_TPROXY_REG_ADDR);
  if (addr !== undefined) {
    const ip = family ?? (ctx.family === 'ip6' ? 'ip6' : 'ip');
    body.addr = ctx.value(addr, ip === 'ip6' ? T.ipv6_addr! : T.ipv4_addr!);
  }
  const port = a.u32(NFTA_TPROXY_REG_PORT);
  if (port !== undefined) body.port = ctx.value(port, T.inet_service!);
  ctx.emit({ tproxy: body });
}
