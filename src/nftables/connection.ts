import { NETLINK_NETFILTER } from '../generated/netlink.js';
import { deriveFromDump } from '../netlink/dump-retry.js';
import { InvalidArgumentError } from '../netlink/addresses.js';
import { optionalObject, requireInteger, requireKnownKeys, requireObject, requireSocket, requireString, textOf } from '../netlink/checks.js';
import { NetlinkBatchError, NetlinkError } from '../netlink/errors.js';
import type { NetlinkSocket } from '../netlink/socket.js';
import { resolveSocketOptions } from '../netlink/socket-options.js';
import { describeNetns, validateNetnsRef, type NetnsRef } from '../netns/reference.js';
import { openNetlinkSocket, type NamespacedSocketOptions } from '../netns/socket.js';
import {
  chainsListing, elementsListing, flowtablesListing, objectsListing, rulesListing, setRequest, setsListing, tablesListing, type ListFilter, type Listing,
} from './listing.js';
import type { Chain, ChainRef, ChainSpec } from './objects/chain.js';
import type { Flowtable, FlowtableRef, FlowtableSpec } from './objects/flowtable.js';
import { interpretElements, type RawElement, type SetElement, type SetElementInput } from './objects/elements.js';
import { familyNumber, type NftFamily } from './objects/family.js';
import { requireName } from './objects/names.js';
import type { Rule, RuleRef, RuleSpec } from './objects/rule.js';
import { decodeSet, shapeOfListed, type NftSet, type SetRef, type SetShape, type SetSpec } from './objects/set.js';
import type { StatefulObject } from './objects/stateful.js';
import type { Table, TableRef, TableSpec } from './objects/table.js';
import {
  commitBatch, commitBatchAsync, getGeneration, getGenerationAsync, type Generation,
} from './protocol/batch.js';
import './protocol/describe.js';
import type { ListedSet, Ruleset, RulesetContents } from './ruleset.js';
import { Transaction, type AddOptions, type SetTarget, type TransactionResult } from './transaction.js';

/** Options of `openNftables`: the socket options, and `netns` for the namespace to open the socket in. */
export interface NftablesOptions extends NamespacedSocketOptions {}

const TABLE_FILTER_KEYS = new Set(['family', 'table']);
const RULE_FILTER_KEYS = new Set(['family', 'table', 'chain']);
const FAMILY_FILTER_KEYS = new Set(['family']);

/** A listing filter: optional, an object of known fields, each of the right type. */
function listFilter(filter: unknown, keys: ReadonlySet<string>): ListFilter {
  const f = optionalObject<ListFilter>(filter, 'filter', {}, "{ family: 'inet', table: 'filter' }");
  requireKnownKeys(f, keys, 'filter');
  if (f.family !== undefined) familyNumber(f.family, 'filter family');
  if (f.table !== undefined) requireName(f.table, 'filter table');
  if (f.chain !== undefined) requireName(f.chain, 'filter chain');
  return f;
}

/** A set named by `{ family, table, name }` (a listed NftSet will do). */
function setRef(ref: unknown): { family: NftFamily; table: string; name: string } {
  const r = requireObject<{ family: NftFamily; table: string; name: string }>(ref, 'set ref', "{ family: 'inet', table: 'filter', name: 'allowed' }");
  familyNumber(r.family, 'set ref family');
  requireName(r.table, 'table');
  requireName(r.name, 'set');
  return r;
}

/** Which command of a one-change transaction is the change (the others are what it needs, such as anonymous sets). */
interface SingleChange {
  echo: boolean;
  main(tx: Transaction): number;
}
const OBJECT_CHANGE: SingleChange = { echo: false, main: () => 0 };
/** A rule comes after the anonymous sets it uses, and is echoed to learn its handle. */
const RULE_CHANGE: SingleChange = { echo: true, main: (tx) => tx.size - 1 };

/**
 * Errors of a flowtable dump that mean "no flowtables here": kernels older
 * than 4.16 have no NFT_MSG_GETFLOWTABLE (nfnetlink answers EINVAL or
 * EOPNOTSUPP); a kernel without nf_flow_table answers the dump with nothing.
 */
function noFlowtableSupport(error: unknown): boolean {
  return error instanceof NetlinkError && (error.code === 'EINVAL' || error.code === 'EOPNOTSUPP');
}

