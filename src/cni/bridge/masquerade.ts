// ipMasq: source NAT for the pod's addresses when they leave their subnet, as
// the reference does with iptables, here with nftables in a table of its own
// (`inet nlkit-cni`). Each attachment's rules carry its own tag, so DEL
// removes exactly them, also after the namespace is gone.
import { createHash } from 'node:crypto';
import { nftables } from '../../index.js';
import { openHostNftables, withHostNftables } from '../agent/cache.js';
import type { CniCall } from '../call.js';
import { networkCidr, parseCidr } from '../ip.js';
import type { CniIpConfig } from '../spec/types.js';

/** The nftables table the plugin's rules live in. */
export const MASQUERADE_TABLE = 'nlkit-cni';

interface MasqueradeOptions {
  id: string;
  table?: string;
  addresses: readonly string[];
}

// Multicast is never masqueraded, as with the reference.
const MULTICAST = { 4: '224.0.0.0/4', 6: 'ff00::/8' } as const;

const recipe = nftables.defineRecipe<MasqueradeOptions>('cni-masq', (options, table) => ({
  chains: [{ family: 'inet', table, name: 'postrouting', type: 'nat', hook: 'postrouting', priority: 'srcnat', policy: 'accept' }],
  rules: options.addresses.map((text) => {
    const cidr = parseCidr(text, 'ipMasq address');
    const subnet = networkCidr(cidr);
    const match = cidr.family === 4
      ? nftables.rule().ip.saddr(cidr.address).ip.daddr('!=', subnet).ip.daddr('!=', MULTICAST[4])
      : nftables.rule().ip6.saddr(cidr.address).ip6.daddr('!=', subnet).ip6.daddr('!=', MULTICAST[6]);
    return { family: 'inet', table, chain: 'postrouting', rule: match.masquerade() };
  }),
}), ['addresses']);

/**
 * The tag of one attachment: network, container and interface, readable in
 * `nft list` when it fits the 96 characters a tag may have, else hashed.
 */
export function masqueradeId(call: CniCall): string {
  const readable = `${call.network.name}/${call.env.containerId}/${call.env.ifname}`;
  if (readable.length <= 96 && /^[A-Za-z0-9_.:/-]+$/.test(readable)) return readable;
  return `sha256:${createHash('sha256').update(`${call.network.name}\0${call.env.containerId}\0${call.env.ifname}`).digest('hex').slice(0, 40)}`;
}

/** Adds (or replaces) the attachment's masquerade rules, one per address. */
export function applyMasquerade(call: CniCall, ips: readonly CniIpConfig[]): void {
  withHostNftables(call.options, (nft) => recipe.apply(nft, { id: masqueradeId(call), table: MASQUERADE_TABLE, addresses: ips.map((ip) => ip.address) }));
}

/** Removes the attachment's masquerade rules; none is not an error. */
export function removeMasquerade(call: CniCall): number {
  return withHostNftables(call.options, (nft) => recipe.remove(nft, { id: masqueradeId(call), table: MASQUERADE_TABLE }));
}

/** How many masquerade rules the attachment has (CHECK compares it with its addresses). */
export function masqueradeRuleCount(call: CniCall): number {
  const nft = openHostNftables(call.options);
  try {
    if (!nft.listTables({ family: 'inet' }).some((t) => t.name === MASQUERADE_TABLE)) return 0;
    const tag = nftables.recipeTag('cni-masq', masqueradeId(call));
    return nft.listRules({ family: 'inet', table: MASQUERADE_TABLE }).filter((r) => r.comment === tag).length;
  } finally {
    nft.close();
  }
}
