import {
  RT_SCOPE_UNIVERSE, RT_TABLE_MAIN, RTAX_CC_ALGO, RTAX_FEATURE_ECN, RTAX_FEATURES, RTAX_FASTOPEN_NO_COOKIE, RTAX_HOPLIMIT,
  RTAX_MTU, RTAX_RTO_MIN, RTAX_RTT, RTAX_RTTVAR, RTM_F_CLONED, RTM_F_NOTIFY, RTM_F_OFFLOAD, RTM_F_OFFLOAD_FAILED,
  RTM_F_TRAP, RTN_MULTICAST, RTN_UNICAST, RTNH_F_DEAD, RTNH_F_LINKDOWN, RTNH_F_OFFLOAD, RTNH_F_ONLINK, RTNH_F_PERVASIVE,
  RTNH_F_TRAP, RTNH_F_UNRESOLVED, RTPROT_BOOT,
} from '../../generated/rtnetlink.js';
import {
  RTCF_BROADCAST, RTCF_DIRECTDST, RTCF_DIRECTSRC, RTCF_DNAT, RTCF_DOREDIRECT, RTCF_FAST, RTCF_LOCAL, RTCF_MASQ,
  RTCF_MULTICAST, RTCF_NOTIFY, RTCF_REDIRECTED, RTCF_REJECT, RTCF_SNAT, RTCF_TPROXY,
} from '../../generated/in_route.js';
import { AF_INET, AF_INET6 } from '../../sys/constants.js';
import { familyName } from '../family.js';
import { dsfieldName, realmName, routeProtocolName, routeTableName, routeTypeName, scopeName } from '../iproute2-names.js';
import { hex0x, ipLinkName, type IpJson } from '../ipjson.js';
import { addEncapJson } from './encap-json.js';
import type { Nexthop } from '../nexthops/message.js';
import { nexthopToIpJson } from '../nexthops/ipjson.js';
import { USER_HZ, type Route, type RouteCacheInfo, type RouteNexthop, type RouteVia } from './message.js';
import { kernelMetricValues, lockBits, type RouteMetrics } from './metrics.js';
import { requireMap, requireObject } from '../../netlink/checks.js';

/** Options of {@link routeToIpJson}: which `ip` command line to mirror. */
export interface RouteIpJsonOptions {
  /** Mirror `ip -d` (default true); false mirrors plain `ip -j route ...`. */
  details?: boolean;
  /**
   * Mirror a command that prints each route's table: `ip route show table all`
   * and `ip route get`. `ip route show [table N]` never prints the table it
   * was asked for (default false).
   */
  showTable?: boolean;
  /**
   * Nexthop objects by id (`rt.nexthop.list()`): with `details`, a route
   * whose `nhid` is here gets the `nh_info` object `ip -d` fetches for it.
   */
  nexthops?: ReadonlyMap<number, Nexthop>;
  /** Mirror `ip -s`: a cached route's users, uses and age (default false). */
  stats?: boolean;
}

// Route cache flags in the high half of rtm_flags, in the order and words of iproute2's print_cache_flags.
const RTCF_NAMES: readonly (readonly [number, string])[] = [
  [RTCF_LOCAL, 'local'], [RTCF_REJECT, 'reject'], [RTCF_MULTICAST, 'mc'], [RTCF_BROADCAST, 'brd'], [RTCF_DNAT, 'dst-nat'],
  [RTCF_SNAT, 'src-nat'], [RTCF_MASQ, 'masq'], [RTCF_DIRECTDST, 'dst-direct'], [RTCF_DIRECTSRC, 'src-direct'],
  [RTCF_REDIRECTED, 'redirected'], [RTCF_DOREDIRECT, 'redirect'], [RTCF_FAST, 'fastroute'], [RTCF_NOTIFY, 'notify'],
  [RTCF_TPROXY, 'proxy'],
];

const RT_FLAG_NAMES: readonly (readonly [number, string])[] = [
  [RTNH_F_DEAD, 'dead'], [RTNH_F_ONLINK, 'onlink'], [RTNH_F_PERVASIVE, 'pervasive'], [RTNH_F_OFFLOAD, 'offload'],
  [RTNH_F_TRAP, 'trap'], [RTM_F_NOTIFY, 'notify'], [RTNH_F_LINKDOWN, 'linkdown'], [RTNH_F_UNRESOLVED, 'unresolved'],
  [RTM_F_OFFLOAD, 'rt_offload'], [RTM_F_TRAP, 'rt_trap'], [RTM_F_OFFLOAD_FAILED, 'rt_offload_failed'],
];

