import { NetlinkSocket, type SocketOptions } from '../netlink/socket.js';
import type { NetnsHandle, NetnsRef } from './reference.js';
import { withNetns } from './switch.js';

export interface NamespacedSocketOptions extends SocketOptions {
  /** Namespace to bind the socket to; the calling thread's namespace when absent. */
  netns?: NetnsRef | NetnsHandle;
}

/**
 * Opens a netlink socket that lives in `options.netns`. A socket belongs to
 * the namespace it was created in for its whole life, so the thread only
 * visits the namespace for the socket(2) call.
 */
export function openNetlinkSocket(protocol: number, options: NamespacedSocketOptions = {}): NetlinkSocket {
  const { netns, ...socketOptions } = options;
  if (netns === undefined) return NetlinkSocket.open(protocol, socketOptions);
  return withNetns(netns, () => NetlinkSocket.open(protocol, socketOptions));
}
