import { InvalidArgumentError } from '../../netlink/addresses.js';
import {
  describeValue, requireArray, requireFunction, requireKnownKeys, requireNonEmptyString, requireObject,
} from '../../netlink/checks.js';
import { requireName } from '../objects/names.js';
import type { NftablesConnection } from '../connection.js';
import type { ChainSpec } from '../objects/chain.js';
import type { Rule, RuleSpec } from '../objects/rule.js';
import type { TransactionResult } from '../transaction.js';

/** Where a recipe puts its chains; every recipe uses an `inet` table, `nlkit` unless told otherwise. */
export interface RecipeTable {
  /** Table name; default `nlkit`. */
  table?: string;
}

/**
 * A recipe's parts: the chains it needs (added if missing) and its rules,
 * each carrying `tag` as its comment so the recipe can find exactly its own
 * rules again, whatever else lives in the same chains.
 */
export interface RecipePlan {
  /** The `inet` table the chains and rules go in. */
  table: string;
  /** The comment every rule of the recipe carries, `nlkit:<kind>:<id>`, by which apply and remove find them again. */
  tag: string;
  /** Chains the recipe needs, added if missing (`add chain` leaves an existing chain as it is). */
  chains: ChainSpec[];
  /** The recipe's rules, appended to their chains with `tag` as their comment. */
  rules: RuleSpec[];
}

/** The `inet` table recipes use when given no `table`: `nlkit`. */
export const DEFAULT_TABLE = 'nlkit';

/** Checks the identifier a recipe tags its rules with (it becomes part of a rule comment). */
export function recipeTag(kind: string, id: unknown): string {
  if (typeof id !== 'string' || !/^[A-Za-z0-9_.:/-]{1,96}$/.test(id)) {
    throw new InvalidArgumentError(`${kind} id must be 1-96 characters of letters, digits and _ . : / -, got ${describeValue(id)}`);
  }
  return `nlkit:${kind}:${id}`;
}

/** The connection a recipe works on: plain JavaScript could pass anything. */
function requireConnection(conn: unknown, what: string): NftablesConnection {
  const c = conn as Partial<NftablesConnection> | null;
  if (c === null || typeof c !== 'object' || typeof c.transaction !== 'function' || typeof c.listTables !== 'function') {
    throw new InvalidArgumentError(`${what}: conn must be an nftables connection from openNftables(), got ${describeValue(conn)}`);
  }
  return conn as NftablesConnection;
}

function requirePlan(plan: unknown): RecipePlan {
  const p = requireObject<RecipePlan>(plan, 'recipe plan', "{ table, tag, chains: [...], rules: [...] }");
  requireName(p.table, 'recipe plan table');
  requireNonEmptyString(p.tag, 'recipe plan tag');
  requireArray(p.chains, 'recipe plan chains');
  requireArray(p.rules, 'recipe plan rules');
  return p;
}

function tagged(rules: readonly Rule[], tag: string): Rule[] {
  return rules.filter((r) => r.comment === tag);
}

function tableExists(table: string, tables: { name: string }[]): boolean {
  return tables.some((t) => t.name === table);
}

function buildApply(conn: NftablesConnection, plan: RecipePlan, existing: readonly Rule[]) {
  const tx = conn.transaction();
  tx.addTable({ family: 'inet', name: plan.table });
  for (const chain of plan.chains) tx.addChain(chain);
  // Re-applying replaces the recipe's earlier rules in the same batch: never doubled, never missing.
  for (const old of tagged(existing, plan.tag)) tx.deleteRule(old);
  for (const rule of plan.rules) tx.addRule({ ...rule, comment: plan.tag });
  return tx;
}

/** Adds (or replaces) a recipe's chains and rules in one batch. */
export function applyRecipe(conn: NftablesConnection, plan: RecipePlan): TransactionResult {
  requireConnection(conn, 'applyRecipe');
  requirePlan(plan);
  const exists = tableExists(plan.table, conn.listTables({ family: 'inet' }));
  const existing = exists ? conn.listRules({ family: 'inet', table: plan.table }) : [];
  return buildApply(conn, plan, existing).commit();
}

/** Promise form of `applyRecipe`. */
export async function applyRecipeAsync(conn: NftablesConnection, plan: RecipePlan): Promise<TransactionResult> {
  requireConnection(conn, 'applyRecipeAsync');
  requirePlan(plan);
  const exists = tableExists(plan.table, await conn.listTablesAsync({ family: 'inet' }));
  const existing = exists ? await conn.listRulesAsync({ family: 'inet', table: plan.table }) : [];
  return buildApply(conn, plan, existing).commitAsync();
}

