import { NFT_MSG_DELTABLE, NFT_MSG_NEWCHAIN, NFT_MSG_NEWFLOWTABLE, NFT_MSG_NEWOBJ, NFT_MSG_NEWRULE, NFT_MSG_NEWSET, NFT_MSG_NEWTABLE } from '../generated/nf_tables.js';
import { InvalidArgumentError } from '../netlink/addresses.js';
import { optionalObject, requireArray, requireBoolean, requireFunction, requireKnownKeys, requireObject } from '../netlink/checks.js';
import type { Message } from '../netlink/message.js';
import { addChainCommand, decodeChain, deleteChainCommand, flushChainCommand, type Chain, type ChainRef, type ChainSpec } from './objects/chain.js';
import { elementsCommands, type SetElementInput } from './objects/elements.js';
import type { NftFamily } from './objects/family.js';
import {
  addFlowtableCommand, decodeFlowtable, deleteFlowtableCommand, type Flowtable, type FlowtableRef, type FlowtableSpec,
} from './objects/flowtable.js';
import { addRuleCommand, decodeRule, deleteRuleCommand, type LinearizeContext, type Rule, type RuleRef, type RuleSpec } from './objects/rule.js';
import {
  addSetCommand, decodeSet, deleteSetCommand, flushSetCommand, shapeOf, validateSet, type AnonymousSetRequest, type NftSet,
  type SetRef, type SetShape, type SetSpec, type TypeSpec,
} from './objects/set.js';
import { addObjectCommand, decodeObject, deleteObjectCommand, type ObjectRef, type StatefulObject, type StatefulObjectSpec } from './objects/stateful.js';
import { addTableCommand, decodeTable, deleteTableCommand, flushTableCommand, type Table, type TableRef, type TableSpec } from './objects/table.js';
import type { BatchCommand, CommitOptions } from './protocol/batch.js';
import { nftMessageOf } from './protocol/nfgenmsg.js';
import { familyNumber } from './objects/family.js';
import { NFPROTO_UNSPEC } from '../generated/netfilter.js';
import { requireName } from './objects/names.js';
import { exclusiveOption, requireFlagList } from './objects/shape.js';
import { rulesetParts, type ListedSet, type RulesetContents } from './ruleset.js';
import { setsAndRulesInBatchOrder } from './ruleset-order.js';

/** Names a set for element operations; its types are looked up when not given. */
export interface SetTarget {
  /** Family of the set's table. */
  family: NftFamily;
  /** Table of the set. */
  table: string;
  /** Set or map name. */
  name: string;
  /** Key type, to encode elements without asking the kernel (GETSET) for the set's types; needed for nothing else. */
  type?: TypeSpec;
  /** Data type of a map, given together with `type`. */
  map?: TypeSpec;
  /** The set's flags, given together with `type`; `interval` makes prefixes and ranges encode as intervals. */
  flags?: SetSpec['flags'];
  /** Object type of an object map, given together with `type` (elements then name objects). */
  objectType?: SetSpec['objectType'];
}

/** How a transaction learns the shape of a set it did not add itself (a GETSET to the kernel). */
export type SetShapeLookup = (family: NftFamily, table: string, name: string) => SetShape;

/** Options of the add methods: `nft add` (idempotent) by default, `nft create` with `exclusive`. */
export interface AddOptions {
  /** Fail with EEXIST if the object exists (`nft create`), instead of leaving it as it is (`nft add`). */
  exclusive?: boolean;
}

/** What the kernel created, per command, when the commit asked for `echo`. */
export type EchoedObject = Table | Chain | Rule | NftSet | StatefulObject | Flowtable;

/** What a committed transaction reports. */
export interface TransactionResult {
  /** Ruleset generation after the commit. */
  generation: number;
  /** With `echo`: what each command created (rules with their handles), by command index; undefined for others. */
  created: (EchoedObject | undefined)[];
}

/** Name nft gives anonymous sets; the kernel replaces %d with a free number. */
const ANONYMOUS_SET_NAME = '__set%d';

const AFTER_KEYS: ReadonlySet<'after'> = new Set(['after'] as const);
const BEFORE_KEYS: ReadonlySet<'before'> = new Set(['before'] as const);
const COMMIT_KEYS = new Set(['generation', 'echo']);
const FAMILY_KEYS: ReadonlySet<string> = new Set(['family']);
/** A SetTarget's fields, and those of a listed NftSet (ignored), so a listed set can be the target. */
const TARGET_KEYS = new Set(['family', 'table', 'name', 'type', 'map', 'flags', 'objectType', 'handle', 'keyLength', 'dataLength', 'timeout', 'gcInterval', 'size', 'policy', 'comment', 'userdata', 'expressions', 'unknown']);

