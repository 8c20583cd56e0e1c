import { keepLatestShape } from '../shape-keeper.js';
import * as rtnetlink from '../../generated/rtnetlink.js';
import {
  RT_TABLE_UNSPEC, RTA_CACHEINFO, RTA_DST, RTA_EXPIRES, RTA_FLOW, RTA_GATEWAY, RTA_IIF, RTA_MARK, RTA_METRICS,
  RTA_MULTIPATH, RTA_NH_ID, RTA_OIF, RTA_PREF, RTA_PREFSRC, RTA_PRIORITY, RTA_SRC, RTA_TABLE, RTA_TTL_PROPAGATE, RTA_UID,
  RTA_VIA, RTM_GETROUTE, RTA_IP_PROTO, RTA_SPORT, RTA_DPORT,
} from '../../generated/rtnetlink.js';
import { formatIp, type IpFamily } from '../../netlink/addresses.js';
import { AttributeCursor, type DecodeContext, type RawAttribute } from '../../netlink/attributes.js';
import { s32le, u16le, u32le } from '../../netlink/byte-reads.js';
import type { Message } from '../../netlink/message.js';
import { NLA_TYPE_MASK, type MessageWriter } from '../../netlink/writer.js';
import { constantNames } from '../constant-names.js';
import { requireRouteHeader, routeContext, widenRtgenmsg } from '../decode-context.js';
import { ipFamilyOf } from '../family.js';
import { writeIpAttribute, type IpValue } from '../ip-value.js';
import { routePrefName, type RoutePrefName } from '../iproute2-names.js';
import { encodeEncap, type PreparedEncap } from './encap/index.js';
import { decodeMetrics, encodeMetrics, RTAX_NAMES, type PreparedMetrics, type RouteMetrics } from './metrics.js';
import {
  buildRoute, HAS_CACHEINFO, HAS_DST, HAS_EXPIRES, HAS_FLOW, HAS_GATEWAY, HAS_IIF, HAS_MARK, HAS_METRICS, HAS_NEXTHOPS, HAS_NHID,
  HAS_OIF, HAS_PREF, HAS_PREFSRC, HAS_PRIORITY, HAS_SRC, HAS_TTL_PROPAGATE, HAS_UID, HAS_VIA, newRouteFields, type RouteFields,
} from './route-object.js';

/** sizeof(struct rtmsg): family, dst_len, src_len, tos, table, protocol, scope, type (u8 each), flags (u32). */
export const RTMSG_LEN = 12;
/** sizeof(struct rtnexthop): len (u16), flags, hops (u8 each), ifindex (s32). */
export const RTNEXTHOP_LEN = 8;
/** sizeof(struct rta_cacheinfo). */
const RTA_CACHEINFO_LEN = 32;
/** USER_HZ: the unit of rta_cacheinfo times (clock ticks). */
export const USER_HZ = 100;

/** RTA_VIA: a gateway of another family than the route's (IPv4 route via an IPv6 neighbour). */
export interface RouteVia {
  /** 4 or 6, or the raw AF_* number of another family (e.g. AF_MPLS). */
  family: IpFamily | number;
  /** The gateway address, formatted for its family. */
  address: string;
}

/** One path of a multipath route (struct rtnexthop and its attributes). */
export interface RouteNexthop {
  /** rtnh_ifindex. */
  oif: number;
  /** rtnh_hops + 1, 1-256. */
  weight: number;
  /** RTNH_F_* (onlink, dead, linkdown, ...). */
  flags: number;
  /** RTA_GATEWAY: this path's next hop; absent for a device-only path. */
  gateway?: string;
  /** RTA_VIA: a next hop of another family than the route's. */
  via?: RouteVia;
  /** RTA_FLOW: realms, `to` in the low 16 bits and `from` in the high. */
  flow?: number;
  /** Nexthop attributes nlkit does not decode (RTA_ENCAP, ...), kept verbatim; absent when there are none. */
  unknown?: RawAttribute[];
}

