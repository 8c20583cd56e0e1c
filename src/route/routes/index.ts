export { RouteLookupError, RouteService, type RouteFilter } from './service.js';
export { prepareRoute, prepareLookup, describeRoute, type RouteSpec, type RouteNexthopSpec, type RouteLookup, type PreparedRoute, type PreparedLookup } from './spec.js';
export {
  decodeRoute, encodeRouteRequest, encodeRouteDumpRequest, routeAttributeName, RTMSG_LEN, RTNEXTHOP_LEN, USER_HZ,
  type Route, type RouteNexthop, type RouteVia, type RouteCacheInfo, type RouteRequest, type NexthopRequest, type RouteDumpFilter,
} from './message.js';
export { prepareMetrics, decodeMetrics, type RouteMetrics, type MetricName } from './metrics.js';
export { routeToIpJson, type RouteIpJsonOptions } from './ipjson.js';
export { routeEncapToIpJson } from './encap-json.js';
export { routeToSpec } from './route-to-spec.js';
export type { RouteEncapSpec, IpEncapSpec, Ip6EncapSpec, TunnelEncapFlag, PreparedEncap } from './encap/index.js';

