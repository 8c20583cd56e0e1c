import {
  NFT_DATA_VERDICT, NFT_MSG_DELSET, NFT_MSG_DELSETELEM, NFT_MSG_NEWSET, NFT_SET_ANONYMOUS, NFT_SET_CONCAT,
  NFT_SET_CONSTANT, NFT_SET_EVAL, NFT_SET_EXPR, NFT_SET_INTERVAL, NFT_SET_MAP, NFT_SET_OBJECT, NFT_SET_POL_MEMORY,
  NFT_SET_POL_PERFORMANCE, NFT_SET_TIMEOUT, NFTA_LIST_ELEM, NFTA_SET_DATA_LEN, NFTA_SET_DATA_TYPE, NFTA_SET_DESC,
  NFTA_SET_DESC_CONCAT, NFTA_SET_DESC_SIZE, NFTA_SET_ELEM_LIST_SET, NFTA_SET_ELEM_LIST_TABLE, NFTA_SET_FIELD_LEN,
  NFTA_SET_FLAGS, NFTA_SET_GC_INTERVAL, NFTA_SET_HANDLE, NFTA_SET_ID, NFTA_SET_KEY_LEN, NFTA_SET_KEY_TYPE,
  NFTA_SET_NAME, NFTA_SET_OBJ_TYPE, NFTA_SET_PAD, NFTA_SET_POLICY, NFTA_SET_TABLE, NFTA_SET_TIMEOUT,
  NFTA_SET_USERDATA, NFTA_SET_EXPR, NFTA_SET_EXPRESSIONS, NFT_USERDATA_MAXLEN,
} from '../../generated/nf_tables.js';
import { InvalidArgumentError } from '../../netlink/addresses.js';
import type { RawAttribute } from '../../netlink/attributes.js';
import { requireArray, requireObject, requireOneOf } from '../../netlink/checks.js';
import type { Message } from '../../netlink/message.js';
import { NLM_F_CREATE, NLM_F_EXCL } from '../../netlink/message.js';
import { EnumNames, FlagNames } from '../expressions/codec.js';
import { decodeExpression, decodeExpressionList, encodeExpressionBody, encodeExpressionList, type Expression } from '../expressions/index.js';
import { objectTypes, type ObjectType } from '../expressions/objref.js';
import type { BatchCommand } from '../protocol/batch.js';
import { nftAttributes, readNfgenmsg } from '../protocol/nfgenmsg.js';
import {
  commentEntry, decodeUserdata, encodeUserdata, u32Entry, UDATA_SET_COMMENT, UDATA_SET_DATA_INTERVAL,
  UDATA_SET_DATA_TYPEOF, UDATA_SET_DATABYTEORDER, UDATA_SET_KEY_TYPEOF, UDATA_SET_KEYBYTEORDER, userdataString, userdataU32,
  type UserdataEntry,
} from '../protocol/userdata.js';
import { KeyType } from './datatypes.js';
import type { SetElementInput } from './elements.js';
import { familyName, familyNumber, type NftFamily } from './family.js';
import { requireHandle, requireName } from './names.js';
import { requireFlagList, requireSpec } from './shape.js';
import { typeofConcatHints } from './typeof.js';

/** Set flags (NFTA_SET_FLAGS), as nft names them: `constant`, `interval` (elements are ranges or prefixes), `timeout` (elements expire), `dynamic` (NFT_SET_EVAL: rules add elements), plus `anonymous`, `map`, `object`, `concat` and `expr` that nft and the kernel set themselves. */
export type SetFlag = 'anonymous' | 'constant' | 'interval' | 'map' | 'timeout' | 'dynamic' | 'object' | 'concat' | 'expr';
export const setFlags = new FlagNames<SetFlag>('set', {
  anonymous: NFT_SET_ANONYMOUS,
  constant: NFT_SET_CONSTANT,
  interval: NFT_SET_INTERVAL,
  map: NFT_SET_MAP,
  timeout: NFT_SET_TIMEOUT,
  dynamic: NFT_SET_EVAL,
  object: NFT_SET_OBJECT,
  concat: NFT_SET_CONCAT,
  expr: NFT_SET_EXPR,
});