/** struct rta_cacheinfo, times in clock ticks (USER_HZ). */
export interface RouteCacheInfo {
  /** rta_clntref: references held on the cached dst entry. */
  clntref: number;
  /** rta_lastuse: ticks since the route was last used. */
  lastuse: number;
  /** Ticks until the route expires (signed; 0 = does not). */
  expires: number;
  /** rta_error: the error a reject route (unreachable, prohibit, ...) returns, as a positive errno; 0 otherwise. */
  error: number;
  /** rta_used: how often the cached entry was used (mostly 0 on current kernels). */
  used: number;
  /** rta_id: IPv4 IP ID of the cached peer; 0 on current kernels. */
  id: number;
  /** rta_ts: TCP timestamp of the cached peer; 0 on current kernels. */
  ts: number;
  /** rta_tsage: seconds since `ts` was recorded; 0 on current kernels. */
  tsage: number;
}

/** A route as the kernel reports it (RTM_NEWROUTE). */
export interface Route {
  /** 4 or 6 (rtm_family). */
  family: IpFamily;
  /** rtm_dst_len: prefix length of `dst`; 0 for a default route. */
  dstLength: number;
  /** rtm_src_len: prefix length of `src` (IPv6 source routing); 0 when unset. */
  srcLength: number;
  /** rtm_tos: the IPv4 TOS / DS field the route matches (`ip route ... tos`); 0 for any. */
  tos: number;
  /** RTA_TABLE when present (any 32-bit id), else rtm_table. */
  table: number;
  /** RTPROT_*: who added it (kernel, boot, static, ...). */
  protocol: number;
  /** RT_SCOPE_*. */
  scope: number;
  /** RTN_*: unicast, local, blackhole, ... */
  type: number;
  /** rtm_flags: RTNH_F_* and RTM_F_* bits. */
  flags: number;
  /** Destination prefix address; absent for a default route. */
  dst?: string;
  /** Source prefix (RTA_SRC, `ip route ... from`). */
  src?: string;
  /** RTA_GATEWAY: the next hop (`via`), same family as the route. */
  gateway?: string;
  /** RTA_VIA: a next hop of another family (`via inet6 ...` on an IPv4 route). */
  via?: RouteVia;
  /** Output interface index. */
  oif?: number;
  /** Input interface index (lookups with `iif`). */
  iif?: number;
  /** Preferred source address (RTA_PREFSRC, `ip route ... src`). */
  prefsrc?: string;
  /** The route's metric (RTA_PRIORITY). */
  priority?: number;
  /** RTA_METRICS: per-route TCP/path metrics (`mtu`, `advmss`, `initcwnd`, ...), when any is set. */
  metrics?: RouteMetrics;
  /** RTA_MULTIPATH: the paths of a multipath route (`nexthop ... nexthop ...`); absent for a single-path route. */
  nexthops?: RouteNexthop[];
  /** IPv6 router preference. */
  pref?: RoutePrefName | number;
  /** Seconds until the route expires (from RTA_CACHEINFO). */
  expires?: number;
  /** RTA_CACHEINFO: the raw cache counters; the kernel sends it on IPv6 routes and on `ip route get` answers. */
  cacheInfo?: RouteCacheInfo;
  /** RTA_MARK: the fwmark a lookup was made with (`ip route get ... mark`). */
  mark?: number;
  /** RTA_UID: the uid a lookup was made for; present in `ip route get` answers. */
  uid?: number;
  /** RTA_FLOW: realms, `to` in the low 16 bits and `from` in the high (`ip route ... realm`). */
  flow?: number;
  /** Nexthop object id (RTA_NH_ID). */
  nhid?: number;
  /** RTA_TTL_PROPAGATE: whether the IP TTL is copied into / out of the MPLS label stack; absent when it follows the sysctl. */
  ttlPropagate?: boolean;
  /**
   * Attributes nlkit does not decode (RTA_ENCAP, RTA_NEWDST, ...), kept
   * verbatim. When there are none, one frozen empty array shared by every route.
   */
  unknown: readonly RawAttribute[];
}

