import {
  RT_SCOPE_HOST, RT_SCOPE_LINK, RT_SCOPE_NOWHERE, RT_SCOPE_UNIVERSE, RT_TABLE_LOCAL, RT_TABLE_MAIN, RTM_F_FIB_MATCH,
  RTM_F_CLONED, RTM_F_LOOKUP_TABLE, RTN_ANYCAST, RTN_BLACKHOLE, RTN_BROADCAST, RTN_LOCAL, RTN_MULTICAST, RTN_NAT, RTN_PROHIBIT, RTN_THROW,
  RTN_UNICAST, RTN_UNREACHABLE, RTNH_F_ONLINK, RTPROT_BOOT,
} from '../../generated/rtnetlink.js';
import { InvalidArgumentError, parseCidr, requireIp, type IpFamily } from '../../netlink/addresses.js';
import { describeValue, optionalBoolean, requireObject, textOf } from '../../netlink/checks.js';
import { addressFamily, validateFamily } from '../family.js';
import { hasHostBits, ipValue, withHostBits, formatIpValue, type IpValue } from '../ip-value.js';
import {
  parseIpProtocol, parseRoutePref, parseRouteProtocol, parseRouteTable, parseRouteType, parseScope, routeTableName, routeTypeName,
  type RoutePrefName, type RouteProtocolName, type RouteTableName, type RouteTypeName, type ScopeName,
} from '../iproute2-names.js';
import { checkKeys } from '../keys.js';
import { validateInteger } from '../names.js';
import { describeLinkRef, validateLinkRef, type LinkRef } from '../resolve.js';
import type { NexthopRequest, RouteRequest } from './message.js';
import { prepareEncap, type RouteEncapSpec } from './encap/index.js';
import { prepareMetrics, type RouteMetrics } from './metrics.js';
import { prepareRealms, type Realms } from '../realms.js';

/** One path of a multipath route: `nexthop via GW dev DEV weight N [onlink]`. */
export interface RouteNexthopSpec {
  /** `via`: this path's next hop, same family as the route. */
  gateway?: string;
  /** `dev`: this path's output link; a gateway or a dev is required. */
  dev?: LinkRef;
  /** 1-256; default 1. */
  weight?: number;
  /** RTNH_F_ONLINK: use the gateway even if it is not on a connected subnet of dev. */
  onlink?: boolean;
  /** `realms [FROM/]TO` of this path (RTA_FLOW inside its rtnexthop); IPv6 takes and ignores them. */
  realms?: Realms;
  /** `encap ip|ip6 ...`: this path's lightweight tunnel encapsulation. */
  encap?: RouteEncapSpec;
}

/** A route to add, replace, append or delete, in the words of `ip route`. */
export interface RouteSpec {
  /** '10.1.0.0/16', 'fd00:1::/64', a bare address (host route) or 'default'. */
  dst: string;
  /** Needed only for 'default' when no gateway, src or nexthop tells the family; otherwise IPv4. */
  family?: IpFamily;
  /** `via`: the next hop's address, same family as dst. */
  gateway?: string;
  /** `dev`: the output link (RTA_OIF), by name or ifindex. */
  dev?: LinkRef;
  /** Preferred source address (`ip route ... src`), same family as dst. */
  src?: string;
  /**
   * `from PREFIX`: the source prefix the route applies to (RTA_SRC and
   * rtm_src_len), same family as dst; 'default' for any. IPv6 source routing;
   * IPv4 takes it and ignores it, as it does ip's.
   */
  from?: string;
  /** `realms [FROM/]TO` (RTA_FLOW): one realm (the destination's) or both; IPv6 takes and ignores them. */
  realms?: Realms;
  /**
   * `encap ip|ip6 ...`: lightweight tunnel encapsulation (RTA_ENCAP_TYPE and
   * RTA_ENCAP), for a route through a collect-metadata tunnel device (dev).
   */
  encap?: RouteEncapSpec;
  /** `table`: default main, or local for local, broadcast, nat and anycast routes, as `ip` chooses. */
  table?: number | RouteTableName;
  /** `scope`: `ip`'s default for IPv4 is link for a unicast route without gateway, host for local and nat, link for broadcast, multicast and anycast, global otherwise; IPv6 routes are always global. */
  scope?: ScopeName | number;
  /** Default 'boot', as with `ip route add`. */
  protocol?: RouteProtocolName | number;
  /** Default 'unicast'. */
  type?: RouteTypeName | number;
  /** RTA_PRIORITY (`ip route ... metric N`). */
  metric?: number;
  /** RTA_METRICS: per-route path and TCP parameters (`mtu`, `advmss`, `initcwnd`, ...). */
  metrics?: RouteMetrics;
  /** Multipath: two or more paths (one is allowed too); excludes gateway and dev. */
  nexthops?: RouteNexthopSpec[];
  /**
   * RTA_NH_ID (`ip route add ... nhid N`): the route goes through this nexthop
   * object (see `rt.nexthop`), which says where; excludes gateway, dev and nexthops.
   */
  nhid?: number;
  /** Use the gateway even if it is not on a connected subnet of dev. */
  onlink?: boolean;
  /**
   * Delete only: the kernel's cloned route for dst (RTM_F_CLONED, as `ip route
   * flush cached` sends it back), an IPv6 exception, rather than the table's
   * route it was cloned from. Default false.
   */
  cloned?: boolean;
  /** IPv4 TOS / DS field; the two ECN bits must be 0. */
  tos?: number;
  /** IPv6 router preference. */
  pref?: RoutePrefName;
  /** IPv6: seconds until the route expires. */
  expires?: number;
}

