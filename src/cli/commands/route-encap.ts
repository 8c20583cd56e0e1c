// A route's lightweight tunnel encap (RTA_ENCAP_TYPE, RTA_ENCAP, on the route
// or on its paths) kept apart from the rest of the route for output. ip prints
// the encap's keys into the route's own object, so an `ip` encap's `dst` and
// `tos` appear twice, in its text and in its JSON alike. routeToIpJson builds
// a JavaScript object, where the second key replaces the first; to print what
// ip prints, the route is rendered without its encap and the encap inserted
// at ip's place: in the text, and in the JSON as members with repeated keys.
import { routeEncapToIpJson, type IpJson, type Route } from '../../route/index.js';
import { RTA_ENCAP, RTA_ENCAP_TYPE } from '../../generated/rtnetlink.js';
import { JsonMembers } from '../json-writer.js';

/** The encap of a route and of each of its paths (by position), as routeEncapToIpJson gives them. */
export interface RouteEncap {
  route: IpJson | undefined;
  nexthops: (IpJson | undefined)[];
}

/** Keys ip prints before a route's encap (print_route's order). */
const BEFORE_ENCAP = new Set(['type', 'dst', 'from', 'src', 'nhid']);

const isEncapAttribute = (a: { type: number }): boolean => a.type === RTA_ENCAP || a.type === RTA_ENCAP_TYPE;

/**
 * The route without its encap attributes (routeToIpJson then gives the
 * route's own keys only) and the encap; a route without one comes back as it
 * is, with no encap.
 */
export function withoutEncap(route: Route): { route: Route; encap?: RouteEncap } {
  const hasEncap = route.unknown.some(isEncapAttribute) || (route.nexthops?.some((nh) => nh.unknown?.some(isEncapAttribute)) ?? false);
  if (!hasEncap) return { route };
  const encap: RouteEncap = { route: routeEncapToIpJson(route.unknown), nexthops: (route.nexthops ?? []).map((nh) => routeEncapToIpJson(nh.unknown)) };
  const stripped: Route = {
    ...route,
    unknown: route.unknown.filter((a) => !isEncapAttribute(a)),
    ...(route.nexthops ? { nexthops: route.nexthops.map((nh) => (nh.unknown ? { ...nh, unknown: nh.unknown.filter((a) => !isEncapAttribute(a)) } : nh)) } : {}),
  };
  return { route: stripped, encap };
}

/** `members` with the encap's after the leading keys `before` names (all of them when `before` is empty: a path's encap comes first). */
function insertEncap(members: [string, unknown][], encap: IpJson | undefined, before: ReadonlySet<string>): [string, unknown][] {
  if (encap === undefined) return members;
  let at = 0;
  while (at < members.length && before.has(members[at]![0])) at++;
  return [...members.slice(0, at), ...Object.entries(encap), ...members.slice(at)];
}

/** The JSON object ip prints for `entry` (the route's own keys) with its encap: keys may repeat. */
export function encapJson(entry: IpJson, encap: RouteEncap): JsonMembers {
  const members = Object.entries(entry).map(([key, value]): [string, unknown] => {
    if (key !== 'nexthops') return [key, value];
    const paths = (value as IpJson[]).map((nh, i) => new JsonMembers(insertEncap(Object.entries(nh), encap.nexthops[i], new Set())));
    return [key, paths];
  });
  return new JsonMembers(insertEncap(members, encap.route, BEFORE_ENCAP));
}
