// `ip route show cached` / `ip route show table cache`: the routes the kernel
// cloned from its tables (IPv6 exceptions: PMTU, redirects; IPv4 next-hop
// exceptions), which a dump returns only when its request carries
// RTM_F_CLONED. The library's route listing has no such flag, so the command
// sends ip's request itself: rtmsg with the family, the protocol and
// RTM_F_CLONED, RTA_TABLE main and RTA_OIF for `dev` (iproute_dump_filter).
import { RTA_OIF, RTA_TABLE, RTM_F_CLONED, RTM_GETROUTE } from '../../generated/rtnetlink.js';
import { parseRouteProtocol, parseRouteType, parseScope, type Route, type RouteFilter } from '../../route/index.js';
import { decodeRoute, encodeRouteRequest, routeAttributeName, RTMSG_LEN } from '../../route/routes/index.js';
import { NetlinkError } from '../../netlink/index.js';
import { CliUsageError } from '../args.js';
import type { CliContext } from '../context.js';

const AF_INET = 2;
const AF_INET6 = 10;
const RT_TABLE_MAIN = 254;

/** The cloned routes of `filter.family` (IPv4 unless -6), with the kernel-side selectors ip applies to them. */
export function listCachedRoutes(ctx: CliContext, filter: RouteFilter): Route[] {
  const rt = ctx.rt();
  const family = filter.family === 6 ? AF_INET6 : AF_INET;
  let oif: number | undefined;
  if (filter.dev !== undefined) {
    oif = rt.link.list().find((l) => l.name === filter.dev || l.index === filter.dev)?.index;
    if (oif === undefined) throw new CliUsageError(`Cannot find device "${String(filter.dev)}"`);
  }
  const protocol = filter.protocol === undefined ? 0 : parseRouteProtocol(filter.protocol);
  const request = {
    type: RTM_GETROUTE,
    encode: (w: Parameters<typeof encodeRouteRequest>[0]) => {
      encodeRouteRequest(w, { family, dstLength: 0, srcLength: 0, tos: 0, table: 0, protocol, scope: 0, type: 0, flags: RTM_F_CLONED });
      w.u32(RTA_TABLE, RT_TABLE_MAIN);
      if (oif !== undefined) w.u32(RTA_OIF, oif);
    },
  };
  const op = { operation: 'list cached routes', object: `IPv${family === AF_INET6 ? 6 : 4} in ${rt.label}`, headerLength: RTMSG_LEN, attributeName: routeAttributeName };
  let dumped: (Route | undefined)[];
  try {
    dumped = rt.socket.dump(request, op, decodeRoute);
  } catch (error) {
    // A namespace without an IPv4 main table answers ENOENT; ip's save_route_errhndlr takes that as an empty main table.
    if (error instanceof NetlinkError && error.code === 'ENOENT') return [];
    throw error;
  }
  const routes = dumped.filter((r): r is Route => r !== undefined);
  const type = filter.type === undefined ? undefined : parseRouteType(filter.type);
  const scope = filter.scope === undefined ? undefined : parseScope(filter.scope);
  // filter_nlmsg: only cloned routes, and the protocol, type, scope and device ip asked for.
  return routes.filter((r) =>
    (r.flags & RTM_F_CLONED) !== 0 &&
    (protocol === 0 || r.protocol === protocol) &&
    (type === undefined || r.type === type) &&
    (scope === undefined || r.scope === scope) &&
    (oif === undefined || r.oif === oif));
}
