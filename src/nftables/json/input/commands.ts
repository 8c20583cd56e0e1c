// nft's JSON documents (`{"nftables": [...]}`) as nlkit input: the listing form
// `nft -j list ruleset` prints, and the command form (`{"add": {...}}`, create,
// insert, replace, delete, flush) `nft -j -f` takes. Listed objects are added, as
// nft does with them.
import type { Expression } from '../../expressions/types.js';
import type { ChainRef, ChainSpec } from '../../objects/chain.js';
import type { SetElementInput } from '../../objects/elements.js';
import type { NftFamily } from '../../objects/family.js';
import type { RuleRef, RuleSpec } from '../../objects/rule.js';
import type { SetFlag, SetRef, SetSpec, TypeSpec } from '../../objects/set.js';
import { KeyType } from '../../objects/datatypes.js';
import type { ObjectRef, StatefulObjectSpec } from '../../objects/stateful.js';
import type { TableRef, TableSpec } from '../../objects/table.js';
import type { SetTarget, Transaction } from '../../transaction.js';
import * as objects from './objects.js';
import { JsonNode, within } from './reader.js';
import { RuleLinearizer, type AnonymousSetNeed } from './rule.js';

/** A set or map of an nft JSON document, with its elements. */
export type NftJsonInputSet = SetSpec & {
  /** The set's elements (`elem`), and those of `element` objects for it later in the document. */
  elements: SetElementInput[];
};

/**
 * A ruleset read from nft's JSON, in the order and shape `listRuleset()` lists
 * one, ready for a transaction: tables, named objects, chains, sets (the
 * anonymous sets of rules too, named `__set0`, `__set1`… with the flag
 * `anonymous`, which `Transaction.addSet` re-numbers) and rules as expressions.
 */
export interface NftJsonInputRuleset {
  /** Tables, in document order. */
  tables: TableSpec[];
  /** Named stateful objects (counter, quota, limit, ct helper). */
  objects: StatefulObjectSpec[];
  /** Chains, base and regular. */
  chains: ChainSpec[];
  /** Named sets and maps with their elements, then the anonymous sets the rules need. */
  sets: NftJsonInputSet[];
  /** Rules with their expressions (`expressions`), linearized as nft linearizes the JSON's statements. */
  rules: RuleSpec[];
}

/** The elements of an `element` command: the set they belong to (its types when the document defined it) and the elements. */
export interface NftJsonElements extends SetTarget {
  /** The elements (`elem`), as nlkit's element inputs. */
  elements: SetElementInput[];
}

/** What `{"flush": {"ruleset": ...}}` flushes. */
export interface NftJsonRulesetScope {
  /** Only the tables of this family; absent for every family. */
  family?: NftFamily;
}

/**
 * One command of an nft JSON document, in nlkit's specs. Exactly one of the
 * object properties is present; which spec or reference it holds follows from
 * `command` (an add or create holds a spec, delete and flush a reference).
 */
export interface NftJsonCommand {
  /** nft's command word; a listed object (no command word) reads as `add`. */
  command: 'add' | 'create' | 'insert' | 'replace' | 'delete' | 'flush';
  /** A table: a spec to add or create, a reference to delete or flush. */
  table?: TableSpec | TableRef;
  /** A chain: a spec to add or create, a reference to delete or flush. */
  chain?: ChainSpec | ChainRef;
  /** A set or map: a spec to add or create (anonymous sets of rules come as such adds), a reference to delete or flush. */
  set?: SetSpec | SetRef;
  /** A named stateful object: a spec to add or create, a reference to delete. */
  object?: StatefulObjectSpec | ObjectRef;
  /** Elements to add, create or delete. */
  elements?: NftJsonElements;
  /** A rule with its expressions (add, insert, replace with its `handle`), or a reference to delete. */
  rule?: RuleSpec | RuleRef;
  /** For `insert`: the handle of the rule to insert before. */
  before?: number;
  /** For `flush ruleset`. */
  ruleset?: NftJsonRulesetScope;
}

const COMMANDS = ['add', 'create', 'insert', 'replace', 'delete', 'flush'] as const;
type CommandWord = (typeof COMMANDS)[number];
const OBJECTS = ['table', 'chain', 'set', 'map', 'element', 'rule', ...objects.OBJECT_KINDS] as const;

/** The `nftables` array of a document (an object, or its text). */
function documentItems(json: unknown): JsonNode[] {
  let value = json;
  if (typeof json === 'string') {
    try {
      value = JSON.parse(json);
    } catch (e) {
      return new JsonNode(json, '(document)').fail(`is not JSON: ${(e as Error).message}`);
    }
  }
  const root = new JsonNode(value, '(document)');
  root.object(['nftables']);
  return new JsonNode(root.at('nftables').value, 'nftables').items();
}

