import type { NetlinkSocket } from '../netlink/socket.js';

/** What every rtnetlink service needs: the socket, and where it lives for messages. */
export interface RouteContext {
  /** The NETLINK_ROUTE socket requests are sent on; it lives in the namespace it was opened in. */
  readonly socket: NetlinkSocket;
  /** e.g. `netns pod1`, or `current netns`; appended to error objects. */
  readonly label: string;
}
