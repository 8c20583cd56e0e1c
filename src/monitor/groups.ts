// The names a user subscribes with, and the multicast groups behind them.
import { InvalidArgumentError } from '../netlink/addresses.js';
import { describeValue } from '../netlink/checks.js';
import {
  RTNLGRP_IPV4_IFADDR, RTNLGRP_IPV4_ROUTE, RTNLGRP_IPV4_RULE, RTNLGRP_IPV6_IFADDR, RTNLGRP_IPV6_ROUTE, RTNLGRP_IPV6_RULE,
  RTNLGRP_LINK, RTNLGRP_NEIGH, RTNLGRP_NEXTHOP, RTNLGRP_NSID,
} from '../generated/rtnetlink.js';
import type { RouteObjectKind } from './events.js';

/**
 * What a monitor can subscribe to: an rtnetlink kind (both families where it
 * has two), one family of it, or nf_tables changes.
 */
export type MonitorGroup =
  | 'link' | 'address' | 'ipv4-address' | 'ipv6-address' | 'route' | 'ipv4-route' | 'ipv6-route'
  | 'neighbour' | 'rule' | 'ipv4-rule' | 'ipv6-rule' | 'nsid' | 'nexthop' | 'nftables';

/** What subscribing to a group name means. */
export interface MonitorGroupMembership {
  /** The event kind the group delivers (`nftables`: the nft-* kinds). */
  kind: RouteObjectKind | 'nftables';
  /** The RTNLGRP_* multicast groups joined on the rtnetlink socket. */
  groups: readonly number[];
}

/** Each group name with the rtnetlink multicast groups (RTNLGRP_*) it joins; `nftables` joins NFNLGRP_NFTABLES on its own socket. */
export const MONITOR_GROUPS: Readonly<Record<MonitorGroup, MonitorGroupMembership>> = {
  link: { kind: 'link', groups: [RTNLGRP_LINK] },
  address: { kind: 'address', groups: [RTNLGRP_IPV4_IFADDR, RTNLGRP_IPV6_IFADDR] },
  'ipv4-address': { kind: 'address', groups: [RTNLGRP_IPV4_IFADDR] },
  'ipv6-address': { kind: 'address', groups: [RTNLGRP_IPV6_IFADDR] },
  route: { kind: 'route', groups: [RTNLGRP_IPV4_ROUTE, RTNLGRP_IPV6_ROUTE] },
  'ipv4-route': { kind: 'route', groups: [RTNLGRP_IPV4_ROUTE] },
  'ipv6-route': { kind: 'route', groups: [RTNLGRP_IPV6_ROUTE] },
  neighbour: { kind: 'neighbour', groups: [RTNLGRP_NEIGH] },
  rule: { kind: 'rule', groups: [RTNLGRP_IPV4_RULE, RTNLGRP_IPV6_RULE] },
  'ipv4-rule': { kind: 'rule', groups: [RTNLGRP_IPV4_RULE] },
  'ipv6-rule': { kind: 'rule', groups: [RTNLGRP_IPV6_RULE] },
  nsid: { kind: 'nsid', groups: [RTNLGRP_NSID] },
  nexthop: { kind: 'nexthop', groups: [RTNLGRP_NEXTHOP] },
  nftables: { kind: 'nftables', groups: [] },
};

/** The rtnetlink groups a monitor joins when it is not told: every kind, both families. */
export const DEFAULT_MONITOR_GROUPS: readonly MonitorGroup[] = ['link', 'address', 'route', 'neighbour', 'rule', 'nsid', 'nexthop'];

/** Checks a `groups` option and works out the sockets' memberships. */
export function resolveGroups(groups: unknown): { names: MonitorGroup[]; kinds: RouteObjectKind[]; routeGroups: number[]; nftables: boolean } {
  const names = groups === undefined ? [...DEFAULT_MONITOR_GROUPS] : groups;
  if (!Array.isArray(names) || names.length === 0) {
    throw new InvalidArgumentError(`openMonitor: groups must be a non-empty array of ${Object.keys(MONITOR_GROUPS).join(', ')}; got ${describeValue(groups)}`);
  }
  const kinds = new Set<RouteObjectKind>();
  const routeGroups = new Set<number>();
  let nftables = false;
  for (const name of names) {
    const entry = typeof name === 'string' ? MONITOR_GROUPS[name as MonitorGroup] : undefined;
    if (!entry || !Object.hasOwn(MONITOR_GROUPS, name as string)) {
      throw new InvalidArgumentError(`openMonitor: unknown group ${describeValue(name)}; groups are ${Object.keys(MONITOR_GROUPS).join(', ')}`);
    }
    if (entry.kind === 'nftables') nftables = true;
    else kinds.add(entry.kind);
    for (const group of entry.groups) routeGroups.add(group);
  }
  return { names: [...new Set(names as MonitorGroup[])], kinds: [...kinds], routeGroups: [...routeGroups], nftables };
}
