// The kernel's rtnetlink objects as a monitor last saw them, keyed the way
// the kernel identifies them, so that a notification replaces or removes
// exactly the object it is about and a fresh dump can be compared with it.
import type { Address } from '../route/addresses/message.js';
import type { Link } from '../route/links/types.js';
import type { Neighbour } from '../route/neighbours/message.js';
import type { Nexthop } from '../route/nexthops/message.js';
import type { NetnsId } from '../route/nsid/message.js';
import type { Route } from '../route/routes/message.js';
import type { Rule } from '../route/rules/message.js';
import type { RouteObjectEvent, RouteObjectKind } from './events.js';

/** The decoded object type of each kind. */
export interface ViewObjects {
  /** A network device. */
  link: Link;
  /** An IPv4 or IPv6 address on a device. */
  address: Address;
  /** A route of any table. */
  route: Route;
  /** An ARP or NDP cache entry. */
  neighbour: Neighbour;
  /** A policy routing rule. */
  rule: Rule;
  /** A peer namespace's id. */
  nsid: NetnsId;
  /** A nexthop object or group. */
  nexthop: Nexthop;
}

/**
 * Fields that count or time things: they change without a notification and
 * say nothing about identity. A link's raw `afSpec` carries the IPv6
 * statistics and the per-device sysctls, which change without RTM_NEWLINK.
 */
const VOLATILE_KEYS = new Set([
  'stats', 'stats64', 'xstats', 'afSpec', 'cacheinfo', 'cacheInfo', 'validLifetime', 'preferredLifetime', 'expires',
  'confirmed', 'used', 'updated', 'refcnt', 'probes', 'unknown', 'carrierChanges', 'carrierUpCount', 'carrierDownCount',
]);

/** A stable text of an object without its counters and timers, to tell a change from a repeat. */
export function fingerprint(value: unknown): string {
  return JSON.stringify(value, (key, v: unknown) => {
    if (VOLATILE_KEYS.has(key)) return undefined;
    return typeof v === 'bigint' ? v.toString() : v;
  });
}

/** The key under which the kernel knows an object: what a deletion names and a replacement replaces. */
export function objectKey(kind: RouteObjectKind, object: ViewObjects[RouteObjectKind]): string {
  switch (kind) {
    case 'link':
      return String((object as Link).index);
    case 'address': {
      const a = object as Address;
      return `${a.index}|${a.family}|${a.local ?? a.address}|${a.prefixLength}`;
    }
    case 'route': {
      const r = object as Route;
      // IPv4 knows a route by table, prefix, TOS and metric; IPv6 also by
      // source prefix and, for routes added side by side, by next hop.
      const base = `${r.family}|${r.table}|${r.dst ?? ''}/${r.dstLength}|${r.tos}|${r.priority ?? 0}`;
      if (r.family === 4) return base;
      return `${base}|${r.src ?? ''}/${r.srcLength}|${r.nexthops ? 'multipath' : `${r.oif ?? 0}|${r.gateway ?? ''}`}|${r.type}`;
    }
    case 'neighbour': {
      const n = object as Neighbour;
      return `${n.ifindex}|${n.family}|${n.dst ?? ''}`;
    }
    case 'rule':
      return fingerprint(object);
    case 'nsid':
      return String((object as NetnsId).nsid);
    case 'nexthop':
      return String((object as Nexthop).id);
  }
}

/** The object an event carries. */
export function eventObject(event: RouteObjectEvent): ViewObjects[RouteObjectKind] {
  switch (event.kind) {
    case 'link': return event.link;
    case 'address': return event.address;
    case 'route': return event.route;
    case 'neighbour': return event.neighbour;
    case 'rule': return event.rule;
    case 'nsid': return event.netnsId;
    case 'nexthop': return event.nexthop;
  }
}

/** Whether a view tracks this object: what the dumps it is compared with return. */
export function tracked(event: RouteObjectEvent): boolean {
  if (event.kind === 'neighbour') return !event.neighbour.flagNames.includes('PROXY');
  return true;
}

/**
 * The objects of one namespace, kept up to date from notifications: links by
 * ifindex, addresses, routes, neighbours, rules, namespace ids and nexthops
 * by their kernel identity (see `objectKey`). Read it; the monitor writes it.
 */
export class NetworkView {
  /** Links by ifindex. */
  readonly links = new Map<string, Link>();
  /** Addresses by `ifindex|family|address|prefix length`. */
  readonly addresses = new Map<string, Address>();
  /** Routes of every table by `family|table|dst/len|tos|metric` (IPv6 adds source and next hop). */
  readonly routes = new Map<string, Route>();
  /** Neighbour cache entries (not proxy entries) by `ifindex|family|address`. */
  readonly neighbours = new Map<string, Neighbour>();
  /** Policy rules by their whole content. */
  readonly rules = new Map<string, Rule>();
  /** Namespace ids by id. */
  readonly nsids = new Map<string, NetnsId>();
  /** Nexthop objects and groups by id. */
  readonly nexthops = new Map<string, Nexthop>();

