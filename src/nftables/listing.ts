import {
  NFT_MSG_GETCHAIN, NFT_MSG_GETFLOWTABLE, NFT_MSG_GETOBJ, NFT_MSG_GETRULE, NFT_MSG_GETSET, NFT_MSG_GETSETELEM, NFT_MSG_GETTABLE, NFTA_RULE_CHAIN,
  NFTA_RULE_TABLE, NFTA_SET_ELEM_LIST_SET, NFTA_SET_ELEM_LIST_TABLE, NFTA_SET_NAME, NFTA_SET_TABLE,
} from '../generated/nf_tables.js';
import { NFPROTO_UNSPEC } from '../generated/netfilter.js';
import type { Operation } from '../netlink/errors.js';
import type { Message } from '../netlink/message.js';
import type { Request } from '../netlink/socket.js';
import type { MessageWriter } from '../netlink/writer.js';
import { decodeChain, type Chain } from './objects/chain.js';
import { decodeRawElements, type RawElement } from './objects/elements.js';
import { familyNumber, type NftFamily } from './objects/family.js';
import { decodeFlowtable, type Flowtable } from './objects/flowtable.js';
import { requireName } from './objects/names.js';
import { decodeRule, type Rule } from './objects/rule.js';
import { decodeSet, type NftSet } from './objects/set.js';
import { decodeObject, type StatefulObject } from './objects/stateful.js';
import { decodeTable, type Table } from './objects/table.js';
import { NFGENMSG_LENGTH, nftMessageType, writeNfgenmsg } from './protocol/nfgenmsg.js';

/** Narrows a listing; every field is optional. */
export interface ListFilter {
  /** Only objects of this family (the dump is requested for it, NFPROTO_*); absent lists every family. */
  family?: NftFamily;
  /** Only objects in tables of this name. */
  table?: string;
  /** Only rules and chains of this chain name (listings that have chains). */
  chain?: string;
}

/** A dump request, its operation for errors, its decoder and the filter nlkit applies to what comes back. */
export interface Listing<T> {
  request: Request;
  op: Operation;
  decode: (m: Message) => T;
  keep: (item: T) => boolean;
}

function dumpRequest(message: number, family: number, attributes?: (w: MessageWriter) => void): Request {
  return {
    type: nftMessageType(message),
    encode(w) {
      writeNfgenmsg(w, family);
      attributes?.(w);
    },
  };
}

function familyOf(filter: ListFilter): number {
  return filter.family === undefined ? NFPROTO_UNSPEC : familyNumber(filter.family);
}

function describeFilter(filter: ListFilter): string {
  return [filter.family, filter.table, filter.chain].filter((x) => x !== undefined).join(' ') || 'all';
}

function matches(filter: ListFilter, item: { family: NftFamily; table?: string; name?: string }): boolean {
  if (filter.family !== undefined && item.family !== filter.family) return false;
  if (filter.table !== undefined && item.table !== undefined && item.table !== filter.table) return false;
  return true;
}

function op(what: string, filter: ListFilter): Operation {
  return { operation: `list ${what}`, object: describeFilter(filter), headerLength: NFGENMSG_LENGTH };
}

export function tablesListing(filter: ListFilter = {}): Listing<Table> {
  return {
    request: dumpRequest(NFT_MSG_GETTABLE, familyOf(filter)),
    op: op('tables', filter),
    decode: decodeTable,
    keep: (t) => matches(filter, t) && (filter.table === undefined || t.name === filter.table),
  };
}

export function chainsListing(filter: ListFilter = {}): Listing<Chain> {
  return {
    request: dumpRequest(NFT_MSG_GETCHAIN, familyOf(filter)),
    op: op('chains', filter),
    decode: decodeChain,
    keep: (c) => matches(filter, c) && (filter.chain === undefined || c.name === filter.chain),
  };
}

export function rulesListing(filter: ListFilter = {}): Listing<Rule> {
  if (filter.table !== undefined) requireName(filter.table, 'table');
  if (filter.chain !== undefined) requireName(filter.chain, 'chain');
  return {
    // The kernel filters rule dumps by table and chain itself.
    request: dumpRequest(NFT_MSG_GETRULE, familyOf(filter), (w) => {
      if (filter.table !== undefined) w.string(NFTA_RULE_TABLE, filter.table);
      if (filter.chain !== undefined) w.string(NFTA_RULE_CHAIN, filter.chain);
    }),
    op: op('rules', filter),
    decode: decodeRule,
    keep: (r) => matches(filter, r) && (filter.chain === undefined || r.chain === filter.chain),
  };
}

/**
 * Sets and maps. Anonymous ones (`__set%d` of `tcp dport { 80, 443 }`, and
 * meters) belong to their rules and are left out, as `nft list sets` does,
 * unless `anonymous` asks for them (a whole ruleset needs them to be re-created).
 */
export function setsListing(filter: ListFilter = {}, anonymous = false): Listing<NftSet> {
  return {
    // The kernel filters set dumps by table only within one family, so nlkit filters by table itself.
    request: dumpRequest(NFT_MSG_GETSET, familyOf(filter)),
    op: op('sets', filter),
    decode: decodeSet,
    keep: (s) => matches(filter, s) && (anonymous || !s.flags.includes('anonymous')),
  };
}

/** A GET of one set by name (not a dump). */
export function setRequest(family: NftFamily, table: string, name: string): { request: Request; op: Operation } {
  // Checked here, not while encoding: bad names must fail before the request reaches the socket.
  const familyValue = familyNumber(family, 'family');
  requireName(table, 'table');
  requireName(name, 'set');
  return {
    request: dumpRequest(NFT_MSG_GETSET, familyValue, (w) => {
      w.string(NFTA_SET_TABLE, table);
      w.string(NFTA_SET_NAME, name);
    }),
    op: { operation: 'get set', object: `${family} ${table} ${name}`, headerLength: NFGENMSG_LENGTH },
  };
}

export function elementsListing(family: NftFamily, table: string, set: string): Listing<RawElement[]> {
  const familyValue = familyNumber(family, 'family');
  requireName(table, 'table');
  requireName(set, 'set');
  return {
    request: dumpRequest(NFT_MSG_GETSETELEM, familyValue, (w) => {
      w.string(NFTA_SET_ELEM_LIST_TABLE, table);
      w.string(NFTA_SET_ELEM_LIST_SET, set);
    }),
    op: { operation: 'list elements of', object: `${family} ${table} ${set}`, headerLength: NFGENMSG_LENGTH },
    decode: decodeRawElements,
    keep: () => true,
  };
}

export function objectsListing(filter: ListFilter = {}): Listing<StatefulObject> {
  return {
    request: dumpRequest(NFT_MSG_GETOBJ, familyOf(filter)),
    op: op('objects', filter),
    decode: decodeObject,
    keep: (o) => matches(filter, o),
  };
}

export function flowtablesListing(filter: ListFilter = {}): Listing<Flowtable> {
  return {
    request: dumpRequest(NFT_MSG_GETFLOWTABLE, familyOf(filter)),
    op: op('flowtables', filter),
    decode: decodeFlowtable,
    keep: (f) => matches(filter, f),
  };
}
