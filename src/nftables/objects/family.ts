import {
  NFPROTO_ARP, NFPROTO_BRIDGE, NFPROTO_INET, NFPROTO_IPV4, NFPROTO_IPV6, NFPROTO_NETDEV,
} from '../../generated/netfilter.js';
import { InvalidArgumentError } from '../../netlink/addresses.js';
import { describeValue } from '../../netlink/checks.js';

/** Table families, named as `nft` names them. */
export type NftFamily = 'ip' | 'ip6' | 'inet' | 'arp' | 'bridge' | 'netdev';

const NUMBERS: Record<NftFamily, number> = {
  ip: NFPROTO_IPV4,
  ip6: NFPROTO_IPV6,
  inet: NFPROTO_INET,
  arp: NFPROTO_ARP,
  bridge: NFPROTO_BRIDGE,
  netdev: NFPROTO_NETDEV,
};

const NAMES = new Map<number, NftFamily>(Object.entries(NUMBERS).map(([name, n]) => [n, name as NftFamily]));

/** Every family name `familyNumber` accepts, in the order nft lists them: ip, ip6, inet, arp, bridge, netdev. */
export const NFT_FAMILIES = Object.keys(NUMBERS) as NftFamily[];

/** NFPROTO_* of a family name; InvalidArgumentError for anything else. */
export function familyNumber(family: unknown, what?: string): number {
  // Own keys only: "toString" is not a family.
  const n = typeof family === 'string' && Object.hasOwn(NUMBERS, family) ? NUMBERS[family as NftFamily] : undefined;
  if (n === undefined) {
    const shown = typeof family === 'string' ? JSON.stringify(family) : describeValue(family);
    throw new InvalidArgumentError(`${what ? `${what}: ` : ''}unknown nftables family ${shown}; use one of ${NFT_FAMILIES.join(', ')}`);
  }
  return n;
}

/** Family name of an NFPROTO_* value; `family<N>` for values nft does not name. */
export function familyName(n: number): NftFamily {
  return NAMES.get(n) ?? (`family${n}` as NftFamily);
}

export function requireFamily(family: unknown, what?: string): NftFamily {
  familyNumber(family, what);
  return family as NftFamily;
}