/** A route lookup, like `ip route get TO [from FROM] [iif DEV] [oif DEV] [mark N]`. */
export interface RouteLookup {
  /** The destination address (a bare address, or with a full-length prefix). */
  to: string;
  /** Source address to assume (`from`), same family as `to`. */
  from?: string;
  /** Pretend the packet arrived on this link (`iif`), i.e. look up a forwarded packet. */
  iif?: LinkRef;
  /** Force this output link (`oif`), as for a socket bound to it. */
  oif?: LinkRef;
  /** fwmark to assume, for policy rules that match on it (`mark`). */
  mark?: number;
  /** Socket owner uid to assume, for `uidrange` rules (`uid`). */
  uid?: number;
  /** IPv4 TOS / DS field to assume (`tos`), 0-255. */
  tos?: number;
  /** Return the FIB entry that matched instead of the resolved route (`ip route get ... fibmatch`). */
  fibMatch?: boolean;
  /** IP protocol of the flow (`ipproto`): a number or a name such as "tcp", "udp", "icmp"; the kernel takes TCP, UDP and ICMP (ICMPv6). */
  ipproto?: number | string;
  /** Source port of the flow (`sport`), 0-65535, for rules that match on it. */
  sport?: number;
  /** Destination port of the flow (`dport`), 0-65535, for rules that match on it. */
  dport?: number;
  /**
   * Without `from`: look up again from the preferred source address of the
   * first answer (`ip route get ... connected`), the route a socket connected
   * from that address would take. Fails when the first answer has no source.
   */
  connected?: boolean;
}

/** A validated spec: the request once its devices are resolved, and how to name it in errors. */
export interface PreparedRoute {
  /** The checked request; `oif` and the nexthops' `oif` are filled in once the devices are resolved. */
  request: RouteRequest;
  /** The route's `dev` as given, resolved when sent; undefined without one. */
  dev: LinkRef | undefined;
  /** One per nexthop, aligned with request.nexthops. */
  nexthopDevs: (LinkRef | undefined)[] | undefined;
  /** The spec as given, to describe the route in an error (only then: batches are large). */
  spec: RouteSpec;
}

const SPEC_KEYS = new Set([
  'dst', 'family', 'gateway', 'dev', 'src', 'table', 'scope', 'protocol', 'type', 'metric', 'metrics', 'nexthops', 'onlink',
  'tos', 'pref', 'expires', 'nhid', 'cloned', 'from', 'realms', 'encap',
]);
const NEXTHOP_KEYS = new Set(['gateway', 'dev', 'weight', 'onlink', 'realms', 'encap']);
const LOOKUP_KEYS = new Set(['to', 'from', 'iif', 'oif', 'mark', 'uid', 'tos', 'fibMatch', 'ipproto', 'sport', 'dport', 'connected']);
/** Types that drop or refuse packets: no gateway, device or nexthops allowed. */
const REJECT_TYPES: ReadonlySet<number> = new Set([RTN_BLACKHOLE, RTN_UNREACHABLE, RTN_PROHIBIT, RTN_THROW]);


