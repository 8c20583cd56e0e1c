// The boolean link fields that are ifi_flags bits (`promisc`, `arp`, ...),
// shared by `link.add`/`link.set` and a veth's peer, which the kernel creates
// from its own ifinfomsg in the same request.
import { IFF_ALLMULTI, IFF_DYNAMIC, IFF_MULTICAST, IFF_NOARP, IFF_PROMISC, IFF_UP } from '../../generated/if.js';

/** A boolean field and its ifi_flags bit; `inverse` when true clears the bit (`arp` is IFF_NOARP). */
export type FlagField<K extends string> = readonly [key: K, bit: number, inverse: boolean];

/** Every flag field but `up`, which a veth peer cannot take in its header (see kinds/veth.ts). */
export const FLAG_FIELDS_BUT_UP: readonly FlagField<'promisc' | 'allmulticast' | 'multicast' | 'arp' | 'dynamic'>[] = [
  ['promisc', IFF_PROMISC, false], ['allmulticast', IFF_ALLMULTI, false], ['multicast', IFF_MULTICAST, false],
  ['arp', IFF_NOARP, true], ['dynamic', IFF_DYNAMIC, false],
];

/** Every flag field of a link. */
export const FLAG_FIELDS: readonly FlagField<'up' | 'promisc' | 'allmulticast' | 'multicast' | 'arp' | 'dynamic'>[] = [
  ['up', IFF_UP, false], ...FLAG_FIELDS_BUT_UP,
];

/** ifi_flags and ifi_change for the flag fields given: the kernel changes only the bits in ifi_change. */
export function flagBits<K extends string>(values: { readonly [P in K]?: boolean }, fields: readonly FlagField<K>[]): { flags: number; change: number } {
  let flags = 0;
  let change = 0;
  for (const [key, bit, inverse] of fields) {
    const value = values[key];
    if (value === undefined) continue;
    change |= bit;
    if (value !== inverse) flags |= bit;
  }
  return { flags, change };
}
