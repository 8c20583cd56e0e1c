// Bringing a pod's link up or down by index: the requests the send inside a
// pod is made of, and what the pool's worker sends to bring a fresh
// namespace's loopback up ahead of time.
import { IFF_UP } from '../generated/if.js';
import { IFLA_AF_SPEC, IFLA_INET6_ADDR_GEN_MODE, IN6_ADDR_GEN_MODE_NONE } from '../generated/if_link.js';
import { RTM_NEWLINK } from '../generated/rtnetlink.js';
import type { Request } from '../netlink/socket.js';
import { AF_INET6 } from '../sys/constants.js';
import { encodeLinkRequest, type LinkRequest } from '../route/links/message.js';

/** Every namespace's loopback device has ifindex 1. */
export const LOOPBACK_INDEX = 1;

export function upRequest(index: number): Request {
  const body: LinkRequest = { index, flags: IFF_UP, change: IFF_UP };
  return { type: RTM_NEWLINK, flags: 0, encode: (w) => encodeLinkRequest(w, body) };
}

export function downRequest(index: number): Request {
  const body: LinkRequest = { index, flags: 0, change: IFF_UP };
  return { type: RTM_NEWLINK, flags: 0, encode: (w) => encodeLinkRequest(w, body) };
}

/**
 * `ip link set DEV addrgenmode none`: the kernel gives the link no IPv6
 * link-local address, so it sends no duplicate address detection, router
 * solicitation or MLD report when it comes up. Only before it is up: the
 * kernel applies IFLA_AF_SPEC after the flags of the same request.
 */
export function noAddrGenRequest(index: number): Request {
  const body: LinkRequest = { index, flags: 0, change: 0 };
  return {
    type: RTM_NEWLINK, flags: 0, encode: (w) => {
      encodeLinkRequest(w, body);
      const spec = w.beginNested(IFLA_AF_SPEC);
      const inet6 = w.beginNested(AF_INET6);
      w.u8(IFLA_INET6_ADDR_GEN_MODE, IN6_ADDR_GEN_MODE_NONE);
      w.endNested(inet6);
      w.endNested(spec);
    },
  };
}
