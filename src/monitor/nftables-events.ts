// nf_tables notifications (NFNLGRP_NFTABLES) as typed events. The kernel
// sends them when a batch commits, one message per changed object in the
// order of the batch, then one NFT_MSG_NEWGEN for the batch as a whole; a
// batch that changes nothing (adding what exists) sends nothing, not even
// NEWGEN. Each object message has the layout of a dump reply, so it is
// decoded with the same decoders `listTables`, `listRules`, ... use. A
// `destroy` is announced as a DEL, so DESTROY types never reach a listener.
import { NFNLGRP_NFTABLES } from '../generated/nfnetlink.js';
import {
  NFT_MSG_DELCHAIN, NFT_MSG_DELOBJ, NFT_MSG_DELRULE, NFT_MSG_DELSET, NFT_MSG_DELSETELEM, NFT_MSG_DELTABLE,
  NFT_MSG_NEWCHAIN, NFT_MSG_NEWGEN, NFT_MSG_NEWOBJ, NFT_MSG_NEWRULE, NFT_MSG_NEWSET, NFT_MSG_NEWSETELEM,
  NFT_MSG_NEWTABLE, NFT_SET_ELEM_INTERVAL_END, NFTA_SET_ELEM_LIST_SET, NFTA_SET_ELEM_LIST_TABLE,
} from '../generated/nf_tables.js';
import type { RawAttribute } from '../netlink/attributes.js';
import type { Message } from '../netlink/message.js';
import { decodeChain, type Chain } from '../nftables/objects/chain.js';
import { decodeRawElements, type RawElement } from '../nftables/objects/elements.js';
import { familyName, type NftFamily } from '../nftables/objects/family.js';
import { decodeRule, type Rule } from '../nftables/objects/rule.js';
import { decodeSet, type NftSet } from '../nftables/objects/set.js';
import { decodeObject, type StatefulObject } from '../nftables/objects/stateful.js';
import { decodeTable, type Table } from '../nftables/objects/table.js';
import { decodeGeneration, type Generation } from '../nftables/protocol/batch.js';
import type { Verdict } from '../nftables/protocol/data.js';
import { nftAttributes, nftMessageOf, readNfgenmsg } from '../nftables/protocol/nfgenmsg.js';
import { decodeUserdata, UDATA_COMMENT, userdataString } from '../nftables/protocol/userdata.js';
import type { EventOrigin } from './events.js';

/** The nfnetlink multicast group of nf_tables notifications (NFNLGRP_NFTABLES, 7), to join with NETLINK_ADD_MEMBERSHIP. */
export const NFTABLES_EVENT_GROUP: number = NFNLGRP_NFTABLES;

/**
 * A table was added, changed (flags, comment) or deleted (NFT_MSG_NEWTABLE /
 * NFT_MSG_DELTABLE). Deleting a table announces the removal of each rule,
 * set, object and chain in it first, but not of the sets' elements.
 */
export interface NftTableEvent extends EventOrigin {
  /** Always `nft-table`: the event is about a table. */
  kind: 'nft-table';
  /**
   * The table as decoded from the notification, as `listTables` would return
   * it. A removal names it only (family, name, handle): the kernel leaves out
   * the rest, which decodes as the decoder's defaults.
   */
  table: Table;
}

/** A chain was added, changed (policy, comment) or deleted (NFT_MSG_NEWCHAIN / NFT_MSG_DELCHAIN); a change is announced as `new` again. */
export interface NftChainEvent extends EventOrigin {
  /** Always `nft-chain`: the event is about a chain. */
  kind: 'nft-chain';
  /**
   * The chain as decoded from the notification, as `listChains` would return
   * it. A removal names it only (family, table, name, handle): a base chain's
   * hook, type and policy are absent.
   */
  chain: Chain;
}

/**
 * A rule was added, replaced or deleted (NFT_MSG_NEWRULE / NFT_MSG_DELRULE).
 * An appended rule has NLM_F_APPEND in `flags`, an inserted one has not. A
 * replacement arrives as the removal of the old rule followed by the new one
 * with the same handle; the kernel reports NLM_F_REPLACE as NLM_F_APPEND, so
 * the shared handle is the only sign of it.
 */
export interface NftRuleEvent extends EventOrigin {
  /** Always `nft-rule`: the event is about a rule. */
  kind: 'nft-rule';
  /**
   * The rule, its expressions decoded, as `listRules` would return it, in
   * full for a removal too. A new rule between others has `position`: the
   * handle of the rule before it.
   */
  rule: Rule;
}