/** Set policy (NFTA_SET_POLICY, `policy memory;`): which backend the kernel favours, the faster (`performance`, default) or the smaller (`memory`). */
export type SetPolicy = 'performance' | 'memory';
const setPolicies = new EnumNames<SetPolicy>('set policy', { performance: NFT_SET_POL_PERFORMANCE, memory: NFT_SET_POL_MEMORY });

/** A type in nft's words: `ipv4_addr`, or a concatenation `['ipv4_addr', 'inet_service']` (also `'ipv4_addr . inet_service'`). */
export type TypeSpec = string | string[];

/**
 * What `addSet` takes; with `map` it is a map (`type ipv4_addr : verdict`).
 * Elements may be added with the set, in the same batch.
 */
export interface SetSpec {
  /** Family of the table the set belongs to. */
  family: NftFamily;
  /** Name of the table the set belongs to (NFTA_SET_TABLE). */
  table: string;
  /** Set name (NFTA_SET_NAME), unique within its table; rules refer to it as `@name`. */
  name: string;
  /** Key type (`type ipv4_addr;`): a datatype name such as `ipv4_addr`, `ipv6_addr`, `inet_service`, `ifname`, or a concatenation of them. */
  type: TypeSpec;
  /** Data type of a map: a type, a concatenation, or `verdict` for a verdict map. */
  map?: TypeSpec;
  /**
   * The map's data are intervals (`type ipv4_addr : interval ipv4_addr`, what NAT maps to address
   * and port ranges use): each element's data is a value, a prefix or a range, also per part of a
   * concatenation (`['10.0.0.1-10.0.0.9', '80-90']`). Needs `map` with a type other than verdict.
   */
  dataInterval?: boolean;
  /** Flags as in `flags interval, timeout;`; `map` is added by itself when `map` is given. */
  flags?: (SetFlag | `0x${string}`)[];
  /** Default element timeout in milliseconds (needs the `timeout` flag). */
  timeout?: number;
  /** Garbage collection interval in milliseconds. */
  gcInterval?: number;
  /** Maximum number of elements. */
  size?: number;
  /** Backend preference; the kernel defaults to `performance`. */
  policy?: SetPolicy;
  /** Free text kept in NFTA_SET_USERDATA, shown by `nft list` as `comment "..."`. */
  comment?: string;
  /**
   * An object map (`type ipv4_addr : counter`, NFTA_SET_OBJ_TYPE with the `object` flag, added by itself):
   * each element names a stateful object (`object`). Excludes `map`.
   */
  objectType?: ObjectType;
  /**
   * Stateful expressions of the set (`counter;`, `limit rate 10/second;`: NFTA_SET_EXPR, or NFTA_SET_EXPRESSIONS
   * with the `expr` flag for several): every element gets its own instance.
   */
  expressions?: Expression[];
  /**
   * NFTA_SET_USERDATA to send verbatim (as listed: nft's typeof, auto-merge and comment), instead of the
   * userdata nlkit derives from `type` and `map`; `comment`, when it differs, replaces the comment in it.
   * Leave it out when changing a listed set's types: nft reads its types from it.
   */
  userdata?: Buffer;
  /** Elements to add with the set, in the same batch (`elements = { ... }`). */
  elements?: SetElementInput[];
}