/** The family of a spec whose dst is 'default': `family`, else whatever address it carries, else IPv4 (as `ip`). */
function defaultRouteFamily(spec: RouteSpec, family: IpFamily | undefined): IpFamily {
  if (family !== undefined) return family;
  const hint = spec.gateway ?? spec.src ?? (Array.isArray(spec.nexthops) ? spec.nexthops.find((n) => n?.gateway !== undefined)?.gateway : undefined);
  if (hint !== undefined && typeof hint === 'string') return requireIp(hint, 'gateway');
  // `ip -6 route add default from fd02::/64 dev eth0`: the source prefix tells it.
  if (typeof spec.from === 'string' && spec.from !== 'default') return parseCidr(spec.from, 'from').family;
  return 4;
}

/** The route's family and destination: the dst prefix is parsed once, as it tells the family too (batches prepare thousands). */
function routeDestination(spec: RouteSpec): { family: IpFamily; value: IpValue | undefined; length: number } {
  const given = validateFamily(spec.family);
  const text: unknown = spec.dst;
  if (text === 'default') return { family: defaultRouteFamily(spec, given), value: undefined, length: 0 };
  if (typeof text !== 'string') throw new InvalidArgumentError(`dst must be a prefix like "10.1.0.0/16" or 'default', got ${describeValue(text)}`);
  const cidr = parseCidr(text, 'dst');
  const family = given ?? cidr.family;
  if (cidr.family !== family) throw new InvalidArgumentError(`dst "${text}" is IPv${cidr.family} but the route is IPv${family}`);
  const value = ipValue(cidr.address, family);
  if (hasHostBits(value, cidr.prefixLength)) {
    throw new InvalidArgumentError(`dst "${text}" has bits set beyond /${cidr.prefixLength}; did you mean "${formatIpValue(withHostBits(value, cidr.prefixLength, false))}/${cidr.prefixLength}"?`);
  }
  return { family, value: cidr.prefixLength === 0 ? undefined : value, length: cidr.prefixLength };
}

/** `from`: RTA_SRC and rtm_src_len, checked as dst is ('default' sends neither, as ip's `from default`). */
function sourcePrefix(request: RouteRequest, text: unknown, family: IpFamily): void {
  if (text === 'default') return;
  if (typeof text !== 'string') throw new InvalidArgumentError(`from must be a prefix like "fd02::/64" or 'default', got ${describeValue(text)}`);
  const cidr = parseCidr(text, 'from');
  if (cidr.family !== family) throw new InvalidArgumentError(`from "${text}" is IPv${cidr.family} but the route is IPv${family}`);
  const value = ipValue(cidr.address, family);
  if (hasHostBits(value, cidr.prefixLength)) {
    throw new InvalidArgumentError(`from "${text}" has bits set beyond /${cidr.prefixLength}; did you mean "${formatIpValue(withHostBits(value, cidr.prefixLength, false))}/${cidr.prefixLength}"?`);
  }
  request.srcLength = cidr.prefixLength;
  if (cidr.prefixLength !== 0) request.src = value;
}

/** The last address parseAddress checked: a batch's routes mostly share their gateway, and checking an address is a good part of preparing a route. */
let lastAddress: { text: string; family: IpFamily; value: IpValue } | undefined;

function parseAddress(text: unknown, family: IpFamily, what: string): IpValue {
  if (lastAddress !== undefined && lastAddress.text === text && lastAddress.family === family) return lastAddress.value;
  const found = requireIp(text as string, what);
  if (found !== family) throw new InvalidArgumentError(`${what} "${textOf(text)}" is IPv${found} but the route is IPv${family}; a gateway must have the destination's family`);
  const value = ipValue(text as string, family);
  lastAddress = { text: text as string, family, value };
  return value;
}

