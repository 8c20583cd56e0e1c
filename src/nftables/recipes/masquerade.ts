import { InvalidArgumentError, parseCidr } from '../../netlink/addresses.js';
import { describeValue } from '../../netlink/checks.js';
import { rule } from '../builder/rule-builder.js';
import { defineRecipe, type RecipeTable } from './apply.js';

export interface PodMasqueradeOptions extends RecipeTable {
  /** Names this masquerade (e.g. the network name); tags its rule. */
  id: string;
  /** The pod subnet whose traffic is masqueraded when it leaves it. */
  subnet: string;
  /** The host device the traffic leaves through (`oifname`). */
  outInterface: string;
}

const CHAIN = 'postrouting';

/**
 * Source NAT for pods reaching beyond their subnet through a host device,
 * as the CNI bridge plugin's ipMasq does:
 *
 *   ip saddr <subnet> ip daddr != <subnet> oifname "<dev>" masquerade
 */
export const podMasquerade = defineRecipe('masquerade', (options: PodMasqueradeOptions, table) => {
  const cidr = parseCidr(options.subnet, 'pod subnet');
  const out: unknown = options.outInterface;
  if (typeof out !== 'string' || out === '' || Buffer.byteLength(out) > 15) {
    throw new InvalidArgumentError(`masquerade outInterface must be an interface name of 1-15 bytes, got ${describeValue(out)}`);
  }
  const subnet = `${cidr.address}/${cidr.prefixLength}`;
  const match = cidr.family === 4 ? rule().ip.saddr(subnet).ip.daddr('!=', subnet) : rule().ip6.saddr(subnet).ip6.daddr('!=', subnet);
  return {
    chains: [{ family: 'inet', table, name: CHAIN, type: 'nat', hook: 'postrouting', priority: 'srcnat', policy: 'accept' }],
    rules: [{ family: 'inet', table, chain: CHAIN, rule: match.oifname(options.outInterface).masquerade() }],
  };
}, ['subnet', 'outInterface']);

export const {
  /** The chains and rules of pod masquerade (podMasquerade), without touching the kernel; throws InvalidArgumentError for invalid options. */
  plan: podMasqueradePlan,
  /** Applies pod masquerade (podMasquerade) in one batch: the table and postrouting chain if missing, this id's rules replaced; returns the commit's result. */
  apply: applyPodMasquerade,
  /** Promise form of `applyPodMasquerade`. */
  applyAsync: applyPodMasqueradeAsync,
  /** Deletes the pod masquerade rules tagged with this id, leaving every other rule and the chains alone; returns how many went. */
  remove: removePodMasquerade,
  /** Promise form of `removePodMasquerade`. */
  removeAsync: removePodMasqueradeAsync,
} = podMasquerade;
