// The fwd statement (`fwd to "eth0"`, `fwd ip to 192.0.2.1 device "eth0"`) as nft 1.0.6 prints it
// (json.c fwd_stmt_json).
import { NFTA_FWD_NFPROTO, NFTA_FWD_SREG_ADDR, NFTA_FWD_SREG_DEV } from '../../../../generated/nf_tables.js';
import { DATATYPES as T } from '../../../objects/datatypes.js';
import type { NftJsonValue } from '../../schema.js';
import type { RawExpressionContext } from './context.js';
import { RawAttributes } from './raw-attributes.js';

/** AF_INET and AF_INET6, as nft names them. */
const FAMILIES: Record<number, 'ip' | 'ip6'> = { 2: 'ip', 10: 'ip6' };

export function fwd(data: Buffer | undefined, ctx: RawExpressionContext, what: string): void {
  const a = new RawAttributes(data, 'fwd', what);
  const body: { [k: string]: NftJsonValue } = { dev: ctx.value(a.required(NFTA_FWD_SREG_DEV, 'the device register'), T.iface_index!) };
  const addr = a.u32(NFTA_FWD_SREG_ADDR);
  if (addr) {
    const nfproto = a.u32(NFTA_FWD_NFPROTO) ?? 0;
    const family = FAMILIES[nfproto] ?? a.fail(`family ${nfproto} is not one nft names`);
    body.family = family;
    body.addr = ctx.value(addr, family === 'ip6' ? T.ipv6_addr! : T.ipv4_addr!);
  }
  ctx.emit({ fwd: body });
}
