import {
  NFT_CHAIN_BASE, NFT_CHAIN_BINDING, NFT_CHAIN_HW_OFFLOAD, NFT_MSG_DELCHAIN, NFT_MSG_DELRULE, NFT_MSG_NEWCHAIN,
  NFTA_CHAIN_COUNTERS, NFTA_CHAIN_FLAGS, NFTA_CHAIN_HANDLE, NFTA_CHAIN_HOOK, NFTA_CHAIN_ID, NFTA_CHAIN_NAME,
  NFTA_CHAIN_PAD, NFTA_CHAIN_POLICY, NFTA_CHAIN_TABLE, NFTA_CHAIN_TYPE, NFTA_CHAIN_USE, NFTA_CHAIN_USERDATA,
  NFTA_COUNTER_BYTES, NFTA_COUNTER_PACKETS, NFTA_DEVICE_NAME, NFTA_HOOK_DEV, NFTA_HOOK_DEVS, NFTA_HOOK_HOOKNUM,
  NFTA_HOOK_PRIORITY, NFTA_RULE_CHAIN, NFTA_RULE_TABLE,
} from '../../generated/nf_tables.js';
import { NF_ACCEPT, NF_DROP } from '../../generated/netfilter.js';
import { InvalidArgumentError } from '../../netlink/addresses.js';
import type { RawAttribute } from '../../netlink/attributes.js';
import { jsonOf, requireObject, requireOneOf } from '../../netlink/checks.js';
import type { Message } from '../../netlink/message.js';
import { NLM_F_CREATE, NLM_F_EXCL } from '../../netlink/message.js';
import { EnumNames, FlagNames } from '../expressions/codec.js';
import type { BatchCommand } from '../protocol/batch.js';
import { nftAttributes, readNfgenmsg } from '../protocol/nfgenmsg.js';
import { commentEntry, decodeUserdata, encodeUserdata, UDATA_COMMENT, userdataString } from '../protocol/userdata.js';
import { familyName, familyNumber, type NftFamily } from './family.js';
import { hookName, hookNumber, priorityNumber, requireChainType, type ChainHook, type ChainType } from './hooks.js';
import { requireHandle, requireName } from './names.js';
import { requireSpec } from './shape.js';

/** Base chain policy (NFTA_CHAIN_POLICY, `policy drop;`): the verdict for packets that reach the end of the chain undecided. */
export type ChainPolicy = 'accept' | 'drop';
const policies = new EnumNames<ChainPolicy>('chain policy', { accept: NF_ACCEPT, drop: NF_DROP });
/** Chain flags (NFTA_CHAIN_FLAGS): `base` (NFT_CHAIN_BASE) marks a chain attached to a hook, `hw-offload` (NFT_CHAIN_HW_OFFLOAD) is nft's `flags offload`, `binding` (NFT_CHAIN_BINDING) an anonymous chain bound to the rule that jumps to it. */
export type ChainFlag = 'base' | 'hw-offload' | 'binding';
const chainFlags = new FlagNames<ChainFlag>('chain', { base: NFT_CHAIN_BASE, 'hw-offload': NFT_CHAIN_HW_OFFLOAD, binding: NFT_CHAIN_BINDING });

/**
 * What `addChain` takes. A regular chain has only a name (rules jump to it);
 * a base chain also has `type`, `hook` and `priority` and sees packets.
 */
export interface ChainSpec {
  /** Family of the table the chain belongs to. */
  family: NftFamily;
  /** Name of the table the chain belongs to (NFTA_CHAIN_TABLE). */
  table: string;
  /** Chain name (NFTA_CHAIN_NAME), unique within its table; at most 255 bytes. */
  name: string;
  /** Base chain type (NFTA_CHAIN_TYPE, `type filter`); absent for a regular chain. */
  type?: ChainType;
  /** Hook the base chain attaches to (NFTA_HOOK_HOOKNUM, `hook input`); absent for a regular chain. */
  hook?: ChainHook;
  /** A number, or a standard name: `raw`, `mangle`, `dstnat`, `filter`, `security`, `srcnat`. */
  priority?: number | string;
  /** Verdict for packets nothing in the base chain decided; the kernel defaults to `accept`. Base chains only; a nat chain takes no `drop`. */
  policy?: ChainPolicy;
  /** The device of a netdev `ingress`/`egress` (or inet `ingress`) chain; `devices` for several. */
  device?: string;
  /** The devices of a chain hooked to several (`devices = { eth0, eth1 }`, NFTA_HOOK_DEVS); may be given with `device` when it is one of them. */
  devices?: string[];
  /** Free text kept in NFTA_CHAIN_USERDATA, shown by `nft list` as `comment "..."`. */
  comment?: string;
}