  /** The map holding a kind. */
  mapOf<K extends RouteObjectKind>(kind: K): Map<string, ViewObjects[K]> {
    // A switch, not a lookup object: every notification asks, and an object per call was garbage.
    let map: Map<string, ViewObjects[RouteObjectKind]>;
    switch (kind) {
      case 'link': map = this.links; break;
      case 'address': map = this.addresses; break;
      case 'route': map = this.routes; break;
      case 'neighbour': map = this.neighbours; break;
      case 'rule': map = this.rules; break;
      case 'nexthop': map = this.nexthops; break;
      default: map = this.nsids;
    }
    return map as unknown as Map<string, ViewObjects[K]>;
  }

  /** A link by ifindex. */
  link(index: number): Link | undefined {
    return this.links.get(String(index));
  }

  /** Applies an event; returns false when it changes nothing (a repeat, or the removal of an unknown object). */
  apply(event: RouteObjectEvent): boolean {
    if (!tracked(event)) return false;
    const object = eventObject(event);
    const key = objectKey(event.kind, object);
    if (event.action === 'del') return this.remove(event.kind, key);
    const before = this.put(event.kind, key, object);
    return before === undefined || fingerprint(before) !== fingerprint(object);
  }

  /** Stores an object under its key; returns the one it replaces. */
  put<K extends RouteObjectKind>(kind: K, key: string, object: ViewObjects[K]): ViewObjects[K] | undefined {
    const map = this.mapOf(kind);
    const before = map.get(key);
    if (kind === 'route') {
      if (before !== undefined) this.indexRoute(before as Route, -1);
      this.indexRoute(object as Route, 1);
    }
    map.set(key, object);
    return before;
  }

  /** Removes the object stored under a key; false when there was none. */
  remove(kind: RouteObjectKind, key: string): boolean {
    const map = this.mapOf(kind);
    const before = map.get(key);
    if (before === undefined) return false;
    map.delete(key);
    if (kind === 'route') this.indexRoute(before as Route, -1);
    return true;
  }

  /**
   * Whether an IPv4 route outside table local has `address` as preferred
   * source: the kernel drops those silently when the address goes.
   */
  hasIpv4RoutesFrom(address: string): boolean {
    return this.ipv4RoutesBySource.has(address);
  }

  /** Whether an IPv4 route goes through device `index`: the kernel drops those silently when it goes down. */
  hasIpv4RoutesThrough(index: number): boolean {
    return this.ipv4RoutesByDevice.has(index);
  }

  /** Whether a route names nexthop object `id` (`nhid`): the kernel drops IPv4 ones silently with the nexthop. */
  hasRoutesUsingNexthop(id: number): boolean {
    return this.routesByNexthop.has(id);
  }

  /**
   * Whether a nexthop (not a group) leaves through device `index`: the kernel
   * drops those silently when it goes down or away. A scan, asked only for a
   * device that is down or gone; namespaces hold few nexthops next to routes.
   */
  hasNexthopsThrough(index: number): boolean {
    for (const nexthop of this.nexthops.values()) if (nexthop.oif === index) return true;
    return false;
  }

  // Counts, not scans: an address deletion or a device going down asks these
  // on every notification, and a view may hold a whole routing table.
  private readonly ipv4RoutesBySource = new Map<string, number>();
  private readonly ipv4RoutesByDevice = new Map<number, number>();
  private readonly routesByNexthop = new Map<number, number>();

  private indexRoute(route: Route, delta: 1 | -1): void {
    if (route.nhid !== undefined) count(this.routesByNexthop, route.nhid, delta);
    if (route.family !== 4) return;
    if (route.prefsrc !== undefined && route.table !== 255) count(this.ipv4RoutesBySource, route.prefsrc, delta);
    if (route.nexthops === undefined) {
      // The common case, without a set per route.
      if (route.oif !== undefined) count(this.ipv4RoutesByDevice, route.oif, delta);
      return;
    }
    const devices = new Set<number>();
    if (route.oif !== undefined) devices.add(route.oif);
    for (const hop of route.nexthops) if (hop.oif !== undefined) devices.add(hop.oif);
    for (const device of devices) count(this.ipv4RoutesByDevice, device, delta);
  }
}

function count<K>(counts: Map<K, number>, key: K, delta: 1 | -1): void {
  const n = (counts.get(key) ?? 0) + delta;
  if (n > 0) counts.set(key, n);
  else counts.delete(key);
}
