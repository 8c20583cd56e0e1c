import type { NetnsId } from './message.js';
import { requireArray, requireMap } from '../../netlink/checks.js';

/** One entry as `ip -j netns list-id` prints it. */
export type NetnsIdIpJson = Record<string, string | number>;

/**
 * Converts a list of ids to exactly what `ip -j netns list-id` prints
 * (iproute2 print_nsid). `names` is what iproute2 reads from /run/netns: for
 * each named namespace with an id in the listing namespace, id → name (nlkit:
 * `rt.nsid.get(name)` for each of `listNetns()`).
 *
 * iproute2 names an entry by its current-nsid when there is one, else by its
 * nsid, and forgets a cached name once printed; a second entry with the same
 * key falls back to a directory scan by nsid. That is reproduced here.
 */
export function netnsIdsToIpJson(ids: readonly NetnsId[], names: ReadonlyMap<number, string> = new Map()): NetnsIdIpJson[] {
  requireArray(ids, 'netnsIdsToIpJson: ids');
  requireMap(names, 'netnsIdsToIpJson: names');
  const cache = new Map(names);
  return ids.map((id) => {
    const out: NetnsIdIpJson = {};
    if (id.nsid >= 0) out.nsid = id.nsid;
    if (id.currentNsid !== undefined && id.currentNsid >= 0) out['current-nsid'] = id.currentNsid;
    const key = id.currentNsid ?? id.nsid;
    let name = key >= 0 ? cache.get(key) : undefined;
    if (name !== undefined) {
      cache.delete(key);
    } else {
      name = id.nsid >= 0 ? names.get(id.nsid) : undefined;
      if (name !== undefined && !cache.has(id.nsid)) cache.set(id.nsid, name);
    }
    if (name !== undefined) out.name = name;
    return out;
  });
}