/** How a document is read. */
export interface NftJsonInputOptions {
  /**
   * Resolves an interface name to its index where nft's JSON names an interface
   * whose index the rule matches (`meta iif "lo"`, `meta oif`, `fib ... oif`);
   * nft resolves these in the namespace it runs in, e.g.
   * `(name) => rt.link.get(name).index`. Without it such names are refused.
   */
  interfaceIndex?: (name: string) => number;
}

function readerOptions(options: unknown): NftJsonInputOptions {
  if (options === undefined) return {};
  const o = new JsonNode(options, 'options').object(['interfaceIndex']).value as NftJsonInputOptions;
  if (o.interfaceIndex !== undefined && typeof o.interfaceIndex !== 'function') new JsonNode(o.interfaceIndex, 'options.interfaceIndex').fail('expected a function (name) => index');
  return o;
}

/**
 * Parses a document into commands: listed objects become `add`s; anonymous sets come as `add set` before their rule.
 * @throws InvalidArgumentError naming the JSON path of anything malformed or not supported.
 */
export function nftJsonCommands(json: unknown, options?: NftJsonInputOptions): NftJsonCommand[] {
  return new DocumentReader(readerOptions(options)).commands(documentItems(json));
}

/**
 * Reads a document of listed objects (`nft -j list ruleset`, or `add` and
 * `create` commands of them) as a ruleset in `listRuleset()`'s shape.
 * @throws InvalidArgumentError naming the JSON path (`nftables[3].rule.expr[1].match.left`) of anything malformed or not supported.
 */
export function rulesetFromNftJson(json: unknown, options?: NftJsonInputOptions): NftJsonInputRuleset {
  const o = readerOptions(options);
  const items = documentItems(json);
  const ruleset: NftJsonInputRuleset = { tables: [], objects: [], chains: [], sets: [], rules: [] };
  const named: NftJsonInputSet[] = [];
  const anonymous: NftJsonInputSet[] = [];
  const reader = new DocumentReader(o, (set) => anonymous.push(set as NftJsonInputSet));
  for (const item of items) {
    for (const command of reader.commands([item], true)) {
      within(item, () => {
        if (command.table) ruleset.tables.push(command.table as TableSpec);
        else if (command.object) ruleset.objects.push(command.object as StatefulObjectSpec);
        else if (command.chain) ruleset.chains.push(command.chain as ChainSpec);
        else if (command.set) {
          const set = command.set as NftJsonInputSet;
          // The same object the reader keeps: a rule read later may still flag it `dynamic`.
          set.elements ??= [];
          if (!set.flags?.includes('anonymous')) named.push(set);
        } else if (command.elements) {
          const target = command.elements;
          const set = named.find((s) => s.family === target.family && s.table === target.table && s.name === target.name);
          if (!set) return item.fail(`elements for ${target.family} ${target.table} ${target.name}, a set the document does not define before them`);
          set.elements.push(...target.elements);
        } else if (command.rule) ruleset.rules.push(command.rule as RuleSpec);
      });
    }
  }
  ruleset.sets = [...named, ...anonymous];
  return ruleset;
}

/**
 * Queues every command of an nft JSON document on `tx`, as `nft -j -f` would
 * run it (listed objects are added); commit the transaction to apply it.
 * @throws InvalidArgumentError naming the JSON path of anything malformed or not supported (the whole document
 * is read before anything is queued); for a command the transaction refuses, the commands before it stay queued.
 */
export function queueNftJson(tx: Transaction, json: unknown, options?: NftJsonInputOptions): Transaction {
  const commands = nftJsonCommands(json, options);
  for (const c of commands) {
    const exclusive = { exclusive: c.command === 'create' };
    if (c.ruleset) {
      tx.flushRuleset(c.ruleset);
    } else if (c.table) {
      if (c.command === 'delete') tx.deleteTable(c.table as TableRef);
      else if (c.command === 'flush') tx.flushTable(c.table as { family: NftFamily; name: string });
      else tx.addTable(c.table as TableSpec, exclusive);
    } else if (c.chain) {
      if (c.command === 'delete') tx.deleteChain(c.chain as ChainRef);
      else if (c.command === 'flush') tx.flushChain(c.chain as { family: NftFamily; table: string; name: string });
      else tx.addChain(c.chain as ChainSpec, exclusive);
    } else if (c.set) {
      if (c.command === 'delete') tx.deleteSet(c.set as SetRef);
      else if (c.command === 'flush') tx.flushSet(c.set as { family: NftFamily; table: string; name: string });
      else tx.addSet(c.set as SetSpec, exclusive);
    } else if (c.object) {
      if (c.command === 'delete') tx.deleteObject(c.object as ObjectRef);
      else tx.addObject(c.object as StatefulObjectSpec, exclusive);
    } else if (c.elements) {
      const { elements, ...target } = c.elements;
      if (c.command === 'delete') tx.deleteElements(target, elements);
      else tx.addElements(target, elements, exclusive);
    } else if (c.rule) {
      if (c.command === 'delete') tx.deleteRule(c.rule as RuleRef);
      else if (c.command === 'replace') tx.replaceRule(c.rule as RuleSpec & { handle: number });
      else if (c.command === 'insert') tx.insertRule(c.rule as RuleSpec, c.before !== undefined ? { before: c.before } : undefined);
      else tx.addRule(c.rule as RuleSpec);
    }
  }
  return tx;
}