/** The NetlinkError of the change itself when a one-change batch fails; other errors as they are. */
function failureOf(error: unknown, main: number): unknown {
  if (!(error instanceof NetlinkBatchError)) return error;
  return (error.failures.find((f) => f.index === main) ?? error.failures[0]!).error;
}

// Batches go out in one sendmsg, which the kernel refuses beyond the socket's send buffer.
const DEFAULT_SEND_BUFFER = 32 << 20;
const RULESET_ATTEMPTS = 5;

/**
 * An nf_tables connection: a NETLINK_NETFILTER socket in one network
 * namespace. Changes go through transactions (one atomic batch each); the
 * single-change methods are one-command transactions. Every method has a
 * synchronous form and an `...Async` form.
 */
export class NftablesConnection {
  constructor(
    /** The NETLINK_NETFILTER socket every request goes through; closed by `close()`. */
    readonly socket: NetlinkSocket,
    /** Where the socket lives, for messages. */
    readonly label: string,
    /** Largest batch (bytes) the socket's send buffer lets through in one sendmsg. */
    readonly maxBatchBytes = DEFAULT_SEND_BUFFER,
  ) {
    requireSocket(socket, 'NftablesConnection', 'openNftables()');
    requireString(label, 'NftablesConnection: label');
    requireInteger(maxBatchBytes, 'NftablesConnection: maxBatchBytes', 1, 0x7fffffff);
  }

  /** Closes the socket; never throws. Requests in flight reject with SocketClosedError. */
  close(): void {
    this.socket.close();
  }

  /** Starts a batch: queue changes, then `commit()` or `commitAsync()`. */
  transaction(): Transaction {
    return new Transaction(
      (family, table, name) => this.setShape(family, table, name),
      {
        commit: (commands, options) => commitBatch(this.socket, commands, options, this.maxBatchBytes),
        commitAsync: (commands, options) => commitBatchAsync(this.socket, commands, options, this.maxBatchBytes),
      },
    );
  }

  /** The ruleset generation (bumped by every committed batch). */
  generation(): Generation {
    return getGeneration(this.socket);
  }

  /** Promise form of `generation`. */
  generationAsync(): Promise<Generation> {
    return getGenerationAsync(this.socket);
  }

  // ---- listing ---------------------------------------------------------------

  private list<T>(listing: Listing<T>): T[] {
    return deriveFromDump(this.socket.dump(listing.request, listing.op, listing.decode), (d) => d.filter(listing.keep));
  }

  private async listAsync<T>(listing: Listing<T>): Promise<T[]> {
    return deriveFromDump(await this.socket.dumpAsync(listing.request, listing.op, listing.decode), (d) => d.filter(listing.keep));
  }

  /**
   * Tables, like `nft list tables`; filter by family and table name.
   * @throws InvalidArgumentError for an invalid filter.
   */
  listTables(filter?: ListFilter): Table[] {
    return this.list(tablesListing(listFilter(filter, TABLE_FILTER_KEYS)));
  }

  /** Promise form of `listTables`. */
  async listTablesAsync(filter?: ListFilter): Promise<Table[]> {
    return this.listAsync(tablesListing(listFilter(filter, TABLE_FILTER_KEYS)));
  }

  /**
   * Chains with their hooks, priorities and policies, like `nft list chains`; filter by family, table and chain name.
   * @throws InvalidArgumentError for an invalid filter.
   */
  listChains(filter?: ListFilter): Chain[] {
    return this.list(chainsListing(listFilter(filter, RULE_FILTER_KEYS)));
  }

  /** Promise form of `listChains`. */
  async listChainsAsync(filter?: ListFilter): Promise<Chain[]> {
    return this.listAsync(chainsListing(listFilter(filter, RULE_FILTER_KEYS)));
  }

  /** Rules with their expressions decoded; filter by family, table and chain. */
  listRules(filter?: ListFilter): Rule[] {
    return this.list(rulesListing(listFilter(filter, RULE_FILTER_KEYS)));
  }

  /** Promise form of `listRules`. */
  async listRulesAsync(filter?: ListFilter): Promise<Rule[]> {
    return this.listAsync(rulesListing(listFilter(filter, RULE_FILTER_KEYS)));
  }

  /** Named sets and maps (anonymous sets belong to their rules and are left out). */
  listSets(filter?: ListFilter): NftSet[] {
    return this.list(setsListing(listFilter(filter, TABLE_FILTER_KEYS)));
  }

