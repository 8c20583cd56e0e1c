// The nftables rules of one attachment's port mappings, as a recipe in nlkit's
// own table `inet nlkit-cni-hostport`. Laid out like the reference's nftables
// backend (a rule per mapping, tagged with the container), in base chains:
//
//   prerouting, output (nat, dstnat):
//     [conditions] meta nfproto ipv4 fib daddr type local tcp dport 8080 dnat ip to 10.88.0.5:80
//     [conditions] meta nfproto ipv4 ip daddr <hostIP> tcp dport 8080 dnat ip to 10.88.0.5:80
//   postrouting (nat, srcnat), with snat:
//     meta nfproto ipv4 ip saddr 10.88.0.0/16 ip daddr 10.88.0.5 ct status dnat tcp dport 80 masquerade   (hairpin)
//     meta nfproto ipv4 ip saddr 127.0.0.1 ip daddr 10.88.0.5 ct status dnat tcp dport 80 masquerade      (localhost)
//
// The reference (iptables) marks such connections in its DNAT chain and
// masquerades marked packets; conntrack already knows which connections were
// DNATed to the pod, so these rules need no mark bit.
import { createHash } from 'node:crypto';
import { InvalidArgumentError, nftables, type RuleBuilder } from '../../index.js';
import { CniError, CniErrorCode } from '../errors.js';
import { networkCidr, parseAddress, type Cidr } from '../ip.js';
import type { PortMappingEntry, PortmapConfig } from './config.js';
import type { ContainerAddresses } from './container-addresses.js';

/** The table nlkit-portmap's rules live in. */
export const HOSTPORT_TABLE = 'nlkit-cni-hostport';
/** The recipe kind: rule comments read `nlkit:cni-portmap:<attachment id>`. */
export const HOSTPORT_KIND = 'cni-portmap';

interface HostportOptions {
  id: string;
  table?: string;
  addresses: ContainerAddresses;
  config: PortmapConfig;
}

const CHAINS = ['prerouting', 'output', 'postrouting'] as const;

function portMatch(r: RuleBuilder, protocol: PortMappingEntry['protocol'], port: number): RuleBuilder {
  if (protocol === 'tcp') return r.tcp.dport(port);
  if (protocol === 'udp') return r.udp.dport(port);
  return r.meta.l4proto('sctp').th.dport(port);
}

/** The user's extra matches, as the reference's nftables backend reads them (nft syntax, joined by spaces). */
function withConditions(conditions: readonly string[], what: string): RuleBuilder {
  if (conditions.length === 0) return nftables.rule();
  try {
    return nftables.parseRule(conditions.join(' '));
  } catch (error) {
    throw new CniError(CniErrorCode.internal, `failed to parse config: ${what}: ${(error as Error).message}`, 'conditions are nftables matches, e.g. ["ip saddr != 10.0.0.0/8"]; iptables arguments are not understood');
  }
}

/** The mapping's host address in this family: undefined for any local address, null when it is of the other family. */
function hostAddress(m: PortMappingEntry, family: 4 | 6): string | undefined | null {
  if (m.hostIP === undefined) return undefined;
  const host = parseAddress(m.hostIP, 'hostIP');
  if (host.family !== family) return null;
  return host.value === 0n ? undefined : m.hostIP;
}

