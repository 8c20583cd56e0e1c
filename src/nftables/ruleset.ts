// A whole ruleset: what `listRuleset` returns, and what `addRuleset` takes
// back, in the order the kernel accepts it in one batch.
import { requireArray, requireKnownKeys, requireObject } from '../netlink/checks.js';
import type { Chain, ChainSpec } from './objects/chain.js';
import type { SetElement, SetElementInput } from './objects/elements.js';
import type { Flowtable, FlowtableSpec } from './objects/flowtable.js';
import type { Rule, RuleSpec } from './objects/rule.js';
import type { NftSet, SetSpec } from './objects/set.js';
import type { StatefulObject, StatefulObjectSpec } from './objects/stateful.js';
import type { Table, TableSpec } from './objects/table.js';

/** Everything in the ruleset (or one family of it), read at one generation. */
export interface Ruleset {
  /** Ruleset generation the listing was read at (NFTA_GEN_ID). */
  generation: number;
  /** Every table, of the filtered family if one was given. */
  tables: Table[];
  /** Every chain of those tables. */
  chains: Chain[];
  /**
   * Sets and maps, each with its elements: named ones, and the anonymous sets
   * of rules (`__set%d`, flag `anonymous`) and meters, so the ruleset can be
   * re-created from this listing (`Transaction.addSet` gives anonymous sets
   * new names and points the rules added after them at these).
   */
  sets: (NftSet & {
    /** The set's elements, intervals joined back into prefixes and ranges. */
    elements: SetElement[];
  })[];
  /** Named stateful objects (counters, quotas, limits, ...). */
  objects: StatefulObject[];
  /** Flowtables; empty where the kernel has none (or no flowtable support). */
  flowtables: Flowtable[];
  /** Every rule, with its expressions decoded. */
  rules: Rule[];
}

/** A listed set, with elements to add along (as `listRuleset` lists it, or any SetElementInput). */
export type ListedSet = NftSet & {
  /** Elements to add with the set, in the same batch. */
  elements?: SetElementInput[];
};

/**
 * What `addRuleset` takes: a `Ruleset` as listed, or one put together by
 * hand from specs; every list is optional.
 */
export interface RulesetContents {
  /** Ignored (a listing's generation). */
  generation?: number;
  /** Tables, added first. */
  tables?: readonly (TableSpec | Table)[];
  /** Named stateful objects, added before the object maps whose elements name them. */
  objects?: readonly (StatefulObjectSpec | StatefulObject)[];
  /** Chains, added before the sets whose verdicts jump to them and the rules that jump to them. */
  chains?: readonly (ChainSpec | Chain)[];
  /** Flowtables, added before the rules that offload to them. */
  flowtables?: readonly (FlowtableSpec | Flowtable)[];
  /** Sets and maps with their elements (anonymous sets too), added before the rules that use them. */
  sets?: readonly (SetSpec | ListedSet)[];
  /** Rules, added last, appended to their chains in the order given. */
  rules?: readonly (RuleSpec | Rule)[];
}

const RULESET_KEYS: ReadonlySet<string> = new Set(['generation', 'tables', 'objects', 'chains', 'flowtables', 'sets', 'rules']);

/** A RulesetContents with every list present, checked to be arrays. */
export type RulesetParts = { [K in Exclude<keyof RulesetContents, 'generation'>]-?: NonNullable<RulesetContents[K]> };

/**
 * Checks the outer shape of a ruleset (an object of arrays; each item is
 * checked by the add method it goes to) and returns its lists in the order
 * the kernel accepts them in one batch: tables; objects; chains; flowtables;
 * sets (an object map's elements name objects, a verdict map's jump to
 * chains); rules (they use all of these).
 */
export function rulesetParts(ruleset: unknown): RulesetParts {
  const r = requireObject<RulesetContents>(ruleset, 'ruleset', '{ tables: [...], chains: [...], sets: [...], rules: [...] } (as listRuleset returns it)');
  requireKnownKeys(r, RULESET_KEYS, 'ruleset');
  const list = <T>(value: readonly T[] | undefined, what: string): readonly T[] => (value === undefined ? [] : requireArray<T>(value, `ruleset ${what}`));
  const parts: RulesetParts = {
    tables: list(r.tables, 'tables'),
    objects: list(r.objects, 'objects'),
    chains: list(r.chains, 'chains'),
    flowtables: list(r.flowtables, 'flowtables'),
    sets: list(r.sets, 'sets'),
    rules: list(r.rules, 'rules'),
  };
  return parts;
}