/** A placement option bag (`{ after }` or `{ before }`): optional, an object, nothing else in it. */
function placementOption<K extends 'after' | 'before'>(options: unknown, keys: ReadonlySet<K>): { [P in K]?: number } {
  const o = optionalObject<{ [P in K]?: number }>(options, 'options', {}, `{ ${[...keys][0]}: 4 }`);
  requireKnownKeys(o, keys, 'options');
  return o;
}

/** CommitOptions, checked before the batch is built (`generation` is range-checked when encoded). */
function commitOptions(options: unknown): CommitOptions {
  const o = optionalObject<CommitOptions>(options, 'commit options', {}, '{ echo: true }');
  requireKnownKeys(o, COMMIT_KEYS, 'commit options');
  if (o.echo !== undefined) requireBoolean(o.echo, 'commit options echo');
  return o;
}

/**
 * Changes buffered for one atomic batch. Each method checks its input at
 * once (InvalidArgumentError) and queues commands; `commit` sends them all in
 * one sendmsg, and the kernel applies all of them or none.
 */
export class Transaction {
  private readonly commands: BatchCommand[] = [];
  private readonly sets = new Map<string, SetShape>();
  /** Anonymous sets added by `addSet`, by the name they were listed under: what rules added later refer to instead. */
  private readonly anonymousSets = new Map<string, { name: string; id: number }>();
  private nextSetId = 1;

  /** @internal Made by `NftablesConnection.transaction()`, which supplies the set lookup and the committer. */
  constructor(
    private readonly lookupShape: SetShapeLookup,
    private readonly committer: {
      commit(commands: readonly BatchCommand[], options: CommitOptions): { generation: number; echoes: Message[][] };
      commitAsync(commands: readonly BatchCommand[], options: CommitOptions): Promise<{ generation: number; echoes: Message[][] }>;
    },
  ) {
    requireFunction(lookupShape, 'Transaction: lookupShape');
    requireObject(committer, 'Transaction: committer', '{ commit, commitAsync } (use connection.transaction())');
    requireFunction(committer.commit, 'Transaction: committer.commit');
    requireFunction(committer.commitAsync, 'Transaction: committer.commitAsync');
  }

  /** Number of commands queued (elements of big sets may take several). */
  get size(): number {
    return this.commands.length;
  }

  /** The queued commands, for inspection and tests. */
  get pending(): readonly BatchCommand[] {
    return this.commands;
  }

  /**
   * Queues `add table` (or `create table` with `exclusive`); an existing table is kept, only its flags updated when `spec.flags` is given.
   * @throws InvalidArgumentError for an invalid spec.
   */
  addTable(spec: TableSpec, options?: AddOptions): this {
    this.commands.push(addTableCommand(spec, exclusiveOption(options)));
    return this;
  }

  /**
   * Queues `delete table`: the table and everything in it.
   * @throws InvalidArgumentError for an invalid ref.
   */
  deleteTable(ref: TableRef): this {
    this.commands.push(deleteTableCommand(ref));
    return this;
  }

  /**
   * Queues `flush table`: every rule of every chain in the table goes, chains, sets and objects stay.
   * @throws InvalidArgumentError for an invalid ref.
   */
  flushTable(ref: { family: NftFamily; name: string }): this {
    this.commands.push(flushTableCommand(ref));
    return this;
  }

  /**
   * Queues `add chain` (or `create chain` with `exclusive`); a base chain when `type`, `hook` and `priority` are given.
   * A listed Chain is taken as it is (its handle, use, counters and flags are the kernel's and ignored).
   * @throws InvalidArgumentError for an invalid spec, e.g. a base chain without a hook, or a hook the family lacks.
   */
  addChain(spec: ChainSpec | Chain, options?: AddOptions): this {
    // A listed chain's hook is a number only where nlkit has no name for it; addChainCommand refuses that.
    this.commands.push(addChainCommand(spec as ChainSpec, exclusiveOption(options)));
    return this;
  }

  /**
   * Queues `delete chain`; the commit fails with EBUSY if the chain still has rules or is jumped to.
   * @throws InvalidArgumentError for an invalid ref.
   */
  deleteChain(ref: ChainRef): this {
    this.commands.push(deleteChainCommand(ref));
    return this;
  }