function familyRules(table: string, family: 4 | 6, pod: Cidr, config: PortmapConfig): nftables.RuleSpec[] {
  const nfproto = family === 4 ? 'ipv4' : 'ipv6';
  const conditions = family === 4 ? config.conditionsV4 : config.conditionsV6;
  const target = family === 4 ? `${pod.address}:` : `[${pod.address}]:`;
  const rules: nftables.RuleSpec[] = [];
  const masquerades = new Map<string, RuleBuilder>();
  for (const m of config.portMappings) {
    const host = hostAddress(m, family);
    if (host === null) continue;
    for (const chain of ['prerouting', 'output'] as const) {
      const r = withConditions(conditions, family === 4 ? 'conditionsV4' : 'conditionsV6').meta.nfproto(nfproto);
      if (host === undefined) r.fib('daddr', 'type', 'local');
      else if (family === 4) r.ip.daddr(host);
      else r.ip6.daddr(host);
      rules.push({ family: 'inet', table, chain, rule: portMatch(r, m.protocol, m.hostPort).dnat(`${target}${m.containerPort}`) });
    }
    if (!config.snat) continue;
    // Hairpin: from the pod's subnet (or, with masqAll, from anywhere).
    const sources: (string | undefined)[] = [config.masqAll ? undefined : networkCidr(pod)];
    // Localhost: 127.0.0.1 crosses to the pod only with route_localnet, and needs a real source there.
    if (family === 4 && !config.masqAll) sources.push('127.0.0.1');
    for (const source of sources) {
      const key = `${source ?? '*'} ${m.protocol} ${m.containerPort}`;
      if (masquerades.has(key)) continue;
      const r = nftables.rule().meta.nfproto(nfproto);
      if (source !== undefined) (family === 4 ? r.ip.saddr(source) : r.ip6.saddr(source));
      (family === 4 ? r.ip.daddr(pod.address) : r.ip6.daddr(pod.address)).ct.status('dnat');
      masquerades.set(key, portMatch(r, m.protocol, m.containerPort).masquerade());
    }
  }
  for (const r of masquerades.values()) rules.push({ family: 'inet', table, chain: 'postrouting', rule: r });
  return rules;
}

/** The port mappings of one attachment: DNAT in prerouting and output, masquerade in postrouting. */
export const hostportRecipe = nftables.defineRecipe<HostportOptions>(HOSTPORT_KIND, (options, table) => ({
  chains: CHAINS.map((name) => ({
    family: 'inet' as const, table, name, type: 'nat' as const, hook: name, priority: name === 'postrouting' ? 'srcnat' : 'dstnat', policy: 'accept' as const,
  })),
  rules: ([4, 6] as const).flatMap((family) => {
    const pod = options.addresses[family];
    return pod === undefined ? [] : familyRules(table, family, pod, options.config);
  }),
}), ['addresses', 'config']);

/** The plan of an attachment's rules; a condition nft cannot read is the reference's code 999. */
export function planHostports(options: Omit<HostportOptions, 'table'>): nftables.RecipePlan {
  try {
    return hostportRecipe.plan({ ...options, table: HOSTPORT_TABLE });
  } catch (error) {
    if (error instanceof InvalidArgumentError) throw new CniError(CniErrorCode.internal, `failed to parse config: ${error.message}`);
    throw error;
  }
}

function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

const PLAIN = /^[A-Za-z0-9_.-]+$/;

/**
 * The tag id of an attachment: `<network>/<container>/<ifname>` when that is
 * plain and short enough to read in `nft list`; otherwise the network's hash
 * and the attachment's, so GC can still tell this network's rules apart.
 */
export function attachmentId(network: string, containerId: string, ifname: string): string {
  const readable = `${network}/${containerId}/${ifname}`;
  if (readable.length <= 96 && [network, containerId, ifname].every((p) => PLAIN.test(p))) return readable;
  return `${sha256(network).slice(0, 16)}/sha256:${sha256(`${network}\0${containerId}\0${ifname}`).slice(0, 40)}`;
}

/** Whether an attachment id (either form) belongs to `network`. */
export function idOfNetwork(id: string, network: string): boolean {
  const parts = id.split('/');
  if (parts.length === 3) return parts[0] === network;
  return parts.length === 2 && parts[0] === sha256(network).slice(0, 16) && parts[1]!.startsWith('sha256:');
}

/** The attachment id in a rule comment of this recipe, if it is one. */
export function idOfTag(comment: string | undefined): string | undefined {
  const prefix = `nlkit:${HOSTPORT_KIND}:`;
  return comment?.startsWith(prefix) ? comment.slice(prefix.length) : undefined;
}