function prepareNexthops(list: unknown, family: IpFamily): { nexthops: NexthopRequest[]; devs: (LinkRef | undefined)[] } {
  if (!Array.isArray(list) || list.length === 0) throw new InvalidArgumentError(`nexthops must be a non-empty array of { gateway?, dev?, weight? }`);
  const nexthops: NexthopRequest[] = [];
  const devs: (LinkRef | undefined)[] = [];
  list.forEach((spec: RouteNexthopSpec, i) => {
    const what = `nexthops[${i}]`;
    requireObject(spec, what, "{ gateway: '10.0.0.1', weight: 2 }");
    checkKeys(spec, NEXTHOP_KEYS, what);
    if (spec.gateway === undefined && spec.dev === undefined) throw new InvalidArgumentError(`${what} needs a gateway or a dev`);
    const nh: NexthopRequest = {
      oif: 0,
      weight: spec.weight === undefined ? 1 : validateInteger(spec.weight, `${what}.weight`, 1, 256),
      flags: optionalBoolean(spec.onlink, `${what}.onlink`) ? RTNH_F_ONLINK : 0,
    };
    if (spec.gateway !== undefined) nh.gateway = parseAddress(spec.gateway, family, `${what}.gateway`);
    if (spec.realms !== undefined) nh.flow = prepareRealms(spec.realms, `${what}.realms`);
    if (spec.encap !== undefined) nh.encap = prepareEncap(spec.encap, `${what}.encap`);
    const dev = spec.dev === undefined ? undefined : validateLinkRef(spec.dev, `${what}.dev`);
    nexthops.push(nh);
    devs.push(dev);
  });
  return { nexthops, devs };
}

/** Defaults of `ip route add`: table local for local-ish types, scope from type and gateway. */
function defaultScope(family: IpFamily, type: number, direct: boolean, purpose: 'add' | 'delete'): number {
  if (family === 6) return RT_SCOPE_UNIVERSE;
  if (type === RTN_LOCAL || type === RTN_NAT) return RT_SCOPE_HOST;
  if (type === RTN_BROADCAST || type === RTN_MULTICAST || type === RTN_ANYCAST) return RT_SCOPE_LINK;
  if (purpose === 'delete') return RT_SCOPE_NOWHERE;
  return type === RTN_UNICAST && direct ? RT_SCOPE_LINK : RT_SCOPE_UNIVERSE;
}