/** Deletes, in one batch, every rule of `table` whose comment is `tag`; returns how many. Other rules stay. */
export function removeRecipe(conn: NftablesConnection, table: string, tag: string): number {
  requireConnection(conn, 'removeRecipe');
  requireName(table, 'recipe table');
  requireNonEmptyString(tag, 'recipe tag');
  if (!tableExists(table, conn.listTables({ family: 'inet' }))) return 0;
  const rules = tagged(conn.listRules({ family: 'inet', table }), tag);
  if (rules.length === 0) return 0;
  const tx = conn.transaction();
  for (const r of rules) tx.deleteRule(r);
  tx.commit();
  return rules.length;
}

/** Promise form of `removeRecipe`. */
export async function removeRecipeAsync(conn: NftablesConnection, table: string, tag: string): Promise<number> {
  requireConnection(conn, 'removeRecipeAsync');
  requireName(table, 'recipe table');
  requireNonEmptyString(tag, 'recipe tag');
  if (!tableExists(table, await conn.listTablesAsync({ family: 'inet' }))) return 0;
  const rules = tagged(await conn.listRulesAsync({ family: 'inet', table }), tag);
  if (rules.length === 0) return 0;
  const tx = conn.transaction();
  for (const r of rules) tx.deleteRule(r);
  await tx.commitAsync();
  return rules.length;
}

/** A recipe's operations, all keyed by the caller's id: plan, apply (one batch) and remove, sync and Async. */
export interface Recipe<O extends RecipeTable & {
  /** Identifies this use of the recipe (a network, a container); its rules are tagged with it. */
  id: string;
}> {
  /**
   * The chains and rules `apply` would add, without touching the kernel.
   * @throws InvalidArgumentError for invalid options.
   */
  plan(options: O): RecipePlan;
  /**
   * Adds the table and chains if missing and replaces the rules tagged with this id by the planned ones, all in one batch.
   * @throws InvalidArgumentError for invalid options; NetlinkError when the kernel refuses the batch (nothing changes then).
   */
  apply(conn: NftablesConnection, options: O): TransactionResult;
  /** Promise form of `apply`. */
  applyAsync(conn: NftablesConnection, options: O): Promise<TransactionResult>;
  /** Deletes the rules tagged with this id, leaving every other rule alone; returns how many. */
  remove(conn: NftablesConnection, options: { id: string } & RecipeTable): number;
  /** Promise form of `remove`. */
  removeAsync(conn: NftablesConnection, options: { id: string } & RecipeTable): Promise<number>;
}

/**
 * Makes a recipe from what it adds: `parts` gets the checked options, the
 * table and the tag. `optionKeys` names the options `parts` reads besides
 * `id` and `table`; with it, any other key is refused as a typo.
 */
export function defineRecipe<O extends RecipeTable & {
  /** Identifies this use of the recipe (a network, a container); its rules are tagged with it. */
  id: string;
}>(
  kind: string,
  parts: (options: O, table: string) => Pick<RecipePlan, 'chains' | 'rules'>,
  optionKeys?: readonly string[],
): Recipe<O> {
  requireNonEmptyString(kind, 'recipe kind');
  requireFunction(parts, 'recipe parts');
  const keys = optionKeys === undefined ? undefined : new Set(['id', 'table', ...requireArray<string>(optionKeys, 'recipe optionKeys')]);
  const where = (options: unknown) => {
    const o = requireObject<{ id: string } & RecipeTable>(options, `${kind} options`, "{ id: 'pod-network' }");
    if (keys) requireKnownKeys(o, keys, `${kind} options`);
    const table = o.table === undefined ? DEFAULT_TABLE : requireName(o.table, `${kind} options table`);
    return { table, tag: recipeTag(kind, o.id) };
  };
  const plan = (options: O): RecipePlan => {
    const { table, tag } = where(options);
    return { table, tag, ...parts(options, table) };
  };
  return {
    plan,
    apply: (conn, options) => applyRecipe(requireConnection(conn, kind), plan(options)),
    applyAsync: async (conn, options) => applyRecipeAsync(requireConnection(conn, kind), plan(options)),
    // The options given to apply do for remove too: only id and table are read.
    remove: (conn, options) => { requireConnection(conn, kind); const w = where(options); return removeRecipe(conn, w.table, w.tag); },
    removeAsync: async (conn, options) => { requireConnection(conn, kind); const w = where(options); return removeRecipeAsync(conn, w.table, w.tag); },
  };
}
