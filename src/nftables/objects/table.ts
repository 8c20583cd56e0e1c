import {
  NFT_MSG_DELRULE, NFT_MSG_DELTABLE, NFT_MSG_NEWTABLE, NFT_TABLE_F_DORMANT, NFT_TABLE_F_OWNER, NFTA_TABLE_FLAGS,
  NFTA_TABLE_HANDLE, NFTA_TABLE_NAME, NFTA_TABLE_OWNER, NFTA_TABLE_PAD, NFTA_TABLE_USE, NFTA_TABLE_USERDATA,
  NFTA_RULE_TABLE,
} from '../../generated/nf_tables.js';
import { InvalidArgumentError } from '../../netlink/addresses.js';
import type { RawAttribute } from '../../netlink/attributes.js';
import { requireObject } from '../../netlink/checks.js';
import type { Message } from '../../netlink/message.js';
import { NLM_F_CREATE, NLM_F_EXCL } from '../../netlink/message.js';
import { FlagNames } from '../expressions/codec.js';
import type { BatchCommand } from '../protocol/batch.js';
import { nftAttributes, readNfgenmsg } from '../protocol/nfgenmsg.js';
import { commentEntry, decodeUserdata, encodeUserdata, UDATA_COMMENT, userdataString } from '../protocol/userdata.js';
import { familyName, familyNumber, type NftFamily } from './family.js';
import { requireHandle, requireName } from './names.js';
import { requireFlagList, requireSpec } from './shape.js';

/** Table flags (NFTA_TABLE_FLAGS): `dormant` is NFT_TABLE_F_DORMANT (`nft add table ... { flags dormant; }`), `owner` is NFT_TABLE_F_OWNER. */
export type TableFlag = 'dormant' | 'owner';
const tableFlags = new FlagNames<TableFlag>('table', { dormant: NFT_TABLE_F_DORMANT, owner: NFT_TABLE_F_OWNER });

/** What `addTable` takes. */
export interface TableSpec {
  /** Address family the table filters: `ip`, `ip6`, `inet`, `arp`, `bridge` or `netdev`. */
  family: NftFamily;
  /** Table name (NFTA_TABLE_NAME), unique within its family; at most 255 bytes. */
  name: string;
  /** `dormant` disables every base chain; `owner` ties the table to this socket (removed when it closes). */
  flags?: (TableFlag | `0x${string}`)[];
  /** Free text kept in NFTA_TABLE_USERDATA, shown by `nft list` as `comment "..."`. */
  comment?: string;
}

/** A table as the kernel lists it. */
export interface Table extends TableSpec {
  /** Kernel-assigned handle (NFTA_TABLE_HANDLE), stable for the table's life; usable instead of the name in a TableRef. */
  handle: number;
  /** Number of chains, sets and objects in the table. */
  use: number;
  /** Netlink port id of the owning socket, for `owner` tables. */
  owner?: number;
  /** Raw NFTA_TABLE_USERDATA (nft's TLVs, of which `comment` is decoded); absent when the table has none. */
  userdata?: Buffer;
  /** Attributes this version does not decode, kept verbatim; absent when there are none. */
  unknown?: RawAttribute[];
}

/** Names a table or its handle, for delete and flush. */
export type TableRef =
  | {
      /** Family of the table. */
      family: NftFamily;
      /** Table name, as in `nft delete table inet filter`. */
      name: string;
    }
  | {
      /** Family of the table. */
      family: NftFamily;
      /** Table handle (NFTA_TABLE_HANDLE) from a listing, as in `nft delete table inet handle 7`. */
      handle: number;
    };

function label(family: NftFamily, name: string): string {
  return `${family} ${name}`;
}

/** A TableSpec's fields, and those of a listed Table (ignored), so a listed table can be added again. */
const TABLE_SPEC_KEYS: ReadonlySet<string> = new Set(['family', 'name', 'flags', 'comment', 'handle', 'use', 'owner', 'userdata', 'unknown']);

export function validateTable(spec: TableSpec): void {
  requireSpec(spec, 'table spec', "{ family: 'inet', name: 'filter' }", TABLE_SPEC_KEYS);
  familyNumber(spec.family, 'table spec family');
  requireName(spec.name, 'table');
  requireFlagList(spec.flags, 'table spec flags');
  tableFlags.encode(spec.flags);
  if (spec.comment !== undefined) commentEntry(UDATA_COMMENT, spec.comment, 'table');
}

