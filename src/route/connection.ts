import { NETLINK_ROUTE } from '../generated/netlink.js';
import type { NetlinkSocket } from '../netlink/socket.js';
import { requireSocket, requireString } from '../netlink/checks.js';
import { resolveSocketOptions } from '../netlink/socket-options.js';
import { describeNetns, validateNetnsRef } from '../netns/reference.js';
import { openNetlinkSocket, type NamespacedSocketOptions } from '../netns/socket.js';
import { AddressService } from './addresses/service.js';
import type { RouteContext } from './context.js';
import { LinkService } from './links/service.js';
import { FdbService } from './fdb/service.js';
import { NeighbourService } from './neighbours/service.js';
import { NexthopService } from './nexthops/service.js';
import { NsidService } from './nsid/service.js';
import { RouteService } from './routes/service.js';
import { RuleService } from './rules/service.js';
import { TcService } from './tc/service.js';
import './describe.js';

/**
 * An rtnetlink connection bound to one network namespace, with a service per
 * object kind: `link`, `addr`, `route`, `neigh`, `nexthop`, `rule`, `nsid` (the words of
 * `ip link`, `ip addr`, `ip route`, `ip neigh`, `ip nexthop`, `ip rule`, `ip netns set/list-id`). Every method has a synchronous form and an `...Async` form.
 */
export class RouteConnection implements RouteContext {
  /** Network interfaces (`ip link`): RTM_NEWLINK/DELLINK/GETLINK. */
  readonly link: LinkService;
  /** Interface addresses (`ip addr`): RTM_NEWADDR/DELADDR/GETADDR. */
  readonly addr: AddressService;
  /** Routing table entries (`ip route`): RTM_NEWROUTE/DELROUTE/GETROUTE. */
  readonly route: RouteService;
  /** ARP / NDP neighbour entries and bridge fdb (`ip neigh`): RTM_NEWNEIGH/DELNEIGH/GETNEIGH. */
  readonly neigh: NeighbourService;
  /** Nexthop objects that routes point at with `nhid` (`ip nexthop`): RTM_NEWNEXTHOP/DELNEXTHOP/GETNEXTHOP. */
  readonly nexthop: NexthopService;
  /** Bridge forwarding database (`bridge fdb`): RTM_NEWNEIGH/DELNEIGH/GETNEIGH of family AF_BRIDGE. */
  readonly fdb: FdbService;
  /** Policy routing rules (`ip rule`): RTM_NEWRULE/DELRULE/GETRULE. */
  readonly rule: RuleService;
  /** Namespace ids as seen from this namespace (`ip netns set` / `ip netns list-id`): RTM_NEWNSID/GETNSID. */
  readonly nsid: NsidService;
  /** Traffic control (`tc qdisc|class|filter`): RTM_*QDISC, RTM_*TCLASS, RTM_*TFILTER. */
  readonly tc: TcService;

  /**
   * Wraps an already open NETLINK_ROUTE socket; {@link openRoute} is the usual way in.
   * @throws InvalidArgumentError when `socket` is not a NetlinkSocket or `label` not a string.
   */
  constructor(
    /** The NETLINK_ROUTE socket every service sends on; owned by this connection and closed by {@link close}. */
    readonly socket: NetlinkSocket,
    /** e.g. `netns pod1`, or `current netns`; appended to error messages. */
    readonly label: string,
  ) {
    requireSocket(socket, 'RouteConnection', 'openRoute()');
    requireString(label, 'RouteConnection: label');
    this.link = new LinkService(this);
    this.addr = new AddressService(this);
    this.route = new RouteService(this);
    this.neigh = new NeighbourService(this);
    this.nexthop = new NexthopService(this);
    this.fdb = new FdbService(this);
    this.rule = new RuleService(this);
    this.nsid = new NsidService(this);
    this.tc = new TcService(this);
  }

  /** Closes the socket; any later call on the services fails. */
  close(): void {
    this.socket.close();
  }
}

/**
 * Opens an rtnetlink connection in `options.netns` (default: the calling
 * thread's namespace). Options are checked before anything is opened: from
 * plain JavaScript, `openRoute('pod1')` would otherwise open a socket in the
 * caller's namespace.
 */
export function openRoute(options: NamespacedSocketOptions = {}): RouteConnection {
  resolveSocketOptions(options, 'openRoute', ['netns']);
  if (options.netns !== undefined) validateNetnsRef(options.netns, 'openRoute: options.netns');
  const socket = openNetlinkSocket(NETLINK_ROUTE, options);
  const label = options.netns === undefined ? 'current netns' : describeNetns(options.netns as never);
  return new RouteConnection(socket, label);
}