/** A nexthop ready to encode. */
export interface NexthopRequest {
  /** rtnh_ifindex: the path's output ifindex, 0 when the gateway alone decides. */
  oif: number;
  /** 1-256; sent as rtnh_hops = weight - 1. */
  weight: number;
  /** RTNH_F_* bits (RTNH_F_ONLINK for `onlink`). */
  flags: number;
  /** RTA_GATEWAY of this path. */
  gateway?: IpValue;
  /** RTA_FLOW: this path's realms, (from << 16) | to. */
  flow?: number;
  /** RTA_ENCAP_TYPE and RTA_ENCAP: this path's lightweight tunnel. */
  encap?: PreparedEncap;
}

/** Everything an RTM_NEWROUTE/DELROUTE/GETROUTE request carries, validated and resolved. */
export interface RouteRequest {
  /** AF_INET or AF_INET6 (rtm_family). */
  family: number;
  /** rtm_dst_len: prefix length of dst; 0 for default. */
  dstLength: number;
  /** rtm_src_len: prefix length of src (a lookup's `from` is full-length). */
  srcLength: number;
  /** rtm_tos: IPv4 DS field; the ECN bits must be 0. */
  tos: number;
  /** Table id, 1-2^32-1; values above 255 go in RTA_TABLE. 0 in a lookup. */
  table: number;
  /** rtm_protocol (RTPROT_*); 0 in a delete matches any. */
  protocol: number;
  /** rtm_scope (RT_SCOPE_*); RT_SCOPE_NOWHERE (255) in a delete matches any. */
  scope: number;
  /** rtm_type (RTN_*); 0 in a delete matches any. */
  type: number;
  /** rtm_flags: RTNH_F_ONLINK, or RTM_F_* bits in a lookup. */
  flags: number;
  /** RTA_DST: the destination prefix's address; absent for default. */
  dst?: IpValue;
  /** RTA_SRC: the source prefix's address (`ip route add ... from`), or a lookup's source address (`ip route get ... from`). */
  src?: IpValue;
  /** RTA_GATEWAY (`via`). */
  gateway?: IpValue;
  /** RTA_OIF: output ifindex (`dev`), filled in once resolved. */
  oif?: number;
  /** RTA_IIF: input ifindex of a lookup (`iif`). */
  iif?: number;
  /** RTA_PREFSRC: preferred source address (`src` of `ip route add`). */
  prefsrc?: IpValue;
  /** RTA_PRIORITY: the route's metric (`metric N`). */
  priority?: number;
  /** RTA_METRICS, already checked and converted to kernel units. */
  metrics?: PreparedMetrics;
  /** RTA_MULTIPATH: the paths of a multipath route. */
  nexthops?: NexthopRequest[];
  /** RTA_NH_ID: the nexthop object the route goes through. */
  nhid?: number;
  /** RTA_FLOW: realms, (from << 16) | to (`realms`). */
  flow?: number;
  /** RTA_ENCAP_TYPE and RTA_ENCAP: lightweight tunnel encapsulation (`encap`). */
  encap?: PreparedEncap;
  /** RTA_PREF: IPv6 router preference (ICMPV6_ROUTER_PREF_*). */
  pref?: number;
  /** Seconds (IPv6). */
  expires?: number;
  /** RTA_MARK: fwmark of a lookup. */
  mark?: number;
  /** RTA_UID: uid of a lookup (`ip route get ... uid`). */
  uid?: number;
  /** RTA_IP_PROTO: IP protocol of a lookup (`ip route get ... ipproto tcp`). */
  ipProto?: number;
  /** RTA_SPORT: source port of a lookup (`sport`), host order here, big-endian on the wire. */
  sport?: number;
  /** RTA_DPORT: destination port of a lookup (`dport`). */
  dport?: number;
}