/** A set or map as the kernel lists it. */
export interface NftSet {
  /** Family of the table the set belongs to. */
  family: NftFamily;
  /** Name of the table the set belongs to. */
  table: string;
  /** Set name; for an anonymous set the kernel's `__set%d` name. */
  name: string;
  /** Kernel-assigned handle (NFTA_SET_HANDLE), stable for the set's life; usable instead of the name in a SetRef. */
  handle: number;
  /** Key type; the raw NFTA_SET_KEY_TYPE number when nlkit does not know it. */
  type: TypeSpec | number;
  /** Key length in bytes (NFTA_SET_KEY_LEN), each concatenated field padded to 4 bytes. */
  keyLength: number;
  /** Data type of a map (NFTA_SET_DATA_TYPE): a type, `verdict`, or the raw number when nlkit does not know it; absent for a plain set. */
  map?: TypeSpec | number;
  /** Data length of a map in bytes (NFTA_SET_DATA_LEN); absent for a plain set. Twice the type's length with `dataInterval`. */
  dataLength?: number;
  /** `true` when the map's data are intervals (nft's `: interval ipv4_addr`, recorded in the set userdata); absent otherwise. */
  dataInterval?: true;
  /** Flags the kernel reports; unnamed bits appear as hex strings. Empty when none are set. */
  flags: (SetFlag | `0x${string}`)[];
  /** Default element timeout in milliseconds (NFTA_SET_TIMEOUT); absent when the set has none. */
  timeout?: number;
  /** Garbage collection interval in milliseconds (NFTA_SET_GC_INTERVAL); absent when the kernel reports none. */
  gcInterval?: number;
  /** Maximum number of elements (NFTA_SET_DESC_SIZE); absent when unbounded. */
  size?: number;
  /** Backend preference (NFTA_SET_POLICY), the raw number for a value nlkit does not name; absent when not reported. */
  policy?: SetPolicy | number;
  /** The `comment` from the set's userdata, when it has one. */
  comment?: string;
  /** Raw NFTA_SET_USERDATA (nft's TLVs: key/data byte order, typeof, comment); absent when the set has none. */
  userdata?: Buffer;
  /** Object type of an object map (NFTA_SET_OBJ_TYPE), the raw number for one nlkit does not name; absent otherwise. */
  objectType?: ObjectType | number;
  /** Stateful expressions of the set (NFTA_SET_EXPR / NFTA_SET_EXPRESSIONS); absent when it has none. */
  expressions?: Expression[];
  /** Attributes this version does not decode, kept verbatim; absent when there are none. */
  unknown?: RawAttribute[];
}

/** Names a set for delete, flush and element operations. */
export type SetRef =
  | {
      /** Family of the set's table. */
      family: NftFamily;
      /** Name of the set's table. */
      table: string;
      /** Set or map name. */
      name: string;
    }
  | {
      /** Family of the set's table. */
      family: NftFamily;
      /** Name of the set's table. */
      table: string;
      /** Set handle (NFTA_SET_HANDLE) from a listing, as in `nft delete set inet filter handle 5`. */
      handle: number;
    };

/** An anonymous constant set a rule needs (`tcp dport { 80, 443 }`), added in the rule's batch. */
export interface AnonymousSetRequest {
  /** Key type of the anonymous set, e.g. `inet_service` for `tcp dport { 80, 443 }`. */
  type: TypeSpec;
  /** Whether its elements are ranges or prefixes (`{ 10.0.0.0/8, 1000-2000 }`), making it an interval set. */
  interval?: boolean;
  /** The elements written between the braces. */
  elements: SetElementInput[];
}

/** The parsed key and data types of a set, which elements are encoded against. */
export interface SetShape {
  key: KeyType;
  /** Absent for a plain set; `verdict` for a verdict map. */
  data?: KeyType | 'verdict';
  /** Map data are intervals: each element's data is a start and an inclusive end, one after the other. */
  dataInterval?: boolean;
  /** An object map: elements carry an object name (NFTA_SET_ELEM_OBJREF), no data. */
  object?: boolean;
  interval: boolean;
  timeout: boolean;
}

export function setLabel(family: NftFamily, table: string, name: string): string {
  return `${family} ${table} ${name}`;
}

export function shapeOf(spec: Pick<SetSpec, 'type' | 'map' | 'flags' | 'name' | 'dataInterval'> & { objectType?: unknown }): SetShape {
  const key = new KeyType(spec.type, `set ${spec.name} type`);
  const flags = new Set(spec.flags ?? []);
  const shape: SetShape = { key, interval: flags.has('interval'), timeout: flags.has('timeout') };
  if (spec.objectType !== undefined || flags.has('object')) shape.object = true;
  if (spec.map !== undefined) shape.data = spec.map === 'verdict' ? 'verdict' : new KeyType(spec.map, `map ${spec.name} data type`);
  if (spec.dataInterval === true) shape.dataInterval = true;
  return shape;
}