  /**
   * Queues `flush chain`: deletes every rule of the chain.
   * @throws InvalidArgumentError for an invalid ref.
   */
  flushChain(ref: { family: NftFamily; table: string; name: string }): this {
    this.commands.push(flushChainCommand(ref));
    return this;
  }

  /** Appends a rule to its chain, or places it right after the rule with handle `after`. */
  addRule(spec: RuleSpec, options?: { after?: number }): this {
    const { after } = placementOption(options, AFTER_KEYS);
    return this.queueRule(spec, { where: 'append', ...(after !== undefined ? { after } : {}) });
  }

  /** Inserts a rule at the start of its chain, or right before the rule with handle `before`. */
  insertRule(spec: RuleSpec, options?: { before?: number }): this {
    const { before } = placementOption(options, BEFORE_KEYS);
    return this.queueRule(spec, { where: 'insert', ...(before !== undefined ? { before } : {}) });
  }

  /** Replaces the rule with `handle` in place. */
  replaceRule(spec: RuleSpec & { handle: number }): this {
    requireObject(spec, 'rule spec', "{ family: 'inet', table: 'filter', chain: 'input', handle: 4, rule: rule().accept() }");
    return this.queueRule(spec, { where: 'replace', handle: spec.handle });
  }

  /**
   * Queues `delete rule ... handle N`.
   * @throws InvalidArgumentError for an invalid ref.
   */
  deleteRule(ref: RuleRef): this {
    this.commands.push(deleteRuleCommand(ref));
    return this;
  }

  /**
   * Adds a set or map, with its elements when `spec.elements` is given.
   *
   * A set with the `anonymous` flag (as `listRuleset` lists the sets of
   * `tcp dport { 80, 443 }` and of meters) is added the way nft adds it: a
   * listed `__setN` name goes out as `__set%d`, for the kernel to number, and
   * rules added to this transaction afterwards with `expressions` that name
   * the set (lookup, dynset, objref) are pointed at it by its batch id.
   *
   * A listed set is taken as it is; one whose key or data type nlkit could
   * not name (listed as a raw number) is refused with InvalidArgumentError.
   */
  addSet(input: SetSpec | ListedSet, options?: AddOptions): this {
    const spec = input as SetSpec;
    const shape = validateSet(spec);
    const exclusive = exclusiveOption(options);
    const id = this.nextSetId++;
    const anonymous = spec.flags?.includes('anonymous') ?? false;
    // nft names anonymous maps (`dnat to ip saddr map { ... }`) `__map%d`, the others `__set%d`.
    const numbered = anonymous ? /^__(set|map)\d+$/.exec(spec.name) : null;
    const name = numbered ? (numbered[1] === 'map' ? '__map%d' : ANONYMOUS_SET_NAME) : spec.name;
    const sent = name === spec.name ? spec : { ...spec, name };
    const commands = [addSetCommand(sent, id, exclusive)];
    if (spec.elements?.length) {
      commands.push(...elementsCommands({ family: spec.family, table: spec.table, set: name, setId: id, anonymous }, shape, spec.elements, 'populate'));
    }
    this.commands.push(...commands);
    if (anonymous) this.anonymousSets.set(setKey(spec.family, spec.table, spec.name), { name, id });
    else this.sets.set(setKey(spec.family, spec.table, spec.name), shape);
    return this;
  }

  /**
   * Adds a named stateful object that rules can share (`counter name "web"`, `limit name "l1"`, ...).
   * A listed object is taken as it is; one of a type nlkit does not create (kept raw) is refused with InvalidArgumentError.
   */
  addObject(spec: StatefulObjectSpec | StatefulObject, options?: AddOptions): this {
    this.commands.push(addObjectCommand(spec as StatefulObjectSpec, exclusiveOption(options)));
    return this;
  }

  /**
   * Queues `add flowtable` (or `create flowtable` with `exclusive`). Encoded as nft 1.0.6 sends it;
   * not verified against a kernel with flowtable support.
   * @throws InvalidArgumentError for an invalid spec (a family without flowtables, a bad device name...).
   */
  addFlowtable(spec: FlowtableSpec | Flowtable, options?: AddOptions): this {
    this.commands.push(addFlowtableCommand(spec, exclusiveOption(options)));
    return this;
  }

  /**
   * Queues `delete flowtable`, by name or handle; the commit fails with EBUSY while rules offload to it.
   * @throws InvalidArgumentError for an invalid ref.
   */
  deleteFlowtable(ref: FlowtableRef): this {
    this.commands.push(deleteFlowtableCommand(ref));
    return this;
  }

