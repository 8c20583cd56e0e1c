import {
  NFT_MSG_DELOBJ, NFT_MSG_NEWOBJ, NFT_OBJECT_COUNTER, NFT_OBJECT_QUOTA, NFTA_OBJ_DATA, NFTA_OBJ_HANDLE, NFTA_OBJ_NAME,
  NFTA_OBJ_PAD, NFTA_OBJ_TABLE, NFTA_OBJ_TYPE, NFTA_OBJ_USE, NFTA_OBJ_USERDATA,
} from '../../generated/nf_tables.js';
import { InvalidArgumentError } from '../../netlink/addresses.js';
import type { AttributeCursor, RawAttribute } from '../../netlink/attributes.js';
import { jsonOf, requireObject } from '../../netlink/checks.js';
import type { Message } from '../../netlink/message.js';
import { NLM_F_CREATE, NLM_F_EXCL } from '../../netlink/message.js';
import { MessageWriter } from '../../netlink/writer.js';
import { counterCodec } from '../expressions/counter.js';
import { objectTypes } from '../expressions/objref.js';
import { quotaCodec } from '../expressions/quota.js';
import type { BatchCommand } from '../protocol/batch.js';
import { nftAttributes, readNfgenmsg } from '../protocol/nfgenmsg.js';
import { commentEntry, decodeUserdata, encodeUserdata, UDATA_COMMENT, userdataString } from '../protocol/userdata.js';
import { familyName, familyNumber, type NftFamily } from './family.js';
import { ctExpectationObject, type CtExpectationFields } from './ct-expectation.js';
import { ctHelperObject, type CtHelperFields } from './ct-helper.js';
import { ctTimeoutObject, type CtTimeoutFields } from './ct-timeout.js';
import { limitObject, type LimitObjectFields } from './limit-object.js';
import { requireName } from './names.js';
import type { ObjectKind } from './object-kind.js';
import { secmarkObject, type SecmarkFields } from './secmark.js';
import { requireSpec } from './shape.js';
import { synproxyObject, type SynproxyFields } from './synproxy.js';

/** The fields every named stateful object has, whatever its type. */
export interface ObjectBase {
  /** Family of the table the object belongs to. */
  family: NftFamily;
  /** Table the object belongs to (NFTA_OBJ_TABLE). */
  table: string;
  /** Object name (NFTA_OBJ_NAME), unique per type within the table; rules refer to it as `counter name "web"`. */
  name: string;
  /** Free text kept in NFTA_OBJ_USERDATA (`comment "..."`). */
  comment?: string;
}

/**
 * Named stateful objects that rules share (`counter name "web"`): counters,
 * quotas, limits, conntrack helpers, timeouts and expectations, synproxies and
 * secmarks. Each kind beyond counter and quota is a module beside this one.
 */
export type StatefulObjectSpec =
  | (ObjectBase & {
      /** A named counter (NFT_OBJECT_COUNTER, `counter web { }`). */
      type: 'counter';
      /** Starting packet count (NFTA_COUNTER_PACKETS); default 0. */
      packets?: number;
      /** Starting byte count (NFTA_COUNTER_BYTES); default 0. */
      bytes?: number;
    })
  | (ObjectBase & {
      /** A named quota (NFT_OBJECT_QUOTA, `quota web { over 10 gbytes }`). */
      type: 'quota';
      /** The quota in bytes (NFTA_QUOTA_BYTES). */
      bytes: number;
      /** Match once `bytes` are exceeded (`over`, NFT_QUOTA_F_INV) rather than until then (`until`, default). */
      over?: boolean;
      /** Bytes already used (NFTA_QUOTA_CONSUMED); default 0. */
      consumed?: number;
    })
  | (ObjectBase & LimitObjectFields & {
      /** A named limit (NFT_OBJECT_LIMIT). */
      type: 'limit';
    })
  | (ObjectBase & CtHelperFields & {
      /** A conntrack helper (NFT_OBJECT_CT_HELPER). */
      type: 'ct helper';
    })
  | (ObjectBase & CtTimeoutFields & {
      /** A conntrack timeout policy (NFT_OBJECT_CT_TIMEOUT). */
      type: 'ct timeout';
    })
  | (ObjectBase & CtExpectationFields & {
      /** A conntrack expectation (NFT_OBJECT_CT_EXPECT). */
      type: 'ct expectation';
    })
  | (ObjectBase & SynproxyFields & {
      /** A synproxy (NFT_OBJECT_SYNPROXY). */
      type: 'synproxy';
    })
  | (ObjectBase & SecmarkFields & {
      /** A security mark (NFT_OBJECT_SECMARK); needs an LSM such as SELinux in the kernel. */
      type: 'secmark';
    });