/** Validates a RouteSpec completely (nothing is sent). A delete leaves unset what should match anything. */
export function prepareRoute(spec: RouteSpec, purpose: 'add' | 'delete'): PreparedRoute {
  requireObject(spec, 'route spec', "{ dst: '10.1.0.0/16', gateway: '10.0.0.1' }");
  checkKeys(spec, SPEC_KEYS, 'route spec');
  if (spec.dst === undefined) throw new InvalidArgumentError(`route spec needs dst ('10.1.0.0/16' or 'default')`);
  const dst = routeDestination(spec);
  const family = dst.family;
  const type = spec.type === undefined ? (purpose === 'add' ? RTN_UNICAST : 0) : parseRouteType(spec.type);
  const request: RouteRequest = {
    family: addressFamily(family),
    dstLength: dst.length,
    srcLength: 0,
    tos: 0,
    table: RT_TABLE_MAIN,
    protocol: spec.protocol === undefined ? (purpose === 'add' ? RTPROT_BOOT : 0) : parseRouteProtocol(spec.protocol),
    scope: 0,
    type,
    flags: optionalBoolean(spec.onlink, 'onlink') ? RTNH_F_ONLINK : 0,
  };
  if (optionalBoolean(spec.cloned, 'cloned')) {
    // On an add the kernel would read it as RTF_CACHE and build no exception.
    if (purpose !== 'delete') throw new InvalidArgumentError(`cloned applies to a route delete only (the kernel makes cloned routes itself)`);
    // IPv4's delete ignores RTM_F_CLONED and would remove the table's route; its exceptions go through /proc/sys/net/ipv4/route/flush.
    if (family !== 6) throw new InvalidArgumentError(`cloned applies to IPv6 routes only (IPv4's next-hop exceptions are flushed through /proc/sys/net/ipv4/route/flush)`);
    request.flags |= RTM_F_CLONED;
  }
  if (dst.value !== undefined) request.dst = dst.value;
  if (spec.table !== undefined) request.table = parseRouteTable(spec.table);
  else if (type === RTN_LOCAL || type === RTN_BROADCAST || type === RTN_NAT || type === RTN_ANYCAST) request.table = RT_TABLE_LOCAL;
  if (spec.gateway !== undefined) request.gateway = parseAddress(spec.gateway, family, 'gateway');
  if (spec.src !== undefined) request.prefsrc = parseAddress(spec.src, family, 'src');
  if (spec.from !== undefined) sourcePrefix(request, spec.from, family);
  if (spec.realms !== undefined) request.flow = prepareRealms(spec.realms, 'realms');
  if (spec.encap !== undefined) request.encap = prepareEncap(spec.encap, 'encap');
  const dev = spec.dev === undefined ? undefined : validateLinkRef(spec.dev);
  let nexthopDevs: (LinkRef | undefined)[] | undefined;
  if (spec.nexthops !== undefined) {
    if (spec.gateway !== undefined || dev !== undefined) throw new InvalidArgumentError(`give either gateway/dev or nexthops, not both (put the gateway and dev into a nexthop)`);
    const prepared = prepareNexthops(spec.nexthops, family);
    request.nexthops = prepared.nexthops;
    nexthopDevs = prepared.devs;
  }
  if (spec.nhid !== undefined) {
    if (request.gateway !== undefined || dev !== undefined || request.nexthops !== undefined) {
      throw new InvalidArgumentError(`give either nhid or gateway/dev/nexthops, not both: the nexthop object ${textOf(spec.nhid)} says where the route goes`);
    }
    request.nhid = validateInteger(spec.nhid, 'nhid', 1, 0xffffffff);
  }
  if (REJECT_TYPES.has(type) && (request.gateway !== undefined || dev !== undefined || request.nexthops !== undefined || request.nhid !== undefined)) {
    throw new InvalidArgumentError(`a ${routeTypeName(type)} route takes no gateway, dev, nexthops or nhid (it has no next hop)`);
  }
  const direct = request.gateway === undefined && request.nexthops === undefined && request.nhid === undefined;
  request.scope = spec.scope !== undefined ? parseScope(spec.scope) : defaultScope(family, type, direct, purpose);
  if (spec.metric !== undefined) request.priority = validateInteger(spec.metric, 'metric', 0, 0xffffffff);
  if (spec.metrics !== undefined) request.metrics = prepareMetrics(spec.metrics);
  if (spec.tos !== undefined) {
    if (family === 6) throw new InvalidArgumentError(`tos applies to IPv4 routes only; IPv6 routes cannot select on it`);
    request.tos = validateInteger(spec.tos, 'tos', 0, 255);
    if (request.tos & 3) throw new InvalidArgumentError(`tos ${spec.tos} sets the ECN bits (0x03); the kernel accepts DS field values only`);
  }
  if (spec.pref !== undefined) {
    if (family !== 6) throw new InvalidArgumentError(`pref applies to IPv6 routes only`);
    request.pref = parseRoutePref(spec.pref);
  }
  if (spec.expires !== undefined) {
    if (family !== 6) throw new InvalidArgumentError(`expires applies to IPv6 routes only`);
    request.expires = validateInteger(spec.expires, 'expires', 0, 0xfffffffe);
  }
  return { request, dev, nexthopDevs, spec };
}

