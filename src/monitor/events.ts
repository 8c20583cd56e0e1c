// What a monitor delivers: one typed event per kernel notification, plus the
// monitor's own signals (overrun, synced). rtnetlink notifications are
// decoded with the same decoders as dumps, so an event's object is exactly
// what `rt.link.get` / `rt.route.list` would return.
import type { Address } from '../route/addresses/message.js';
import type { Link } from '../route/links/types.js';
import type { Neighbour } from '../route/neighbours/message.js';
import type { Nexthop } from '../route/nexthops/message.js';
import type { NetnsId } from '../route/nsid/message.js';
import type { Route } from '../route/routes/message.js';
import type { Rule } from '../route/rules/message.js';
import type { NftablesEvent } from './nftables-events.js';

/** Whether the kernel announced an object (or a change to it) or its removal. */
export type EventAction = 'new' | 'del';

/** What every object event carries besides its object. */
export interface EventOrigin {
  /** `new` for a creation or a change, `del` for a removal. */
  action: EventAction;
  /**
   * With `listenAllNsid`: the id, in the monitor's namespace, of the namespace
   * the notification came from; absent for the monitor's own namespace.
   */
  nsid?: number;
  /** nlmsg_flags of the notification (NLM_F_CREATE, NLM_F_REPLACE, NLM_F_APPEND...); 0 for synthesized events. */
  flags: number;
  /**
   * nlmsg_pid of the notification: for routes, rules, IPv4 addresses, new
   * neighbours and nftables, the port id of the socket whose request caused
   * the change; 0 when the kernel does not say (every link notification, IPv6
   * addresses, neighbour removals, changes the kernel makes by itself) and for
   * events a monitor synthesizes.
   */
  portId: number;
  /**
   * Not announced by the kernel but deduced by a monitor that keeps a view:
   * routes, addresses and neighbours that went with their device, routes that
   * went with an address or with a device going down, nexthops that went with
   * their device, routes that went with their nexthop object.
   */
  inferred?: true;
  /** Delivered by the initial listing of a list-and-watch monitor, before its `synced` event. */
  initial?: true;
  /** Delivered by a resynchronisation after an overrun: the difference between the view and a fresh dump. */
  resync?: true;
}

/** A link appeared, changed (flags, name, master, mtu...) or went away (RTM_NEWLINK / RTM_DELLINK). */
export interface LinkEvent extends EventOrigin {
  /** Discriminates the event union. */
  kind: 'link';
  /** The link as decoded from the notification. */
  link: Link;
}

/** An IPv4 or IPv6 address was added, changed (flags, lifetimes) or removed (RTM_NEWADDR / RTM_DELADDR). */
export interface AddressEvent extends EventOrigin {
  /** Discriminates the event union. */
  kind: 'address';
  /** The address as decoded from the notification. */
  address: Address;
}

/** A route was added, replaced or removed (RTM_NEWROUTE / RTM_DELROUTE), in any table. */
export interface RouteEvent extends EventOrigin {
  /** Discriminates the event union. */
  kind: 'route';
  /** The route as decoded from the notification. */
  route: Route;
}

/** A neighbour (ARP / NDP) entry appeared, changed state or went away (RTM_NEWNEIGH / RTM_DELNEIGH). */
export interface NeighbourEvent extends EventOrigin {
  /** Discriminates the event union. */
  kind: 'neighbour';
  /** The neighbour entry as decoded from the notification. */
  neighbour: Neighbour;
}

/** A policy routing rule was added or removed (RTM_NEWRULE / RTM_DELRULE). */
export interface RuleEvent extends EventOrigin {
  /** Discriminates the event union. */
  kind: 'rule';
  /** The rule as decoded from the notification. */
  rule: Rule;
}

/** A namespace id was assigned or released (RTM_NEWNSID / RTM_DELNSID): a peer namespace got an id, or died. */
export interface NsidEvent extends EventOrigin {
  /** Discriminates the event union. */
  kind: 'nsid';
  /** The id and, when the kernel says, the peer's id as the monitor's namespace sees it. */
  netnsId: NetnsId;
}

/**
 * A nexthop object or group was created, replaced or removed (RTM_NEWNEXTHOP /
 * RTM_DELNEXTHOP). The kernel says nothing when a device going down or away
 * takes its nexthops with it; a monitor with a view infers those removals.
 */
export interface NexthopEvent extends EventOrigin {
  /** Discriminates the event union. */
  kind: 'nexthop';
  /** The nexthop as decoded from the notification, as `rt.nexthop.get` returns it. */
  nexthop: Nexthop;
}

/** An event about a kernel object of rtnetlink. */
export type RouteObjectEvent = LinkEvent | AddressEvent | RouteEvent | NeighbourEvent | RuleEvent | NsidEvent | NexthopEvent;

/** The rtnetlink object kinds a monitor reports. */
export type RouteObjectKind = RouteObjectEvent['kind'];

/**
 * The kernel dropped notifications: the monitor's receive queue overflowed
 * (ENOBUFS). Some changes were not seen; with `resync` the monitor dumps the
 * affected kinds again and delivers the difference, then a `synced` event.
 */
export interface OverrunEvent {
  /** Discriminates the event union. */
  kind: 'overrun';
  /**
   * What overflowed: the kernel's queue of the `route` (rtnetlink) or
   * `nftables` socket, or an async iterator's queue (`consumer`) that fell more
   * than `maxQueuedEvents` behind, whose backlog was dropped.
   */
  source: 'route' | 'nftables' | 'consumer';
  /** How many overruns this monitor has seen, this one included. */
  count: number;
  /** Whether a resynchronisation follows. */
  resyncing: boolean;
}

/**
 * The view matches the kernel: the end of a list-and-watch monitor's initial
 * listing, or of a resynchronisation after an overrun. Every event after it
 * is a change that happened after the listing.
 */
export interface SyncedEvent {
  /** Discriminates the event union. */
  kind: 'synced';
  /** Why: the initial listing, or a resynchronisation after an overrun. */
  reason: 'initial' | 'resync';
}

/** Everything a monitor delivers. */
export type MonitorEvent = RouteObjectEvent | NftablesEvent | OverrunEvent | SyncedEvent;