/** The object types nlkit creates. */
export type StatefulObjectType = StatefulObjectSpec['type'];

/** An object as the kernel lists it; other types keep their data raw. */
export type StatefulObject = (
  | StatefulObjectSpec
  | (ObjectBase & {
      /** Object type nlkit does not decode: its name (`limit`, `ct helper`...) or the raw NFT_OBJECT_* number. */
      type: string | number;
      /** Raw NFTA_OBJ_DATA payload; absent when the kernel sent none. */
      data?: Buffer;
    })
) & {
  /** Kernel-assigned handle (NFTA_OBJ_HANDLE). */
  handle: number;
  /** Number of rules and set elements referring to the object (NFTA_OBJ_USE). */
  use: number;
  /** Attributes this version does not decode, kept verbatim; absent when there are none. */
  unknown?: RawAttribute[];
};

/** Names an object, for delete. */
export type ObjectRef = {
  /** Family of the object's table. */
  family: NftFamily;
  /** Table of the object. */
  table: string;
  /** Object name. */
  name: string;
  /** Object type; objects of different types may share a name. */
  type: StatefulObjectType;
};

function label(ref: { family: NftFamily; table: string; name: string; type: string }): string {
  return `${ref.family} ${ref.table} ${ref.name}`;
}

/** The kinds beyond counter and quota, one module each, by nft's type name. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
const KINDS: ReadonlyMap<string, ObjectKind<any>> = new Map(
  [limitObject, ctHelperObject, ctTimeoutObject, ctExpectationObject, synproxyObject, secmarkObject].map((k) => [k.type, k]),
);

function typeNumber(type: unknown): number {
  if (type === 'counter') return NFT_OBJECT_COUNTER;
  if (type === 'quota') return NFT_OBJECT_QUOTA;
  const kind = typeof type === 'string' ? KINDS.get(type) : undefined;
  if (kind) return kind.number;
  throw new InvalidArgumentError(`object type ${jsonOf(type)}: nlkit creates ${['counter', 'quota', ...KINDS.keys()].join(', ')} objects`);
}

/** Fields every spec has, and those of a listed object (ignored), so a listed object can be added again. */
const COMMON_KEYS = ['family', 'table', 'name', 'type', 'comment', 'handle', 'use', 'data', 'unknown'];
const OBJECT_SPEC_KEYS: ReadonlyMap<string, ReadonlySet<string>> = new Map([
  ['counter', new Set([...COMMON_KEYS, 'packets', 'bytes'])],
  ['quota', new Set([...COMMON_KEYS, 'bytes', 'over', 'consumed'])],
  ...[...KINDS.values()].map((k) => [k.type, new Set([...COMMON_KEYS, ...k.keys])] as [string, ReadonlySet<string>]),
]);
const ALL_SPEC_KEYS: ReadonlySet<string> = new Set([...OBJECT_SPEC_KEYS.values()].flatMap((keys) => [...keys]));

