// The dup statement (`dup to 192.0.2.1 device "eth0"`) as nft 1.0.6 delinearizes and prints it
// (netlink_delinearize.c netlink_parse_dup, json.c dup_stmt_json): a device alone takes the
// address's place.
import { NFTA_DUP_SREG_ADDR, NFTA_DUP_SREG_DEV } from '../../../../generated/nf_tables.js';
import { DATATYPES as T } from '../../../objects/datatypes.js';
import type { NftJsonValue } from '../../schema.js';
import type { RawExpressionContext } from './context.js';
import { RawAttributes } from './raw-attributes.js';

export function dup(data: Buffer | undefined, ctx: RawExpressionContext, what: string): void {
  const a = new RawAttributes(data, 'dup', what);
  const addrRegister = a.u32(NFTA_DUP_SREG_ADDR);
  const devRegister = a.u32(NFTA_DUP_SREG_DEV);
  let addr: NftJsonValue | undefined;
  if (addrRegister) {
    // nft types the address by the table's family; in other tables it has no address type.
    if (ctx.family !== 'ip' && ctx.family !== 'ip6') a.fail(`a dup address in a ${ctx.family} table`);
    addr = ctx.value(addrRegister, ctx.family === 'ip6' ? T.ipv6_addr! : T.ipv4_addr!);
  }
  const dev = devRegister ? ctx.value(devRegister, T.iface_index!) : undefined;
  if (addr === undefined && dev === undefined) {
    ctx.emit({ dup: null });
    return;
  }
  ctx.emit({ dup: addr === undefined ? { addr: dev! } : { addr, ...(dev !== undefined ? { dev } : {}) } });
}
