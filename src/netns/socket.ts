import { NetlinkSocket } from '../netlink/socket.js';
import { resolveSocketOptions, type SocketOptions } from '../netlink/socket-options.js';
import type { NetnsHandle, NetnsRef } from './reference.js';
import { withNetns } from './switch.js';

/** Netlink socket options plus the network namespace the socket should be created in. */
export interface NamespacedSocketOptions extends SocketOptions {
  /** Namespace to bind the socket to; the calling thread's namespace when absent. */
  netns?: NetnsRef | NetnsHandle;
}

const NETNS_KEY = ['netns'];

/**
 * Checks the options of a namespaced socket as a JavaScript caller may pass
 * them: a string (a namespace name meant as `{ netns }`) or a misspelt key
 * would otherwise open the socket in the caller's own namespace.
 */
export function checkNamespacedSocketOptions(options: unknown, where: string): NamespacedSocketOptions {
  resolveSocketOptions(options, where, NETNS_KEY);
  return (options ?? {}) as NamespacedSocketOptions;
}

/**
 * Opens a netlink socket that lives in `options.netns`. A socket belongs to
 * the namespace it was created in for its whole life, so the thread only
 * visits the namespace for the socket(2) call.
 */
export function openNetlinkSocket(protocol: number, options: NamespacedSocketOptions = {}): NetlinkSocket {
  const { netns, ...socketOptions } = checkNamespacedSocketOptions(options, 'openNetlinkSocket');
  if (netns === undefined) return NetlinkSocket.open(protocol, socketOptions);
  return withNetns(netns, () => NetlinkSocket.open(protocol, socketOptions));
}