/**
 * Writes rtmsg and attributes. Tables above 255 do not fit rtm_table: they go
 * in RTA_TABLE with rtm_table RT_TABLE_UNSPEC, as `ip` sends them.
 */
export function encodeRouteRequest(writer: MessageWriter, r: RouteRequest): void {
  const at = writer.reserve(RTMSG_LEN);
  const b = writer.buf;
  b[at] = r.family;
  b[at + 1] = r.dstLength;
  b[at + 2] = r.srcLength;
  b[at + 3] = r.tos;
  b[at + 4] = r.table > 255 ? RT_TABLE_UNSPEC : r.table;
  b[at + 5] = r.protocol;
  b[at + 6] = r.scope;
  b[at + 7] = r.type;
  b.writeUInt32LE(r.flags >>> 0, at + 8);
  if (r.table > 255) writer.u32(RTA_TABLE, r.table);
  if (r.dst !== undefined) writeIpAttribute(writer, RTA_DST, r.dst);
  if (r.src !== undefined) writeIpAttribute(writer, RTA_SRC, r.src);
  if (r.prefsrc !== undefined) writeIpAttribute(writer, RTA_PREFSRC, r.prefsrc);
  if (r.gateway !== undefined) writeIpAttribute(writer, RTA_GATEWAY, r.gateway);
  if (r.priority !== undefined) writer.u32(RTA_PRIORITY, r.priority);
  if (r.oif !== undefined) writer.u32(RTA_OIF, r.oif);
  if (r.iif !== undefined) writer.u32(RTA_IIF, r.iif);
  if (r.metrics !== undefined && r.metrics.length) encodeMetrics(writer, RTA_METRICS, r.metrics);
  if (r.flow !== undefined) writer.u32(RTA_FLOW, r.flow);
  if (r.encap !== undefined) encodeEncap(writer, r.encap);
  if (r.nexthops !== undefined) encodeMultipath(writer, r.nexthops);
  if (r.nhid !== undefined) writer.u32(RTA_NH_ID, r.nhid);
  if (r.pref !== undefined) writer.u8(RTA_PREF, r.pref);
  if (r.expires !== undefined) writer.u32(RTA_EXPIRES, r.expires);
  if (r.mark !== undefined) writer.u32(RTA_MARK, r.mark);
  if (r.uid !== undefined) writer.u32(RTA_UID, r.uid);
  if (r.ipProto !== undefined) writer.u8(RTA_IP_PROTO, r.ipProto);
  if (r.sport !== undefined) writer.be16(RTA_SPORT, r.sport);
  if (r.dport !== undefined) writer.be16(RTA_DPORT, r.dport);
}

/** What a route dump asks the kernel to filter (with NETLINK_GET_STRICT_CHK); 0 = any. */
export interface RouteDumpFilter {
  /** AF_INET, AF_INET6 or AF_UNSPEC (both, and other families). */
  family: number;
  /** Only this table (rtm_table / RTA_TABLE); any when absent or 0. */
  table?: number;
  /** Only routes of this RTPROT_* origin; any when absent or 0. */
  protocol?: number;
  /** Only routes of this RTN_* type; any when absent or 0. */
  type?: number;
  /** Routes through this ifindex. */
  oif?: number;
  /** rtm_flags: RTM_F_CLONED asks for the kernel's cloned routes (exceptions) instead of the table's. */
  flags?: number;
}

/**
 * Writes an RTM_GETROUTE dump request. The kernel refuses a scope, prefix
 * lengths or tos in a strictly checked dump request, so those stay 0.
 */
