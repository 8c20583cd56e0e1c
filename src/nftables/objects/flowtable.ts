// Flowtables (`flowtable f { hook ingress priority 0; devices = { v0, v1 }; }`):
// a fast path that `flow add @f` rules move established connections into,
// bypassing the rest of the forward path. Encoded as nft 1.0.6 sends them
// (fixtures/nftables/flowtable.json); the kernel on the machines this was
// written on has no nf_flow_table, so no kernel has confirmed them here.
import {
  NFT_FLOWTABLE_COUNTER, NFT_FLOWTABLE_HW_OFFLOAD, NFT_MSG_DELFLOWTABLE, NFT_MSG_NEWFLOWTABLE, NFTA_DEVICE_NAME,
  NFTA_FLOWTABLE_FLAGS, NFTA_FLOWTABLE_HANDLE, NFTA_FLOWTABLE_HOOK, NFTA_FLOWTABLE_HOOK_DEVS, NFTA_FLOWTABLE_HOOK_NUM,
  NFTA_FLOWTABLE_HOOK_PRIORITY, NFTA_FLOWTABLE_NAME, NFTA_FLOWTABLE_PAD, NFTA_FLOWTABLE_TABLE, NFTA_FLOWTABLE_USE,
} from '../../generated/nf_tables.js';
import { NF_NETDEV_INGRESS } from '../../generated/netfilter.js';
import { InvalidArgumentError } from '../../netlink/addresses.js';
import type { RawAttribute } from '../../netlink/attributes.js';
import { jsonOf, requireArray, requireObject, textOf } from '../../netlink/checks.js';
import type { Message } from '../../netlink/message.js';
import { NLM_F_CREATE, NLM_F_EXCL } from '../../netlink/message.js';
import { FlagNames } from '../expressions/codec.js';
import type { BatchCommand } from '../protocol/batch.js';
import { nftAttributes, readNfgenmsg } from '../protocol/nfgenmsg.js';
import { requireDevice } from './chain.js';
import { familyName, familyNumber, type NftFamily } from './family.js';
import { priorityNumber } from './hooks.js';
import { requireHandle, requireName } from './names.js';
import { requireFlagList, requireSpec } from './shape.js';

/**
 * Flowtable flags (NFTA_FLOWTABLE_FLAGS): `hw-offload` (NFT_FLOWTABLE_HW_OFFLOAD, nft's `flags offload;`)
 * pushes flows into the NIC, `counter` (NFT_FLOWTABLE_COUNTER, nft's `counter;`) counts offloaded traffic.
 */
export type FlowtableFlag = 'hw-offload' | 'counter';
const flowtableFlags = new FlagNames<FlowtableFlag>('flowtable', { 'hw-offload': NFT_FLOWTABLE_HW_OFFLOAD, counter: NFT_FLOWTABLE_COUNTER });

/** The hook a flowtable sits on: `ingress` (NF_NETDEV_INGRESS) is the only one the kernel takes. */
export type FlowtableHook = 'ingress';

/** The families with flowtables (the kernel's nf_flow_table_ipv4, _ipv6 and _inet types). */
const FLOWTABLE_FAMILIES: readonly NftFamily[] = ['ip', 'ip6', 'inet'];

/** What `addFlowtable` takes. */
export interface FlowtableSpec {
  /** Family of the table the flowtable belongs to: `ip`, `ip6` or `inet`. */
  family: NftFamily;
  /** Name of the table the flowtable belongs to (NFTA_FLOWTABLE_TABLE). */
  table: string;
  /** Flowtable name (NFTA_FLOWTABLE_NAME), unique within its table; rules refer to it as `@name`. */
  name: string;
  /** Hook (NFTA_FLOWTABLE_HOOK_NUM): `ingress`, the default and only hook; a listed raw number is sent as it is. */
  hook?: FlowtableHook | number;
  /** Priority on the ingress hook (NFTA_FLOWTABLE_HOOK_PRIORITY): a number, or `filter` (0). */
  priority: number | string;
  /** Devices whose traffic the flowtable can take (NFTA_FLOWTABLE_HOOK_DEVS), sent in this order; none is allowed. */
  devices?: readonly string[];
  /** `hw-offload` and `counter`; the flags attribute goes out (as 0) also when empty, as nft sends it. */
  flags?: readonly (FlowtableFlag | `0x${string}`)[];
}