/** e.g. '10.1.0.0/16 via 10.0.0.1 dev eth0 table main', for error messages. */
export function describeRoute(prepared: PreparedRoute): string {
  const { request, spec, dev } = prepared;
  const type = request.type !== 0 && request.type !== RTN_UNICAST ? `${routeTypeName(request.type)} ` : '';
  const via = spec.gateway !== undefined ? ` via ${spec.gateway}` : '';
  const devText = dev !== undefined ? ` dev ${describeLinkRef(dev)}` : '';
  const nexthops = (request.nexthops ?? []).map((nh, i) => {
    const gateway = spec.nexthops?.[i]?.gateway;
    const nhDev = prepared.nexthopDevs?.[i];
    return ` nexthop${gateway !== undefined ? ` via ${gateway}` : ''}${nhDev !== undefined ? ` dev ${describeLinkRef(nhDev)}` : ''} weight ${nh.weight}`;
  }).join('');
  const metric = request.priority !== undefined ? ` metric ${request.priority}` : '';
  const nhid = request.nhid !== undefined ? ` nhid ${request.nhid}` : '';
  // A source prefix is part of an IPv6 route's key: two routes may differ by it alone.
  const from = request.src !== undefined ? ` from ${spec.from}` : '';
  return `${type}${spec.dst}${from}${via}${devText}${nexthops}${nhid}${metric} table ${routeTableName(request.table)}`;
}

/** A prepared RTM_GETROUTE lookup and the devices it names. */
export interface PreparedLookup {
  /** The RTM_GETROUTE request; `iif`/`oif` are filled in once the devices are resolved. */
  request: RouteRequest;
  /** The lookup's `iif` as given, undefined without one. */
  iif: LinkRef | undefined;
  /** The lookup's `oif` as given, undefined without one. */
  oif: LinkRef | undefined;
  /** The lookup in `ip route get` words, e.g. '10.1.2.3 from 10.0.0.2 iif eth0', for error messages. */
  text: string;
}

/** Validates a lookup: `to` is one address (a full-length prefix at most), like `ip route get`. */
export function prepareLookup(lookup: RouteLookup): PreparedLookup {
  requireObject(lookup, 'route lookup', "{ to: '10.1.2.3' }");
  checkKeys(lookup, LOOKUP_KEYS, 'route lookup');
  const to = parseCidr(lookup.to, 'to');
  const family = to.family;
  const full = family === 4 ? 32 : 128;
  if (to.prefixLength !== full) throw new InvalidArgumentError(`to "${lookup.to}" must be a single address (a lookup is for one destination, not /${to.prefixLength})`);
  const request: RouteRequest = {
    family: addressFamily(family),
    dstLength: full,
    srcLength: 0,
    tos: 0,
    table: 0,
    protocol: 0,
    scope: 0,
    type: 0,
    // Only IPv4 reports the table of the matching route when asked.
    flags: (family === 4 ? RTM_F_LOOKUP_TABLE : 0) | (optionalBoolean(lookup.fibMatch, 'fibMatch') ? RTM_F_FIB_MATCH : 0),
    dst: ipValue(to.address, family),
  };
  if (lookup.from !== undefined) {
    request.src = parseAddress(lookup.from, family, 'from');
    request.srcLength = full;
  }
  if (lookup.mark !== undefined) request.mark = validateInteger(lookup.mark, 'mark', 0, 0xffffffff);
  if (lookup.uid !== undefined) request.uid = validateInteger(lookup.uid, 'uid', 0, 0xffffffff);
  if (lookup.ipproto !== undefined) request.ipProto = parseIpProtocol(lookup.ipproto);
  if (lookup.sport !== undefined) request.sport = validateInteger(lookup.sport, 'sport', 0, 0xffff);
  if (lookup.dport !== undefined) request.dport = validateInteger(lookup.dport, 'dport', 0, 0xffff);
  optionalBoolean(lookup.connected, 'connected');
  if (lookup.tos !== undefined) {
    if (family === 6) throw new InvalidArgumentError(`tos applies to IPv4 lookups only`);
    request.tos = validateInteger(lookup.tos, 'tos', 0, 255);
  }
  const iif = lookup.iif === undefined ? undefined : validateLinkRef(lookup.iif, 'iif');
  const oif = lookup.oif === undefined ? undefined : validateLinkRef(lookup.oif, 'oif');
  const from = lookup.from !== undefined ? ` from ${lookup.from}` : '';
  const iifText = iif !== undefined ? ` iif ${describeLinkRef(iif)}` : '';
  const oifText = oif !== undefined ? ` oif ${describeLinkRef(oif)}` : '';
  return { request, iif, oif, text: `${to.address}${from}${iifText}${oifText}` };
}