export function encodeRouteDumpRequest(writer: MessageWriter, filter: RouteDumpFilter): void {
  const request: RouteRequest = {
    family: filter.family,
    dstLength: 0,
    srcLength: 0,
    tos: 0,
    table: filter.table ?? 0,
    protocol: filter.protocol ?? 0,
    scope: 0,
    type: filter.type ?? 0,
    flags: filter.flags ?? 0,
  };
  if (filter.oif) request.oif = filter.oif;
  encodeRouteRequest(writer, request);
}

/** RTA_MULTIPATH: struct rtnexthop after struct rtnexthop, each followed by its own attributes. */
function encodeMultipath(writer: MessageWriter, nexthops: readonly NexthopRequest[]): void {
  const nest = writer.beginNestedLegacy(RTA_MULTIPATH);
  for (const nh of nexthops) {
    const at = writer.reserve(RTNEXTHOP_LEN);
    writer.buf[at + 2] = nh.flags;
    writer.buf[at + 3] = nh.weight - 1;
    writer.buf.writeInt32LE(nh.oif, at + 4);
    if (nh.gateway !== undefined) writeIpAttribute(writer, RTA_GATEWAY, nh.gateway);
    if (nh.flow !== undefined) writer.u32(RTA_FLOW, nh.flow);
    if (nh.encap !== undefined) encodeEncap(writer, nh.encap);
    writer.buf.writeUInt16LE(writer.offset - at, at);
  }
  writer.endNested(nest);
}

function decodeVia(c: AttributeCursor): RouteVia {
  // struct rtvia: a u16 family, then the address.
  c.need(2);
  const af = u16le(c.buf, c.start);
  return { family: ipFamilyOf(af) || af, address: formatIp(c.buf, c.start + 2, c.length - 2) };
}

function decodeMultipath(multipath: AttributeCursor): RouteNexthop[] {
  const nexthops: RouteNexthop[] = [];
  const buf = multipath.buf;
  const end = multipath.start + multipath.length;
  for (let at = multipath.start; at < end; ) {
    if (at + RTNEXTHOP_LEN > end) {
      // 1-3 bytes are padding; more is a truncated rtnexthop.
      if (end - at < 4) break;
      throw multipath.malformedInside(at, `rtnexthop needs ${RTNEXTHOP_LEN} bytes, ${end - at} left`);
    }
    const len = u16le(buf, at);
    if (len < RTNEXTHOP_LEN || at + len > end) {
      throw multipath.malformedInside(at, `rtnexthop claims ${len} bytes, ${end - at} left (at least ${RTNEXTHOP_LEN})`);
    }
    const nh: RouteNexthop = { oif: s32le(buf, at + 4), weight: buf[at + 3]! + 1, flags: buf[at + 2]! };
    const c = multipath.cursorInside(at + RTNEXTHOP_LEN, at + len);
    while (c.next()) {
      switch (c.type) {
        case RTA_GATEWAY: nh.gateway = c.ip(); break;
        case RTA_FLOW: nh.flow = c.u32(); break;
        case RTA_VIA: nh.via = decodeVia(c); break;
        default: (nh.unknown ??= []).push(c.raw());
      }
    }
    nexthops.push(nh);
    at += (len + 3) & ~3;
  }
  return nexthops;
}

function decodeCacheInfo(buf: Buffer, at: number): RouteCacheInfo {
  return {
    clntref: u32le(buf, at),
    lastuse: u32le(buf, at + 4),
    expires: s32le(buf, at + 8),
    error: u32le(buf, at + 12),
    used: u32le(buf, at + 16),
    id: u32le(buf, at + 20),
    ts: u32le(buf, at + 24),
    tsage: u32le(buf, at + 28),
  };
}


/**
 * Decodes an RTM_NEWROUTE/DELROUTE message (dump entry, lookup answer or a
 * request); undefined for families other than IPv4 and IPv6, which an
 * unfiltered dump also returns (multicast, MPLS). A legacy RTM_GETROUTE dump
 * request (struct rtgenmsg, the family byte alone) decodes as an rtmsg with
 * only the family set. MalformedMessageError for a header or attribute that does not fit.
 */
