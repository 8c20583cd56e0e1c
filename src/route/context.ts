import type { NetlinkSocket } from '../netlink/socket.js';

/** What every rtnetlink service needs: the socket, and where it lives for messages. */
export interface RouteContext {
  readonly socket: NetlinkSocket;
  /** e.g. `netns pod1`, or `current netns`; appended to error objects. */
  readonly label: string;
}
