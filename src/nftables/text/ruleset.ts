// `rulesetToNftText`: a listing printed as `nft list ruleset` prints it, from the
// nft-JSON entries rulesetToNftJson gives (proven against nft -j), plus what
// nft 1.0.6's JSON leaves out and the listing still has (table flags and
// comments, chain comments, netdev chain devices, a set's `dynamic` flag,
// `auto-merge`, `typeof`, element statements).
import { NftJsonUnsupportedError } from '../json/output/errors.js';
import { rulesetToNftJson, type NftJsonOutputOptions } from '../json/output/ruleset.js';
import type { NftJsonChain, NftJsonRule, NftJsonSet, NftJsonValue } from '../json/schema.js';
import type { Ruleset } from '../ruleset.js';
import { chainHeadLines } from './chains.js';
import { quoted, TAB, tableText, type Block } from './layout.js';
import { flowtableText, OBJECT_KINDS, objectText } from './objects.js';
import { setText } from './sets.js';
import { statementText } from './statements/index.js';
import { NftTextUnsupported } from './unsupported.js';

/** Options of `rulesetToNftText`: those of `rulesetToNftJson`, and `handles` for nft's `-a`. */
export interface NftTextOutputOptions extends NftJsonOutputOptions {
  /** Print `# handle N` after tables, chains, sets, objects and rules, as `nft -a list ruleset` does. */
  handles?: boolean;
}

type Body = Record<string, NftJsonValue>;

/** A table being printed: its head and blocks, and its chains by name for their rules. */
interface TableDraft {
  head: Block;
  blocks: Block[];
  chains: Map<string, Block>;
}

const key = (...parts: unknown[]) => parts.join('\0');

/** One rule line: its statements, then its comment (and handle). */
export function ruleText(r: NftJsonRule, handles = false): string {
  let line = r.expr.map((s) => statementText(s as never, r.family)).join(' ');
  if (r.comment !== undefined) line += ` comment ${quoted(r.comment)}`;
  if (handles) line += ` # handle ${r.handle}`;
  return `${TAB}${TAB}${line}`;
}

/** The listed objects nft-JSON says too little about, by family, table and name. */
class Listing {
  readonly tables: Map<string, Ruleset['tables'][number]>;
  readonly chains: Map<string, Ruleset['chains'][number]>;
  readonly sets: Map<string, Ruleset['sets'][number]>;
  readonly flowtables: Map<string, Ruleset['flowtables'][number]>;
  constructor(ruleset: Ruleset) {
    this.tables = new Map(ruleset.tables.map((t) => [key(t.family, t.name), t]));
    this.chains = new Map(ruleset.chains.map((c) => [key(c.family, c.table, c.name), c]));
    this.sets = new Map(ruleset.sets.map((s) => [key(s.family, s.table, s.name), s]));
    this.flowtables = new Map(ruleset.flowtables.map((f) => [key(f.family, f.table, f.name), f]));
  }
}

/** Adds one nft-JSON entry to its table's draft. */
function addEntry(tables: Map<string, TableDraft>, listing: Listing, kind: string, b: Body, handles: boolean): void {
  if (kind === 'table') {
    const listed = listing.tables.get(key(b.family, b.name));
    const lines: string[] = [];
    const flags = (listed?.flags ?? []).filter((f) => !f.startsWith('0x'));
    if (flags.length) lines.push(`${TAB}flags ${flags.join(',')}`);
    if (listed?.comment !== undefined) lines.push(`${TAB}comment ${quoted(listed.comment)}`);
    tables.set(key(b.family, b.name), { head: { open: `table ${b.family} ${b.name}`, handle: Number(b.handle), lines }, blocks: [], chains: new Map() });
    return;
  }
  const table = tables.get(key(b.family, b.table));
  if (!table) throw new NftTextUnsupported(`${kind} outside a listed table`);
  const id = key(b.family, b.table, b.name);
  if (kind === 'chain') {
    const chain = { open: `chain ${b.name}`, handle: Number(b.handle), lines: chainHeadLines(b as unknown as NftJsonChain, listing.chains.get(id)) };
    table.blocks.push(chain);
    table.chains.set(String(b.name), chain);
  } else if (kind === 'rule') {
    const chain = table.chains.get(String(b.chain));
    if (!chain) throw new NftTextUnsupported(`rule of an unlisted chain ${b.chain}`);
    chain.lines.push(ruleText(b as unknown as NftJsonRule, handles));
  } else if (kind === 'set' || kind === 'map') {
    table.blocks.push(setText(kind, b as unknown as NftJsonSet, listing.sets.get(id)));
  } else if (kind === 'flowtable') {
    table.blocks.push(flowtableText(b, listing.flowtables.get(id)));
  } else if (OBJECT_KINDS.has(kind)) {
    table.blocks.push(objectText(kind, b));
  } else {
    throw new NftTextUnsupported(kind);
  }
}

/** How nft names an entry in messages: `rule inet filter input handle 4`, `set inet filter allowed`. */
function entryName(kind: string, b: Body): string {
  if (kind === 'rule') return `rule ${b.family} ${b.table} ${b.chain} handle ${b.handle}`;
  return [kind, b.family, b.table, b.name].filter((x) => x !== undefined).join(' ');
}

/**
 * `ruleset` (a `listRuleset()`) in nft's text syntax, as `nft list ruleset`
 * prints it, one line per rule, a newline at the end of every line. What has
 * no text form nlkit knows is refused with `NftJsonUnsupportedError` (as
 * `rulesetToNftJson` refuses what it cannot print), never guessed.
 */
export function rulesetToNftText(ruleset: Ruleset, options: NftTextOutputOptions = {}): string {
  const handles = options.handles === true;
  const listing = new Listing(ruleset);
  const tables = new Map<string, TableDraft>();
  for (const entry of rulesetToNftJson(ruleset, options).nftables) {
    const [kind, body] = Object.entries(entry)[0]!;
    if (kind === 'metainfo') continue;
    try {
      addEntry(tables, listing, kind, body as Body, handles);
    } catch (error) {
      if (!(error instanceof NftTextUnsupported)) throw error;
      throw new NftJsonUnsupportedError(`no text form for ${error.message}`, entryName(kind, body as Body));
    }
  }
  const lines = [...tables.values()].flatMap((t) => tableText(t.head, t.blocks, handles));
  return lines.length ? `${lines.join('\n')}\n` : '';
}
