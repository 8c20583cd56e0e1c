// Tables, chains, sets and named stateful objects as nft's JSON prints them.
import type { Chain } from '../../objects/chain.js';
import type { Flowtable } from '../../objects/flowtable.js';
import type { StatefulObject, StatefulObjectSpec } from '../../objects/stateful.js';
import type { Table } from '../../objects/table.js';
import type { NftJsonChain, NftJsonObject, NftJsonSet, NftJsonTable, NftJsonValue } from '../schema.js';
import { NftJsonUnsupportedError } from './errors.js';
import { elementsJson, type SetWithElements } from './set-elements.js';
import { byteUnits, statefulJson } from './statements.js';
import { flagsJson, type ValueContext } from './values.js';
import { textOf } from '../../../netlink/checks.js';

/**
 * A table. nft 1.0.6 prints a table's flags from freed memory (garbage, even
 * broken JSON); nlkit prints what it means: one flag as a string, several as an array.
 * Table comments nft 1.0.6 leaves out of its JSON, so nlkit does too.
 */
export function tableJson(t: Table): NftJsonTable {
  const out: NftJsonTable = { family: t.family, name: t.name, handle: t.handle };
  const flags = (t.flags ?? []).filter((f) => !f.startsWith('0x'));
  if (flags.length) out.flags = flagsJson(flags) as string | string[];
  return out;
}

/** A chain; nft 1.0.6 prints neither a chain's comment nor the devices of a netdev chain in JSON. */
export function chainJson(c: Chain, what: string): NftJsonChain {
  const out: NftJsonChain = { family: c.family, table: c.table, name: c.name, handle: c.handle };
  if (c.hook === undefined) return out;
  if (typeof c.hook === 'number') throw new NftJsonUnsupportedError(`hook ${c.hook} is not one nft names in the ${c.family} family`, what);
  out.type = c.type ?? 'filter';
  out.hook = c.hook;
  out.prio = c.priority ?? 0;
  out.policy = c.policy ?? 'accept';
  return out;
}

/** nft's printed set flags (1.0.6 prints no `dynamic`). */
const PRINTED_SET_FLAGS = ['constant', 'interval', 'timeout'];

/** A named set or map, with its elements. */
export function setJson(s: SetWithElements, ctx: ValueContext, what: string): { set: NftJsonSet } | { map: NftJsonSet } {
  if (typeof s.type === 'number' || typeof s.map === 'number' || typeof s.objectType === 'number') {
    throw new NftJsonUnsupportedError('its key, data or object type is not one nlkit knows', what);
  }
  // A sized integer or string key (from `typeof`) prints as plain `integer` or `string`; nft calls dates `time` too.
  const plain = (t: string) => (t === 'date' ? 'time' : t.replace(/^(integer|string)\(.*\)$/, '$1'));
  const out: NftJsonSet = { family: s.family, name: s.name, table: s.table, type: Array.isArray(s.type) ? s.type.map(plain) : plain(s.type), handle: s.handle };
  const map = s.objectType ?? (s.map === undefined ? undefined : Array.isArray(s.map) ? s.map.map(plain).join(' . ') : plain(s.map));
  // nft's key order: the comment before the map's data type.
  if (s.comment !== undefined) out.comment = s.comment;
  if (map !== undefined) out.map = map;
  if (s.policy !== undefined && s.policy !== 'performance') out.policy = s.policy as string;
  // nft sizes constant sets itself (to their elements) and does not print that size.
  if (s.size !== undefined && !s.flags.includes('constant')) out.size = s.size;
  const flags = PRINTED_SET_FLAGS.filter((f) => s.flags.includes(f as never));
  if (flags.length) out.flags = flags;
  if (s.timeout !== undefined) out.timeout = Math.floor(s.timeout / 1000);
  if (s.gcInterval !== undefined) out['gc-interval'] = Math.floor(s.gcInterval / 1000);
  if (s.elements.length) out.elem = elementsJson(s, ctx, (e, w) => statefulJson(e, w, false), what);
  if (s.expressions?.length) out.stmt = s.expressions.map((e) => statefulJson(e, what, true));
  return map !== undefined ? { map: out } : { set: out };
}

/** nft's default conntrack timeouts (src/ct.c): a timeout policy prints only the states that differ. */
const DEFAULT_TIMEOUTS: Record<string, Record<string, number>> = {
  tcp: {
    syn_sent: 120, syn_recv: 60, established: 432000, fin_wait: 120, close_wait: 60, last_ack: 30, time_wait: 120,
    close: 10, syn_sent2: 120, retrans: 300, unack: 300,
  },
  udp: { unreplied: 30, replied: 120 },
};