/** A SetSpec's fields, and those of a listed NftSet (ignored), so a listed set can be added again. */
const SET_SPEC_KEYS: ReadonlySet<string> = new Set([
  'family', 'table', 'name', 'type', 'map', 'dataInterval', 'flags', 'timeout', 'gcInterval', 'size', 'policy', 'comment', 'elements',
  'objectType', 'expressions', 'userdata', 'handle', 'keyLength', 'dataLength', 'unknown',
]);

/** Checks a set before anything is sent; returns its shape. */
export function validateSet(spec: SetSpec): SetShape {
  requireSpec(spec, 'set spec', "{ family: 'inet', table: 'filter', name: 'allowed', type: 'ipv4_addr' }", SET_SPEC_KEYS);
  familyNumber(spec.family, 'set spec family');
  requireName(spec.table, 'table');
  requireName(spec.name, 'set');
  requireFlagList(spec.flags, 'set spec flags');
  setFlags.encode(spec.flags);
  if (spec.elements !== undefined) requireArray(spec.elements, 'set spec elements');
  const shape = shapeOf(spec);
  const what = `set ${setLabel(spec.family, spec.table, spec.name)}`;
  for (const [field, value] of [['timeout', spec.timeout], ['gcInterval', spec.gcInterval], ['size', spec.size]] as const) {
    if (value !== undefined && (!Number.isSafeInteger(value) || value < 0)) throw new InvalidArgumentError(`${what}: ${field} must be a non-negative integer`);
  }
  if (spec.timeout !== undefined && !shape.timeout) throw new InvalidArgumentError(`${what}: a default timeout needs the timeout flag`);
  if (spec.policy !== undefined) requireOneOf(spec.policy, `${what} policy`, ['performance', 'memory']);
  if (spec.comment !== undefined) commentEntry(UDATA_SET_COMMENT, spec.comment, 'set');
  if (spec.dataInterval !== undefined) {
    if (typeof spec.dataInterval !== 'boolean') throw new InvalidArgumentError(`${what}: dataInterval must be true or false`);
    if (spec.dataInterval && (shape.data === undefined || shape.data === 'verdict')) {
      throw new InvalidArgumentError(`${what}: dataInterval needs a map whose data is a type (map: 'ipv4_addr'), not ${shape.data === undefined ? 'a plain set' : 'a verdict map'}`);
    }
  }
  if (spec.objectType !== undefined) {
    objectTypes.encode(spec.objectType);
    if (spec.map !== undefined) throw new InvalidArgumentError(`${what}: objectType makes an object map; it excludes map`);
  } else if (spec.flags?.includes('object')) {
    throw new InvalidArgumentError(`${what}: the object flag needs objectType (an object map such as type ipv4_addr : counter)`);
  }
  if (spec.expressions !== undefined) {
    requireArray(spec.expressions, `${what} expressions`);
    for (const e of spec.expressions) requireObject(e, `${what} expression`, "{ kind: 'counter', packets: 0, bytes: 0 }");
  }
  if (spec.userdata !== undefined) {
    if (!(spec.userdata instanceof Uint8Array)) throw new InvalidArgumentError(`${what}: userdata must be a Buffer`);
    if (spec.userdata.length > NFT_USERDATA_MAXLEN) throw new InvalidArgumentError(`${what}: userdata is ${spec.userdata.length} bytes; the kernel stores at most ${NFT_USERDATA_MAXLEN}`);
  }
  return shape;
}

/** nft's marker for a concatenated type in set userdata: a typeof entry naming EXPR_CONCAT with no parts. */
const CONCAT_TYPEOF = Buffer.from([0, 4, 13, 0, 0, 0, 1, 0]);
// nft's enum byteorder: BYTEORDER_INVALID, BYTEORDER_HOST_ENDIAN, BYTEORDER_BIG_ENDIAN.
const BYTEORDER = { invalid: 0, none: 0, host: 1, big: 2 } as const;