  /** Promise form of `listSets`. */
  async listSetsAsync(filter?: ListFilter): Promise<NftSet[]> {
    return this.listAsync(setsListing(listFilter(filter, TABLE_FILTER_KEYS)));
  }

  /** Named stateful objects (counters, quotas, ...). */
  listObjects(filter?: ListFilter): StatefulObject[] {
    return this.list(objectsListing(listFilter(filter, TABLE_FILTER_KEYS)));
  }

  /** Promise form of `listObjects`. */
  async listObjectsAsync(filter?: ListFilter): Promise<StatefulObject[]> {
    return this.listAsync(objectsListing(listFilter(filter, TABLE_FILTER_KEYS)));
  }

  /**
   * Flowtables, like `nft list flowtables`; filter by family and table. Empty where the kernel has none.
   * @throws InvalidArgumentError for an invalid filter.
   */
  listFlowtables(filter?: ListFilter): Flowtable[] {
    return this.list(flowtablesListing(listFilter(filter, TABLE_FILTER_KEYS)));
  }

  /** Promise form of `listFlowtables`. */
  async listFlowtablesAsync(filter?: ListFilter): Promise<Flowtable[]> {
    return this.listAsync(flowtablesListing(listFilter(filter, TABLE_FILTER_KEYS)));
  }

  /**
   * One set or map by name (NFT_MSG_GETSET), without its elements.
   * @throws NetlinkError with code ENOENT when the table or set does not exist.
   */
  getSet(family: NftFamily, table: string, name: string): NftSet {
    const { request, op } = setRequest(family, table, name);
    return this.socket.execute(request, op, decodeSet)[0]!;
  }

  /** Promise form of `getSet`. */
  async getSetAsync(family: NftFamily, table: string, name: string): Promise<NftSet> {
    const { request, op } = setRequest(family, table, name);
    return (await this.socket.executeAsync(request, op, decodeSet))[0]!;
  }

  /** A set's elements, with interval sets joined back into prefixes and ranges. */
  listElements(ref: { family: NftFamily; table: string; name: string }): SetElement[] {
    const { family, table, name } = setRef(ref);
    const set = this.getSet(family, table, name);
    return this.interpret(set, this.list(elementsListing(family, table, name)));
  }

  /** Promise form of `listElements`. */
  async listElementsAsync(ref: { family: NftFamily; table: string; name: string }): Promise<SetElement[]> {
    const { family, table, name } = setRef(ref);
    const set = await this.getSetAsync(family, table, name);
    return this.interpret(set, await this.listAsync(elementsListing(family, table, name)));
  }

  /**
   * Tables, chains, sets with elements (anonymous ones too), objects,
   * flowtables and rules, all from one generation: the generation is read
   * before and after, and the listing repeated if a batch committed in
   * between. `addRuleset` re-creates what it returns. A kernel without
   * flowtable messages lists no flowtables rather than failing.
   */
  listRuleset(filter?: { family?: NftFamily }): Ruleset {
    const f = listFilter(filter, FAMILY_FILTER_KEYS);
    for (let attempt = 1; ; attempt++) {
      const before = this.generation().id;
      const sets = this.list(setsListing(f, true)).map((s) => ({ ...s, elements: this.interpret(s, this.list(elementsListing(s.family, s.table, s.name))) }));
      const ruleset: Ruleset = {
        generation: before,
        tables: this.listTables(f),
        chains: this.listChains(f),
        sets,
        objects: this.listObjects(f),
        flowtables: this.flowtablesIfSupported(f),
        rules: this.listRules(f),
      };
      if (this.generation().id === before || attempt >= RULESET_ATTEMPTS) return ruleset;
    }
  }

  /** Promise form of `listRuleset`. */
  async listRulesetAsync(filter?: { family?: NftFamily }): Promise<Ruleset> {
    const f = listFilter(filter, FAMILY_FILTER_KEYS);
    for (let attempt = 1; ; attempt++) {
      const before = (await this.generationAsync()).id;
      const sets = [];
      for (const s of await this.listAsync(setsListing(f, true))) {
        sets.push({ ...s, elements: this.interpret(s, await this.listAsync(elementsListing(s.family, s.table, s.name))) });
      }
      const ruleset: Ruleset = {
        generation: before,
        tables: await this.listTablesAsync(f),
        chains: await this.listChainsAsync(f),
        sets,
        objects: await this.listObjectsAsync(f),
        flowtables: await this.flowtablesIfSupportedAsync(f),
        rules: await this.listRulesAsync(f),
      };
      if ((await this.generationAsync()).id === before || attempt >= RULESET_ATTEMPTS) return ruleset;
    }
  }