export function decodeRoute(m: Message): Route | undefined {
  // A reply (not a request) with a whole rtmsg, checked here without the two
  // calls below: a dump decodes thousands, most of them interpreted.
  if (m.type !== RTM_GETROUTE && m.end - m.offset >= RTMSG_LEN && m.end <= m.buf.length) return decodeRouteMessage(m, 0);
  const legacy = widenRtgenmsg(m, RTM_GETROUTE, RTMSG_LEN);
  if (legacy) return decodeRouteMessage(legacy.message, legacy.offsetBias);
  requireRouteHeader(m, RTMSG_LEN, 'rtmsg');
  return decodeRouteMessage(m, 0);
}

const SHAPE_EXEMPLAR_BITS = 6;
const shapeExemplars: (Route | undefined)[] = new Array<Route | undefined>(1 << SHAPE_EXEMPLAR_BITS).fill(undefined);

let lastContextType = -1;
let lastContext: DecodeContext | undefined;

/** routeContext's shared context for the message's type; a dump's messages all have one type, so the last is kept at hand. */
function sharedContext(m: Message): DecodeContext {
  if (m.type === lastContextType) return lastContext!;
  lastContext = routeContext(m, routeAttributeName);
  lastContextType = m.type;
  return lastContext;
}

/** Reused for every message: decoding never nests, and the route is built from it before the next. */
const fields = newRouteFields();

/**
 * What decodeRouteMessage does with an attribute type, one case of its
 * switch each. A switch whose labels are small integer literals (a const
 * enum's members) is a jump table: one jump per attribute, where comparing
 * against the imported RTA_* constants cost a load and a comparison per
 * case before the attribute's own, interpreted in a first dump and again in
 * the optimizing compiler's graph (which came out about half as large).
 */
const enum RouteRead {
  /** Not one of the below: decodeOtherRouteAttribute. */
  Other,
  Table,
  Dst,
  Gateway,
  Oif,
  Priority,
  Prefsrc,
}

/** The RouteRead of each attribute type below its length (Other beyond). */
const ROUTE_READ_OF = new Uint8Array(32);
ROUTE_READ_OF[RTA_TABLE] = RouteRead.Table;
ROUTE_READ_OF[RTA_DST] = RouteRead.Dst;
ROUTE_READ_OF[RTA_GATEWAY] = RouteRead.Gateway;
ROUTE_READ_OF[RTA_OIF] = RouteRead.Oif;
ROUTE_READ_OF[RTA_PRIORITY] = RouteRead.Priority;
ROUTE_READ_OF[RTA_PREFSRC] = RouteRead.Prefsrc;

/**
 * Decodes the attributes with plain reads from the buffer, as addresses do
 * (addresses/message.ts): no cursor and no call per number, for the
 * attributes most routes carry; the others go through
 * decodeOtherRouteAttribute, with a cursor where their payload is nested.
 * Anything a cursor would refuse is handed to decodeCheckedRoute, which
 * walks the message again with one and throws the MalformedMessageError
 * naming the attribute.
 */