/** The userdata nft stores with a set so `nft list` prints its types and values properly. */
function setUserdata(spec: SetSpec, shape: SetShape): Buffer {
  if (spec.userdata !== undefined) return givenUserdata(spec);
  const entries: UserdataEntry[] = [];
  entries.push(u32Entry(UDATA_SET_KEYBYTEORDER, shape.key.concat ? BYTEORDER.invalid : BYTEORDER[shape.key.parts[0]!.byteorder]));
  if (shape.data !== undefined) {
    const order = shape.data === 'verdict' || shape.data.concat ? BYTEORDER.invalid : BYTEORDER[shape.data.parts[0]!.byteorder];
    entries.push(u32Entry(UDATA_SET_DATABYTEORDER, order));
  }
  if (shape.key.concat) entries.push({ type: UDATA_SET_KEY_TYPEOF, value: CONCAT_TYPEOF });
  if (shape.data !== undefined && shape.data !== 'verdict' && shape.data.concat) entries.push({ type: UDATA_SET_DATA_TYPEOF, value: CONCAT_TYPEOF });
  // nft writes the data-interval entry for every map, object maps included.
  if (shape.data !== undefined || spec.objectType !== undefined) entries.push(u32Entry(UDATA_SET_DATA_INTERVAL, shape.dataInterval ? 1 : 0));
  if (spec.comment !== undefined) entries.push(commentEntry(UDATA_SET_COMMENT, spec.comment, 'set'));
  return encodeUserdata(entries);
}

/** A set's own userdata, verbatim unless `comment` differs from the comment in it (then replaced in place, or added or dropped). */
function givenUserdata(spec: SetSpec): Buffer {
  const given = Buffer.from(spec.userdata!);
  const entries = decodeUserdata(given);
  if (userdataString(entries, UDATA_SET_COMMENT) === spec.comment) return given;
  const at = entries.findIndex((e) => e.type === UDATA_SET_COMMENT);
  const rest = entries.filter((e) => e.type !== UDATA_SET_COMMENT);
  if (spec.comment !== undefined) rest.splice(at < 0 ? rest.length : at, 0, commentEntry(UDATA_SET_COMMENT, spec.comment, 'set'));
  return encodeUserdata(rest);
}