/** A flowtable as the kernel lists it. */
export interface Flowtable extends Omit<FlowtableSpec, 'priority' | 'devices' | 'flags' | 'hook'> {
  /** Kernel-assigned handle (NFTA_FLOWTABLE_HANDLE); usable instead of the name in a FlowtableRef. */
  handle: number;
  /** Number of rules referring to it (NFTA_FLOWTABLE_USE). */
  use: number;
  /** Hook by name; the raw number when it is not `ingress`. */
  hook: FlowtableHook | number;
  /** Priority, a number (`filter` lists as 0). */
  priority: number;
  /** Devices as the kernel lists them; empty when it has none. */
  devices: string[];
  /** Flags; unnamed bits appear as hex strings. Empty when none are set. */
  flags: (FlowtableFlag | `0x${string}`)[];
  /** Attributes this version does not decode, kept verbatim; absent when there are none. */
  unknown?: RawAttribute[];
}

/** Names a flowtable for delete: its family and table, and its name or its handle. */
export type FlowtableRef = {
  /** Family of the flowtable's table. */
  family: NftFamily;
  /** Name of the flowtable's table. */
  table: string;
} & (
  | {
      /** Flowtable name, as in `nft delete flowtable inet t f`. */
      name: string;
    }
  | {
      /** Flowtable handle from a listing, as in `nft delete flowtable inet t handle 5`. */
      handle: number;
    }
);

function label(family: NftFamily, table: string, name: string): string {
  return `${family} ${table} ${name}`;
}

/** A FlowtableSpec's fields, and those of a listed Flowtable (ignored), so a listed flowtable can be added again. */
const FLOWTABLE_SPEC_KEYS: ReadonlySet<string> = new Set(['family', 'table', 'name', 'hook', 'priority', 'devices', 'flags', 'handle', 'use', 'unknown']);

function flowtableFamily(family: unknown, what: string): number {
  const n = familyNumber(family, what);
  if (!FLOWTABLE_FAMILIES.includes(family as NftFamily)) {
    throw new InvalidArgumentError(`${what} ${textOf(family)} has no flowtables; use one of ${FLOWTABLE_FAMILIES.join(', ')}`);
  }
  return n;
}

function hookNumber(hook: unknown, what: string): number {
  if (hook === undefined || hook === 'ingress') return NF_NETDEV_INGRESS;
  if (typeof hook === 'number' && Number.isInteger(hook) && hook >= 0 && hook <= 0xffffffff) return hook;
  throw new InvalidArgumentError(`${what}: hook must be 'ingress' (the only flowtable hook), got ${jsonOf(hook)}`);
}

/** The checked values a NEWFLOWTABLE carries. */
interface CheckedFlowtable {
  family: number;
  hook: number;
  priority: number;
  devices: string[];
  flags: number;
}

/** Checks a flowtable before anything is sent. */
export function validateFlowtable(spec: FlowtableSpec): CheckedFlowtable {
  requireSpec(spec, 'flowtable spec', "{ family: 'inet', table: 'filter', name: 'ft', priority: 0, devices: ['eth0', 'eth1'] }", FLOWTABLE_SPEC_KEYS);
  const family = flowtableFamily(spec.family, 'flowtable spec family');
  requireName(spec.table, 'table');
  requireName(spec.name, 'flowtable');
  const what = `flowtable ${label(spec.family, spec.table, spec.name)}`;
  if (spec.priority === undefined) throw new InvalidArgumentError(`${what} needs a priority (a number, or filter)`);
  const devices: string[] = [];
  if (spec.devices !== undefined) {
    for (const d of requireArray(spec.devices, `${what} devices`)) {
      if (devices.includes(requireDevice(d, what))) throw new InvalidArgumentError(`${what}: device ${d as string} is listed twice`);
      devices.push(d as string);
    }
  }
  requireFlagList(spec.flags, `${what} flags`);
  return { family, hook: hookNumber(spec.hook, what), priority: priorityNumber(spec.family, spec.priority), devices, flags: flowtableFlags.encode(spec.flags) };
}

