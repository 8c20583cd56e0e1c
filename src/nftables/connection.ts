import { NETLINK_NETFILTER } from '../generated/netlink.js';
import { InvalidArgumentError } from '../netlink/addresses.js';
import type { NetlinkSocket } from '../netlink/socket.js';
import { describeNetns, type NetnsRef } from '../netns/reference.js';
import { openNetlinkSocket, type NamespacedSocketOptions } from '../netns/socket.js';
import {
  chainsListing, elementsListing, objectsListing, rulesListing, setRequest, setsListing, tablesListing, type ListFilter, type Listing,
} from './listing.js';
import type { Chain, ChainRef, ChainSpec } from './objects/chain.js';
import { interpretElements, type RawElement, type SetElement, type SetElementInput } from './objects/elements.js';
import type { NftFamily } from './objects/family.js';
import type { Rule, RuleRef, RuleSpec } from './objects/rule.js';
import { decodeSet, shapeOfListed, type NftSet, type SetRef, type SetShape, type SetSpec } from './objects/set.js';
import type { StatefulObject } from './objects/stateful.js';
import type { Table, TableRef, TableSpec } from './objects/table.js';
import {
  commitBatch, commitBatchAsync, getGeneration, getGenerationAsync, type Generation,
} from './protocol/batch.js';
import './protocol/describe.js';
import { Transaction, type AddOptions, type SetTarget, type TransactionResult } from './transaction.js';

/** Everything in the ruleset (or one family of it), read at one generation. */
export interface Ruleset {
  generation: number;
  tables: Table[];
  chains: Chain[];
  sets: (NftSet & { elements: SetElement[] })[];
  objects: StatefulObject[];
  rules: Rule[];
}

