import {
  NFT_MSG_DELRULE, NFT_MSG_NEWRULE, NFTA_RULE_CHAIN, NFTA_RULE_EXPRESSIONS, NFTA_RULE_HANDLE, NFTA_RULE_ID,
  NFTA_RULE_PAD, NFTA_RULE_POSITION, NFTA_RULE_TABLE, NFTA_RULE_USERDATA,
} from '../../generated/nf_tables.js';
import { InvalidArgumentError } from '../../netlink/addresses.js';
import type { RawAttribute } from '../../netlink/attributes.js';
import { describeValue, requireArray, requireObject, requireString } from '../../netlink/checks.js';
import type { Message } from '../../netlink/message.js';
import { NLM_F_APPEND, NLM_F_CREATE, NLM_F_REPLACE } from '../../netlink/message.js';
import { MessageWriter } from '../../netlink/writer.js';
import { decodeExpressionList, encodeExpressionList, type Expression } from '../expressions/index.js';
import type { BatchCommand } from '../protocol/batch.js';
import { nftAttributes, readNfgenmsg } from '../protocol/nfgenmsg.js';
import { commentEntry, decodeUserdata, encodeUserdata, UDATA_COMMENT, userdataString } from '../protocol/userdata.js';
import { familyName, familyNumber, type NftFamily } from './family.js';
import { requireHandle, requireName } from './names.js';
import { requireSpec } from './shape.js';
import type { AnonymousSetRequest } from './set.js';

/** What a rule source may ask of the batch it is added to: anonymous sets (`tcp dport { 80, 443 }`). */
export interface LinearizeContext {
  /** Family of the table the rule goes into; anonymous sets are created there. */
  readonly family: NftFamily;
  /** Table the rule goes into; anonymous sets are created there. */
  readonly table: string;
  /** Adds an anonymous constant set to the batch; the lookup refers to it by name and id. */
  anonymousSet(request: AnonymousSetRequest): {
    /** The set's batch-local name (`__set%d`), for NFTA_LOOKUP_SET. */
    name: string;
    /** Its NFTA_SET_ID, for NFTA_LOOKUP_SET_ID. */
    id: number;
  };
}

/** Something that turns into a rule's expressions, such as the rule builder. */
export interface RuleSource {
  /** Produces the rule's expressions in kernel order, adding any anonymous sets it needs through `context`; throws InvalidArgumentError for a rule that cannot be expressed. */
  linearize(context: LinearizeContext): Expression[];
  /** A comment the source carries (`rule()...comment('x')`), used when the spec has none. */
  readonly ruleComment?: string | undefined;
}

/** What `addRule` takes: the rule as a source (builder) or as ready expressions. */
export interface RuleSpec {
  /** Family of the table the rule goes into. */
  family: NftFamily;
  /** Table the rule goes into (NFTA_RULE_TABLE). */
  table: string;
  /** Chain the rule goes into (NFTA_RULE_CHAIN). */
  chain: string;
  /** The rule as a builder, e.g. `rule().tcp.dport(22).accept()`; give this or `expressions`, not both. */
  rule?: RuleSource;
  /** The rule as ready expressions (NFTA_RULE_EXPRESSIONS), in kernel order; give this or `rule`, not both. */
  expressions?: readonly Expression[];
  /** Stored as userdata exactly as nft stores it, so `nft list` shows `comment "..."`. */
  comment?: string;
  /** Raw userdata; replaces `comment` when given. */
  userdata?: Buffer;
}

/** A rule as the kernel lists it, with its expressions decoded. */
export interface Rule {
  /** Family of the rule's table. */
  family: NftFamily;
  /** Table of the rule. */
  table: string;
  /** Chain of the rule. */
  chain: string;
  /** Kernel-assigned handle (NFTA_RULE_HANDLE), unique within the table; what `nft -a list` shows as `# handle 4` and what delete, replace and positions take. */
  handle: number;
  /** Handle of the rule before it (present in NLM_F_ECHO replies and listings of inserted rules). */
  position?: number;
  /** The rule's expressions in kernel order (NFTA_RULE_EXPRESSIONS), decoded; unknown kinds stay raw. */
  expressions: Expression[];
  /** The `comment` from the rule's userdata, when it has one. */
  comment?: string;
  /** Raw NFTA_RULE_USERDATA (nft's TLVs, of which `comment` is decoded); absent when the rule has none. */
  userdata?: Buffer;
  /** Attributes this version does not decode, kept verbatim; absent when there are none. */
  unknown?: RawAttribute[];
}

/** Names one rule by its handle, for delete (`nft delete rule inet filter input handle 4`). */
export interface RuleRef {
  /** Family of the rule's table. */
  family: NftFamily;
  /** Table of the rule. */
  table: string;
  /** Chain of the rule. */
  chain: string;
  /** The rule's handle (NFTA_RULE_HANDLE), as listed. */
  handle: number;
}

export type RulePlacement =
  | { where: 'append'; after?: number }
  | { where: 'insert'; before?: number }
  | { where: 'replace'; handle: number };

function label(family: NftFamily, table: string, chain: string): string {
  return `${family} ${table} ${chain}`;
}

/** The expressions and userdata of a rule, encoded once up front so bad input fails before anything is sent. */
const expressionScratch = new MessageWriter(4096);