function decodeRouteMessage(m: Message, offsetBias: number): Route | undefined {
  const b = m.buf;
  const o = m.offset;
  const family = ipFamilyOf(b[o]!);
  if (family === 0) return undefined;
  const f = fields;
  f.family = family;
  f.dstLength = b[o + 1]!;
  f.srcLength = b[o + 2]!;
  f.tos = b[o + 3]!;
  f.table = b[o + 4]!;
  f.protocol = b[o + 5]!;
  f.scope = b[o + 6]!;
  f.type = b[o + 7]!;
  f.flags = (b[o + 8]! | (b[o + 9]! << 8) | (b[o + 10]! << 16) | (b[o + 11]! << 24)) >>> 0;
  f.unknown = undefined;
  let present = 0;
  // A Message put together by hand may claim more bytes than its buffer has (as AttributeCursor).
  const end = m.end <= b.length ? m.end : b.length;
  for (let at = o + RTMSG_LEN; at + 4 <= end; ) {
    const len = b[at]! | (b[at + 1]! << 8);
    if (len < 4 || at + len > end) return decodeCheckedRoute(m, offsetBias);
    const start = at + 4;
    const length = len - 4;
    const type = (b[at + 2]! | (b[at + 3]! << 8)) & NLA_TYPE_MASK;
    switch (type < ROUTE_READ_OF.length ? ROUTE_READ_OF[type]! : RouteRead.Other) {
      case RouteRead.Table:
        if (length < 4) return decodeCheckedRoute(m, offsetBias);
        f.table = (b[start]! | (b[start + 1]! << 8) | (b[start + 2]! << 16) | (b[start + 3]! << 24)) >>> 0;
        break;
      case RouteRead.Dst:
        f.dst = formatIp(b, start, length);
        present |= HAS_DST;
        break;
      case RouteRead.Gateway:
        f.gateway = formatIp(b, start, length);
        present |= HAS_GATEWAY;
        break;
      case RouteRead.Oif:
        if (length < 4) return decodeCheckedRoute(m, offsetBias);
        f.oif = (b[start]! | (b[start + 1]! << 8) | (b[start + 2]! << 16) | (b[start + 3]! << 24)) >>> 0;
        present |= HAS_OIF;
        break;
      case RouteRead.Priority:
        if (length < 4) return decodeCheckedRoute(m, offsetBias);
        f.priority = (b[start]! | (b[start + 1]! << 8) | (b[start + 2]! << 16) | (b[start + 3]! << 24)) >>> 0;
        present |= HAS_PRIORITY;
        break;
      case RouteRead.Prefsrc:
        f.prefsrc = formatIp(b, start, length);
        present |= HAS_PREFSRC;
        break;
      default: {
        const bit = decodeOtherRouteAttribute(f, m, at, type, length, offsetBias);
        if (bit < 0) return decodeCheckedRoute(m, offsetBias);
        present |= bit;
      }
    }
    at += (len + 3) & ~3;
  }
  f.present = present;
  const route = buildRoute(f);
  // The objects the fields held go with the route; the scratch keeps none alive.
  f.via = f.metrics = f.nexthops = f.cacheInfo = f.unknown = undefined;
  keepLatestShape('route', route);
  // One route of each set of fields stays alive too: a class no live object
  // has is dropped at the next full collection, with the optimized code that
  // knew it. A dump mixes a few sets (a connected route has prefsrc and no
  // gateway), so keeping only the latest route sent the decoder back to the
  // interpreter after every full collection.
  shapeExemplars[Math.imul(present ^ family, 0x9e3779b1) >>> (32 - SHAPE_EXEMPLAR_BITS)] = route;
  return route;
}

/**
 * Decodes an attribute decodeRouteMessage does not read itself into `f`;
 * returns its HAS_* bit (0 for none), or -1 for a payload too short for its
 * type. Nested payloads (metrics, multipath) and RTA_VIA are read with a
 * cursor on the attribute, whose errors name it.
 */