/** `add flowtable` (idempotent), or `create flowtable` with `exclusive`. */
export function addFlowtableCommand(spec: FlowtableSpec, exclusive = false): BatchCommand {
  const checked = validateFlowtable(spec);
  return {
    message: NFT_MSG_NEWFLOWTABLE,
    family: checked.family,
    flags: NLM_F_CREATE | (exclusive ? NLM_F_EXCL : 0),
    operation: exclusive ? 'create flowtable' : 'add flowtable',
    object: label(spec.family, spec.table, spec.name),
    encode(w) {
      // Attribute order and presence as nft 1.0.6 sends them: table, name, hook { num, priority, devs }, flags.
      w.string(NFTA_FLOWTABLE_TABLE, spec.table);
      w.string(NFTA_FLOWTABLE_NAME, spec.name);
      const hook = w.beginNested(NFTA_FLOWTABLE_HOOK);
      w.be32(NFTA_FLOWTABLE_HOOK_NUM, checked.hook);
      w.be32(NFTA_FLOWTABLE_HOOK_PRIORITY, checked.priority >>> 0);
      if (checked.devices.length > 0) {
        const devs = w.beginNested(NFTA_FLOWTABLE_HOOK_DEVS);
        for (const d of checked.devices) w.string(NFTA_DEVICE_NAME, d);
        w.endNested(devs);
      }
      w.endNested(hook);
      w.be32(NFTA_FLOWTABLE_FLAGS, checked.flags);
    },
  };
}

/** `delete flowtable`, by name or by handle; fails with EBUSY while rules refer to it. */
export function deleteFlowtableCommand(ref: FlowtableRef): BatchCommand {
  requireObject(ref, 'flowtable ref', "{ family: 'inet', table: 'filter', name: 'ft' }");
  const family = flowtableFamily(ref.family, 'flowtable ref family');
  requireName(ref.table, 'table');
  const byName = 'name' in ref;
  if (byName) requireName(ref.name, 'flowtable');
  else requireHandle((ref as { handle?: unknown }).handle, 'flowtable');
  return {
    message: NFT_MSG_DELFLOWTABLE,
    family,
    flags: 0,
    operation: 'delete flowtable',
    object: byName ? label(ref.family, ref.table, ref.name) : `${ref.family} ${ref.table} handle ${ref.handle}`,
    encode(w) {
      w.string(NFTA_FLOWTABLE_TABLE, ref.table);
      if ('name' in ref) w.string(NFTA_FLOWTABLE_NAME, ref.name);
      else w.be64(NFTA_FLOWTABLE_HANDLE, ref.handle);
    },
  };
}

/** A NEWFLOWTABLE message (a dump reply, an echo, or what nft sends) as a Flowtable. */
export function decodeFlowtable(m: Message): Flowtable {
  const flowtable: Flowtable = {
    family: familyName(readNfgenmsg(m).family), table: '', name: '', handle: 0, use: 0, hook: 'ingress', priority: 0, devices: [], flags: [],
  };
  const c = nftAttributes(m);
  while (c.next()) {
    switch (c.type) {
      case NFTA_FLOWTABLE_TABLE: flowtable.table = c.string(); break;
      case NFTA_FLOWTABLE_NAME: flowtable.name = c.string(); break;
      case NFTA_FLOWTABLE_HANDLE: flowtable.handle = Number(c.be64()); break;
      case NFTA_FLOWTABLE_USE: flowtable.use = c.be32(); break;
      case NFTA_FLOWTABLE_FLAGS: flowtable.flags = flowtableFlags.decode(c.be32()); break;
      case NFTA_FLOWTABLE_PAD: break;
      case NFTA_FLOWTABLE_HOOK: {
        const h = c.nestedCursor();
        while (h.next()) {
          switch (h.type) {
            case NFTA_FLOWTABLE_HOOK_NUM: {
              const n = h.be32();
              flowtable.hook = n === NF_NETDEV_INGRESS ? 'ingress' : n;
              break;
            }
            case NFTA_FLOWTABLE_HOOK_PRIORITY: flowtable.priority = h.s32be(); break;
            case NFTA_FLOWTABLE_HOOK_DEVS: {
              const d = h.nestedCursor();
              while (d.next()) if (d.type === NFTA_DEVICE_NAME) flowtable.devices.push(d.string());
              break;
            }
          }
        }
        break;
      }
      default: (flowtable.unknown ??= []).push(c.raw());
    }
  }
  return flowtable;
}
