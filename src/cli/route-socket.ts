// The rtnetlink socket of one namespace, opened as openRoute opens it but
// without loading the route barrel (every link kind, tc, fdb): a -batch of
// routes or addresses sends on it through their two services alone, and a
// RouteConnection is built on the same socket when a line needs more.
import { NETLINK_ROUTE } from '../generated/netlink.js';
import { describeNetns, openNetlinkSocket, validateNetnsRef } from '../netns/index.js';
import type { RouteContext } from '../route/index.js';

/** A NETLINK_ROUTE socket in `netns` (the current namespace without), and the label errors name it by, as openRoute gives them. */
export function openRouteSocket(netns: string | undefined): RouteContext {
  if (netns === undefined) return { socket: openNetlinkSocket(NETLINK_ROUTE), label: 'current netns' };
  validateNetnsRef(netns, 'openRoute: options.netns');
  return { socket: openNetlinkSocket(NETLINK_ROUTE, { netns }), label: describeNetns(netns) };
}
