// Builds the Route object once a message's attributes are read.
//
// Why object literals, one per common set of attributes: V8 decides per
// allocation site whether the objects made there outlive the young
// generation, and then makes them in the old generation directly. Only
// literals have such a site (a constructor call has none). A dump keeps
// every route it decodes, so without it the garbage collector copied each
// of a 100,000-route dump once or twice (a third of the dump's CPU); with it,
// none. In a process that only watches, notifications die young and the
// sites stay young; where dumps made a site old, the notifications' routes
// are made old too and go at the next full collection. A route whose
// attributes match no literal below is built field by field.
//
// Key order is the same whichever way a route is built: the fixed fields,
// `unknown`, then the optional ones in the order the Route interface lists
// them (not the order the kernel sent them in).
import { NO_RAW_ATTRIBUTES, type RawAttribute } from '../../netlink/attributes.js';
import type { IpFamily } from '../../netlink/addresses.js';
import type { RoutePrefName } from '../iproute2-names.js';
import type { RouteMetrics } from './metrics.js';
import type { Route, RouteCacheInfo, RouteNexthop, RouteVia } from './message.js';

/** Bits of RouteFields.present: which optional fields the message had. */
export const HAS_DST = 1 << 0;
export const HAS_SRC = 1 << 1;
export const HAS_GATEWAY = 1 << 2;
export const HAS_VIA = 1 << 3;
export const HAS_OIF = 1 << 4;
export const HAS_IIF = 1 << 5;
export const HAS_PREFSRC = 1 << 6;
export const HAS_PRIORITY = 1 << 7;
export const HAS_METRICS = 1 << 8;
export const HAS_NEXTHOPS = 1 << 9;
export const HAS_PREF = 1 << 10;
export const HAS_EXPIRES = 1 << 11;
export const HAS_CACHEINFO = 1 << 12;
export const HAS_MARK = 1 << 13;
export const HAS_UID = 1 << 14;
export const HAS_FLOW = 1 << 15;
export const HAS_NHID = 1 << 16;
export const HAS_TTL_PROPAGATE = 1 << 17;

/**
 * What the decoder read from one message. One instance is reused for every
 * message (decoding is synchronous and never nested); a value is meaningful
 * only when its bit is set in `present`.
 */
export interface RouteFields {
  family: IpFamily;
  dstLength: number;
  srcLength: number;
  tos: number;
  table: number;
  protocol: number;
  scope: number;
  type: number;
  flags: number;
  present: number;
  dst: string;
  src: string;
  gateway: string;
  via: RouteVia | undefined;
  oif: number;
  iif: number;
  prefsrc: string;
  priority: number;
  metrics: RouteMetrics | undefined;
  nexthops: RouteNexthop[] | undefined;
  pref: RoutePrefName | number;
  expires: number;
  cacheInfo: RouteCacheInfo | undefined;
  mark: number;
  uid: number;
  flow: number;
  nhid: number;
  ttlPropagate: boolean;
  /** Undefined when every attribute was understood. */
  unknown: RawAttribute[] | undefined;
}

/** A RouteFields to fill, with every field of its final type (one hidden class). */
export function newRouteFields(): RouteFields {
  return {
    family: 4, dstLength: 0, srcLength: 0, tos: 0, table: 0, protocol: 0, scope: 0, type: 0, flags: 0, present: 0,
    dst: '', src: '', gateway: '', via: undefined, oif: 0, iif: 0, prefsrc: '', priority: 0, metrics: undefined,
    nexthops: undefined, pref: 0, expires: 0, cacheInfo: undefined, mark: 0, uid: 0, flow: 0, nhid: 0, ttlPropagate: false,
    unknown: undefined,
  };
}

const IPV4_VIA_GATEWAY = HAS_DST | HAS_GATEWAY | HAS_OIF;
const IPV4_VIA_GATEWAY_METRIC = HAS_DST | HAS_GATEWAY | HAS_OIF | HAS_PRIORITY;
const CONNECTED = HAS_DST | HAS_OIF | HAS_PREFSRC;
const DEVICE = HAS_DST | HAS_OIF;
const DEVICE_METRIC = HAS_DST | HAS_OIF | HAS_PRIORITY;
const IPV6_VIA_GATEWAY = HAS_DST | HAS_GATEWAY | HAS_OIF | HAS_PRIORITY | HAS_PREF | HAS_CACHEINFO;
const IPV6_DEVICE = HAS_DST | HAS_OIF | HAS_PRIORITY | HAS_PREF | HAS_CACHEINFO;