/** A chain as the kernel lists it. */
export interface Chain extends Omit<ChainSpec, 'priority' | 'hook'> {
  /** Kernel-assigned handle (NFTA_CHAIN_HANDLE), stable for the chain's life; usable instead of the name in a ChainRef. */
  handle: number;
  /** Hook of a base chain by name; the raw hook number when this version has no name for it in the family. */
  hook?: ChainHook | number;
  /** Base chain priority (NFTA_HOOK_PRIORITY), names resolved to numbers: `filter` lists as 0, `dstnat` as -100. */
  priority?: number;
  /** Devices of a netdev chain (NFTA_HOOK_DEVS), also when it has one (then `device` names it as well). */
  devices?: string[];
  /** Flags the kernel reports; unnamed bits appear as hex strings. Absent when the kernel sends no NFTA_CHAIN_FLAGS. */
  flags?: (ChainFlag | `0x${string}`)[];
  /** Number of rules and jumps referring to it. */
  use: number;
  /** Policy counters of a base chain. */
  counters?: {
    /** Packets the policy decided. */
    packets: number;
    /** Bytes of those packets. */
    bytes: number;
  };
  /** Raw NFTA_CHAIN_USERDATA (nft's TLVs, of which `comment` is decoded); absent when the chain has none. */
  userdata?: Buffer;
  /** Attributes this version does not decode, kept verbatim; absent when there are none. */
  unknown?: RawAttribute[];
}

/** Names a chain, by name or by handle, for delete. */
export type ChainRef =
  | {
      /** Family of the chain's table. */
      family: NftFamily;
      /** Name of the chain's table. */
      table: string;
      /** Chain name. */
      name: string;
    }
  | {
      /** Family of the chain's table. */
      family: NftFamily;
      /** Name of the chain's table. */
      table: string;
      /** Chain handle (NFTA_CHAIN_HANDLE) from a listing, as in `nft delete chain inet filter handle 4`. */
      handle: number;
    };

function label(family: NftFamily, table: string, name: string): string {
  return `${family} ${table} ${name}`;
}

/** A ChainSpec's fields, and those of a listed Chain (ignored), so a listed chain can be added again. */
const CHAIN_SPEC_KEYS: ReadonlySet<string> = new Set([
  'family', 'table', 'name', 'type', 'hook', 'priority', 'policy', 'device', 'comment',
  'handle', 'devices', 'flags', 'use', 'counters', 'userdata', 'unknown',
]);

/** Checks a chain before anything is sent: a base chain needs type, hook and priority (and a device on netdev). */
export function validateChain(spec: ChainSpec): void {
  requireSpec(spec, 'chain spec', "{ family: 'inet', table: 'filter', name: 'input', type: 'filter', hook: 'input', priority: 0 }", CHAIN_SPEC_KEYS);
  familyNumber(spec.family, 'chain spec family');
  requireName(spec.table, 'table');
  requireName(spec.name, 'chain');
  const base = spec.hook !== undefined || spec.type !== undefined || spec.priority !== undefined;
  const what = `chain ${label(spec.family, spec.table, spec.name)}`;
  if (base) {
    if (spec.hook === undefined) throw new InvalidArgumentError(`base ${what} needs a hook (e.g. input, forward, prerouting)`);
    if (spec.type === undefined) throw new InvalidArgumentError(`base ${what} needs a type (filter, nat or route)`);
    if (spec.priority === undefined) throw new InvalidArgumentError(`base ${what} needs a priority (a number or filter, dstnat, srcnat...)`);
    hookNumber(spec.family, spec.hook);
    requireChainType(spec.family, spec.type);
    priorityNumber(spec.family, spec.priority);
    if (spec.type === 'nat' && spec.policy === 'drop') throw new InvalidArgumentError(`${what}: nat chains accept no drop policy`);
    if (spec.family === 'netdev' && chainDevices(spec, what).length === 0) {
      throw new InvalidArgumentError(`netdev ${what} needs the device it hooks to`);
    }
  } else if (spec.policy !== undefined || spec.device !== undefined || spec.devices !== undefined) {
    throw new InvalidArgumentError(`${what}: policy and device belong to base chains (give type, hook and priority too)`);
  }
  if (spec.policy !== undefined) requireOneOf(spec.policy, `${what} policy`, ['accept', 'drop']);
  chainDevices(spec, what);
  if (spec.comment !== undefined) commentEntry(UDATA_COMMENT, spec.comment, 'chain');
}

