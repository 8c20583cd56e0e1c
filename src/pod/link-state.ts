// Bringing a pod's link up or down by index: the requests the send inside a
// pod is made of, and what the pool's worker sends to bring a fresh
// namespace's loopback up ahead of time.
import { IFF_UP } from '../generated/if.js';
import { RTM_NEWLINK } from '../generated/rtnetlink.js';
import type { Request } from '../netlink/socket.js';
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