  // ---- whole rulesets (one batch each) ----------------------------------------

  /**
   * Adds a whole ruleset in one atomic batch: what `listRuleset` returned
   * (from this namespace or another), or one put together from specs.
   * Tables, objects, chains, flowtables, sets with their elements and rules
   * go in the order the kernel needs (see `Transaction.addRuleset`); the
   * kernel applies all of it or none.
   * @throws NetlinkBatchError when the kernel refuses a command (nothing is applied); InvalidArgumentError for an invalid item (nothing is sent).
   */
  addRuleset(ruleset: RulesetContents, options?: AddOptions): TransactionResult {
    return this.transaction().addRuleset(ruleset, options).commit();
  }

  /** Promise form of `addRuleset`. */
  async addRulesetAsync(ruleset: RulesetContents, options?: AddOptions): Promise<TransactionResult> {
    return this.transaction().addRuleset(ruleset, options).commitAsync();
  }

  /**
   * `flush ruleset` and `addRuleset` in one atomic batch: the kernel swaps
   * the old ruleset for the new one with no moment in between, and keeps
   * the old one when it refuses anything. With `family`, only that family's
   * tables are flushed.
   * @throws NetlinkBatchError when the kernel refuses a command (the old ruleset stays); InvalidArgumentError for an invalid item (nothing is sent).
   */
  replaceRuleset(ruleset: RulesetContents, options?: { family?: NftFamily }): TransactionResult {
    return this.transaction().flushRuleset(options).addRuleset(ruleset).commit();
  }

  /** Promise form of `replaceRuleset`. */
  async replaceRulesetAsync(ruleset: RulesetContents, options?: { family?: NftFamily }): Promise<TransactionResult> {
    return this.transaction().flushRuleset(options).addRuleset(ruleset).commitAsync();
  }

  // ---- single changes (each its own batch) -----------------------------------
  //
  // A single change fails with the kernel's NetlinkError for it (errno name in
  // `code`, extended ack, operation, object), not with a batch of one.

  /**
   * `add table` (or `create table` with `exclusive`) in a batch of its own.
   * @throws NetlinkError when the kernel refuses it (EEXIST with `exclusive`); InvalidArgumentError for an invalid spec.
   */
  addTable(spec: TableSpec, options?: AddOptions): TransactionResult {
    return this.single((tx) => tx.addTable(spec, options));
  }

  /** Promise form of `addTable`. */
  addTableAsync(spec: TableSpec, options?: AddOptions): Promise<TransactionResult> {
    return this.singleAsync((tx) => tx.addTable(spec, options));
  }

  /**
   * `delete table`: the table and everything in it.
   * @throws NetlinkError with code ENOENT when it does not exist; InvalidArgumentError for an invalid ref.
   */
  deleteTable(ref: TableRef): TransactionResult {
    return this.single((tx) => tx.deleteTable(ref));
  }

  /** Promise form of `deleteTable`. */
  deleteTableAsync(ref: TableRef): Promise<TransactionResult> {
    return this.singleAsync((tx) => tx.deleteTable(ref));
  }

  /**
   * `add chain` (or `create chain` with `exclusive`) in a batch of its own; a base chain when `type`, `hook` and `priority` are given.
   * @throws NetlinkError when the kernel refuses it (ENOENT for a missing table, EEXIST with `exclusive`); InvalidArgumentError for an invalid spec.
   */
  addChain(spec: ChainSpec | Chain, options?: AddOptions): TransactionResult {
    return this.single((tx) => tx.addChain(spec, options));
  }

  /** Promise form of `addChain`. */
  addChainAsync(spec: ChainSpec | Chain, options?: AddOptions): Promise<TransactionResult> {
    return this.singleAsync((tx) => tx.addChain(spec, options));
  }

  /**
   * `delete chain`.
   * @throws NetlinkError with code EBUSY while the chain has rules or is jumped to, ENOENT when it does not exist.
   */
  deleteChain(ref: ChainRef): TransactionResult {
    return this.single((tx) => tx.deleteChain(ref));
  }

  /** Promise form of `deleteChain`. */
  deleteChainAsync(ref: ChainRef): Promise<TransactionResult> {
    return this.singleAsync((tx) => tx.deleteChain(ref));
  }

