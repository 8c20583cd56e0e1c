// Shared by the address and route tests: services on a socket in a test
// namespace, and link names as `ip` resolves them.
import type { Test } from 'tap';
import { NETLINK_ROUTE } from '../../src/generated/netlink.js';
import type { NetlinkSocket } from '../../src/netlink/socket.js';
import { openNetlinkSocket } from '../../src/netns/index.js';
import { AddressService } from '../../src/route/addresses/service.js';
import { LinkService } from '../../src/route/links/service.js';
import { RouteService } from '../../src/route/routes/service.js';
import { ip, ipJson } from '../helpers/netns.js';

export interface Services {
  socket: NetlinkSocket;
  link: LinkService;
  addr: AddressService;
  route: RouteService;
  label: string;
}

/** An rtnetlink socket in `netns` with the link, address and route services on it, closed on teardown. */
export function services(t: Test, netns: string): Services {
  const socket = openNetlinkSocket(NETLINK_ROUTE, { netns });
  t.teardown(() => socket.close());
  const ctx = { socket, label: `netns ${netns}` };
  return { socket, link: new LinkService(ctx), addr: new AddressService(ctx), route: new RouteService(ctx), label: ctx.label };
}

/** A veth pair v0/v1, both up (so v0 has carrier), plus whatever else the test adds. */
export function vethPair(netns: string, a = 'v0', b = 'v1'): void {
  ip(netns, 'link', 'add', a, 'type', 'veth', 'peer', 'name', b);
  ip(netns, 'link', 'set', a, 'up');
  ip(netns, 'link', 'set', b, 'up');
}

/** ifindex → name, as `ip` resolves `dev`. */
export function linkNames(netns: string): Map<number, string> {
  return new Map(ipJson<{ ifindex: number; ifname: string }[]>(netns, 'link', 'show').map((l) => [l.ifindex, l.ifname]));
}

export function ifindex(netns: string, name: string): number {
  return ipJson<{ ifindex: number }[]>(netns, 'link', 'show', 'dev', name)[0]!.ifindex;
}