function decodeOtherRouteAttribute(f: RouteFields, m: Message, at: number, type: number, length: number, offsetBias: number): number {
  const b = m.buf;
  const start = at + 4;
  switch (type) {
    case RTA_PREF: {
      if (length < 1) return -1;
      const pref = b[start]!;
      f.pref = routePrefName(pref) as RoutePrefName | undefined ?? pref;
      return HAS_PREF;
    }
    case RTA_CACHEINFO:
      if (length < RTA_CACHEINFO_LEN) return -1;
      f.cacheInfo = decodeCacheInfo(b, start);
      if (f.cacheInfo.expires === 0) return HAS_CACHEINFO;
      f.expires = f.cacheInfo.expires / USER_HZ;
      return HAS_CACHEINFO | HAS_EXPIRES;
    case RTA_SRC: f.src = formatIp(b, start, length); return HAS_SRC;
    case RTA_IIF: return length < 4 ? -1 : ((f.iif = u32le(b, start)), HAS_IIF);
    case RTA_MARK: return length < 4 ? -1 : ((f.mark = u32le(b, start)), HAS_MARK);
    case RTA_UID: return length < 4 ? -1 : ((f.uid = u32le(b, start)), HAS_UID);
    case RTA_FLOW: return length < 4 ? -1 : ((f.flow = u32le(b, start)), HAS_FLOW);
    case RTA_NH_ID: return length < 4 ? -1 : ((f.nhid = u32le(b, start)), HAS_NHID);
    case RTA_EXPIRES: return length < 4 ? -1 : ((f.expires = u32le(b, start)), HAS_EXPIRES);
    case RTA_TTL_PROPAGATE: return length < 1 ? -1 : ((f.ttlPropagate = b[start] !== 0), HAS_TTL_PROPAGATE);
    case RTA_METRICS: f.metrics = decodeMetrics(cursorOn(m, at, offsetBias).nestedCursor()); return HAS_METRICS;
    case RTA_MULTIPATH: f.nexthops = decodeMultipath(cursorOn(m, at, offsetBias)); return HAS_NEXTHOPS;
    case RTA_VIA: f.via = decodeVia(cursorOn(m, at, offsetBias)); return HAS_VIA;
    default:
      (f.unknown ??= []).push(cursorOn(m, at, offsetBias).raw());
      return 0;
  }
}

/** A cursor on the attribute whose (already checked) header is at `at`, with the message's error context. */
function cursorOn(m: Message, at: number, offsetBias: number): AttributeCursor {
  const c = new AttributeCursor(m.buf, at, m.end, offsetBias === 0 ? sharedContext(m) : routeContext(m, routeAttributeName, offsetBias));
  c.next();
  return c;
}

/**
 * The cursor walk decodeRouteMessage hands a malformed message to: it throws
 * MalformedMessageError naming the attribute and offset (the cursor's checks
 * are the ones decodeRouteMessage mirrors).
 */
function decodeCheckedRoute(m: Message, offsetBias: number): Route {
  const c = new AttributeCursor(m.buf, m.offset + RTMSG_LEN, m.end, offsetBias === 0 ? sharedContext(m) : routeContext(m, routeAttributeName, offsetBias));
  while (c.next()) {
    switch (c.type) {
      case RTA_TABLE: case RTA_OIF: case RTA_IIF: case RTA_PRIORITY: case RTA_MARK: case RTA_UID: case RTA_FLOW: case RTA_NH_ID: case RTA_EXPIRES:
        c.u32();
        break;
      case RTA_PREF: case RTA_TTL_PROPAGATE: c.u8(); break;
      case RTA_CACHEINFO: c.need(RTA_CACHEINFO_LEN); break;
      default: break;
    }
  }
  // decodeRouteMessage found a fault the cursor did not: they disagree on what is malformed.
  throw c.malformed('route attributes refused by the decoder but not by the cursor');
}

const RTA_NAMES = constantNames(rtnetlink, 'RTA_');

/** Names an attribute path for error messages: 'RTA_GATEWAY', 'RTA_METRICS/RTAX_MTU', 'RTA_MULTIPATH'. */
export function routeAttributeName(path: readonly number[]): string {
  const top = RTA_NAMES.get(path[0]!) ?? String(path[0]);
  // RTA_MULTIPATH holds rtnexthop structs, not attributes: a deeper path means nothing.
  if (path[0] === RTA_MULTIPATH || path.length === 1) return top;
  if (path[0] === RTA_METRICS) return `${top}/${RTAX_NAMES.get(path[1]!) ?? path[1]}`;
  return [top, ...path.slice(1)].join('/');
}
