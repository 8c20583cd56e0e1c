// The order in which `addRuleset` queues a ruleset's sets and rules, chosen
// for what the kernel pays per command in one large batch.
//
// Measured on a kube-proxy-sized ruleset (3,000 Services: ~13,700 chains,
// ~28,500 rules, ~3,300 anonymous verdict maps; perf on kernel 6.18):
// - Every rule that binds an anonymous set makes the kernel walk the whole
//   list of the batch's transactions so far (__nft_set_trans_bind). Queued
//   after all sets and all other rules, each such rule walks ~35,000
//   entries; queued first among the rules, with its set just before it, about
//   half as many. Rules of other chains wait until these are in.
// - A set's listed `size` of 65,535 is, for a set that a rule's dynset
//   (`update @set { ip saddr }`) writes to, not what the set was created
//   with: nft_dynset sets it when the rule binds a set created without a size.
//   Sent back, it makes the kernel size the set's hash table for 65,535
//   elements (a 1 MB bucket array zeroed per set, ~1 s for kube-proxy's
//   session-affinity sets); left out, the kernel starts small and the dynset
//   sets the same 65,535 again, so the listing reads back identical.
// Named sets keep their listed order among themselves, and chains and rules
// within a chain theirs: `nft list ruleset` prints them in creation order.
import type { Expression } from './expressions/types.js';
import type { RuleSpec, Rule } from './objects/rule.js';
import type { SetSpec } from './objects/set.js';
import type { ListedSet } from './ruleset.js';

/** One command of the sets-and-rules part of a ruleset, in batch order. */
export type RulesetStep = { set: SetSpec | ListedSet; rule?: undefined } | { rule: RuleSpec | Rule; set?: undefined };

/** The size nft_dynset gives a set that has none (0xffff). */
const DYNSET_DEFAULT_SIZE = 0xffff;

/** What the order needs to know of one table, looked up by family and table name without building keys (28,000 rules make it count). */
interface TableIndex {
  /** Anonymous sets by name, until queued. */
  anonymous: Map<string, SetSpec | ListedSet>;
  /** Sets a dynset expression writes to. */
  dynsetTargets: Set<string>;
  /** Chains with a rule that uses an anonymous set. */
  chainsBindingAnonymous: Set<string>;
}

class TableIndexes {
  private readonly byFamily = new Map<string, Map<string, TableIndex>>();

  get(owner: { family: string; table: string }): TableIndex {
    let tables = this.byFamily.get(owner.family);
    if (tables === undefined) this.byFamily.set(owner.family, (tables = new Map()));
    let index = tables.get(owner.table);
    if (index === undefined) tables.set(owner.table, (index = { anonymous: new Map(), dynsetTargets: new Set(), chainsBindingAnonymous: new Set() }));
    return index;
  }

  /** Every table's index. */
  *values(): Iterable<Iterable<TableIndex>> {
    for (const tables of this.byFamily.values()) yield tables.values();
  }
}

/** An object (the add methods check the rest). */
const isItem = (item: unknown): item is { family: string; table: string } => item !== null && typeof item === 'object';

/** Expressions of a rule given as a list (a rule given by a builder or source text names no listed set). */
function expressionsOf(rule: RuleSpec | Rule): readonly Expression[] {
  const expressions = (rule as { expressions?: unknown }).expressions;
  return Array.isArray(expressions) ? (expressions as Expression[]) : [];
}

/** Names of the sets a rule's expressions refer to (lookup, dynset, objref maps). */
function setsNamedBy(rule: RuleSpec | Rule): string[] {
  const names: string[] = [];
  for (const e of expressionsOf(rule)) {
    const set = isItem(e) ? (e as { set?: unknown }).set : undefined;
    if (typeof set === 'string') names.push(set);
  }
  return names;
}

function isAnonymous(set: SetSpec | ListedSet): boolean {
  return Array.isArray(set.flags) && (set.flags as readonly string[]).includes('anonymous');
}

/**
 * The sets and rules of a ruleset in the order to queue them: named sets
 * first (as listed, with their elements); then the rules of every chain that
 * has a rule using an anonymous set, each anonymous set just before the rule
 * that uses it; then the other rules; anonymous sets no rule uses last.
 * Items are passed through as they are, except a dynset-written set's
 * default size (see the file comment). Malformed items are left for the add
 * methods to refuse.
 */
export function setsAndRulesInBatchOrder(sets: readonly (SetSpec | ListedSet)[], rules: readonly (RuleSpec | Rule)[]): RulesetStep[] {
  const indexes = new TableIndexes();
  const named: (SetSpec | ListedSet)[] = [];
  for (const set of sets) {
    if (isItem(set) && isAnonymous(set)) indexes.get(set).anonymous.set(set.name, set);
    else named.push(set);
  }
  const early: boolean[] = [];
  for (const rule of rules) {
    if (!isItem(rule)) {
      early.push(false);
      continue;
    }
    const index = indexes.get(rule);
    let bindsAnonymous = false;
    for (const e of expressionsOf(rule)) {
      const set = isItem(e) ? (e as { set?: unknown }).set : undefined;
      if (typeof set !== 'string') continue;
      if (e.kind === 'dynset') index.dynsetTargets.add(set);
      if (index.anonymous.has(set)) bindsAnonymous = true;
    }
    if (bindsAnonymous) index.chainsBindingAnonymous.add(rule.chain);
    early.push(bindsAnonymous);
  }
  // Every rule of a chain that binds an anonymous set goes early, so the chain keeps its order.
  rules.forEach((rule, i) => {
    if (!early[i] && isItem(rule)) early[i] = indexes.get(rule).chainsBindingAnonymous.has((rule as RuleSpec).chain);
  });

  const steps: RulesetStep[] = named.map((set) => ({ set: isItem(set) ? withoutDynsetDefaultSize(set, indexes.get(set).dynsetTargets) : set }));
  rules.forEach((rule, i) => {
    if (!early[i]) return;
    const { anonymous } = indexes.get(rule as RuleSpec);
    for (const name of setsNamedBy(rule)) {
      const set = anonymous.get(name);
      if (set === undefined) continue;
      steps.push({ set });
      anonymous.delete(name);
    }
    steps.push({ rule });
  });
  rules.forEach((rule, i) => {
    if (!early[i]) steps.push({ rule });
  });
  for (const tables of indexes.values()) for (const { anonymous } of tables) for (const set of anonymous.values()) steps.push({ set });
  return steps;
}

function withoutDynsetDefaultSize(set: SetSpec | ListedSet, dynsetTargets: ReadonlySet<string>): SetSpec | ListedSet {
  if (set.size !== DYNSET_DEFAULT_SIZE || !dynsetTargets.has(set.name)) return set;
  const { size: _size, ...rest } = set;
  return rest as SetSpec | ListedSet;
}
