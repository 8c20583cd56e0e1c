// How a value prints, from the datatype of what it is compared with or
// assigned to: marks as 0x%08x, interface names and other strings quoted,
// the rest in the words nlkit's JSON already holds.
import type { NftJsonValue } from '../json/schema.js';
import { DATATYPES } from '../objects/datatypes.js';
import { duration } from './layout.js';

/** What nft's datatype does to a plain value: `mark` pads hex to 32 bits, `string` quotes, `hex` prints 0x…. */
export type ValueHint = 'mark' | 'string' | 'ifindex' | 'hex' | 'hex2' | 'hex4' | 'time' | 'seconds' | 'plain' | `sym:${string}` | ValueHint[];

/**
 * Symbolic types whose ranges nft prints as numbers (`cs1-cs3` is `0x08-0x18`),
 * with the base of those numbers.
 */
const RANGE_NUMBERS: Record<string, 'hex' | 'hex2' | 'plain'> = {
  dscp: 'hex2', ecn: 'hex', icmp_code: 'plain', icmp_type: 'plain', icmpv6_type: 'plain', icmpv6_code: 'plain', icmpx_code: 'plain',
  arp_op: 'plain', pkt_type: 'plain', day: 'plain', dccp_pkttype: 'plain', ct_dir: 'plain', fib_addrtype: 'plain', mh_type: 'plain',
  devgroup: 'plain', realm: 'plain', igmp_type: 'plain', iface_type: 'plain',
};
/** Symbolic types whose names nft quotes. */
const QUOTED_SYMBOLS = new Set(['sym:day', 'sym:devgroup', 'sym:realm']);

const MARK_TYPES = new Set(['mark']);
const STRING_TYPES = new Set(['ifname', 'string', 'hour']);
/** Types whose names nft quotes and whose plain numbers it does not (an interface index without a name). */
const INDEX_TYPES = new Set(['iface_index']);
const META_INDEXES = new Set(['iif', 'oif', 'sdif']);
const HEX_TYPES: Record<string, ValueHint> = { ether_type: 'hex4', dscp: 'hex2' };
/** Payload fields whose numbers nft prints in hex (their datatype's base). */
const HEX_FIELDS: Record<string, ValueHint> = { 'ether type': 'hex4', 'vlan type': 'hex4', 'ip dscp': 'hex2', 'ip6 dscp': 'hex2', 'comp flags': 'hex' };
const META_STRINGS = new Set(['iifname', 'oifname', 'ibrname', 'obrname', 'ibriport', 'obriport', 'sdifname', 'iifkind', 'oifkind', 'day', 'hour', 'time']);

/** The hint for a set or map's declared type (`ipv4_addr`, `mark`, or a concatenation). */
export function hintOfType(type: NftJsonValue | undefined): ValueHint {
  if (Array.isArray(type)) return type.map((t) => hintOfType(t));
  if (typeof type !== 'string') return 'plain';
  if (MARK_TYPES.has(type)) return 'mark';
  if (STRING_TYPES.has(type)) return 'string';
  if (RANGE_NUMBERS[type]) return `sym:${type}`;
  if (INDEX_TYPES.has(type)) return 'ifindex';
  if (type === 'time') return 'time';
  return HEX_TYPES[type] ?? 'plain';
}

/** The hint an expression gives the values it is compared with. */
export function hintOf(expr: NftJsonValue | undefined): ValueHint {
  if (expr === null || typeof expr !== 'object' || Array.isArray(expr)) return 'plain';
  const [kind, body] = Object.entries(expr)[0] ?? ['', null];
  const b = body as Record<string, NftJsonValue> | null;
  switch (kind) {
    case 'payload':
      if (b?.protocol === undefined) return 'hex';
      return HEX_FIELDS[`${b.protocol} ${b.field}`] ?? 'plain';
    case 'meta':
      if (b?.key === 'mark') return 'mark';
      if (META_INDEXES.has(String(b?.key))) return 'ifindex';
      if (b?.key === 'iifgroup' || b?.key === 'oifgroup') return 'sym:devgroup';
      if (b?.key === 'rtclassid') return 'sym:realm';
      return META_STRINGS.has(String(b?.key)) ? 'string' : 'plain';
    case 'socket':
      return b?.key === 'mark' ? 'mark' : 'plain';
    case 'fib':
      return b?.result === 'oif' ? 'ifindex' : b?.result === 'oifname' ? 'string' : 'plain';
    case 'ct':
      if (b?.key === 'mark') return 'mark';
      if (b?.key === 'expiration') return 'seconds';
      return b?.key === 'helper' ? 'string' : 'plain';
    case 'osf':
      return 'string';
    case 'concat':
      return (body as NftJsonValue[]).map((e) => hintOf(e));
    case '&': case '|': case '^':
      return hintOf((body as NftJsonValue[])[0]);
    case 'map':
      return hintOf(b?.data);
    case 'numgen': case 'jhash': case 'symhash':
      return 'plain';
    default:
      return 'plain';
  }
}

/** A hint for one part of a concatenation. */
export function partHint(hint: ValueHint, i: number): ValueHint {
  return Array.isArray(hint) ? (hint[i] ?? 'plain') : hint;
}

/** A value at one end of a range: names of a symbolic type become its numbers there. */
export function rangeEnd(v: NftJsonValue, hint: ValueHint): NftJsonValue | string {
  // Durations at the ends of a range print in seconds (`1s-60s`), as a ct expiration does.
  if (hint === 'time' && typeof v === 'number') return `${v}s`;
  if (typeof hint !== 'string' || !hint.startsWith('sym:')) return v;
  if (typeof v === 'number') return numberText(v, hint);
  const type = DATATYPES[hint.slice(4)];
  if (!type || typeof v !== 'string') return v;
  let bytes: Buffer;
  try {
    bytes = type.encode(v, 'range');
  } catch {
    return v;
  }
  const n = type.byteorder === 'host' ? bytes.readUIntLE(0, bytes.length) : bytes.readUIntBE(0, bytes.length);
  return numberText(n, RANGE_NUMBERS[hint.slice(4)]!);
}

/** A number under its hint. */
export function numberText(n: number, hint: ValueHint): string {
  if (typeof hint === 'string' && hint.startsWith('sym:')) return numberText(n, RANGE_NUMBERS[hint.slice(4)] ?? 'plain');
  if (hint === 'mark') return `0x${n.toString(16).padStart(8, '0')}`;
  if (hint === 'hex') return `0x${n.toString(16)}`;
  if (hint === 'hex2') return `0x${n.toString(16).padStart(2, '0')}`;
  if (hint === 'hex4') return `0x${n.toString(16).padStart(4, '0')}`;
  if (hint === 'time') return duration(n * 1000);
  if (hint === 'seconds') return `${n}s`;
  return String(n);
}

/** A string value under its hint (`@set` references and symbols print bare). */
export function stringText(s: string, hint: ValueHint): string {
  if (hint === 'string' && !s.startsWith('@')) return `"${s}"`;
  if (typeof hint === 'string' && QUOTED_SYMBOLS.has(hint) && !s.startsWith('@') && !/^(0x)?\d+$/.test(s)) return `"${s}"`;
  if (hint === 'time' && !s.startsWith('@')) return `"${s}"`;
  if (hint === 'ifindex' && !s.startsWith('@') && !/^\d+$/.test(s)) return `"${s}"`;
  return s;
}