  /**
   * Queues `flush ruleset`: every table of every family (or of `filter.family`) goes, with all it holds.
   * @throws InvalidArgumentError for an invalid filter.
   */
  flushRuleset(filter?: { family?: NftFamily }): this {
    const f = optionalObject<{ family?: NftFamily }>(filter, 'flush filter', {}, "{ family: 'inet' }");
    requireKnownKeys(f, FAMILY_KEYS, 'flush filter');
    const family = f.family === undefined ? NFPROTO_UNSPEC : familyNumber(f.family, 'flush filter family');
    // As nft sends `flush ruleset`: a DELTABLE naming no table deletes them all.
    this.commands.push({ message: NFT_MSG_DELTABLE, family, flags: 0, operation: 'flush ruleset', object: f.family ?? 'all families', encode: () => {} });
    return this;
  }

  /**
   * Queues a whole ruleset, as `listRuleset` lists it (or put together from
   * specs): tables, then objects, chains, flowtables, sets with their
   * elements, and rules last (an anonymous set just before the rule that
   * uses it, rules using them first: cheaper for the kernel in large
   * batches). That order is what the kernel needs within one batch: an object map's elements name objects, a
   * verdict map's elements jump to chains, rules use sets, objects, chains
   * and flowtables. Listed items are taken as they are; handles are the
   * kernel's and ignored (the re-created objects get new ones).
   *
   * When one item is invalid nothing of the ruleset is queued.
   * @throws InvalidArgumentError for an invalid item, naming it.
   */
  addRuleset(ruleset: RulesetContents, options?: AddOptions): this {
    const parts = rulesetParts(ruleset);
    exclusiveOption(options);
    const queued = this.commands.length;
    const sets = new Map(this.sets);
    const anonymousSets = new Map(this.anonymousSets);
    const nextSetId = this.nextSetId;
    try {
      for (const table of parts.tables) this.addTable(table, options);
      for (const object of parts.objects) this.addObject(object, options);
      for (const chain of parts.chains) this.addChain(chain, options);
      for (const flowtable of parts.flowtables) this.addFlowtable(flowtable, options);
      // Sets and rules in the order that costs the kernel least (ruleset-order.ts).
      for (const step of setsAndRulesInBatchOrder(parts.sets, parts.rules)) {
        if (step.set !== undefined) this.addSet(step.set, options);
        else this.addRule(step.rule);
      }
    } catch (error) {
      // All of the ruleset or none of it: the transaction is left as it was.
      this.commands.length = queued;
      this.sets.clear();
      for (const [k, v] of sets) this.sets.set(k, v);
      this.anonymousSets.clear();
      for (const [k, v] of anonymousSets) this.anonymousSets.set(k, v);
      this.nextSetId = nextSetId;
      throw error;
    }
    return this;
  }

  /**
   * Queues `delete counter` / `delete limit` / ...; the commit fails with EBUSY while rules refer to it.
   * @throws InvalidArgumentError for an invalid ref.
   */
  deleteObject(ref: ObjectRef): this {
    this.commands.push(deleteObjectCommand(ref));
    return this;
  }

  /**
   * Queues `delete set` / `delete map`; the commit fails with EBUSY while rules refer to it.
   * @throws InvalidArgumentError for an invalid ref.
   */
  deleteSet(ref: SetRef): this {
    this.commands.push(deleteSetCommand(ref));
    return this;
  }

  /**
   * Queues `flush set`: removes every element, keeping the set.
   * @throws InvalidArgumentError for an invalid ref.
   */
  flushSet(ref: { family: NftFamily; table: string; name: string }): this {
    this.commands.push(flushSetCommand(ref));
    return this;
  }

  /** Adds elements, checked against the set's key (and data) types. */
  addElements(target: SetTarget, elements: readonly SetElementInput[], options?: AddOptions): this {
    requireArray(elements, 'elements');
    const exclusive = exclusiveOption(options);
    const shape = this.shape(target);
    this.commands.push(...elementsCommands({ family: target.family, table: target.table, set: target.name }, shape, elements, exclusive ? 'create' : 'add'));
    return this;
  }

  /** Deletes elements (all of them must exist, or the batch fails with ENOENT). */
  deleteElements(target: SetTarget, elements: readonly SetElementInput[]): this {
    requireArray(elements, 'elements');
    const shape = this.shape(target);
    this.commands.push(...elementsCommands({ family: target.family, table: target.table, set: target.name }, shape, elements, 'delete'));
    return this;
  }

