import { NEXTHOP_GRP_TYPE_MPATH } from '../../generated/nexthop.js';
import { RT_SCOPE_UNIVERSE, RTA_ENCAP, RTA_ENCAP_TYPE, RTPROT_UNSPEC } from '../../generated/rtnetlink.js';
import type { RawAttribute } from '../../netlink/attributes.js';
import { requireArray, requireMap, requireObject } from '../../netlink/checks.js';
import { routeProtocolName, scopeName } from '../iproute2-names.js';
import { ipLinkName, type IpJson } from '../ipjson.js';
import { addEncapJson } from '../routes/encap-json.js';
import { rtFlags } from '../routes/ipjson.js';
import { nexthopGroupTypeName, type Nexthop, type ResilientGroupParameters } from './message.js';

/** Options of {@link nexthopToIpJson}: which `ip` command line to mirror. */
export interface NexthopIpJsonOptions {
  /** Mirror `ip -d` (default false, as `ip -j nexthop show`): print scope and protocol even when global / unspec. */
  details?: boolean;
}

/** ip prints seconds with printf's %g: six significant digits. */
function printfG(value: number): number {
  return Number(value.toPrecision(6));
}

function resilientJson(r: ResilientGroupParameters): IpJson {
  // ip prints every field, zero for one the kernel left out.
  return {
    buckets: r.buckets ?? 0,
    idle_timer: printfG(r.idleTimer ?? 0),
    unbalanced_timer: printfG(r.unbalancedTimer ?? 0),
    unbalanced_time: printfG(r.unbalancedTime ?? 0),
  };
}

/** The encap as a route's raw attributes, to print it as routes print theirs (lwt_print_encap serves both). */
function encapAsRouteAttributes(n: Nexthop): RawAttribute[] | undefined {
  if (n.encap === undefined || n.encapType === undefined) return undefined;
  const type = Buffer.alloc(2);
  type.writeUInt16LE(n.encapType, 0);
  return [{ type: RTA_ENCAP_TYPE, nested: false, data: type }, { type: RTA_ENCAP, nested: true, data: n.encap }];
}

/**
 * The object `ip -j nexthop show` prints for a nexthop (iproute2 6.1's
 * print of one nexthop entry), with `linkNames` mapping ifindexes to names
 * as `dev`; with `details`, what `ip -j -d` prints (and what a route's
 * `nh_info` holds).
 */
export function nexthopToIpJson(nexthop: Nexthop, linkNames: ReadonlyMap<number, string>, options: NexthopIpJsonOptions = {}): IpJson {
  requireObject(nexthop, 'nexthopToIpJson: nexthop', 'what nexthop.list() returns');
  requireMap(linkNames, 'nexthopToIpJson: linkNames');
  requireObject(options, 'nexthopToIpJson: options');
  const details = options.details ?? false;
  const n = nexthop;
  const o: IpJson = { id: n.id };
  if (n.group !== undefined) {
    // The wire's weight byte is weight - 1; ip leaves out the weight of members with the default 1.
    o.group = n.group.map((m) => (m.weight > 1 ? { id: m.id, weight: m.weight } : { id: m.id }));
  }
  if (n.groupType !== undefined && n.groupType !== NEXTHOP_GRP_TYPE_MPATH) {
    const name = nexthopGroupTypeName(n.groupType);
    o.type = typeof name === 'number' ? '<unknown type>' : name;
  }
  if (n.resilient !== undefined) o.resilient_args = resilientJson(n.resilient);
  addEncapJson(o, encapAsRouteAttributes(n));
  if (n.gateway !== undefined) o.gateway = n.gateway;
  if (n.oif) o.dev = ipLinkName(n.oif, linkNames.get(n.oif));
  if (n.scope !== RT_SCOPE_UNIVERSE || details) o.scope = scopeName(n.scope);
  if (n.blackhole) o.blackhole = null;
  if (n.protocol !== RTPROT_UNSPEC || details) o.protocol = routeProtocolName(n.protocol);
  o.flags = rtFlags(n.flags);
  if (n.fdb) o.fdb = null;
  return o;
}

/** `nexthopToIpJson` over a list: `ip -j nexthop show`. */
export function nexthopsToIpJson(nexthops: readonly Nexthop[], linkNames: ReadonlyMap<number, string>, options: NexthopIpJsonOptions = {}): IpJson[] {
  requireArray(nexthops, 'nexthopsToIpJson: nexthops');
  return nexthops.map((n) => nexthopToIpJson(n, linkNames, options));
}