/** The Route `f` describes: from a literal for the sets of attributes big tables are made of, else field by field. */
export function buildRoute(f: RouteFields): Route {
  const unknown = f.unknown ?? NO_RAW_ATTRIBUTES;
  switch (f.present) {
    case IPV4_VIA_GATEWAY:
      return {
        family: f.family, dstLength: f.dstLength, srcLength: f.srcLength, tos: f.tos, table: f.table, protocol: f.protocol,
        scope: f.scope, type: f.type, flags: f.flags, unknown, dst: f.dst, gateway: f.gateway, oif: f.oif,
      };
    case IPV4_VIA_GATEWAY_METRIC:
      return {
        family: f.family, dstLength: f.dstLength, srcLength: f.srcLength, tos: f.tos, table: f.table, protocol: f.protocol,
        scope: f.scope, type: f.type, flags: f.flags, unknown, dst: f.dst, gateway: f.gateway, oif: f.oif, priority: f.priority,
      };
    case CONNECTED:
      return {
        family: f.family, dstLength: f.dstLength, srcLength: f.srcLength, tos: f.tos, table: f.table, protocol: f.protocol,
        scope: f.scope, type: f.type, flags: f.flags, unknown, dst: f.dst, oif: f.oif, prefsrc: f.prefsrc,
      };
    case DEVICE:
      return {
        family: f.family, dstLength: f.dstLength, srcLength: f.srcLength, tos: f.tos, table: f.table, protocol: f.protocol,
        scope: f.scope, type: f.type, flags: f.flags, unknown, dst: f.dst, oif: f.oif,
      };
    case DEVICE_METRIC:
      return {
        family: f.family, dstLength: f.dstLength, srcLength: f.srcLength, tos: f.tos, table: f.table, protocol: f.protocol,
        scope: f.scope, type: f.type, flags: f.flags, unknown, dst: f.dst, oif: f.oif, priority: f.priority,
      };
    case IPV6_VIA_GATEWAY:
      return {
        family: f.family, dstLength: f.dstLength, srcLength: f.srcLength, tos: f.tos, table: f.table, protocol: f.protocol,
        scope: f.scope, type: f.type, flags: f.flags, unknown, dst: f.dst, gateway: f.gateway, oif: f.oif, priority: f.priority,
        pref: f.pref, cacheInfo: f.cacheInfo,
      };
    case IPV6_DEVICE:
      return {
        family: f.family, dstLength: f.dstLength, srcLength: f.srcLength, tos: f.tos, table: f.table, protocol: f.protocol,
        scope: f.scope, type: f.type, flags: f.flags, unknown, dst: f.dst, oif: f.oif, priority: f.priority,
        pref: f.pref, cacheInfo: f.cacheInfo,
      };
    default:
      return routeFieldByField(f, unknown);
  }
}

// A constructor rather than a literal for the other sets: `new` gives the
// object room for every field assigned to `this` in the body, so the optional
// fields added after it do not regrow its property store (see
// links/link-object.ts). The prototype is Object.prototype: the same plain
// object, with the same keys in the same order, as a literal would make.
function RouteObject(this: Route, f: RouteFields, unknown: readonly RawAttribute[]): void {
  this.family = f.family;
  this.dstLength = f.dstLength;
  this.srcLength = f.srcLength;
  this.tos = f.tos;
  this.table = f.table;
  this.protocol = f.protocol;
  this.scope = f.scope;
  this.type = f.type;
  this.flags = f.flags;
  this.unknown = unknown;
  if (false) {
    // Never runs: reserves room for the optional fields.
    this.dst = this.src = this.gateway = this.via = this.oif = this.iif = this.prefsrc = this.priority = undefined;
    this.metrics = this.nexthops = this.pref = this.expires = this.cacheInfo = this.mark = this.uid = undefined;
    this.flow = this.nhid = this.ttlPropagate = undefined;
  }
}
RouteObject.prototype = Object.prototype;
const PlainRoute = RouteObject as unknown as new (f: RouteFields, unknown: readonly RawAttribute[]) => Route;

function routeFieldByField(f: RouteFields, unknown: readonly RawAttribute[]): Route {
  const route = new PlainRoute(f, unknown);
  const present = f.present;
  if (present & HAS_DST) route.dst = f.dst;
  if (present & HAS_SRC) route.src = f.src;
  if (present & HAS_GATEWAY) route.gateway = f.gateway;
  if (present & HAS_VIA) route.via = f.via;
  if (present & HAS_OIF) route.oif = f.oif;
  if (present & HAS_IIF) route.iif = f.iif;
  if (present & HAS_PREFSRC) route.prefsrc = f.prefsrc;
  if (present & HAS_PRIORITY) route.priority = f.priority;
  if (present & HAS_METRICS) route.metrics = f.metrics;
  if (present & HAS_NEXTHOPS) route.nexthops = f.nexthops;
  if (present & HAS_PREF) route.pref = f.pref;
  if (present & HAS_EXPIRES) route.expires = f.expires;
  if (present & HAS_CACHEINFO) route.cacheInfo = f.cacheInfo;
  if (present & HAS_MARK) route.mark = f.mark;
  if (present & HAS_UID) route.uid = f.uid;
  if (present & HAS_FLOW) route.flow = f.flow;
  if (present & HAS_NHID) route.nhid = f.nhid;
  if (present & HAS_TTL_PROPAGATE) route.ttlPropagate = f.ttlPropagate;
  return route;
}