/** `add counter` / `add limit` / ... (idempotent), or `create` with `exclusive`. */
export function addObjectCommand(spec: StatefulObjectSpec, exclusive = false): BatchCommand {
  requireSpec(spec, 'object spec', "{ family: 'inet', table: 'filter', name: 'web', type: 'counter' }", ALL_SPEC_KEYS);
  const type = typeNumber(spec.type);
  requireSpec(spec, `${spec.type} spec`, "{ family: 'inet', table: 'filter', name: 'web', type: 'counter' }", OBJECT_SPEC_KEYS.get(spec.type)!);
  const family = familyNumber(spec.family, 'object spec family');
  requireName(spec.table, 'table');
  requireName(spec.name, String(spec.type));
  // Encoded now, so bad values fail before anything is sent.
  const data = new MessageWriter(64);
  if (spec.type === 'counter') counterCodec.encode(data, { kind: 'counter', packets: spec.packets ?? 0, bytes: spec.bytes ?? 0 });
  else if (spec.type === 'quota') quotaCodec.encode(data, { kind: 'quota', bytes: spec.bytes, over: spec.over ?? false, consumed: spec.consumed ?? 0 });
  else KINDS.get(spec.type)!.encode(data, spec, `${spec.type} ${spec.name}`);
  const body = Buffer.from(data.bytes());
  const userdata = spec.comment !== undefined ? encodeUserdata([commentEntry(UDATA_COMMENT, spec.comment, spec.type)]) : undefined;
  return {
    message: NFT_MSG_NEWOBJ,
    family,
    flags: NLM_F_CREATE | (exclusive ? NLM_F_EXCL : 0),
    operation: `${exclusive ? 'create' : 'add'} ${spec.type}`,
    object: label(spec),
    encode(w) {
      w.string(NFTA_OBJ_TABLE, spec.table);
      w.string(NFTA_OBJ_NAME, spec.name);
      w.be32(NFTA_OBJ_TYPE, type);
      const nest = w.beginNested(NFTA_OBJ_DATA);
      w.raw(body);
      w.endNested(nest);
      if (userdata) w.binary(NFTA_OBJ_USERDATA, userdata);
    },
  };
}

/** `delete counter` / `delete limit` / ...: fails while rules refer to it. */
export function deleteObjectCommand(ref: ObjectRef): BatchCommand {
  requireObject(ref, 'object ref', "{ family: 'inet', table: 'filter', name: 'web', type: 'counter' }");
  const family = familyNumber(ref.family, 'object ref family');
  requireName(ref.table, 'table');
  requireName(ref.name, String(ref.type));
  const type = typeNumber(ref.type);
  return {
    message: NFT_MSG_DELOBJ,
    family,
    flags: 0,
    operation: `delete ${ref.type}`,
    object: label(ref),
    encode(w) {
      w.string(NFTA_OBJ_TABLE, ref.table);
      w.string(NFTA_OBJ_NAME, ref.name);
      w.be32(NFTA_OBJ_TYPE, type);
    },
  };
}

export function decodeObject(m: Message): StatefulObject {
  const out: Record<string, unknown> & { unknown?: RawAttribute[] } = { family: familyName(readNfgenmsg(m).family), table: '', name: '', type: 0, handle: 0, use: 0 };
  let data: AttributeCursor | undefined;
  let dataBytes: Buffer | undefined;
  const c = nftAttributes(m);
  while (c.next()) {
    switch (c.type) {
      case NFTA_OBJ_TABLE: out.table = c.string(); break;
      case NFTA_OBJ_NAME: out.name = c.string(); break;
      case NFTA_OBJ_TYPE: out.type = objectTypes.decode(c.be32()); break;
      case NFTA_OBJ_HANDLE: out.handle = Number(c.be64()); break;
      case NFTA_OBJ_USE: out.use = c.be32(); break;
      case NFTA_OBJ_DATA:
        data = c.nestedCursor();
        dataBytes = c.view();
        break;
      case NFTA_OBJ_USERDATA: {
        const comment = userdataString(decodeUserdata(c.bytes()), UDATA_COMMENT);
        if (comment !== undefined) out.comment = comment;
        break;
      }
      case NFTA_OBJ_PAD: break;
      default: (out.unknown ??= []).push(c.raw());
    }
  }
  if (data) {
    // The type may follow the data: decode the nest once both are known.
    if (out.type === 'counter') {
      const { packets, bytes } = counterCodec.decode(data);
      Object.assign(out, { packets, bytes });
    } else if (out.type === 'quota') {
      const { bytes, over, consumed } = quotaCodec.decode(data);
      Object.assign(out, { bytes, over, consumed });
    } else {
      const kind = typeof out.type === 'string' ? KINDS.get(out.type) : undefined;
      if (kind) {
        const unknown: RawAttribute[] = [];
        Object.assign(out, kind.decode(data, unknown));
        // Data attributes this version does not know: kept raw, beside the decoded fields.
        if (unknown.length) out.data = Buffer.from(dataBytes!);
      } else {
        out.data = Buffer.from(dataBytes!);
      }
    }
  }
  return out as unknown as StatefulObject;
}