  /** Appends a rule (after `after` when given) and returns it as the kernel stored it, with its handle. */
  addRule(spec: RuleSpec, options?: { after?: number }): Rule {
    return this.single((tx) => tx.addRule(spec, options), RULE_CHANGE).created.at(-1) as Rule;
  }

  /** Promise form of `addRule`. */
  async addRuleAsync(spec: RuleSpec, options?: { after?: number }): Promise<Rule> {
    return (await this.singleAsync((tx) => tx.addRule(spec, options), RULE_CHANGE)).created.at(-1) as Rule;
  }

  /** Inserts a rule first in its chain (before `before` when given); returns it with its handle. */
  insertRule(spec: RuleSpec, options?: { before?: number }): Rule {
    return this.single((tx) => tx.insertRule(spec, options), RULE_CHANGE).created.at(-1) as Rule;
  }

  /** Promise form of `insertRule`. */
  async insertRuleAsync(spec: RuleSpec, options?: { before?: number }): Promise<Rule> {
    return (await this.singleAsync((tx) => tx.insertRule(spec, options), RULE_CHANGE)).created.at(-1) as Rule;
  }

  /**
   * Replaces the rule with `spec.handle` in place (`nft replace rule ... handle N`); returns the new rule as the kernel stored it.
   * @throws NetlinkError with code ENOENT when no rule has that handle in the chain.
   */
  replaceRule(spec: RuleSpec & { handle: number }): Rule {
    return this.single((tx) => tx.replaceRule(spec), RULE_CHANGE).created.at(-1) as Rule;
  }

  /** Promise form of `replaceRule`. */
  async replaceRuleAsync(spec: RuleSpec & { handle: number }): Promise<Rule> {
    return (await this.singleAsync((tx) => tx.replaceRule(spec), RULE_CHANGE)).created.at(-1) as Rule;
  }

  /**
   * `delete rule ... handle N`.
   * @throws NetlinkError with code ENOENT when no rule has that handle in the chain.
   */
  deleteRule(ref: RuleRef): TransactionResult {
    return this.single((tx) => tx.deleteRule(ref));
  }

  /** Promise form of `deleteRule`. */
  deleteRuleAsync(ref: RuleRef): Promise<TransactionResult> {
    return this.singleAsync((tx) => tx.deleteRule(ref));
  }

  /**
   * `add set` / `add map` (or `create` with `exclusive`) with any `spec.elements`, in a batch of its own.
   * @throws NetlinkError when the kernel refuses it; InvalidArgumentError for an invalid spec or element.
   */
  addSet(spec: SetSpec | ListedSet, options?: AddOptions): TransactionResult {
    return this.single((tx) => tx.addSet(spec, options));
  }

  /** Promise form of `addSet`. */
  addSetAsync(spec: SetSpec | ListedSet, options?: AddOptions): Promise<TransactionResult> {
    return this.singleAsync((tx) => tx.addSet(spec, options));
  }

  /**
   * `delete set` / `delete map`.
   * @throws NetlinkError with code EBUSY while rules refer to it, ENOENT when it does not exist.
   */
  deleteSet(ref: SetRef): TransactionResult {
    return this.single((tx) => tx.deleteSet(ref));
  }

  /** Promise form of `deleteSet`. */
  deleteSetAsync(ref: SetRef): Promise<TransactionResult> {
    return this.singleAsync((tx) => tx.deleteSet(ref));
  }

  /**
   * `add flowtable` (or `create flowtable` with `exclusive`) in a batch of its own; encoded as nft 1.0.6 sends it.
   * @throws NetlinkError when the kernel refuses it (ENOENT for a missing table, or a kernel without nf_flow_table); InvalidArgumentError for an invalid spec.
   */
  addFlowtable(spec: FlowtableSpec | Flowtable, options?: AddOptions): TransactionResult {
    return this.single((tx) => tx.addFlowtable(spec, options));
  }

  /** Promise form of `addFlowtable`. */
  addFlowtableAsync(spec: FlowtableSpec | Flowtable, options?: AddOptions): Promise<TransactionResult> {
    return this.singleAsync((tx) => tx.addFlowtable(spec, options));
  }

  /**
   * `delete flowtable`, by name or handle.
   * @throws NetlinkError with code EBUSY while rules offload to it, ENOENT when it does not exist.
   */
  deleteFlowtable(ref: FlowtableRef): TransactionResult {
    return this.single((tx) => tx.deleteFlowtable(ref));
  }

