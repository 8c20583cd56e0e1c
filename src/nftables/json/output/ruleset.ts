// nlkit's listing printed as `nft -j list ruleset` prints it (the libnftables
// JSON schema of nftables 1.0.6): per table, the table, its named objects, its
// sets and maps, its flowtables, its chains, then the rules of each chain in chain order.
import type { Ruleset } from '../../ruleset.js';
import type { NftFamily } from '../../objects/family.js';
import type { Rule } from '../../objects/rule.js';
import type { NftJsonEntry, NftJsonMetainfo, NftJsonRule, NftJsonRuleset } from '../schema.js';
import { ruleStatements, type RuleRenderContext } from './delinearize.js';
import { NftJsonUnsupportedError } from './errors.js';
import { chainJson, flowtableJson, objectJson, setJson, tableJson } from './objects.js';
import type { SetWithElements } from './set-elements.js';
import type { InterfaceNamer } from './values.js';

/** nlkit's own metainfo: `version` is nlkit's, `json_schema_version` the schema nlkit prints (nftables 1.0.6's, 1). */
export const NLKIT_METAINFO: NftJsonMetainfo = { version: 'nlkit', release_name: 'nlkit', json_schema_version: 1 };

/** Options of `rulesetToNftJson`. */
export interface NftJsonOutputOptions {
  /**
   * Names interface indexes (`meta iif`, `fib ... oif`) the way nft prints them, e.g. from
   * `openRoute({ netns }).link.list()`; without it (or for an unknown index) indexes print as numbers.
   */
  interfaceName?: InterfaceNamer;
  /**
   * Called instead of throwing for a table, chain, set, object or rule nlkit cannot print as nft
   * does yet; what it returns takes that entry's place (undefined leaves the entry out). Without
   * it, `rulesetToNftJson` throws the error.
   */
  onUnsupported?: (error: NftJsonUnsupportedError) => NftJsonEntry | undefined;
}

function key(family: NftFamily, table: string): string {
  return `${family}\0${table}`;
}

function ruleLabel(r: Rule): string {
  return `rule ${r.family} ${r.table} ${r.chain} handle ${r.handle}`;
}

/** One rule as nft's JSON prints it (`{"rule": {...}}`, statements in `expr`). */
export function ruleToNftJson(rule: Rule, ctx: RuleRenderContext): NftJsonRule {
  const expr = ruleStatements(rule, ctx, ruleLabel(rule));
  // nft's key order: the comment comes before the statements.
  return rule.comment !== undefined
    ? { family: rule.family, table: rule.table, chain: rule.chain, handle: rule.handle, comment: rule.comment, expr }
    : { family: rule.family, table: rule.table, chain: rule.chain, handle: rule.handle, expr };
}

/** The context rules are rendered in: the listing's sets by table, and interface names. */
export function renderContext(ruleset: Pick<Ruleset, 'sets'>, options: NftJsonOutputOptions = {}): RuleRenderContext {
  const sets = new Map<string, SetWithElements>();
  for (const s of ruleset.sets) sets.set(`${key(s.family, s.table)}\0${s.name}`, s);
  return {
    set: (family, table, name) => sets.get(`${key(family, table)}\0${name}`),
    ...(options.interfaceName ? { ifname: options.interfaceName } : {}),
  };
}

/**
 * nlkit's listing printed as `nft -j list ruleset` prints it: the same
 * objects in the same order with the same statements, so tools written for
 * nft's JSON read it unchanged. Rules are delinearized as nft does (a payload
 * load and a compare become `{"match": ...}` on `{"payload": {"protocol":
 * "tcp", "field": "dport"}}`, the protocol matches nft adds itself are left
 * out again). The first entry is nlkit's metainfo (`NLKIT_METAINFO`).
 *
 * Where nft 1.0.6 prints something broken (a table's flags) nlkit prints what
 * it means; see docs/nftables.md.
 * @throws NftJsonUnsupportedError for a rule, set or object nlkit cannot print exactly as nft does yet (never a
 *   guess), unless `options.onUnsupported` takes it.
 */
export function rulesetToNftJson(ruleset: Ruleset, options: NftJsonOutputOptions = {}): NftJsonRuleset {
  const ctx = renderContext(ruleset, options);
  const out: NftJsonEntry[] = [{ metainfo: { ...NLKIT_METAINFO } }];
  const push = (render: () => NftJsonEntry) => {
    try {
      out.push(render());
    } catch (error) {
      if (!(error instanceof NftJsonUnsupportedError) || !options.onUnsupported) throw error;
      const instead = options.onUnsupported(error);
      if (instead !== undefined) out.push(instead);
    }
  };
  for (const table of ruleset.tables) {
    const k = key(table.family, table.name);
    const inTable = (o: { family: NftFamily; table: string }) => key(o.family, o.table) === k;
    push(() => ({ table: tableJson(table) }));
    for (const o of ruleset.objects.filter(inTable)) push(() => objectJson(o, `${String(o.type)} ${o.family} ${o.table} ${o.name}`));
    for (const s of ruleset.sets.filter(inTable)) {
      if (s.flags.includes('anonymous')) continue;
      push(() => setJson(s, ctx, `set ${s.family} ${s.table} ${s.name}`));
    }
    for (const f of (ruleset.flowtables ?? []).filter(inTable)) push(() => ({ flowtable: flowtableJson(f, `flowtable ${f.family} ${f.table} ${f.name}`) }));
    const chains = ruleset.chains.filter(inTable);
    for (const c of chains) push(() => ({ chain: chainJson(c, `chain ${c.family} ${c.table} ${c.name}`) }));
    for (const c of chains) {
      for (const r of ruleset.rules) {
        if (r.chain === c.name && inTable(r)) push(() => ({ rule: ruleToNftJson(r, ctx) }));
      }
    }
  }
  return { nftables: out };
}
