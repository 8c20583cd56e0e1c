import { NF_ARP_FORWARD, NF_ARP_IN, NF_ARP_OUT } from '../../generated/netfilter_arp.js';
import {
  NF_INET_FORWARD, NF_INET_INGRESS, NF_INET_LOCAL_IN, NF_INET_LOCAL_OUT, NF_INET_POST_ROUTING, NF_INET_PRE_ROUTING,
  NF_NETDEV_EGRESS, NF_NETDEV_INGRESS,
} from '../../generated/netfilter.js';
import { InvalidArgumentError } from '../../netlink/addresses.js';
import type { NftFamily } from './family.js';
import { jsonOf } from '../../netlink/checks.js';

/** Netfilter hook a base chain attaches to (`hook input`). ip/ip6/inet/bridge have prerouting to postrouting (inet also ingress), arp has input, output and forward, netdev has ingress and egress. */
export type ChainHook = 'prerouting' | 'input' | 'forward' | 'output' | 'postrouting' | 'ingress' | 'egress';
/** Base chain type (`type filter hook ...`): `filter` in every family, `nat` (conntrack-driven address translation) and `route` (re-routes output packets whose marks or addresses change) in ip, ip6 and inet. */
export type ChainType = 'filter' | 'nat' | 'route';


const INET_HOOKS: Partial<Record<ChainHook, number>> = {
  prerouting: NF_INET_PRE_ROUTING,
  input: NF_INET_LOCAL_IN,
  forward: NF_INET_FORWARD,
  output: NF_INET_LOCAL_OUT,
  postrouting: NF_INET_POST_ROUTING,
};

// The bridge hooks (NF_BR_PRE_ROUTING..NF_BR_POST_ROUTING) have the same numbers as NF_INET_*.
const HOOKS: Record<NftFamily, Partial<Record<ChainHook, number>>> = {
  ip: INET_HOOKS,
  ip6: INET_HOOKS,
  inet: { ...INET_HOOKS, ingress: NF_INET_INGRESS },
  bridge: INET_HOOKS,
  arp: { input: NF_ARP_IN, output: NF_ARP_OUT, forward: NF_ARP_FORWARD },
  netdev: { ingress: NF_NETDEV_INGRESS, egress: NF_NETDEV_EGRESS },
};

/** Chain types each family accepts (`nat` needs connection tracking, `route` re-routes locally generated packets). */
const TYPES: Record<NftFamily, ChainType[]> = {
  ip: ['filter', 'nat', 'route'],
  ip6: ['filter', 'nat', 'route'],
  inet: ['filter', 'nat', 'route'],
  bridge: ['filter'],
  arp: ['filter'],
  netdev: ['filter'],
};

export function hookNumber(family: NftFamily, hook: unknown): number {
  const n = typeof hook === 'string' ? HOOKS[family][hook as ChainHook] : undefined;
  if (n === undefined) {
    throw new InvalidArgumentError(`hook ${jsonOf(hook)} does not exist in the ${family} family; use one of ${Object.keys(HOOKS[family]).join(', ')}`);
  }
  return n;
}

export function hookName(family: NftFamily, n: number): ChainHook | number {
  const table = HOOKS[family] ?? {};
  for (const [name, value] of Object.entries(table)) if (value === n) return name as ChainHook;
  return n;
}

export function requireChainType(family: NftFamily, type: unknown): ChainType {
  if (typeof type !== 'string' || !TYPES[family].includes(type as ChainType)) {
    throw new InvalidArgumentError(`chain type ${jsonOf(type)} is not available in the ${family} family; use one of ${TYPES[family].join(', ')}`);
  }
  return type as ChainType;
}

/** Standard priority names, as `nft` accepts them (`priority filter`, `priority dstnat`). */
const PRIORITIES: Record<string, number> = { raw: -300, mangle: -150, dstnat: -100, filter: 0, security: 50, srcnat: 100 };
const BRIDGE_PRIORITIES: Record<string, number> = { dstnat: -300, filter: -200, out: 100, srcnat: 300 };

/** A chain priority as a number; names (`filter`, `dstnat`, `srcnat`...) resolve per family like nft does. */
export function priorityNumber(family: NftFamily, priority: unknown): number {
  if (typeof priority === 'number') {
    if (!Number.isInteger(priority) || priority < -0x80000000 || priority > 0x7fffffff) {
      throw new InvalidArgumentError(`chain priority must be a 32-bit signed integer, got ${priority}`);
    }
    return priority;
  }
  const names = family === 'bridge' ? BRIDGE_PRIORITIES : PRIORITIES;
  const n = typeof priority === 'string' ? names[priority] : undefined;
  if (n === undefined) {
    throw new InvalidArgumentError(`chain priority ${jsonOf(priority)} is neither a number nor one of ${Object.keys(names).join(', ')} (${family})`);
  }
  return n;
}