export interface NftablesOptions extends NamespacedSocketOptions {}

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
    readonly socket: NetlinkSocket,
    /** Where the socket lives, for messages. */
    readonly label: string,
    /** Largest batch (bytes) the socket's send buffer lets through in one sendmsg. */
    readonly maxBatchBytes = DEFAULT_SEND_BUFFER,
  ) {}

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

  generationAsync(): Promise<Generation> {
    return getGenerationAsync(this.socket);
  }

  // ---- listing ---------------------------------------------------------------

  private list<T>(listing: Listing<T>): T[] {
    return this.socket.dump(listing.request, listing.op, listing.decode).filter(listing.keep);
  }

  private async listAsync<T>(listing: Listing<T>): Promise<T[]> {
    return (await this.socket.dumpAsync(listing.request, listing.op, listing.decode)).filter(listing.keep);
  }

  listTables(filter: ListFilter = {}): Table[] {
    return this.list(tablesListing(filter));
  }

  listTablesAsync(filter: ListFilter = {}): Promise<Table[]> {
    return this.listAsync(tablesListing(filter));
  }

  listChains(filter: ListFilter = {}): Chain[] {
    return this.list(chainsListing(filter));
  }

  listChainsAsync(filter: ListFilter = {}): Promise<Chain[]> {
    return this.listAsync(chainsListing(filter));
  }

  /** Rules with their expressions decoded; filter by family, table and chain. */
  listRules(filter: ListFilter = {}): Rule[] {
    return this.list(rulesListing(filter));
  }

  listRulesAsync(filter: ListFilter = {}): Promise<Rule[]> {
    return this.listAsync(rulesListing(filter));
  }

  /** Named sets and maps (anonymous sets belong to their rules and are left out). */
  listSets(filter: ListFilter = {}): NftSet[] {
    return this.list(setsListing(filter));
  }

  listSetsAsync(filter: ListFilter = {}): Promise<NftSet[]> {
    return this.listAsync(setsListing(filter));
  }

  /** Named stateful objects (counters, quotas, ...). */
  listObjects(filter: ListFilter = {}): StatefulObject[] {
    return this.list(objectsListing(filter));
  }

  listObjectsAsync(filter: ListFilter = {}): Promise<StatefulObject[]> {
    return this.listAsync(objectsListing(filter));
  }

  getSet(family: NftFamily, table: string, name: string): NftSet {
    const { request, op } = setRequest(family, table, name);
    return this.socket.execute(request, op, decodeSet)[0]!;
  }

  async getSetAsync(family: NftFamily, table: string, name: string): Promise<NftSet> {
    const { request, op } = setRequest(family, table, name);
    return (await this.socket.executeAsync(request, op, decodeSet))[0]!;
  }

  /** A set's elements, with interval sets joined back into prefixes and ranges. */
  listElements(ref: { family: NftFamily; table: string; name: string }): SetElement[] {
    const set = this.getSet(ref.family, ref.table, ref.name);
    return this.interpret(set, this.list(elementsListing(ref.family, ref.table, ref.name)));
  }

  async listElementsAsync(ref: { family: NftFamily; table: string; name: string }): Promise<SetElement[]> {
    const set = await this.getSetAsync(ref.family, ref.table, ref.name);
    return this.interpret(set, await this.listAsync(elementsListing(ref.family, ref.table, ref.name)));
  }

  /**
   * Tables, chains, sets with elements, and rules, all from one generation:
   * the generation is read before and after, and the listing repeated if a
   * batch committed in between.
   */
  listRuleset(filter: { family?: NftFamily } = {}): Ruleset {
    for (let attempt = 1; ; attempt++) {
      const before = this.generation().id;
      const sets = this.listSets(filter).map((s) => ({ ...s, elements: this.interpret(s, this.list(elementsListing(s.family, s.table, s.name))) }));
      const ruleset: Ruleset = {
        generation: before,
        tables: this.listTables(filter),
        chains: this.listChains(filter),
        sets,
        objects: this.listObjects(filter),
        rules: this.listRules(filter),
      };
      if (this.generation().id === before || attempt >= RULESET_ATTEMPTS) return ruleset;
    }
  }

  async listRulesetAsync(filter: { family?: NftFamily } = {}): Promise<Ruleset> {
    for (let attempt = 1; ; attempt++) {
      const before = (await this.generationAsync()).id;
      const sets = [];
      for (const s of await this.listSetsAsync(filter)) {
        sets.push({ ...s, elements: this.interpret(s, await this.listAsync(elementsListing(s.family, s.table, s.name))) });
      }
      const ruleset: Ruleset = {
        generation: before,
        tables: await this.listTablesAsync(filter),
        chains: await this.listChainsAsync(filter),
        sets,
        objects: await this.listObjectsAsync(filter),
        rules: await this.listRulesAsync(filter),
      };
      if ((await this.generationAsync()).id === before || attempt >= RULESET_ATTEMPTS) return ruleset;
    }
  }

  // ---- single changes (each its own batch) -----------------------------------

  addTable(spec: TableSpec, options?: AddOptions): TransactionResult {
    return this.transaction().addTable(spec, options).commit();
  }

  addTableAsync(spec: TableSpec, options?: AddOptions): Promise<TransactionResult> {
    return this.transaction().addTable(spec, options).commitAsync();
  }

  deleteTable(ref: TableRef): TransactionResult {
    return this.transaction().deleteTable(ref).commit();
  }

  deleteTableAsync(ref: TableRef): Promise<TransactionResult> {
    return this.transaction().deleteTable(ref).commitAsync();
  }

  addChain(spec: ChainSpec, options?: AddOptions): TransactionResult {
    return this.transaction().addChain(spec, options).commit();
  }

  addChainAsync(spec: ChainSpec, options?: AddOptions): Promise<TransactionResult> {
    return this.transaction().addChain(spec, options).commitAsync();
  }

  deleteChain(ref: ChainRef): TransactionResult {
    return this.transaction().deleteChain(ref).commit();
  }

  deleteChainAsync(ref: ChainRef): Promise<TransactionResult> {
    return this.transaction().deleteChain(ref).commitAsync();
  }

  /** Appends a rule (after `after` when given) and returns it as the kernel stored it, with its handle. */
  addRule(spec: RuleSpec, options: { after?: number } = {}): Rule {
    return this.transaction().addRule(spec, options).commit({ echo: true }).created.at(-1) as Rule;
  }

  async addRuleAsync(spec: RuleSpec, options: { after?: number } = {}): Promise<Rule> {
    return (await this.transaction().addRule(spec, options).commitAsync({ echo: true })).created.at(-1) as Rule;
  }

  /** Inserts a rule first in its chain (before `before` when given); returns it with its handle. */
  insertRule(spec: RuleSpec, options: { before?: number } = {}): Rule {
    return this.transaction().insertRule(spec, options).commit({ echo: true }).created.at(-1) as Rule;
  }

  async insertRuleAsync(spec: RuleSpec, options: { before?: number } = {}): Promise<Rule> {
    return (await this.transaction().insertRule(spec, options).commitAsync({ echo: true })).created.at(-1) as Rule;
  }

  replaceRule(spec: RuleSpec & { handle: number }): Rule {
    return this.transaction().replaceRule(spec).commit({ echo: true }).created.at(-1) as Rule;
  }

  async replaceRuleAsync(spec: RuleSpec & { handle: number }): Promise<Rule> {
    return (await this.transaction().replaceRule(spec).commitAsync({ echo: true })).created.at(-1) as Rule;
  }

  deleteRule(ref: RuleRef): TransactionResult {
    return this.transaction().deleteRule(ref).commit();
  }

  deleteRuleAsync(ref: RuleRef): Promise<TransactionResult> {
    return this.transaction().deleteRule(ref).commitAsync();
  }

  addSet(spec: SetSpec, options?: AddOptions): TransactionResult {
    return this.transaction().addSet(spec, options).commit();
  }

  addSetAsync(spec: SetSpec, options?: AddOptions): Promise<TransactionResult> {
    return this.transaction().addSet(spec, options).commitAsync();
  }

  deleteSet(ref: SetRef): TransactionResult {
    return this.transaction().deleteSet(ref).commit();
  }

  deleteSetAsync(ref: SetRef): Promise<TransactionResult> {
    return this.transaction().deleteSet(ref).commitAsync();
  }

  addElements(target: SetTarget, elements: readonly SetElementInput[]): TransactionResult {
    return this.transaction().addElements(target, elements).commit();
  }

  addElementsAsync(target: SetTarget, elements: readonly SetElementInput[]): Promise<TransactionResult> {
    return this.transaction().addElements(target, elements).commitAsync();
  }

  deleteElements(target: SetTarget, elements: readonly SetElementInput[]): TransactionResult {
    return this.transaction().deleteElements(target, elements).commit();
  }

  deleteElementsAsync(target: SetTarget, elements: readonly SetElementInput[]): Promise<TransactionResult> {
    return this.transaction().deleteElements(target, elements).commitAsync();
  }

  // ---- internals ---------------------------------------------------------------

  private setShape(family: NftFamily, table: string, name: string): SetShape {
    const set = this.getSet(family, table, name);
    const shape = shapeOfListed(set);
    if (!shape) throw new InvalidArgumentError(`set ${family} ${table} ${name} has types nlkit cannot encode (key type ${String(set.type)})`);
    return shape;
  }

  private interpret(set: NftSet, chunks: RawElement[][]): SetElement[] {
    const raws = chunks.flat();
    const shape = shapeOfListed(set);
    if (!shape) return raws.map((r) => ({ key: r.key.toString('hex') }));
    return interpretElements(shape, raws);
  }
}

/** Opens an nf_tables connection in `options.netns` (default: the calling thread's namespace). */
export function openNftables(options: NftablesOptions = {}): NftablesConnection {
  const sendBufferSize = options.sendBufferSize ?? DEFAULT_SEND_BUFFER;
  const socket = openNetlinkSocket(NETLINK_NETFILTER, { ...options, sendBufferSize });
  const label = options.netns === undefined ? 'current netns' : describeNetns(options.netns as NetnsRef);
  return new NftablesConnection(socket, label, sendBufferSize);
}