/** An interface name as the kernel takes one in a hook (IFNAMSIZ: 1-15 bytes); chains and flowtables bind devices. */
export function requireDevice(name: unknown, what: string): string {
  if (typeof name !== 'string' || name === '' || Buffer.byteLength(name) >= 16) {
    throw new InvalidArgumentError(`${what}: a device must be an interface name of 1-15 bytes, got ${jsonOf(name)}`);
  }
  return name;
}

/**
 * The devices a chain hooks to: `devices`, and `device` when given (a listed
 * chain has both for one device; a `device` that is not among `devices` is refused).
 */
function chainDevices(spec: ChainSpec, what: string): string[] {
  const out: string[] = [];
  if (spec.devices !== undefined) {
    if (!Array.isArray(spec.devices)) throw new InvalidArgumentError(`${what}: devices must be an array of interface names`);
    for (const d of spec.devices) if (!out.includes(requireDevice(d, what))) out.push(d);
  }
  if (spec.device !== undefined) {
    requireDevice(spec.device, what);
    if (spec.devices === undefined) out.push(spec.device);
    else if (!out.includes(spec.device)) throw new InvalidArgumentError(`${what}: device ${spec.device} is not among devices ${out.join(', ')}`);
  }
  return out;
}

/** `add chain` (idempotent; updates the policy of an existing base chain), or `create chain` with `exclusive`. */
export function addChainCommand(spec: ChainSpec, exclusive = false): BatchCommand {
  validateChain(spec);
  return {
    message: NFT_MSG_NEWCHAIN,
    family: familyNumber(spec.family),
    flags: NLM_F_CREATE | (exclusive ? NLM_F_EXCL : 0),
    operation: exclusive ? 'create chain' : 'add chain',
    object: label(spec.family, spec.table, spec.name),
    encode(w) {
      w.string(NFTA_CHAIN_TABLE, spec.table);
      w.string(NFTA_CHAIN_NAME, spec.name);
      if (spec.policy !== undefined) w.be32(NFTA_CHAIN_POLICY, policies.encode(spec.policy));
      if (spec.comment !== undefined) w.binary(NFTA_CHAIN_USERDATA, encodeUserdata([commentEntry(UDATA_COMMENT, spec.comment, 'chain')]));
      if (spec.hook !== undefined) {
        w.string(NFTA_CHAIN_TYPE, spec.type!);
        const hook = w.beginNested(NFTA_CHAIN_HOOK);
        w.be32(NFTA_HOOK_HOOKNUM, hookNumber(spec.family, spec.hook));
        w.be32(NFTA_HOOK_PRIORITY, priorityNumber(spec.family, spec.priority) >>> 0);
        // As nft sends it: one device as NFTA_HOOK_DEV, several as NFTA_HOOK_DEVS of NFTA_DEVICE_NAME.
        const devices = chainDevices(spec, 'chain');
        if (devices.length === 1) w.string(NFTA_HOOK_DEV, devices[0]!);
        else if (devices.length > 1) {
          const list = w.beginNested(NFTA_HOOK_DEVS);
          for (const d of devices) w.string(NFTA_DEVICE_NAME, d);
          w.endNested(list);
        }
        w.endNested(hook);
      }
    },
  };
}

function refLabel(ref: ChainRef): string {
  return 'name' in ref ? label(ref.family, ref.table, ref.name) : `${ref.family} ${ref.table} handle ${ref.handle}`;
}