  /** Sends the batch and waits for the kernel's verdict on it. */
  commit(options?: CommitOptions): TransactionResult {
    options = commitOptions(options);
    if (this.commands.length === 0) throw new InvalidArgumentError('the transaction is empty: nothing to commit');
    const result = this.committer.commit(this.commands, options);
    return { generation: result.generation, created: result.echoes.map(decodeEcho) };
  }

  /** Promise form of `commit`. */
  async commitAsync(options?: CommitOptions): Promise<TransactionResult> {
    options = commitOptions(options);
    if (this.commands.length === 0) throw new InvalidArgumentError('the transaction is empty: nothing to commit');
    const result = await this.committer.commitAsync(this.commands, options);
    return { generation: result.generation, created: result.echoes.map(decodeEcho) };
  }

  private queueRule(spec: RuleSpec, placement: Parameters<typeof addRuleCommand>[1]): this {
    requireObject(spec, 'rule spec', "{ family: 'inet', table: 'filter', chain: 'input', rule: rule().tcp.dport(22).accept() }");
    const anonymous: BatchCommand[] = [];
    const context: LinearizeContext = {
      family: spec.family,
      table: spec.table,
      anonymousSet: (request: AnonymousSetRequest) => {
        const id = this.nextSetId++;
        const setSpec: SetSpec = {
          family: spec.family,
          table: spec.table,
          name: ANONYMOUS_SET_NAME,
          type: request.type,
          flags: request.interval ? ['interval'] : [],
          size: request.elements.length,
        };
        const shape = shapeOf(setSpec);
        anonymous.push(addSetCommand(setSpec, id, false, true));
        anonymous.push(...elementsCommands({ family: spec.family, table: spec.table, set: ANONYMOUS_SET_NAME, setId: id, anonymous: true }, shape, request.elements, 'populate'));
        return { name: ANONYMOUS_SET_NAME, id };
      },
    };
    const command = addRuleCommand(this.withAnonymousSets(spec), placement, context);
    this.commands.push(...anonymous, command);
    return this;
  }

  /** A rule whose expressions name anonymous sets added by `addSet` refers to them by their batch name and id instead. */
  private withAnonymousSets(spec: RuleSpec): RuleSpec {
    if (this.anonymousSets.size === 0 || !Array.isArray(spec.expressions)) return spec;
    let changed = false;
    const expressions = spec.expressions.map((e) => {
      if ((e.kind !== 'lookup' && e.kind !== 'dynset' && e.kind !== 'objref') || typeof e.set !== 'string') return e;
      const added = this.anonymousSets.get(setKey(spec.family, spec.table, e.set));
      if (!added) return e;
      changed = true;
      return { ...e, set: added.name, setId: added.id };
    });
    return changed ? { ...spec, expressions } : spec;
  }

  private shape(target: SetTarget): SetShape {
    requireObject(target, 'set target', "{ family: 'inet', table: 'filter', name: 'allowed' }");
    requireKnownKeys(target, TARGET_KEYS, 'set target');
    familyNumber(target.family, 'set target family');
    requireName(target.table, 'table');
    requireName(target.name, 'set');
    requireFlagList(target.flags, 'set target flags');
    if (target.type !== undefined) {
      return shapeOf({
        name: target.name, type: target.type, ...(target.map !== undefined ? { map: target.map } : {}), ...(target.flags ? { flags: target.flags } : {}),
        ...(target.objectType !== undefined ? { objectType: target.objectType } : {}),
      });
    }
    return this.sets.get(setKey(target.family, target.table, target.name)) ?? this.lookupShape(target.family, target.table, target.name);
  }
}

function setKey(family: string, table: string, name: string): string {
  return `${family}\0${table}\0${name}`;
}

/** The object a command created, from its echo (a replaced rule echoes its removal, then the new rule). */
function decodeEcho(messages: Message[]): EchoedObject | undefined {
  for (const m of messages) {
    switch (nftMessageOf(m.type)) {
      case NFT_MSG_NEWTABLE: return decodeTable(m);
      case NFT_MSG_NEWCHAIN: return decodeChain(m);
      case NFT_MSG_NEWRULE: return decodeRule(m);
      case NFT_MSG_NEWSET: return decodeSet(m);
      case NFT_MSG_NEWOBJ: return decodeObject(m);
      case NFT_MSG_NEWFLOWTABLE: return decodeFlowtable(m);
    }
  }
  return undefined;
}