/** Reads items into commands, keeping what earlier items defined (sets' shapes for later `element`s, anonymous set numbers). */
class DocumentReader {
  private readonly sets = new Map<string, SetSpec>();
  private readonly anonymousCounts = new Map<string, number>();

  constructor(private readonly options: NftJsonInputOptions, private readonly onAnonymous?: (set: SetSpec) => void) {}

  commands(items: JsonNode[], listedOnly = false): NftJsonCommand[] {
    const out: NftJsonCommand[] = [];
    for (const item of items) {
      const [key, inner] = item.single('a command or an object');
      if (key === 'metainfo') continue;
      if ((COMMANDS as readonly string[]).includes(key)) {
        if (listedOnly && key !== 'add' && key !== 'create') item.fail(`"${key}" commands do not make a ruleset; use queueNftJson`);
        const [kind, object] = inner.single('an object');
        out.push(...within(object, () => this.command(key as CommandWord, kind, object)));
      } else {
        out.push(...within(inner, () => this.command('add', key, inner)));
      }
    }
    return out;
  }

  private stateful = (kind: string, node: JsonNode): Expression[] => new RuleLinearizer({ family: 'inet', table: '', anonymousSet: () => node.fail('takes no set') }).stateful(kind, node);

  private command(command: CommandWord, kind: string, node: JsonNode): NftJsonCommand[] {
    if (kind === 'ruleset' && command === 'flush') {
      // `{"flush": {"ruleset": null}}`, or with a family.
      if (node.value === null) return [{ command, ruleset: {} }];
      node.object(['family']);
      return [{ command, ruleset: node.at('family').isMissing() ? {} : { family: objects.family(node.at('family')) } }];
    }
    if (!(OBJECTS as readonly string[]).includes(kind)) {
      return node.fail(`"${kind}" objects are not supported yet (supported: ${OBJECTS.join(', ')})`);
    }
    const adds = command === 'add' || command === 'create';
    if (kind === 'rule') return this.rule(command, node);
    if (kind === 'element') {
      if (command !== 'add' && command !== 'create' && command !== 'delete') node.fail(`"${command}" does not apply to elements`);
      const ref = node.object(['family', 'table', 'name', 'elem']);
      const known = this.sets.get(key(objects.family(ref.at('family')), ref.at('table').string(), ref.at('name').string()));
      const elementKind = known ? (known.objectType !== undefined ? 'object' : known.map !== undefined ? 'data' : undefined) : objects.looksLikeMapElements(node) ? 'data' : undefined;
      const parsed = objects.elements(node, elementKind, this.stateful);
      const target: SetTarget & { elements: SetElementInput[] } = { family: parsed.family, table: parsed.table, name: parsed.name, elements: parsed.elements };
      if (known) {
        target.type = known.type;
        if (known.map !== undefined) target.map = known.map;
        if (known.flags !== undefined) target.flags = known.flags;
        if (known.objectType !== undefined) target.objectType = known.objectType;
      }
      if (known) objects.checkSet({ ...known, elements: target.elements }, node, this.options.interfaceIndex);
      return [{ command, elements: target }];
    }
    if (command === 'insert' || command === 'replace') return node.fail(`"${command}" applies to rules only`);
    switch (kind) {
      case 'table':
        if (adds) return [{ command, table: objects.table(node) }];
        return [command === 'delete' ? { command, table: objects.tableRef(node) } : { command, table: flushRef(objects.tableRef(node), node) }];
      case 'chain':
        if (adds) return [{ command, chain: objects.chain(node) }];
        return [command === 'delete' ? { command, chain: objects.chainRef(node) } : { command, chain: flushRef(objects.chainRef(node), node) as { family: NftFamily; table: string; name: string } }];
      case 'set': case 'map': {
        if (!adds) {
          const ref = objects.setRef(node);
          return [command === 'delete' ? { command, set: ref } : { command, set: flushRef(ref, node) as { family: NftFamily; table: string; name: string } }];
        }
        const set = objects.set(node, kind === 'map', this.stateful, this.options.interfaceIndex);
        // nft sizes a constant set to its elements.
        if (set.flags?.includes('constant') && set.size === undefined && set.elements?.length) {
          set.size = elementsSize(set.type, set.flags.includes('interval'), set.elements);
        }
        this.sets.set(key(set.family, set.table, set.name), set);
        return [{ command, set }];
      }
      default: {
        const objectKind = kind as objects.JsonObjectKind;
        if (adds) return [{ command, object: objects.object(objectKind, node) }];
        if (command === 'delete') return [{ command, object: objects.objectRef(objectKind, node) }];
        return node.fail(`"${command}" does not apply to ${kind} objects`);
      }
    }
  }