/** `ip`'s mx_names: the JSON keys of RTA_METRICS entries. */
const METRIC_KEYS = [
  '', '', 'mtu', 'window', 'rtt', 'rttvar', 'ssthresh', 'cwnd', 'advmss', 'reordering', 'hoplimit', 'initcwnd', 'features',
  'rto_min', 'initrwnd', 'quickack', 'congctl', 'fastopen_no_cookie',
];

function linkName(linkNames: ReadonlyMap<number, string>, index: number): string {
  return ipLinkName(index, linkNames.get(index));
}

/** The `flags` array of ip's print_rt_flags: RTNH_F_* and RTM_F_* bits in its words (routes, paths and nexthop objects). */
export function rtFlags(flags: number): string[] {
  const out: string[] = [];
  for (const [bit, name] of RT_FLAG_NAMES) if (flags & bit) out.push(name);
  return out;
}

function cacheFlags(flags: number): string[] {
  const out: string[] = [];
  let rest = (flags & ~0xffff) >>> 0;
  for (const [bit, name] of RTCF_NAMES) {
    if (rest & bit) {
      rest = (rest & ~bit) >>> 0;
      out.push(name);
    }
  }
  if (rest) out.push(rest.toString(16));
  return out;
}

function withPrefix(address: string, length: number, hostLength: number): string {
  return length !== hostLength ? `${address}/${length}` : address;
}

function viaJson(via: RouteVia): IpJson {
  const af = via.family === 4 ? AF_INET : via.family === 6 ? AF_INET6 : via.family;
  return { family: familyName(af) ?? String(af), host: via.address };
}

function flowJson(flow: number): IpJson {
  const from = flow >>> 16;
  const o: IpJson = {};
  if (from) o.from = realmName(from);
  o.to = realmName(flow & 0xffff);
  return o;
}

function cacheInfoJson(o: IpJson, ci: RouteCacheInfo, stats: boolean): void {
  // C integer division, as ip prints seconds.
  if (ci.expires !== 0) o.expires = Math.trunc(ci.expires / USER_HZ);
  if (ci.error !== 0) o.error = ci.error;
  if (stats) {
    if (ci.clntref) o.users = ci.clntref;
    if (ci.used !== 0) o.used = ci.used;
    if (ci.lastuse !== 0) o.age = Math.trunc(ci.lastuse / USER_HZ);
  }
  if (ci.id) o.ipid = hex0x(ci.id);
  if (ci.ts || ci.tsage) {
    o.ts = hex0x(ci.ts);
    o.tsage = ci.tsage;
  }
}

function metricsJson(metrics: RouteMetrics): IpJson {
  const values = kernelMetricValues(metrics);
  const lock = lockBits(metrics.lock);
  const o: IpJson = {};
  for (let type = RTAX_MTU; type <= RTAX_FASTOPEN_NO_COOKIE; type++) {
    const raw = values.get(type);
    if (raw === undefined && !(lock & (1 << type))) continue;
    const value = typeof raw === 'number' ? raw >>> 0 : 0;
    if (type === RTAX_HOPLIMIT && value === 0xffffffff) continue;
    switch (type) {
      case RTAX_FEATURES:
        if (value & RTAX_FEATURE_ECN) o.ecn = null;
        if (value & ~RTAX_FEATURE_ECN) o.features = hex0x(value);
        break;
      case RTAX_RTT:
        o.rtt = Math.trunc(value / 8);
        break;
      case RTAX_RTTVAR:
        o.rttvar = Math.trunc(value / 4);
        break;
      case RTAX_RTO_MIN:
        o.rto_min = value;
        break;
      case RTAX_CC_ALGO:
        o.congestion = typeof raw === 'string' ? raw : '';
        break;
      default:
        o[METRIC_KEYS[type]!] = value;
    }
  }
  return o;
}