/** `add set` / `add map` (idempotent), or `create` with `exclusive`. `id` is its batch-local NFTA_SET_ID. */
export function addSetCommand(spec: SetSpec, id: number, exclusive = false, anonymous = false): BatchCommand {
  const shape = validateSet(spec);
  let flags = setFlags.encode(spec.flags);
  if (shape.data !== undefined) flags |= NFT_SET_MAP;
  if (shape.key.concat && shape.interval) flags |= NFT_SET_CONCAT;
  if (anonymous) flags |= NFT_SET_ANONYMOUS | NFT_SET_CONSTANT;
  if (spec.objectType !== undefined) flags |= NFT_SET_OBJECT;
  const expressions = spec.expressions ?? [];
  // Several set expressions travel in NFTA_SET_EXPRESSIONS, which the kernel takes only with NFT_SET_EXPR.
  if (expressions.length > 1) flags |= NFT_SET_EXPR;
  const userdata = setUserdata(spec, shape);
  const kind = shape.data === undefined && spec.objectType === undefined ? 'set' : 'map';
  return {
    message: NFT_MSG_NEWSET,
    family: familyNumber(spec.family),
    flags: NLM_F_CREATE | (exclusive ? NLM_F_EXCL : 0),
    operation: `${exclusive ? 'create' : 'add'} ${kind}`,
    object: setLabel(spec.family, spec.table, spec.name),
    encode(w) {
      w.string(NFTA_SET_TABLE, spec.table);
      w.string(NFTA_SET_NAME, spec.name);
      w.be32(NFTA_SET_FLAGS, flags >>> 0);
      w.be32(NFTA_SET_KEY_TYPE, shape.key.id);
      w.be32(NFTA_SET_KEY_LEN, shape.key.length);
      if (shape.data === 'verdict') {
        w.be32(NFTA_SET_DATA_TYPE, NFT_DATA_VERDICT);
        w.be32(NFTA_SET_DATA_LEN, 0);
      } else if (shape.data !== undefined) {
        w.be32(NFTA_SET_DATA_TYPE, shape.data.id);
        // Interval data hold a start and an end: twice the type's length.
        w.be32(NFTA_SET_DATA_LEN, shape.data.length * (shape.dataInterval ? 2 : 1));
      }
      if (spec.objectType !== undefined) w.be32(NFTA_SET_OBJ_TYPE, objectTypes.encode(spec.objectType));
      if (spec.policy !== undefined) w.be32(NFTA_SET_POLICY, setPolicies.encode(spec.policy));
      const concatDesc = shape.key.concat && shape.interval;
      if (spec.size !== undefined || concatDesc) {
        const desc = w.beginNested(NFTA_SET_DESC);
        if (spec.size !== undefined) w.be32(NFTA_SET_DESC_SIZE, spec.size);
        if (concatDesc) {
          const concat = w.beginNested(NFTA_SET_DESC_CONCAT);
          // Each field's own length, as nft sends it (2 for inet_service), not the 4-byte register slot it takes in the key.
          for (const { length } of shape.key.parts) {
            const field = w.beginNested(NFTA_LIST_ELEM);
            w.be32(NFTA_SET_FIELD_LEN, length);
            w.endNested(field);
          }
          w.endNested(concat);
        }
        w.endNested(desc);
      }
      w.be32(NFTA_SET_ID, id);
      if (spec.timeout !== undefined) w.be64(NFTA_SET_TIMEOUT, spec.timeout);
      if (spec.gcInterval !== undefined) w.be32(NFTA_SET_GC_INTERVAL, spec.gcInterval);
      w.binary(NFTA_SET_USERDATA, userdata);
      if (expressions.length === 1) {
        const nest = w.beginNested(NFTA_SET_EXPR);
        encodeExpressionBody(w, expressions[0]!);
        w.endNested(nest);
      } else if (expressions.length > 1) {
        encodeExpressionList(w, NFTA_SET_EXPRESSIONS, expressions);
      }
    },
  };
}

function refLabel(ref: SetRef): string {
  return 'name' in ref ? setLabel(ref.family, ref.table, ref.name) : `${ref.family} ${ref.table} handle ${ref.handle}`;
}

function requireRef(ref: SetRef): number {
  requireObject(ref, 'set ref', "{ family: 'inet', table: 'filter', name: 'allowed' }");
  const family = familyNumber(ref.family, 'set ref family');
  requireName(ref.table, 'table');
  if ('name' in ref) requireName(ref.name, 'set');
  else requireHandle(ref.handle, 'set');
  return family;
}

/** `delete set` / `delete map`: fails while rules refer to it. */
export function deleteSetCommand(ref: SetRef): BatchCommand {
  return {
    message: NFT_MSG_DELSET,
    family: requireRef(ref),
    flags: 0,
    operation: 'delete set',
    object: refLabel(ref),
    encode(w) {
      w.string(NFTA_SET_TABLE, ref.table);
      if ('name' in ref) w.string(NFTA_SET_NAME, ref.name);
      else w.be64(NFTA_SET_HANDLE, ref.handle);
    },
  };
}

/** `flush set`: removes every element (NFT_MSG_DELSETELEM without elements). */
export function flushSetCommand(ref: { family: NftFamily; table: string; name: string }): BatchCommand {
  return {
    message: NFT_MSG_DELSETELEM,
    family: requireRef(ref),
    flags: 0,
    operation: 'flush set',
    object: refLabel(ref),
    encode(w) {
      w.string(NFTA_SET_ELEM_LIST_TABLE, ref.table);
      w.string(NFTA_SET_ELEM_LIST_SET, ref.name);
    },
  };
}