/** `add table` (idempotent), or `create table` with `exclusive` (fails with EEXIST if it exists). */
export function addTableCommand(spec: TableSpec, exclusive = false): BatchCommand {
  validateTable(spec);
  return {
    message: NFT_MSG_NEWTABLE,
    family: familyNumber(spec.family),
    flags: NLM_F_CREATE | (exclusive ? NLM_F_EXCL : 0),
    operation: exclusive ? 'create table' : 'add table',
    object: label(spec.family, spec.name),
    encode(w) {
      w.string(NFTA_TABLE_NAME, spec.name);
      if (spec.flags !== undefined) w.be32(NFTA_TABLE_FLAGS, tableFlags.encode(spec.flags));
      if (spec.comment !== undefined) w.binary(NFTA_TABLE_USERDATA, encodeUserdata([commentEntry(UDATA_COMMENT, spec.comment, 'table')]));
    },
  };
}

function refLabel(ref: TableRef): string {
  return 'name' in ref ? label(ref.family, ref.name) : `${ref.family} handle ${ref.handle}`;
}

function writeRef(w: Parameters<BatchCommand['encode']>[0], ref: TableRef, nameType: number, handleType: number): void {
  if ('name' in ref) w.string(nameType, requireName(ref.name, 'table'));
  else w.be64(handleType, requireHandle(ref.handle, 'table'));
}

/** Checks a TableRef: an object with a family and a name or a handle. */
function requireTableRef(ref: unknown): number {
  requireObject(ref, 'table ref', "{ family: 'inet', name: 'filter' }");
  const r = ref as TableRef;
  const family = familyNumber(r.family, 'table ref family');
  if ('name' in r) requireName(r.name, 'table');
  else if ('handle' in r) requireHandle(r.handle, 'table');
  else throw new InvalidArgumentError(`table ref needs a name or a handle, like { family: 'inet', name: 'filter' }`);
  return family;
}

/** `delete table`: the table with everything in it. */
export function deleteTableCommand(ref: TableRef): BatchCommand {
  const family = requireTableRef(ref);
  return {
    message: NFT_MSG_DELTABLE,
    family,
    flags: 0,
    operation: 'delete table',
    object: refLabel(ref),
    encode: (w) => writeRef(w, ref, NFTA_TABLE_NAME, NFTA_TABLE_HANDLE),
  };
}

/** `flush table`: deletes every rule of every chain in the table, keeping chains and sets. */
export function flushTableCommand(ref: { family: NftFamily; name: string }): BatchCommand {
  requireObject(ref, 'table ref', "{ family: 'inet', name: 'filter' }");
  const family = familyNumber(ref.family, 'table ref family');
  requireName(ref.name, 'table');
  return {
    message: NFT_MSG_DELRULE,
    family,
    flags: 0,
    operation: 'flush table',
    object: label(ref.family, ref.name),
    encode: (w) => w.string(NFTA_RULE_TABLE, ref.name),
  };
}

export function decodeTable(m: Message): Table {
  const table: Table = { family: familyName(readNfgenmsg(m).family), name: '', handle: 0, use: 0 };
  const c = nftAttributes(m);
  while (c.next()) {
    switch (c.type) {
      case NFTA_TABLE_NAME: table.name = c.string(); break;
      case NFTA_TABLE_FLAGS: table.flags = tableFlags.decode(c.be32()); break;
      case NFTA_TABLE_USE: table.use = c.be32(); break;
      case NFTA_TABLE_HANDLE: table.handle = Number(c.be64()); break;
      case NFTA_TABLE_OWNER: table.owner = c.be32(); break;
      case NFTA_TABLE_USERDATA: {
        table.userdata = c.bytes();
        const comment = userdataString(decodeUserdata(table.userdata), UDATA_COMMENT);
        if (comment !== undefined) table.comment = comment;
        break;
      }
      case NFTA_TABLE_PAD: break;
      default: (table.unknown ??= []).push(c.raw());
    }
  }
  return table;
}
