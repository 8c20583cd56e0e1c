// The dup statement (`dup to 192.0.2.1 device "eth0"`) as nft 1.0.6 delinearizes and prints it
// (netlink_delinearize.c netlink_parse_dup, json.c dup_stmt_json): a device alone takes the
// address's place.
import type { DupExpression } from '../../../expressions/dup.js';
import { DATATYPES as T } from '../../../objects/datatypes.js';
import type { NftJsonValue } from '../../schema.js';
import type { RawExpressionContext } from './context.js';

export function dup(e: DupExpression, ctx: RawExpressionContext): void {
  let addr: NftJsonValue | undefined;
  if (e.sregAddr) {
    // nft types the address by the table's family; in other tables it has no address type.
    if (ctx.family !== 'ip' && ctx.family !== 'ip6') ctx.fail(`the dup expression: an address in a ${ctx.family} table`);
    addr = ctx.value(e.sregAddr, ctx.family === 'ip6' ? T.ipv6_addr! : T.ipv4_addr!);
  }
  const dev = e.sregDev ? ctx.value(e.sregDev, T.iface_index!) : undefined;
  if (addr === undefined && dev === undefined) {
    ctx.emit({ dup: null });
    return;
  }
  ctx.emit({ dup: addr === undefined ? { addr: dev! } : { addr, ...(dev !== undefined ? { dev } : {}) } });
}