/**
 * A set or map was added or deleted (NFT_MSG_NEWSET / NFT_MSG_DELSET),
 * anonymous sets of rules (`__set%d`) included: those come before the rule
 * that uses them and go with it; check `set.flags` for `anonymous`. The
 * elements follow as `nft-element` events, but a deleted set's are not
 * announced.
 */
export interface NftSetEvent extends EventOrigin {
  /** Always `nft-set`: the event is about a set or map. */
  kind: 'nft-set';
  /**
   * The set as decoded from the notification, as `listSets` would return it.
   * A removal names it only (family, table, name, handle): its types and
   * flags decode as `0` and `[]`.
   */
  set: NftSet;
}

/**
 * A set element as a notification carries it. The notification does not say
 * the set's types, so key and value data stay bytes in the kernel's layout;
 * what needs no types (verdicts, timeouts, comment) is decoded. The fields
 * are those of a listed raw element, so a caller that knows the set can
 * format the bytes the way `listElements` does.
 */
export interface NotifiedSetElement {
  /** The key (NFTA_SET_ELEM_KEY) in the kernel's layout, each concatenated field padded to 4 bytes; an interval's start, or its end when `intervalEnd`. */
  key: Buffer;
  /** Inclusive end of a concatenated range (NFTA_SET_ELEM_KEY_END); absent otherwise. */
  keyEnd?: Buffer;
  /** Whether this element closes an interval (NFT_SET_ELEM_INTERVAL_END): `key` is the first value past the range, as nft encodes intervals. */
  intervalEnd: boolean;
  /** Raw NFTA_SET_ELEM_FLAGS, NFT_SET_ELEM_INTERVAL_END among them; 0 when absent. */
  flags: number;
  /** Map data (NFTA_SET_ELEM_DATA): a verdict in a verdict map, the raw value bytes in a data map; absent in a plain set. */
  data?: Buffer | Verdict;
  /** The element's timeout in milliseconds (NFTA_SET_ELEM_TIMEOUT), when it has one. */
  timeout?: number;
  /** Milliseconds left before it expires (NFTA_SET_ELEM_EXPIRATION), when the kernel reports it. */
  expires?: number;
  /** The `comment` from the element's userdata, when it has one. */
  comment?: string;
  /** Raw NFTA_SET_ELEM_USERDATA (nft's TLVs, of which `comment` is decoded); absent when the element has none. */
  userdata?: Buffer;
  /** Attributes this version does not decode (an object map's NFTA_SET_ELEM_OBJREF, element expressions), kept verbatim; absent when there are none. */
  unknown?: RawAttribute[];
}

/**
 * Elements were added to or deleted from a set (NFT_MSG_NEWSETELEM /
 * NFT_MSG_DELSETELEM). The kernel announces elements one per notification;
 * `elements` is a list because the message format allows several. An
 * interval is its start and its end as separate elements (see
 * `intervalEnd`), so no single event holds a whole range. A deleted element
 * is announced in full.
 */
export interface NftElementEvent extends EventOrigin {
  /** Always `nft-element`: the event is about set elements. */
  kind: 'nft-element';
  /** Family of the set's table. */
  family: NftFamily;
  /** Name of the set's table (NFTA_SET_ELEM_LIST_TABLE). */
  table: string;
  /** Name of the set (NFTA_SET_ELEM_LIST_SET); `__set%d` for an anonymous set. */
  set: string;
  /** The elements the notification carries, keys and data as bytes. */
  elements: NotifiedSetElement[];
}

/** A named stateful object (counter, quota...) was added or deleted (NFT_MSG_NEWOBJ / NFT_MSG_DELOBJ). */
export interface NftObjectEvent extends EventOrigin {
  /** Always `nft-object`: the event is about a named stateful object. */
  kind: 'nft-object';
  /**
   * The object as decoded from the notification, as `listObjects` would
   * return it. A removal names it only (family, table, name, type, handle):
   * a counter's counts and a quota's bytes are absent.
   */
  object: StatefulObject;
}

/**
 * A batch was committed (NFT_MSG_NEWGEN): it follows the batch's object
 * notifications, so it marks the end of one atomic change.
 */
export interface NftGenerationEvent extends EventOrigin {
  /** Always `nft-generation`: the event is about a committed batch. */
  kind: 'nft-generation';
  /** Always `new`: a generation is never removed. */
  action: 'new';
  /** The new ruleset generation and, when the kernel reports them, the pid and name of the process that committed. */
  generation: Generation;
}

