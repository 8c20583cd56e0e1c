// A listed route back as a RouteSpec, so what `list` returns can be passed to
// delete, replace or add (another namespace, another table) as it is. Only
// what a spec can say is carried: a next hop of another family (RTA_VIA), an
// encap of a type nlkit does not build and the expiry countdown are not.
import { RTNH_F_ONLINK } from '../../generated/rtnetlink.js';
import { requireObject } from '../../netlink/checks.js';
import { decodeEncap } from './encap/index.js';
import type { Route, RouteNexthop } from './message.js';
import type { RouteMetrics } from './metrics.js';
import { realmsOfFlow } from '../realms.js';
import type { RouteNexthopSpec, RouteSpec } from './spec.js';

function nexthopSpec(nh: RouteNexthop): RouteNexthopSpec {
  const spec: RouteNexthopSpec = { weight: nh.weight };
  if (nh.gateway !== undefined) spec.gateway = nh.gateway;
  if (nh.oif) spec.dev = nh.oif;
  if (nh.flags & RTNH_F_ONLINK) spec.onlink = true;
  if (nh.flow !== undefined) spec.realms = realmsOfFlow(nh.flow);
  const encap = decodeEncap(nh.unknown);
  if (encap !== undefined) spec.encap = encap;
  return spec;
}

/** The metrics a spec takes: those nlkit decoded (unknown RTAX_* types stay behind). */
function metricsSpec(metrics: RouteMetrics): RouteMetrics {
  const { unknown: _unknown, ...known } = metrics;
  return known;
}

/**
 * The spec of a route `list` returned (links by ifindex): deleting it removes
 * exactly that route, adding it elsewhere makes the same one.
 */
export function routeToSpec(route: Route): RouteSpec {
  requireObject(route, 'routeToSpec: route', 'what route.list() returns');
  const spec: RouteSpec = {
    dst: route.dst !== undefined ? `${route.dst}/${route.dstLength}` : 'default',
    family: route.family,
    table: route.table,
    type: route.type,
    protocol: route.protocol,
    scope: route.scope,
  };
  if (route.src !== undefined) spec.from = `${route.src}/${route.srcLength}`;
  if (route.tos) spec.tos = route.tos;
  if (route.priority !== undefined) spec.metric = route.priority;
  if (route.prefsrc !== undefined) spec.src = route.prefsrc;
  if (route.flow !== undefined) spec.realms = realmsOfFlow(route.flow);
  const encap = decodeEncap(route.unknown);
  if (encap !== undefined) spec.encap = encap;
  if (route.metrics !== undefined) spec.metrics = metricsSpec(route.metrics);
  if (typeof route.pref === 'string') spec.pref = route.pref;
  // A route through a nexthop object reports the object's gateway and device too; the id alone says where it goes.
  if (route.nhid !== undefined) {
    spec.nhid = route.nhid;
    return spec;
  }
  if (route.nexthops !== undefined) {
    spec.nexthops = route.nexthops.map(nexthopSpec);
    return spec;
  }
  if (route.gateway !== undefined) spec.gateway = route.gateway;
  if (route.oif !== undefined) spec.dev = route.oif;
  if (route.flags & RTNH_F_ONLINK) spec.onlink = true;
  return spec;
}