  /** Promise form of `deleteFlowtable`. */
  deleteFlowtableAsync(ref: FlowtableRef): Promise<TransactionResult> {
    return this.singleAsync((tx) => tx.deleteFlowtable(ref));
  }

  /**
   * `add element`: elements encoded against the set's types (looked up with GETSET unless `target` gives them); existing ones are left as they are.
   * @throws NetlinkError when the kernel refuses them (ENOENT for a missing set); InvalidArgumentError for an element that does not fit the type.
   */
  addElements(target: SetTarget, elements: readonly SetElementInput[]): TransactionResult {
    return this.single((tx) => tx.addElements(target, elements));
  }

  /** Promise form of `addElements`. */
  addElementsAsync(target: SetTarget, elements: readonly SetElementInput[]): Promise<TransactionResult> {
    return this.singleAsync((tx) => tx.addElements(target, elements));
  }

  /**
   * `delete element`: all of them must exist.
   * @throws NetlinkError with code ENOENT when one does not; InvalidArgumentError for an element that does not fit the type.
   */
  deleteElements(target: SetTarget, elements: readonly SetElementInput[]): TransactionResult {
    return this.single((tx) => tx.deleteElements(target, elements));
  }

  /** Promise form of `deleteElements`. */
  deleteElementsAsync(target: SetTarget, elements: readonly SetElementInput[]): Promise<TransactionResult> {
    return this.singleAsync((tx) => tx.deleteElements(target, elements));
  }

  /** Queues one change and commits it; a refusal is the NetlinkError of the change itself. */
  private single(queue: (tx: Transaction) => Transaction, change: SingleChange = OBJECT_CHANGE): TransactionResult {
    const tx = queue(this.transaction());
    try {
      return tx.commit(change.echo ? { echo: true } : undefined);
    } catch (error) {
      throw failureOf(error, change.main(tx));
    }
  }

  /** Promise form of `single`: bad input rejects, never throws. */
  private async singleAsync(queue: (tx: Transaction) => Transaction, change: SingleChange = OBJECT_CHANGE): Promise<TransactionResult> {
    const tx = queue(this.transaction());
    try {
      return await tx.commitAsync(change.echo ? { echo: true } : undefined);
    } catch (error) {
      throw failureOf(error, change.main(tx));
    }
  }

  // ---- internals ---------------------------------------------------------------

  private flowtablesIfSupported(filter: ListFilter): Flowtable[] {
    try {
      return this.list(flowtablesListing(filter));
    } catch (error) {
      if (noFlowtableSupport(error)) return [];
      throw error;
    }
  }

  private async flowtablesIfSupportedAsync(filter: ListFilter): Promise<Flowtable[]> {
    try {
      return await this.listAsync(flowtablesListing(filter));
    } catch (error) {
      if (noFlowtableSupport(error)) return [];
      throw error;
    }
  }

  private setShape(family: NftFamily, table: string, name: string): SetShape {
    const set = this.getSet(family, table, name);
    const shape = shapeOfListed(set);
    if (!shape) throw new InvalidArgumentError(`set ${family} ${table} ${name} has types nlkit cannot encode (key type ${textOf(set.type)})`);
    return shape;
  }

  private interpret(set: NftSet, chunks: RawElement[][]): SetElement[] {
    const raws = chunks.flat();
    const shape = shapeOfListed(set);
    if (!shape) return raws.map((r) => ({ key: r.key.toString('hex') }));
    return interpretElements(shape, raws);
  }
}

/**
 * Opens an nf_tables connection in `options.netns` (default: the calling
 * thread's namespace). Options are checked before anything is opened: from
 * plain JavaScript, `openNftables('pod1')` would otherwise open a socket in
 * the caller's namespace.
 */
export function openNftables(options: NftablesOptions = {}): NftablesConnection {
  resolveSocketOptions(options, 'openNftables', ['netns']);
  if (options.netns !== undefined) validateNetnsRef(options.netns, 'openNftables: options.netns');
  const sendBufferSize = options.sendBufferSize ?? DEFAULT_SEND_BUFFER;
  const socket = openNetlinkSocket(NETLINK_NETFILTER, { ...options, sendBufferSize });
  const label = options.netns === undefined ? 'current netns' : describeNetns(options.netns as NetnsRef);
  return new NftablesConnection(socket, label, sendBufferSize);
}
