import { InvalidArgumentError, parseCidr } from '../../netlink/addresses.js';
import { describeValue } from '../../netlink/checks.js';
import { rule } from '../builder/rule-builder.js';
import type { RuleSpec } from '../objects/rule.js';
import { defineRecipe, type RecipeTable } from './apply.js';

export interface PodIsolationOptions extends RecipeTable {
  /** Names this isolation (e.g. the network name); tags its rules. */
  id: string;
  /** Pod subnets (IPv4 and/or IPv6 CIDRs); traffic from any of them to any of them is isolated. */
  subnets: string[];
}

const CHAIN = 'forward';

/**
 * Pods may not open connections to each other: in the forward hook, traffic
 * between the pod subnets is dropped, except packets of connections that are
 * established or related (replies, and connections that existed before).
 *
 *   ip saddr <pods> ip daddr <pods> ct state established,related accept
 *   ip saddr <pods> ip daddr <pods> drop
 */
export const podIsolation = defineRecipe('isolation', (options: PodIsolationOptions, table) => {
  if (!Array.isArray(options.subnets) || options.subnets.length === 0) {
    throw new InvalidArgumentError(`pod isolation needs at least one subnet: subnets must be a non-empty array of CIDRs, got ${describeValue(options.subnets)}`);
  }
  const rules: RuleSpec[] = [];
  for (const family of [4, 6] as const) {
    const subnets = options.subnets.map((s) => parseCidr(s, 'pod subnet')).filter((c) => c.family === family).map((c) => `${c.address}/${c.prefixLength}`);
    if (subnets.length === 0) continue;
    const pods = subnets.length === 1 ? subnets[0]! : subnets;
    const match = () => (family === 4 ? rule().ip.saddr(pods).ip.daddr(pods) : rule().ip6.saddr(pods).ip6.daddr(pods));
    rules.push({ family: 'inet', table, chain: CHAIN, rule: match().ct.state('established', 'related').accept() });
    rules.push({ family: 'inet', table, chain: CHAIN, rule: match().drop() });
  }
  return {
    chains: [{ family: 'inet', table, name: CHAIN, type: 'filter', hook: 'forward', priority: 'filter', policy: 'accept' }],
    rules,
  };
}, ['subnets']);

export const {
  /** The chains and rules of pod isolation (podIsolation), without touching the kernel; throws InvalidArgumentError for invalid options. */
  plan: podIsolationPlan,
  /** Applies pod isolation (podIsolation) in one batch: the table and forward chain if missing, this id's rules replaced; returns the commit's result. */
  apply: applyPodIsolation,
  /** Promise form of `applyPodIsolation`. */
  applyAsync: applyPodIsolationAsync,
  /** Deletes the pod isolation rules tagged with this id, leaving every other rule and the chains alone; returns how many went. */
  remove: removePodIsolation,
  /** Promise form of `removePodIsolation`. */
  removeAsync: removePodIsolationAsync,
} = podIsolation;