function encodeRuleBody(spec: RuleSpec, context: LinearizeContext): { expressions: Buffer; userdata?: Buffer } {
  if ((spec.rule === undefined) === (spec.expressions === undefined)) {
    throw new InvalidArgumentError('a rule needs either `rule` (a builder) or `expressions`, not both');
  }
  if (spec.rule !== undefined && (spec.rule === null || typeof spec.rule !== 'object' || typeof spec.rule.linearize !== 'function')) {
    throw new InvalidArgumentError(`rule spec rule must be a rule builder like rule().tcp.dport(22).accept(), got ${describeValue(spec.rule)}`);
  }
  if (spec.expressions !== undefined) requireArray(spec.expressions, 'rule spec expressions');
  if (spec.comment !== undefined) requireString(spec.comment, 'rule spec comment');
  if (spec.userdata !== undefined && !(spec.userdata instanceof Uint8Array)) {
    throw new InvalidArgumentError(`rule spec userdata must be a Buffer, got ${describeValue(spec.userdata)}`);
  }
  const expressions = spec.rule ? spec.rule.linearize(context) : spec.expressions!;
  if (!Array.isArray(expressions)) throw new InvalidArgumentError(`rule expressions must be an array, got ${describeValue(expressions)}`);
  // Encoded once, when the rule is queued (so bad expressions fail early); one
  // reused scratch writer keeps a 10k-rule transaction from allocating 10k buffers.
  const w = expressionScratch.reset();
  encodeExpressionList(w, NFTA_RULE_EXPRESSIONS, expressions);
  const body: { expressions: Buffer; userdata?: Buffer } = { expressions: Buffer.from(w.bytes()) };
  const comment = spec.comment ?? spec.rule?.ruleComment;
  if (spec.userdata !== undefined) body.userdata = Buffer.from(spec.userdata);
  else if (comment !== undefined) body.userdata = encodeUserdata([commentEntry(UDATA_COMMENT, comment, 'rule')]);
  return body;
}

/** A RuleSpec's fields, and those of a listed Rule (ignored), so a listed rule can be added again. */
const RULE_SPEC_KEYS: ReadonlySet<string> = new Set(['family', 'table', 'chain', 'rule', 'expressions', 'comment', 'userdata', 'handle', 'position', 'unknown']);

/** `add rule` (append, or after `after`), `insert rule` (first, or before `before`) and `replace rule`. */
export function addRuleCommand(spec: RuleSpec, placement: RulePlacement, context: LinearizeContext): BatchCommand {
  requireSpec(spec, 'rule spec', "{ family: 'inet', table: 'filter', chain: 'input', rule: rule().tcp.dport(22).accept() }", RULE_SPEC_KEYS);
  const family = familyNumber(spec.family, 'rule spec family');
  requireName(spec.table, 'table');
  requireName(spec.chain, 'chain');
  const body = encodeRuleBody(spec, context);
  let flags = NLM_F_CREATE;
  let position: number | undefined;
  let handle: number | undefined;
  let operation = 'add rule';
  if (placement.where === 'append') {
    flags |= NLM_F_APPEND;
    if (placement.after !== undefined) position = requireHandle(placement.after, 'rule position (after)');
  } else if (placement.where === 'insert') {
    operation = 'insert rule';
    if (placement.before !== undefined) position = requireHandle(placement.before, 'rule position (before)');
  } else {
    operation = 'replace rule';
    flags = NLM_F_REPLACE;
    handle = requireHandle(placement.handle, 'rule');
  }
  return {
    message: NFT_MSG_NEWRULE,
    family,
    flags,
    operation,
    object: label(spec.family, spec.table, spec.chain) + (handle !== undefined ? ` handle ${handle}` : ''),
    encode(w) {
      w.string(NFTA_RULE_TABLE, spec.table);
      w.string(NFTA_RULE_CHAIN, spec.chain);
      if (handle !== undefined) w.be64(NFTA_RULE_HANDLE, handle);
      if (position !== undefined) w.be64(NFTA_RULE_POSITION, position);
      w.raw(body.expressions);
      if (body.userdata) w.binary(NFTA_RULE_USERDATA, body.userdata);
    },
  };
}

/** `delete rule ... handle N`. */
export function deleteRuleCommand(ref: RuleRef): BatchCommand {
  requireObject(ref, 'rule ref', "{ family: 'inet', table: 'filter', chain: 'input', handle: 4 }");
  const family = familyNumber(ref.family, 'rule ref family');
  requireName(ref.table, 'table');
  requireName(ref.chain, 'chain');
  requireHandle(ref.handle, 'rule');
  return {
    message: NFT_MSG_DELRULE,
    family,
    flags: 0,
    operation: 'delete rule',
    object: `${label(ref.family, ref.table, ref.chain)} handle ${ref.handle}`,
    encode(w) {
      w.string(NFTA_RULE_TABLE, ref.table);
      w.string(NFTA_RULE_CHAIN, ref.chain);
      w.be64(NFTA_RULE_HANDLE, ref.handle);
    },
  };
}

export function decodeRule(m: Message): Rule {
  const rule: Rule = { family: familyName(readNfgenmsg(m).family), table: '', chain: '', handle: 0, expressions: [] };
  const c = nftAttributes(m);
  while (c.next()) {
    switch (c.type) {
      case NFTA_RULE_TABLE: rule.table = c.string(); break;
      case NFTA_RULE_CHAIN: rule.chain = c.string(); break;
      case NFTA_RULE_HANDLE: rule.handle = Number(c.be64()); break;
      case NFTA_RULE_POSITION: rule.position = Number(c.be64()); break;
      case NFTA_RULE_EXPRESSIONS: rule.expressions = decodeExpressionList(c); break;
      case NFTA_RULE_USERDATA: {
        rule.userdata = c.bytes();
        const comment = userdataString(decodeUserdata(rule.userdata), UDATA_COMMENT);
        if (comment !== undefined) rule.comment = comment;
        break;
      }
      case NFTA_RULE_ID: case NFTA_RULE_PAD: break;
      default: (rule.unknown ??= []).push(c.raw());
    }
  }
  return rule;
}