function nexthopJson(route: Route, nh: RouteNexthop, linkNames: ReadonlyMap<number, string>): IpJson {
  const o: IpJson = {};
  addEncapJson(o, nh.unknown);
  if (nh.gateway !== undefined) o.gateway = nh.gateway;
  if (nh.via !== undefined) o.via = viaJson(nh.via);
  if (nh.flow !== undefined) o.flow = flowJson(nh.flow);
  o.dev = linkName(linkNames, nh.oif);
  // Cloned multicast routes use rtnh_hops as a TTL threshold; everything else as weight - 1.
  if (route.flags & RTM_F_CLONED && route.type === RTN_MULTICAST) {
    if (nh.weight - 1 !== 1) o.ttl = nh.weight - 1;
  } else {
    o.weight = nh.weight;
  }
  o.flags = rtFlags(nh.flags);
  return o;
}

/**
 * The object `ip -j -d route show` prints for a route (print_route of
 * iproute2 6.1), with `linkNames` mapping ifindexes to names as `dev`.
 */
export function routeToIpJson(route: Route, linkNames: ReadonlyMap<number, string>, options: RouteIpJsonOptions = {}): IpJson {
  requireObject(route, 'routeToIpJson: route', 'what route.list() returns');
  requireMap(linkNames, 'routeToIpJson: linkNames');
  requireObject(options, 'routeToIpJson: options');
  const details = options.details ?? true;
  const o: IpJson = {};
  const hostLength = route.family === 4 ? 32 : 128;
  const cloned = (route.flags & RTM_F_CLONED) !== 0;
  if (route.type !== RTN_UNICAST || details) o.type = routeTypeName(route.type);
  if (route.dst !== undefined) o.dst = withPrefix(route.dst, route.dstLength, hostLength);
  else if (route.dstLength) o.dst = `0/${route.dstLength} `;
  else o.dst = 'default';
  if (route.src !== undefined) o.from = withPrefix(route.src, route.srcLength, hostLength);
  else if (route.srcLength) o.src = `0/${route.srcLength}`;
  if (route.nhid !== undefined) o.nhid = route.nhid;
  addEncapJson(o, route.unknown);
  if (route.tos) o.tos = dsfieldName(route.tos);
  if (route.gateway !== undefined) o.gateway = route.gateway;
  if (route.via !== undefined) o.via = viaJson(route.via);
  if (route.oif !== undefined) o.dev = linkName(linkNames, route.oif);
  if (route.table && (route.table !== RT_TABLE_MAIN || details) && options.showTable) o.table = routeTableName(route.table);
  if (!cloned) {
    if (route.protocol !== RTPROT_BOOT || details) o.protocol = routeProtocolName(route.protocol);
    if (route.scope !== RT_SCOPE_UNIVERSE || details) o.scope = scopeName(route.scope);
  }
  if (route.prefsrc !== undefined) o.prefsrc = route.prefsrc;
  if (route.priority !== undefined) o.metric = route.priority;
  o.flags = rtFlags(route.flags);
  if (route.mark) o.mark = route.mark;
  if (route.flow !== undefined) o.flow = flowJson(route.flow);
  if (route.uid !== undefined) o.uid = route.uid;
  if (route.family === 4 && cloned) o.cache = cacheFlags(route.flags);
  if (route.cacheInfo !== undefined) cacheInfoJson(o, route.cacheInfo, options.stats === true);
  if (route.metrics !== undefined) o.metrics = [metricsJson(route.metrics)];
  if (route.iif !== undefined) o.iif = linkName(linkNames, route.iif);
  if (route.pref !== undefined) o.pref = route.pref;
  // Sic: iproute2 spells the key this way.
  if (route.ttlPropagate !== undefined) o['ttl-propogate'] = route.ttlPropagate;
  if (options.nexthops !== undefined) requireMap(options.nexthops, 'routeToIpJson: options.nexthops');
  const nexthop = details && route.nhid !== undefined ? options.nexthops?.get(route.nhid) : undefined;
  // ip -d prints the nexthop as `ip -d nexthop show` would, so scope and protocol always appear.
  if (nexthop !== undefined) o.nh_info = nexthopToIpJson(nexthop, linkNames, { details: true });
  if (route.nexthops !== undefined) o.nexthops = route.nexthops.map((nh) => nexthopJson(route, nh, linkNames));
  return o;
}