/** `delete chain`: the chain must be empty and not jumped to. */
export function deleteChainCommand(ref: ChainRef): BatchCommand {
  requireObject(ref, 'chain ref', "{ family: 'inet', table: 'filter', name: 'input' }");
  const family = familyNumber(ref.family, 'chain ref family');
  requireName(ref.table, 'table');
  if ('handle' in ref && !('name' in ref)) requireHandle(ref.handle, 'chain');
  else requireName((ref as { name: unknown }).name, 'chain');
  return {
    message: NFT_MSG_DELCHAIN,
    family,
    flags: 0,
    operation: 'delete chain',
    object: refLabel(ref),
    encode(w) {
      w.string(NFTA_CHAIN_TABLE, ref.table);
      if ('name' in ref) w.string(NFTA_CHAIN_NAME, ref.name);
      else w.be64(NFTA_CHAIN_HANDLE, ref.handle);
    },
  };
}

/** `flush chain`: deletes all its rules. */
export function flushChainCommand(ref: { family: NftFamily; table: string; name: string }): BatchCommand {
  requireObject(ref, 'chain ref', "{ family: 'inet', table: 'filter', name: 'input' }");
  const family = familyNumber(ref.family, 'chain ref family');
  requireName(ref.table, 'table');
  requireName(ref.name, 'chain');
  return {
    message: NFT_MSG_DELRULE,
    family,
    flags: 0,
    operation: 'flush chain',
    object: label(ref.family, ref.table, ref.name),
    encode(w) {
      w.string(NFTA_RULE_TABLE, ref.table);
      w.string(NFTA_RULE_CHAIN, ref.name);
    },
  };
}

export function decodeChain(m: Message): Chain {
  const family = familyName(readNfgenmsg(m).family);
  const chain: Chain = { family, table: '', name: '', handle: 0, use: 0 };
  const c = nftAttributes(m);
  while (c.next()) {
    switch (c.type) {
      case NFTA_CHAIN_TABLE: chain.table = c.string(); break;
      case NFTA_CHAIN_NAME: chain.name = c.string(); break;
      case NFTA_CHAIN_HANDLE: chain.handle = Number(c.be64()); break;
      case NFTA_CHAIN_TYPE: chain.type = c.string() as ChainType; break;
      case NFTA_CHAIN_POLICY: chain.policy = policies.decode(c.be32()) as ChainPolicy; break;
      case NFTA_CHAIN_USE: chain.use = c.be32(); break;
      case NFTA_CHAIN_FLAGS: chain.flags = chainFlags.decode(c.be32()); break;
      case NFTA_CHAIN_ID: break;
      case NFTA_CHAIN_PAD: break;
      case NFTA_CHAIN_HOOK: {
        const h = c.nestedCursor();
        while (h.next()) {
          switch (h.type) {
            case NFTA_HOOK_HOOKNUM: chain.hook = hookName(family, h.be32()); break;
            case NFTA_HOOK_PRIORITY: chain.priority = h.s32be(); break;
            case NFTA_HOOK_DEV: chain.device = h.string(); break;
            case NFTA_HOOK_DEVS: {
              const d = h.nestedCursor();
              chain.devices = [];
              while (d.next()) if (d.type === NFTA_DEVICE_NAME) chain.devices.push(d.string());
              break;
            }
          }
        }
        break;
      }
      case NFTA_CHAIN_COUNTERS: {
        const k = c.nestedCursor();
        const counters = { packets: 0, bytes: 0 };
        while (k.next()) {
          if (k.type === NFTA_COUNTER_BYTES) counters.bytes = Number(k.be64());
          else if (k.type === NFTA_COUNTER_PACKETS) counters.packets = Number(k.be64());
        }
        chain.counters = counters;
        break;
      }
      case NFTA_CHAIN_USERDATA: {
        chain.userdata = c.bytes();
        const comment = userdataString(decodeUserdata(chain.userdata), UDATA_COMMENT);
        if (comment !== undefined) chain.comment = comment;
        break;
      }
      default: (chain.unknown ??= []).push(c.raw());
    }
  }
  return chain;
}