export function decodeSet(m: Message): NftSet {
  const set: NftSet = { family: familyName(readNfgenmsg(m).family), table: '', name: '', handle: 0, type: 0, keyLength: 0, flags: [] };
  let keyType = 0;
  let dataType: number | undefined;
  const c = nftAttributes(m);
  while (c.next()) {
    switch (c.type) {
      case NFTA_SET_TABLE: set.table = c.string(); break;
      case NFTA_SET_NAME: set.name = c.string(); break;
      case NFTA_SET_HANDLE: set.handle = Number(c.be64()); break;
      case NFTA_SET_FLAGS: set.flags = setFlags.decode(c.be32()); break;
      case NFTA_SET_KEY_TYPE: keyType = c.be32(); break;
      case NFTA_SET_KEY_LEN: set.keyLength = c.be32(); break;
      case NFTA_SET_DATA_TYPE: dataType = c.be32(); break;
      case NFTA_SET_DATA_LEN: set.dataLength = c.be32(); break;
      case NFTA_SET_POLICY: set.policy = setPolicies.decode(c.be32()); break;
      case NFTA_SET_TIMEOUT: set.timeout = Number(c.be64()); break;
      case NFTA_SET_GC_INTERVAL: set.gcInterval = c.be32(); break;
      case NFTA_SET_DESC: {
        const d = c.nestedCursor();
        while (d.next()) if (d.type === NFTA_SET_DESC_SIZE) set.size = d.be32();
        break;
      }
      case NFTA_SET_USERDATA: {
        set.userdata = c.bytes();
        const comment = userdataString(decodeUserdata(set.userdata), UDATA_SET_COMMENT);
        if (comment !== undefined) set.comment = comment;
        break;
      }
      case NFTA_SET_OBJ_TYPE: set.objectType = objectTypes.decode(c.be32()); break;
      case NFTA_SET_EXPR: (set.expressions ??= []).push(decodeExpression(c.nestedCursor())); break;
      case NFTA_SET_EXPRESSIONS: set.expressions = decodeExpressionList(c); break;
      case NFTA_SET_ID: case NFTA_SET_PAD: break;
      default: (set.unknown ??= []).push(c.raw());
    }
  }
  // A plain integer key (from `typeof meta cpu`) is in whatever byte order nft
  // recorded in the userdata; without it, host-order values read swapped. In a
  // concatenation, the typeof entry sizes such parts.
  const udata = set.userdata ? decodeUserdata(set.userdata) : [];
  const hints = (type: number) => {
    const entry = udata.find((e) => e.type === type);
    return entry && typeofConcatHints(entry.value);
  };
  set.type = KeyType.fromId(keyType, set.keyLength, userdataU32(udata, UDATA_SET_KEYBYTEORDER), hints(UDATA_SET_KEY_TYPEOF))?.spec ?? keyType;
  if (dataType !== undefined) {
    const interval = userdataU32(udata, UDATA_SET_DATA_INTERVAL) === 1;
    if (interval) set.dataInterval = true;
    const length = (set.dataLength ?? 0) / (interval ? 2 : 1);
    set.map = dataType === NFT_DATA_VERDICT ? 'verdict' : KeyType.fromId(dataType, length, userdataU32(udata, UDATA_SET_DATABYTEORDER), hints(UDATA_SET_DATA_TYPEOF))?.spec ?? dataType;
  }
  return set;
}

/** The shape of a listed set, for decoding its elements; undefined when its types are unknown to nlkit. */
export function shapeOfListed(set: NftSet): SetShape | undefined {
  if (typeof set.type === 'number' || typeof set.map === 'number') return undefined;
  return shapeOf({
    name: set.name, type: set.type, ...(set.map !== undefined ? { map: set.map } : {}), flags: set.flags,
    ...(set.dataInterval ? { dataInterval: true } : {}), ...(set.objectType !== undefined ? { objectType: set.objectType } : {}),
  });
}