/** An event about nf_tables: an object that changed, or the commit that changed it. */
export type NftablesEvent =
  | NftTableEvent | NftChainEvent | NftRuleEvent | NftSetEvent | NftElementEvent | NftObjectEvent | NftGenerationEvent;

/** The nf_tables event kinds a monitor reports. */
export type NftablesEventKind = NftablesEvent['kind'];

function origin(message: Message, action: 'new' | 'del'): EventOrigin {
  return { action, flags: message.flags, portId: message.pid };
}

function notifiedElement(raw: RawElement): NotifiedSetElement {
  const element: NotifiedSetElement = { key: raw.key, intervalEnd: (raw.flags & NFT_SET_ELEM_INTERVAL_END) !== 0, flags: raw.flags };
  if (raw.keyEnd) element.keyEnd = raw.keyEnd;
  if (raw.data !== undefined) element.data = raw.data;
  if (raw.timeout !== undefined) element.timeout = raw.timeout;
  if (raw.expires !== undefined) element.expires = raw.expires;
  if (raw.userdata) {
    element.userdata = raw.userdata;
    const comment = userdataString(decodeUserdata(raw.userdata), UDATA_COMMENT);
    if (comment !== undefined) element.comment = comment;
  }
  if (raw.unknown) element.unknown = raw.unknown;
  return element;
}

function decodeElementEvent(message: Message, action: 'new' | 'del'): NftElementEvent {
  const event: NftElementEvent = { kind: 'nft-element', ...origin(message, action), family: familyName(readNfgenmsg(message).family), table: '', set: '', elements: [] };
  // The element list is decoded by decodeRawElements; this pass picks up the names around it.
  const c = nftAttributes(message);
  while (c.next()) {
    if (c.type === NFTA_SET_ELEM_LIST_TABLE) event.table = c.string();
    else if (c.type === NFTA_SET_ELEM_LIST_SET) event.set = c.string();
  }
  event.elements = decodeRawElements(message).map(notifiedElement);
  return event;
}

/**
 * The event an nf_tables notification announces; undefined for messages that
 * are not nf_tables object notifications (another nfnetlink subsystem,
 * netlink control messages) and for kinds this version does not report
 * (flowtables, NFT_MSG_TRACE, message types newer than its headers).
 * `nsid` is left for the caller, which knows where the datagram came from.
 * @throws MalformedMessageError when the message does not decode; notifications are never half-decoded.
 */
export function decodeNftablesEvent(message: Message): NftablesEvent | undefined {
  switch (nftMessageOf(message.type)) {
    case NFT_MSG_NEWTABLE: return { kind: 'nft-table', ...origin(message, 'new'), table: decodeTable(message) };
    case NFT_MSG_DELTABLE: return { kind: 'nft-table', ...origin(message, 'del'), table: decodeTable(message) };
    case NFT_MSG_NEWCHAIN: return { kind: 'nft-chain', ...origin(message, 'new'), chain: decodeChain(message) };
    case NFT_MSG_DELCHAIN: return { kind: 'nft-chain', ...origin(message, 'del'), chain: decodeChain(message) };
    case NFT_MSG_NEWRULE: return { kind: 'nft-rule', ...origin(message, 'new'), rule: decodeRule(message) };
    case NFT_MSG_DELRULE: return { kind: 'nft-rule', ...origin(message, 'del'), rule: decodeRule(message) };
    case NFT_MSG_NEWSET: return { kind: 'nft-set', ...origin(message, 'new'), set: decodeSet(message) };
    case NFT_MSG_DELSET: return { kind: 'nft-set', ...origin(message, 'del'), set: decodeSet(message) };
    case NFT_MSG_NEWSETELEM: return decodeElementEvent(message, 'new');
    case NFT_MSG_DELSETELEM: return decodeElementEvent(message, 'del');
    case NFT_MSG_NEWOBJ: return { kind: 'nft-object', ...origin(message, 'new'), object: decodeObject(message) };
    case NFT_MSG_DELOBJ: return { kind: 'nft-object', ...origin(message, 'del'), object: decodeObject(message) };
    case NFT_MSG_NEWGEN: return { kind: 'nft-generation', action: 'new', flags: message.flags, portId: message.pid, generation: decodeGeneration(message) };
    default: return undefined;
  }
}