  private rule(command: CommandWord, node: JsonNode): NftJsonCommand[] {
    if (command === 'flush') return node.fail('"flush" applies to tables, chains and sets, not rules');
    if (command === 'delete') {
      node.object(['family', 'table', 'chain', 'handle']);
      return [{
        command, rule: { family: objects.family(node.at('family')), table: node.at('table').string(), chain: node.at('chain').string(), handle: node.at('handle').integer() },
      }];
    }
    const sets: NftJsonCommand[] = [];
    const { handle, ...rule } = objects.rule(node, (family, table, need) => {
      const set = this.anonymousSet(family, table, need, node);
      sets.push({ command: 'add', set });
      this.onAnonymous?.(set);
      return set.name;
    }, (family, table, name) => this.sets.get(key(family, table, name)), this.options.interfaceIndex, (family, table, name) => {
      const set = this.sets.get(key(family, table, name));
      // The set's spec is shared with its command (queued before this rule), so the flag goes out with it.
      if (set && !set.flags?.includes('dynamic')) set.flags = [...(set.flags ?? []), 'dynamic'];
    });
    const spec = rule as RuleSpec & { expressions: Expression[] };
    if (command === 'replace') {
      if (handle === undefined) node.fail('"replace" needs the rule\'s "handle"');
      return [...sets, { command, rule: { ...spec, handle } }];
    }
    if (command === 'insert') return [...sets, { command, rule: spec, ...(handle !== undefined ? { before: handle } : {}) }];
    // An added rule goes last in its chain: nft 1.0.6 ignores the handle of `add` (a listed rule's is the kernel's).
    return [...sets, { command: 'add', rule: spec }];
  }

  /** An anonymous set as nft makes it: constant, numbered per table, sized to its elements. */
  private anonymousSet(family: NftFamily, table: string, need: AnonymousSetNeed, node: JsonNode): NftJsonInputSet {
    // nft names anonymous object maps `__objmap%d`, other anonymous maps `__map%d` and anonymous sets `__set%d`.
    const prefix = need.objectType !== undefined ? '__objmap' : need.map !== undefined ? '__map' : '__set';
    const k = key(family, table, prefix);
    const n = this.anonymousCounts.get(k) ?? 0;
    this.anonymousCounts.set(k, n + 1);
    const flags: SetFlag[] = ['anonymous', 'constant'];
    if (need.interval) flags.push('interval');
    const set: NftJsonInputSet = { family, table, name: `${prefix}${n}`, type: need.type, flags, size: elementsSize(need.type, need.interval, need.elements), elements: need.elements };
    if (need.map !== undefined) set.map = need.map;
    if (need.objectType !== undefined) set.objectType = need.objectType;
    if (need.dataInterval) set.dataInterval = true;
    // The rule normalized the elements already (seconds to milliseconds must happen once).
    objects.checkSet(set, node, undefined, true);
    return set;
  }
}

/**
 * The size nft gives a constant set: its elements, or for an interval set (not
 * a concatenation) the elements it sends (nft's set_to_intervals): a start and
 * an end per range, plus the end before the first range unless it starts at zero.
 */
function elementsSize(type: TypeSpec, interval: boolean, elements: readonly SetElementInput[]): number {
  if (!interval || Array.isArray(type) || (typeof type === 'string' && type.includes('.'))) return elements.length;
  const keyType = new KeyType(type, 'set type');
  let size = 1;
  for (const element of elements) {
    const key = typeof element === 'object' && !Array.isArray(element) ? element.key : element;
    const [start] = keyType.encodeInterval(key, 'element');
    if (start.every((b) => b === 0)) size--;
    size += 2;
  }
  return size;
}

function key(family: string, table: string, name: string): string {
  return `${family}\0${table}\0${name}`;
}

/** Flush takes names, not handles. */
function flushRef<T extends object>(ref: T, node: JsonNode): T & { name: string } {
  if (!('name' in ref)) return node.fail('"flush" needs a name');
  return ref as T & { name: string };
}
