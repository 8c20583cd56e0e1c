import { NTF_EXT_LEARNED, NTF_EXT_MANAGED, NTF_OFFLOADED, NTF_PROXY, NTF_ROUTER } from '../../generated/neighbour.js';
import { routeProtocolName } from '../iproute2-names.js';
import { ipLinkName } from '../ipjson.js';
import type { Neighbour } from './message.js';
import { requireArray, requireMap, requireObject } from '../../netlink/checks.js';

/**
 * An empty NDA_LLADDR (a device without link-layer address, e.g. tun) as ip
 * prints it. ip's ll_addr_n2a prints the first byte at the address whatever
 * its length, so it reads past the empty payload into the next attribute:
 * the kernel (neigh_fill_info) always puts NDA_PROBES, a u32 attribute, right
 * after NDA_LLADDR, and the low byte of its nla_len is 8. Sic, as ip prints it.
 */
const EMPTY_LLADDR_AS_IP_PRINTS_IT = '08';

/** One entry as `ip -j neigh show` prints it. */
export type NeighbourIpJson = Record<string, string | number | null | string[]>;

/** Options of {@link neighbourToIpJson}. */
export interface NeighbourIpJsonOptions {
  /** Add the cache ages and probes that `ip -s` prints (refcnt, used, confirmed, updated, probes). */
  stats?: boolean;
  /** USER_HZ of the kernel's clock_t values; iproute2 reads it from sysconf(_SC_CLK_TCK), which is 100 on Linux. */
  hz?: number;
}

/**
 * Converts a neighbour to exactly the object `ip -j -d neigh show` prints for
 * it (iproute2 print_neigh). `linkNames` maps ifindexes to names; an unknown
 * index prints as `ifN`, as iproute2 does. Link-layer addresses print as
 * colon-separated hex, which is what iproute2 prints for every link type but
 * IPv4/IPv6 tunnels.
 */
export function neighbourToIpJson(n: Neighbour, linkNames: ReadonlyMap<number, string>, options: NeighbourIpJsonOptions = {}): NeighbourIpJson {
  requireObject(n, 'neighbourToIpJson: neighbour', 'what neigh.list() returns');
  requireMap(linkNames, 'neighbourToIpJson: linkNames');
  requireObject(options, 'neighbourToIpJson: options');
  const out: NeighbourIpJson = {};
  if (n.dst !== undefined) out.dst = n.dst;
  if (n.ifindex) out.dev = ipLinkName(n.ifindex, linkNames.get(n.ifindex));
  if (n.lladdr !== undefined) out.lladdr = n.lladdr === '' ? EMPTY_LLADDR_AS_IP_PRINTS_IT : n.lladdr;
  if (n.flags & NTF_ROUTER) out.router = null;
  if (n.flags & NTF_PROXY) out.proxy = null;
  if ((n.flagsExt ?? 0) & NTF_EXT_MANAGED) out.managed = null;
  if (n.flags & NTF_EXT_LEARNED) out.extern_learn = null;
  if (n.flags & NTF_OFFLOADED) out.offload = null;
  if (options.stats) {
    const hz = options.hz ?? 100;
    if (n.cacheinfo) {
      if (n.cacheinfo.refcnt) out.refcnt = n.cacheinfo.refcnt;
      out.used = Math.floor(n.cacheinfo.used / hz);
      out.confirmed = Math.floor(n.cacheinfo.confirmed / hz);
      out.updated = Math.floor(n.cacheinfo.updated / hz);
    }
    if (n.probes !== undefined) out.probes = n.probes;
  }
  if (n.state) out.state = n.stateNames;
  if (n.protocol) out.protocol = routeProtocolName(n.protocol);
  return out;
}

/** `neighbourToIpJson` over a list: what `ip -j -d neigh show nud all` prints for the same dump. */
export function neighboursToIpJson(neighbours: readonly Neighbour[], linkNames: ReadonlyMap<number, string>, options: NeighbourIpJsonOptions = {}): NeighbourIpJson[] {
  requireArray(neighbours, 'neighboursToIpJson: neighbours');
  return neighbours.map((n) => neighbourToIpJson(n, linkNames, options));
}