function named(value: string | number, what: string, field: string): string {
  if (typeof value === 'number') throw new NftJsonUnsupportedError(`${field} ${value} is not one nlkit names`, what);
  return value;
}

const KNOWN_OBJECTS = new Set(['counter', 'quota', 'limit', 'ct helper', 'ct timeout', 'ct expectation', 'synproxy', 'secmark']);

/** A named stateful object: `{"counter": {...}}`, `{"ct helper": {...}}`... */
export function objectJson(object: StatefulObject, what: string): { [type: string]: NftJsonObject } {
  if (typeof object.type !== 'string' || !KNOWN_OBJECTS.has(object.type) || 'data' in object) {
    throw new NftJsonUnsupportedError(`objects of type ${textOf(object.type)} are not printed by nlkit yet`, what);
  }
  const o = object as StatefulObjectSpec & { handle: number };
  const base: NftJsonObject = { family: o.family, name: o.name, table: o.table, handle: o.handle };
  const fields: { [k: string]: NftJsonValue } = {};
  switch (o.type) {
    case 'counter':
      Object.assign(fields, { packets: o.packets ?? 0, bytes: o.bytes ?? 0 });
      break;
    case 'quota':
      Object.assign(fields, { bytes: o.bytes, used: o.consumed ?? 0, inv: o.over ?? false });
      break;
    case 'limit': {
      fields.rate = o.rate;
      fields.per = typeof o.unit === 'string' ? o.unit : named(o.unit, what, 'limit unit');
      if (o.per === 'bytes') {
        // nft's key order: rate, per, inv, rate_unit, burst, burst_unit.
        const [rate, unit] = byteUnits(o.rate);
        fields.rate = rate;
        if (o.over) fields.inv = true;
        fields.rate_unit = unit;
        if (o.burst) {
          const [burst, burstUnit] = byteUnits(o.burst);
          Object.assign(fields, { burst, burst_unit: burstUnit });
        }
      } else {
        // nft's key order: inv before burst.
        if (o.over) fields.inv = true;
        if (o.burst) fields.burst = o.burst;
      }
      break;
    }
    case 'ct helper':
      Object.assign(fields, { type: o.helper, protocol: named(o.protocol, what, 'protocol'), l3proto: named(o.l3proto ?? o.family, what, 'l3proto') });
      break;
    case 'ct timeout': {
      const protocol = named(o.protocol, what, 'protocol');
      const defaults = DEFAULT_TIMEOUTS[protocol];
      if (!defaults) throw new NftJsonUnsupportedError(`nlkit does not know nft's default ${protocol} timeouts`, what);
      const policy: { [k: string]: NftJsonValue } = {};
      for (const [listed, seconds] of Object.entries(o.policy)) {
        // nft's name for the last tcp state is shorter than the kernel header's.
        const state = listed === 'unacknowledged' ? 'unack' : listed;
        if (defaults[state] !== seconds) policy[state] = seconds;
      }
      Object.assign(fields, { protocol, l3proto: named(o.l3proto ?? o.family, what, 'l3proto'), policy });
      break;
    }
    case 'ct expectation':
      Object.assign(fields, { protocol: named(o.protocol, what, 'protocol'), dport: o.dport, timeout: o.timeout, size: o.size, l3proto: named(o.l3proto ?? o.family, what, 'l3proto') });
      break;
    case 'synproxy': {
      if (o.mss !== undefined) fields.mss = o.mss;
      if (o.wscale !== undefined) fields.wscale = o.wscale;
      const flags = o.flags ?? [];
      if (flags.length) fields.flags = [...flags];
      break;
    }
    case 'secmark':
      fields.context = o.context;
      break;
  }
  // nft's key order: the comment right after the handle, before the object's own fields.
  return { [o.type]: { ...base, ...(o.comment !== undefined ? { comment: o.comment } : {}), ...fields } };
}

/** A flowtable: hook, priority and devices (one device prints as a string). */
export function flowtableJson(f: Flowtable, what: string): NftJsonObject {
  if (typeof f.hook === 'number') throw new NftJsonUnsupportedError(`flowtable hook ${f.hook} is not one nft names`, what);
  const out: NftJsonObject = { family: f.family, name: f.name, table: f.table, handle: f.handle, hook: f.hook, prio: f.priority };
  if (f.devices.length) out.dev = f.devices.length === 1 ? f.devices[0]! : [...f.devices];
  return out;
}
