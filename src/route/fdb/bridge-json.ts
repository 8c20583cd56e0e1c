import { requireArray, requireMap, requireObject } from '../../netlink/checks.js';
import { ipLinkName } from '../ipjson.js';
import type { FdbEntry } from './entry.js';

/** One entry as `bridge -j fdb show` prints it. */
export type FdbBridgeJson = Record<string, string | number | string[]>;

/** Options of {@link fdbToBridgeJson}. */
export interface FdbBridgeJsonOptions {
  /** Add `used` and `updated` in seconds, as `bridge -s -j fdb show` does. */
  stats?: boolean;
  /** USER_HZ of the kernel's clock_t values (100 on Linux). */
  hz?: number;
}

/**
 * Converts an FDB entry to exactly the object `bridge -j fdb show` (iproute2
 * 6.1 print_fdb) prints for it. `linkNames` maps ifindexes to names; an
 * unknown index prints as `ifN`, as bridge does.
 */
export function fdbToBridgeJson(e: FdbEntry, linkNames: ReadonlyMap<number, string>, options: FdbBridgeJsonOptions = {}): FdbBridgeJson {
  requireObject(e, 'fdbToBridgeJson: entry', 'what fdb.list() returns');
  requireMap(linkNames, 'fdbToBridgeJson: linkNames');
  requireObject(options, 'fdbToBridgeJson: options');
  const name = (index: number) => ipLinkName(index, linkNames.get(index));
  const out: FdbBridgeJson = {};
  if (e.mac !== '') out.mac = e.mac;
  if (e.ifindex) out.ifname = name(e.ifindex);
  if (e.dst !== undefined) out.dst = e.dst;
  if (e.vlan) out.vlan = e.vlan;
  if (e.port !== undefined) out.port = e.port;
  if (e.vni !== undefined) out.vni = e.vni;
  if (e.srcVni !== undefined) out.src_vni = e.srcVni;
  if (e.via !== undefined) {
    // With a link namespace id, the index is not one of this namespace's.
    if (e.linkNetnsId !== undefined) out.viaIfIndex = e.via;
    else out.viaIf = name(e.via);
  }
  if (e.linkNetnsId !== undefined) out.linkNetNsId = e.linkNetnsId;
  if (options.stats && e.cacheinfo) {
    const hz = options.hz ?? 100;
    out.used = Math.floor(e.cacheinfo.used / hz);
    out.updated = Math.floor(e.cacheinfo.updated / hz);
  }
  // bridge never prints `use`: the kernel does not keep it.
  out.flags = e.flagNames.filter((f) => f !== 'use');
  if (e.master !== undefined) out.master = name(e.master);
  out.state = e.stateName ?? `state=0x${e.state.toString(16)}`;
  return out;
}

/** `fdbToBridgeJson` over a list: what `bridge -j fdb show` prints for the same dump. */
export function fdbEntriesToBridgeJson(entries: readonly FdbEntry[], linkNames: ReadonlyMap<number, string>, options: FdbBridgeJsonOptions = {}): FdbBridgeJson[] {
  requireArray(entries, 'fdbEntriesToBridgeJson: entries');
  return entries.map((e) => fdbToBridgeJson(e, linkNames, options));
}
