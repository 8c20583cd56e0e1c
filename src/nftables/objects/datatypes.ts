import {
  IPPROTO_AH, IPPROTO_DCCP, IPPROTO_ESP, IPPROTO_GRE, IPPROTO_ICMP, IPPROTO_IGMP, IPPROTO_SCTP, IPPROTO_TCP,
  IPPROTO_UDP, IPPROTO_UDPLITE,
} from '../../generated/in.js';
import { IPPROTO_ICMPV6 } from '../../generated/in6.js';
import { encodeIp, formatIp, formatMac, encodeMac, InvalidArgumentError, ipFamily, parseCidr } from '../../netlink/addresses.js';
import { describeValue, jsonOf } from '../../netlink/checks.js';
import {
  ARP_OPS, BOOLEANS, CT_DIRS, CT_EVENTS, CT_STATES, CT_STATUSES, DAYS, DCCP_PKTTYPES, DEVGROUPS, DSCPS, ECNS, ETHER_TYPES,
  FIB_ADDRTYPES, ICMP_CODES, ICMP_TYPES, ICMPV6_CODES, ICMPV6_TYPES, ICMPX_CODES, IFACE_TYPES, IGMP_TYPES, MH_TYPES, NFPROTOS,
  PKT_TYPES, TCP_FLAGS,
} from './datatype-symbols.js';
import type { PartHint } from './typeof.js';
import { ctLabelType, registerType, wideIntegerType } from './wide-integers.js';

/** A value as written in nft syntax: an address, a port, a name, or (intervals) `a-b` and `a/len`. */
export type ScalarValue = string | number;

/**
 * One of nft's data types as a set key or map data: its number (what
 * NFTA_SET_KEY_TYPE carries so `nft list` knows how to print it), its size,
 * byte order, and how values look.
 */
export interface Datatype {
  /** nft's name for the type, as written in `type ipv4_addr;`. */
  readonly name: string;
  /** nft's TYPE_* number (src/datatype.h of nftables; userspace, not in the uapi). */
  readonly id: number;
  /** Size in bytes. */
  readonly length: number;
  /** How nft records the byte order in set userdata; single bytes have none. */
  readonly byteorder: 'big' | 'host' | 'none';
  /**
   * Whether values are ordered numbers, so ranges and prefixes make sense. Host-order numbers
   * count too: in interval sets nft stores them big-endian (KeyType swaps them there).
   */
  readonly ordered: boolean;
  /** A string type (`ifname`, `string`): bytes as they are, never byte-swapped. */
  readonly text?: boolean;
  /** Encodes one value to its `length` wire bytes; `what` names it in the InvalidArgumentError thrown for a value that does not fit the type. */
  encode(value: ScalarValue, what: string): Buffer;
  /** Formats wire bytes the way nft prints them: an address string, a protocol name, a port number. */
  format(bytes: Buffer): ScalarValue;
}

// Userspace numbers from nftables' datatype.h (enum datatypes).
const TYPE_INVALID = 0;
const TYPE_VERDICT = 1;
const TYPE_NFPROTO = 2;
const TYPE_INTEGER = 4;
const TYPE_STRING = 5;
const TYPE_IPADDR = 7;
const TYPE_IP6ADDR = 8;
const TYPE_ETHERADDR = 9;
const TYPE_ETHERTYPE = 10;
const TYPE_ARPOP = 11;
const TYPE_INET_PROTOCOL = 12;
const TYPE_INET_SERVICE = 13;
const TYPE_ICMP_TYPE = 14;
const TYPE_TCP_FLAG = 15;
const TYPE_DCCP_PKTTYPE = 16;
const TYPE_MH_TYPE = 17;
const TYPE_TIME = 18;
const TYPE_MARK = 19;
const TYPE_IFINDEX = 20;
const TYPE_ARPHRD = 21;
const TYPE_REALM = 22;
const TYPE_CLASSID = 23;
const TYPE_UID = 24;
const TYPE_GID = 25;
const TYPE_CT_STATE = 26;
const TYPE_CT_DIR = 27;
const TYPE_CT_STATUS = 28;
const TYPE_ICMP6_TYPE = 29;
const TYPE_CT_LABEL = 30;
const TYPE_PKTTYPE = 31;
const TYPE_ICMP_CODE = 32;
const TYPE_ICMPV6_CODE = 33;
const TYPE_ICMPX_CODE = 34;
const TYPE_DEVGROUP = 35;
const TYPE_DSCP = 36;
const TYPE_ECN = 37;
const TYPE_FIB_ADDR = 38;
const TYPE_BOOLEAN = 39;
const TYPE_CT_EVENTBIT = 40;
const TYPE_IFNAME = 41;
const TYPE_IGMP_TYPE = 42;
const TYPE_TIME_DATE = 43;
const TYPE_TIME_HOUR = 44;
const TYPE_TIME_DAY = 45;
const TYPE_CGROUPV2 = 46;
const IFNAMSIZ = 16;

/** Protocol names as `nft` prints them (from /etc/protocols). */
const PROTOCOLS: Record<string, number> = {
  icmp: IPPROTO_ICMP, igmp: IPPROTO_IGMP, tcp: IPPROTO_TCP, udp: IPPROTO_UDP, dccp: IPPROTO_DCCP, gre: IPPROTO_GRE,
  esp: IPPROTO_ESP, ah: IPPROTO_AH, 'ipv6-icmp': IPPROTO_ICMPV6, sctp: IPPROTO_SCTP, udplite: IPPROTO_UDPLITE,
};
const PROTOCOL_NAMES = new Map(Object.entries(PROTOCOLS).map(([k, v]) => [v, k]));

/** Protocol number of `tcp`, `udp`, `icmp`, `ipv6-icmp` (alias `icmpv6`)... or of a number. */
export function protocolNumber(value: ScalarValue, what = 'protocol'): number {
  if (typeof value === 'number') return uint(value, what, 0xff);
  const name = value === 'icmpv6' ? 'ipv6-icmp' : value;
  const n = PROTOCOLS[name] ?? (/^\d+$/.test(value) ? Number(value) : undefined);
  if (n === undefined || n > 0xff) throw new InvalidArgumentError(`${what} "${value}" is not a protocol name (${Object.keys(PROTOCOLS).join(', ')}) or number`);
  return n;
}

function uint(value: ScalarValue, what: string, max: number): number {
  const n = typeof value === 'number' ? value : /^(0x[0-9a-f]+|\d+)$/i.test(value) ? Number(value) : NaN;
  if (!Number.isInteger(n) || n < 0 || n > max) throw new InvalidArgumentError(`${what} must be an integer 0-${max}, got ${jsonOf(value)}`);
  return n;
}

function address(family: 4 | 6) {
  return (value: ScalarValue, what: string): Buffer => {
    if (typeof value !== 'string' || ipFamily(value) !== family) {
      throw new InvalidArgumentError(`${what} ${jsonOf(value)} is not an IPv${family} address`);
    }
    return encodeIp(value);
  };
}

const NUMBER = /^(0x[0-9a-f]+|\d+)$/i;

function readUint(b: Buffer, big: boolean): number {
  return big ? b.readUIntBE(0, b.length) : b.readUIntLE(0, b.length);
}

function writeUint(n: number, length: number, big: boolean): Buffer {
  const b = Buffer.alloc(length);
  if (big) b.writeUIntBE(n, 0, length);
  else b.writeUIntLE(n, 0, length);
  return b;
}

/** value → name, the first name winning where two share a value (nft prints `host`, not `unicast`). */
function namesByValue(names: Record<string, number>): Map<number, string> {
  const out = new Map<number, string>();
  for (const [k, v] of Object.entries(names)) if (!out.has(v)) out.set(v, k);
  return out;
}

/** The integer and bitmask types: those a set may hold at another width than their own (registerType). */
const NUMERIC = new WeakSet<Datatype>();

function numeric(type: Datatype): Datatype {
  NUMERIC.add(type);
  return type;
}

/**
 * An unsigned integer of `length` bytes, big-endian or in host order, with
 * optional names for values (`established`, `local`) and an optional maximum
 * below the byte width (`dscp` is 6 bits).
 *
 * Above that maximum, a value is the raw register byte: the anonymous set of
 * `ip dscp { cs1, ef }` holds the field where the packet has it, shifted left
 * by 2 (ef is 0xb8). Such bytes format as a hex string (`'0xb8'`), and a hex
 * string up to the byte width encodes as given, so they round-trip; a decimal
 * number or a name still has to fit the field.
 */
export function integerType(
  name: string, id: number, length: number, byteorder: 'big' | 'host' | 'none', names: Record<string, number> = {}, max = 2 ** (length * 8) - 1,
): Datatype {
  const byName = new Map(Object.entries(names));
  const byValue = namesByValue(names);
  const big = byteorder !== 'host';
  const width = 2 ** (length * 8) - 1;
  return numeric({
    name, id, length, byteorder, ordered: true,
    encode(value: ScalarValue, what: string): Buffer {
      const n = typeof value === 'number' ? value : byName.get(value) ?? (NUMBER.test(value) ? Number(value) : NaN);
      const limit = typeof value === 'string' && /^0x/i.test(value) ? width : max;
      if (!Number.isInteger(n) || n < 0 || n > limit) {
        const known = byName.size ? ` or one of ${[...byName.keys()].join(', ')}` : '';
        const raw = max < width ? ` (or a raw register value 0x0-0x${width.toString(16)})` : '';
        throw new InvalidArgumentError(`${what} must be an integer 0-${max}${known}${raw}, got ${jsonOf(value)}`);
      }
      return writeUint(n, length, big);
    },
    format(b: Buffer): ScalarValue {
      const n = readUint(b, big);
      return byValue.get(n) ?? (n > max ? `0x${n.toString(16)}` : n);
    },
  });
}

/**
 * A bitmask (`ct_state`, `tcp_flag`): a named bit, a number, or bits joined
 * with `|` (`syn|ack`, as nft's JSON `{"|": ["syn", "ack"]}`). A value of one
 * known bit formats as its name, a value with no known bit as a number.
 */
export function bitmaskType(name: string, id: number, length: number, byteorder: 'big' | 'host', bits: Record<string, number>): Datatype {
  const max = 2 ** (length * 8) - 1;
  const big = byteorder === 'big';
  const known = Object.entries(bits);
  return numeric({
    name, id, length, byteorder, ordered: true,
    encode(value: ScalarValue, what: string): Buffer {
      let n = 0;
      const parts = typeof value === 'number' ? [value] : value.split('|').map((p) => p.trim());
      for (const part of parts) {
        const bit = typeof part === 'number' ? part : Object.hasOwn(bits, part) ? bits[part]! : NUMBER.test(part) ? Number(part) : NaN;
        if (!Number.isInteger(bit) || bit < 0 || bit > max) {
          throw new InvalidArgumentError(`${what} must be a ${name}: ${known.map(([k]) => k).join(', ')}, an integer 0-${max}, or several joined with |, got ${jsonOf(value)}`);
        }
        n = (n | bit) >>> 0;
      }
      return writeUint(n, length, big);
    },
    format(b: Buffer): ScalarValue {
      const n = readUint(b, big);
      const names: string[] = [];
      let rest = n;
      for (const [k, v] of known) {
        if (v !== 0 && (n & v) === v && (rest & v) !== 0) {
          names.push(k);
          rest = (rest & ~v) >>> 0;
        }
      }
      if (names.length === 0) return n;
      if (rest !== 0) names.push(`0x${rest.toString(16)}`);
      return names.length === 1 ? names[0]! : names.join('|');
    },
  });
}

/** A NUL-padded string of `length` bytes (`ifname` is 16). */
function stringType(name: string, id: number, length: number, what = 'a string', maxBytes = length): Datatype {
  return {
    name, id, length, byteorder: 'host', ordered: false, text: true,
    encode(value, label) {
      if (typeof value !== 'string' || value === '' || value.includes('\0') || Buffer.byteLength(value) > maxBytes) {
        throw new InvalidArgumentError(`${label} must be ${what} of 1-${maxBytes} bytes, got ${jsonOf(value)}`);
      }
      const b = Buffer.alloc(length);
      b.write(value, 'utf8');
      return b;
    },
    format(b) {
      const nul = b.indexOf(0);
      return b.toString('utf8', 0, nul < 0 ? b.length : nul);
    },
  };
}

const TC_H_ROOT = 0xffffffff;
const TC_H_UNSPEC = 0;

/** `classid`: `root`, `none`, or `major:minor` in hex as tc writes it (`1:2`, `10:0`). */
const CLASSID: Datatype = {
  name: 'classid', id: TYPE_CLASSID, length: 4, byteorder: 'host', ordered: true,
  encode(value, what) {
    let n: number | undefined;
    if (typeof value === 'number') n = value;
    else if (value === 'root') n = TC_H_ROOT;
    else if (value === 'none') n = TC_H_UNSPEC;
    else {
      const m = /^([0-9a-f]{1,4}):([0-9a-f]{0,4})$/i.exec(value);
      if (m) n = ((parseInt(m[1]!, 16) << 16) | (m[2] ? parseInt(m[2], 16) : 0)) >>> 0;
    }
    if (n === undefined || !Number.isInteger(n) || n < 0 || n > 0xffffffff) {
      throw new InvalidArgumentError(`${what} must be a classid: root, none, major:minor in hex (1:2) or an integer, got ${jsonOf(value)}`);
    }
    return writeUint(n, 4, false);
  },
  format(b) {
    const n = b.readUInt32LE(0);
    if (n === TC_H_ROOT) return 'root';
    if (n === TC_H_UNSPEC) return 'none';
    return `${(n >>> 16).toString(16)}:${(n & 0xffff).toString(16)}`;
  },
};

const TIME_UNITS: [string, number][] = [['d', 86_400_000], ['h', 3_600_000], ['m', 60_000], ['s', 1000], ['ms', 1]];

/** nft's time string for milliseconds: `1s`, `10m`, `1h30m`, `1d2h3m4s5ms`. */
export function formatDuration(ms: number): string {
  let out = '';
  let rest = ms;
  for (const [unit, size] of TIME_UNITS) {
    const n = Math.floor(rest / size);
    if (n > 0) out += `${n}${unit}`;
    rest -= n * size;
  }
  return out || '0s';
}

/** `time` (TYPE_TIME, relative time): milliseconds in 4 host-order bytes; a number of milliseconds or nft's `1h30m`. */
const TIME: Datatype = {
  name: 'time', id: TYPE_TIME, length: 4, byteorder: 'host', ordered: true,
  encode(value, what) {
    let ms: number = NaN;
    if (typeof value === 'number') ms = value;
    else if (/^\d+$/.test(value)) ms = Number(value);
    else if (/^(\d+(d|h|ms|m|s))+$/.test(value)) {
      ms = 0;
      for (const [, n, unit] of value.matchAll(/(\d+)(d|h|ms|m|s)/g)) ms += Number(n) * TIME_UNITS.find(([u]) => u === unit)![1];
    }
    if (!Number.isInteger(ms) || ms < 0 || ms > 0xffffffff) {
      throw new InvalidArgumentError(`${what} must be a time: milliseconds, or nft's form such as 10s, 5m, 1h30m, 250ms, got ${jsonOf(value)}`);
    }
    return writeUint(ms, 4, false);
  },
  format: (b) => formatDuration(b.readUInt32LE(0)),
};

const two = (n: number) => String(n).padStart(2, '0');

/** `hour` (meta hour): seconds since midnight, 4 host-order bytes; `HH:MM` or `HH:MM:SS` (UTC: nft shifts by the local zone, which is UTC on these machines). */
const HOUR: Datatype = {
  name: 'hour', id: TYPE_TIME_HOUR, length: 4, byteorder: 'host', ordered: true,
  encode(value, what) {
    let s: number = NaN;
    if (typeof value === 'number') s = value;
    else {
      const m = /^(\d{1,2}):(\d{2})(?::(\d{2}))?$/.exec(value);
      if (m && Number(m[1]) < 24 && Number(m[2]) < 60 && Number(m[3] ?? 0) < 60) s = Number(m[1]) * 3600 + Number(m[2]) * 60 + Number(m[3] ?? 0);
    }
    if (!Number.isInteger(s) || s < 0 || s >= 86_400) throw new InvalidArgumentError(`${what} must be an hour: HH:MM or HH:MM:SS, got ${jsonOf(value)}`);
    return writeUint(s, 4, false);
  },
  format(b) {
    const s = b.readUInt32LE(0);
    const hm = `${two(Math.floor(s / 3600))}:${two(Math.floor(s / 60) % 60)}`;
    return s % 60 === 0 ? hm : `${hm}:${two(s % 60)}`;
  },
};

/** `day` (meta day): Sunday..Saturday, 0-6 (names matched without regard to case). */
const DAY: Datatype = (() => {
  const base = integerType('day', TYPE_TIME_DAY, 1, 'host', DAYS, 6);
  return {
    ...base,
    encode(value, what) {
      const named = typeof value === 'string' ? Object.keys(DAYS).find((d) => d.toLowerCase() === value.toLowerCase()) : undefined;
      return base.encode(named ?? value, what);
    },
  };
})();

/**
 * `date` (TYPE_TIME_DATE, what `meta time` compares; nft calls it `time` too, a name nlkit
 * keeps for TYPE_TIME): nanoseconds since the epoch in 8 host-order bytes, written
 * `YYYY-MM-DD HH:MM:SS` (UTC), or a number of seconds since the epoch.
 */
const DATE: Datatype = {
  name: 'date', id: TYPE_TIME_DATE, length: 8, byteorder: 'host', ordered: true,
  encode(value, what) {
    let seconds: number = NaN;
    if (typeof value === 'number') seconds = value;
    else {
      const m = /^(\d{4})-(\d{2})-(\d{2})(?: (\d{2}):(\d{2})(?::(\d{2}))?)?$/.exec(value);
      if (m) {
        const ms = Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]), Number(m[4] ?? 0), Number(m[5] ?? 0), Number(m[6] ?? 0));
        const d = new Date(ms);
        if (d.getUTCMonth() === Number(m[2]) - 1 && d.getUTCDate() === Number(m[3])) seconds = ms / 1000;
      }
    }
    if (!Number.isSafeInteger(seconds) || seconds < 0) {
      throw new InvalidArgumentError(`${what} must be a date: YYYY-MM-DD HH:MM:SS (UTC) or seconds since the epoch, got ${jsonOf(value)}`);
    }
    const b = Buffer.alloc(8);
    b.writeBigUInt64LE(BigInt(seconds) * 1_000_000_000n);
    return b;
  },
  format(b) {
    const d = new Date(Number(b.readBigUInt64LE(0) / 1_000_000n));
    return `${d.getUTCFullYear()}-${two(d.getUTCMonth() + 1)}-${two(d.getUTCDate())} ${two(d.getUTCHours())}:${two(d.getUTCMinutes())}:${two(d.getUTCSeconds())}`;
  },
};

/** The set key and map data types nlkit encodes, by nft name: `ipv4_addr`, `ipv6_addr`, `ether_addr`, `inet_proto`, `inet_service`, `mark`, `iface_index`, `ifname`. */
export const DATATYPES: Record<string, Datatype> = {
  ipv4_addr: {
    name: 'ipv4_addr', id: TYPE_IPADDR, length: 4, byteorder: 'big', ordered: true,
    encode: address(4), format: (b) => formatIp(b, 0, 4),
  },
  ipv6_addr: {
    name: 'ipv6_addr', id: TYPE_IP6ADDR, length: 16, byteorder: 'big', ordered: true,
    encode: address(6), format: (b) => formatIp(b, 0, 16),
  },
  ether_addr: {
    name: 'ether_addr', id: TYPE_ETHERADDR, length: 6, byteorder: 'big', ordered: true,
    encode(value, what) {
      if (typeof value !== 'string') throw new InvalidArgumentError(`${what} must be a MAC address string`);
      const b = encodeMac(value);
      if (b.length !== 6) throw new InvalidArgumentError(`${what} "${value}" is not a 6-byte MAC address`);
      return b;
    },
    format: (b) => formatMac(b, 0, 6),
  },
  inet_proto: {
    name: 'inet_proto', id: TYPE_INET_PROTOCOL, length: 1, byteorder: 'none', ordered: true,
    encode: (value, what) => Buffer.from([protocolNumber(value, what)]),
    format: (b) => PROTOCOL_NAMES.get(b[0]!) ?? b[0]!,
  },
  inet_service: integerType('inet_service', TYPE_INET_SERVICE, 2, 'big'),
  mark: integerType('mark', TYPE_MARK, 4, 'host'),
  iface_index: integerType('iface_index', TYPE_IFINDEX, 4, 'host'),
  ifname: stringType('ifname', TYPE_IFNAME, IFNAMSIZ, 'an interface name', IFNAMSIZ - 1),
  icmp_type: integerType('icmp_type', TYPE_ICMP_TYPE, 1, 'big', ICMP_TYPES),
  icmp_code: integerType('icmp_code', TYPE_ICMP_CODE, 1, 'big', ICMP_CODES),
  icmpv6_type: integerType('icmpv6_type', TYPE_ICMP6_TYPE, 1, 'big', ICMPV6_TYPES),
  icmpv6_code: integerType('icmpv6_code', TYPE_ICMPV6_CODE, 1, 'big', ICMPV6_CODES),
  icmpx_code: integerType('icmpx_code', TYPE_ICMPX_CODE, 1, 'big', ICMPX_CODES),
  ct_state: bitmaskType('ct_state', TYPE_CT_STATE, 4, 'host', CT_STATES),
  ct_status: bitmaskType('ct_status', TYPE_CT_STATUS, 4, 'host', CT_STATUSES),
  ct_dir: integerType('ct_dir', TYPE_CT_DIR, 1, 'none', CT_DIRS),
  tcp_flag: bitmaskType('tcp_flag', TYPE_TCP_FLAG, 1, 'big', TCP_FLAGS),
  dscp: integerType('dscp', TYPE_DSCP, 1, 'big', DSCPS, 0x3f),
  ecn: integerType('ecn', TYPE_ECN, 1, 'big', ECNS, 3),
  ether_type: integerType('ether_type', TYPE_ETHERTYPE, 2, 'big', ETHER_TYPES),
  arp_op: integerType('arp_op', TYPE_ARPOP, 2, 'big', ARP_OPS),
  pkt_type: integerType('pkt_type', TYPE_PKTTYPE, 1, 'host', PKT_TYPES),
  uid: integerType('uid', TYPE_UID, 4, 'host'),
  gid: integerType('gid', TYPE_GID, 4, 'host'),
  realm: integerType('realm', TYPE_REALM, 4, 'host'),
  classid: CLASSID,
  fib_addrtype: integerType('fib_addrtype', TYPE_FIB_ADDR, 4, 'host', FIB_ADDRTYPES),
  nf_proto: integerType('nf_proto', TYPE_NFPROTO, 1, 'none', NFPROTOS),
  dccp_pkttype: integerType('dccp_pkttype', TYPE_DCCP_PKTTYPE, 1, 'none', DCCP_PKTTYPES, 0xf),
  mh_type: integerType('mh_type', TYPE_MH_TYPE, 1, 'big', MH_TYPES),
  iface_type: integerType('iface_type', TYPE_ARPHRD, 2, 'host', IFACE_TYPES),
  devgroup: integerType('devgroup', TYPE_DEVGROUP, 4, 'host', DEVGROUPS),
  boolean: integerType('boolean', TYPE_BOOLEAN, 1, 'none', BOOLEANS, 1),
  ct_event: bitmaskType('ct_event', TYPE_CT_EVENTBIT, 4, 'host', CT_EVENTS),
  igmp_type: integerType('igmp_type', TYPE_IGMP_TYPE, 1, 'big', IGMP_TYPES),
  ct_label: ctLabelType(TYPE_CT_LABEL),
  // The cgroup's id (nft prints its path, looked up under /sys/fs/cgroup).
  cgroupsv2: numeric(wideIntegerType('cgroupsv2', TYPE_CGROUPV2, 8, 'host')),
  time: TIME,
  hour: HOUR,
  day: DAY,
  date: DATE,
};

/** Other spellings accepted for a type (nft's keywords): `pkttype`, `ethertype`. */
const ALIASES: Record<string, string> = { pkttype: 'pkt_type', ethertype: 'ether_type' };

/**
 * Types whose size the set gives (`typeof` keys): `integer(32)` is a 32-bit big-endian
 * integer, `integer(32,host)` one in host order, `string(128)` a 16-byte string.
 */
const SIZED = /^(integer|string)\((\d+)(?:,\s*(big|host))?\)$/;

function sizedType(kind: 'integer' | 'string', bits: number, byteorder: 'big' | 'host' = 'big'): Datatype | undefined {
  if (bits <= 0 || bits % 8 !== 0) return undefined;
  const length = bits / 8;
  if (kind === 'string') return length <= 256 ? stringType(`string(${bits})`, TYPE_STRING, length) : undefined;
  const name = byteorder === 'host' ? `integer(${bits},host)` : `integer(${bits})`;
  // Beyond 6 bytes (ct bytes, ct id…) values leave the exact range of a JavaScript number.
  if (length > 6) return length <= 16 ? numeric(wideIntegerType(name, TYPE_INTEGER, length, byteorder)) : undefined;
  return integerType(name, TYPE_INTEGER, length, byteorder);
}

/** An integer type held at another width (`dscp(16)`, `invalid(16)`): see registerType. */
const REGISTER = /^([a-z][a-z0-9_]*)\((\d+)\)$/;

/** nft's type 0, which it gives some expressions' sets; only ever held at a width (`invalid(16)`). */
const INVALID = { name: 'invalid', id: TYPE_INVALID, byteorder: 'big' } as const;

/** The map data type of a verdict map (`type ifname : verdict`): NFT_DATA_VERDICT on the wire. */
export const VERDICT_TYPE_ID = TYPE_VERDICT;

export function datatype(name: unknown, what: string): Datatype {
  // Own keys only: "toString" is not a datatype.
  const key = typeof name === 'string' && Object.hasOwn(ALIASES, name) ? ALIASES[name]! : name;
  let type = typeof key === 'string' && Object.hasOwn(DATATYPES, key) ? DATATYPES[key] : undefined;
  const sized = typeof key === 'string' ? SIZED.exec(key.replace(/\s+/g, '')) : null;
  if (!type && sized) {
    if (sized[1] === 'string' && sized[3] !== undefined) throw new InvalidArgumentError(`${what} ${jsonOf(name)}: a string has no byte order`);
    type = sizedType(sized[1] as 'integer' | 'string', Number(sized[2]), sized[3] as 'big' | 'host' | undefined);
    if (!type) throw new InvalidArgumentError(`${what} ${jsonOf(name)} has an unsupported size: integers take 8-128 bits, strings 8-2048, in whole bytes`);
  }
  const held = !type && !sized && typeof key === 'string' ? REGISTER.exec(key) : null;
  if (held) {
    const known = Object.hasOwn(DATATYPES, held[1]!) ? DATATYPES[held[1]!] : undefined;
    const base = held[1] === 'invalid' ? INVALID : known && NUMERIC.has(known) ? known : undefined;
    const bits = Number(held[2]);
    if (!base) throw new InvalidArgumentError(`${what} ${jsonOf(name)}: only integer types (and invalid) can be held at another width`);
    if (bits <= 0 || bits % 8 !== 0 || bits > 128) throw new InvalidArgumentError(`${what} ${jsonOf(name)} has an unsupported width: 8-128 bits, in whole bytes`);
    type = registerType(base, bits);
  }
  if (!type && (key === 'integer' || key === 'string')) {
    throw new InvalidArgumentError(`${what} ${jsonOf(name)} needs a size in bits, as nft's typeof keys have one: ${key}(32)${key === 'integer' ? ' (big-endian) or integer(32,host)' : ''}`);
  }
  if (!type) throw new InvalidArgumentError(`${what} ${jsonOf(name)} is not a supported type; use one of ${Object.keys(DATATYPES).join(', ')}, integer(bits), string(bits)`);
  return type;
}

export function datatypeById(id: number): Datatype | undefined {
  return Object.values(DATATYPES).find((t) => t.id === id);
}

/** nft's byte order number in set userdata (UDATA_SET_KEYBYTEORDER): 1 host, 2 big-endian. */
export type ByteorderHint = 'big' | 'host' | number;

// nft folds a concatenation's type numbers into one key type, 6 bits each (TYPE_BITS).
const CONCAT_TYPE_BITS = 6;

/** A key or data type: one datatype, or a concatenation of up to five. */
export class KeyType {
  readonly parts: readonly Datatype[];
  constructor(spec: string | readonly string[], what: string) {
    if (typeof spec !== 'string' && !Array.isArray(spec)) {
      throw new InvalidArgumentError(`${what} must be a type name like 'ipv4_addr' or an array of them, got ${describeValue(spec)}`);
    }
    const names = typeof spec === 'string' ? spec.split('.').map((s) => s.trim()) : [...spec];
    if (names.length === 0 || names.length > 32 / CONCAT_TYPE_BITS) {
      throw new InvalidArgumentError(`${what} must name 1-${Math.floor(32 / CONCAT_TYPE_BITS)} types, got ${jsonOf(spec)}`);
    }
    this.parts = names.map((n) => datatype(n, what));
  }

  get concat(): boolean {
    return this.parts.length > 1;
  }

  /** NFTA_SET_KEY_TYPE / NFTA_SET_DATA_TYPE. */
  get id(): number {
    return this.parts.reduce((acc, p) => ((acc << CONCAT_TYPE_BITS) | p.id) >>> 0, 0);
  }

  /** Each part of a concatenation occupies whole 32-bit registers. */
  get fieldLengths(): number[] {
    return this.parts.map((p) => (this.concat ? (p.length + 3) & ~3 : p.length));
  }

  get length(): number {
    return this.fieldLengths.reduce((a, b) => a + b, 0);
  }

  /** How nft names the type: `ipv4_addr . inet_service`. */
  get spec(): string | string[] {
    return this.concat ? this.parts.map((p) => p.name) : this.parts[0]!.name;
  }

  /** Encodes one value (an array for a concatenation). */
  encode(value: unknown, what: string): Buffer {
    const values = this.values(value, what);
    return Buffer.concat(values.map((v, i) => pad(this.parts[i]!.encode(v, what), this.fieldLengths[i]!)));
  }

  /** Start and inclusive end of a value that may be a range (`a-b`) or prefix (`a/len`) in each part. */
  encodeInterval(value: unknown, what: string): [Buffer, Buffer] {
    const values = this.values(value, what);
    const starts: Buffer[] = [];
    const ends: Buffer[] = [];
    values.forEach((v, i) => {
      const part = this.parts[i]!;
      const [start, end] = intervalOf(part, v, what);
      starts.push(pad(start, this.fieldLengths[i]!));
      ends.push(pad(end, this.fieldLengths[i]!));
    });
    return [Buffer.concat(starts), Buffer.concat(ends)];
  }

  format(bytes: Buffer): ScalarValue | ScalarValue[] {
    const out: ScalarValue[] = [];
    let at = 0;
    this.parts.forEach((p, i) => {
      out.push(p.format(bytes.subarray(at, at + p.length)));
      at += this.fieldLengths[i]!;
    });
    return this.concat ? out : out[0]!;
  }

  /** Formats [start, inclusive end] the way nft prints it: a value, `a/len`, or `a-b`. */
  formatInterval(start: Buffer, end: Buffer): ScalarValue | ScalarValue[] {
    const out: ScalarValue[] = [];
    let at = 0;
    this.parts.forEach((p, i) => {
      // Stored big-endian in interval sets (see intervalOf); back to the type's own order.
      const s = intervalOrder(p, start.subarray(at, at + p.length));
      const e = intervalOrder(p, end.subarray(at, at + p.length));
      out.push(formatRange(p, s, e));
      at += this.fieldLengths[i]!;
    });
    return this.concat ? out : out[0]!;
  }

  private values(value: unknown, what: string): ScalarValue[] {
    if (this.concat) {
      if (!Array.isArray(value) || value.length !== this.parts.length) {
        throw new InvalidArgumentError(`${what} must be an array of ${this.parts.length} values (${this.parts.map((p) => p.name).join(' . ')}), got ${jsonOf(value)}`);
      }
      return value as ScalarValue[];
    }
    if (typeof value !== 'string' && typeof value !== 'number') {
      throw new InvalidArgumentError(`${what} must be a ${this.parts[0]!.name} value, got ${jsonOf(value)}`);
    }
    return [value];
  }

  /**
   * Decodes NFTA_SET_KEY_TYPE back into datatype names; undefined if nlkit does not know one of them.
   * A plain `integer` or `string` key (nft's typeof sets) takes its size from `length` and, for an
   * integer, its byte order from `byteorder` (the set's UDATA_SET_KEYBYTEORDER; big-endian when not given).
   * Such parts of a concatenation are sized by `partHints` (from the typeof userdata, one per part).
   */
  static fromId(id: number, length: number, byteorder?: ByteorderHint, partHints?: readonly (PartHint | undefined)[]): KeyType | undefined {
    if (id === TYPE_INTEGER || id === TYPE_STRING) {
      const order = byteorder === 'host' || byteorder === 1 ? 'host' : 'big';
      const type = sizedType(id === TYPE_INTEGER ? 'integer' : 'string', length * 8, order);
      return type ? new KeyType(type.name, 'type') : undefined;
    }
    const ids: number[] = [];
    for (let rest = id >>> 0; rest !== 0; rest >>>= CONCAT_TYPE_BITS) ids.unshift(rest & ((1 << CONCAT_TYPE_BITS) - 1));
    const parts: Datatype[] = [];
    for (const [i, partId] of ids.entries()) {
      // An integer or string part is sized by the expression nft declared it from (typeof userdata).
      const hint = partHints?.[i];
      const part = partId === TYPE_INTEGER || partId === TYPE_STRING
        ? hint && sizedType(partId === TYPE_INTEGER ? 'integer' : 'string', hint.bits, hint.byteorder)
        : datatypeById(partId);
      if (!part) return undefined;
      parts.push(part);
    }
    if (ids.length === 0) return id === TYPE_INVALID && length > 0 && length <= 16 ? new KeyType(`invalid(${length * 8})`, 'type') : undefined;
    const type = new KeyType(parts.map((p) => p.name), 'type');
    if (type.length === length) return type;
    // One integer field in a wider register (`ip6 dscp { cs1, ef }`): the type at the set's width.
    const only = parts.length === 1 ? parts[0]! : undefined;
    return only && NUMERIC.has(only) && length > 0 && length <= 16 ? new KeyType(`${only.name}(${length * 8})`, 'type') : undefined;
  }
}

function pad(b: Buffer, length: number): Buffer {
  if (b.length === length) return b;
  const out = Buffer.alloc(length);
  b.copy(out);
  return out;
}

/**
 * nft stores host-order numbers big-endian in interval sets (plain and concatenated), so the
 * kernel's byte-wise ordering is numeric: swaps a host-order number, leaves anything else.
 * Its own inverse.
 */
function intervalOrder(type: Datatype, b: Buffer): Buffer {
  return type.byteorder === 'host' && !type.text && b.length > 1 ? Buffer.from(b).reverse() : b;
}

function encodes(type: Datatype, value: ScalarValue): boolean {
  try {
    type.encode(value, 'value');
    return true;
  } catch {
    return false;
  }
}

/** Start and inclusive end of `a`, `a-b` or `a/len` for one datatype, in interval-set byte order. */
function intervalOf(type: Datatype, value: ScalarValue, what: string): [Buffer, Buffer] {
  if (typeof value === 'string' && type.ordered) {
    if (value.includes('/') && (type.name === 'ipv4_addr' || type.name === 'ipv6_addr')) {
      const cidr = parseCidr(value, what);
      const start = type.encode(cidr.address, what);
      const bits = type.length * 8;
      if (cidr.prefixLength > bits) throw new InvalidArgumentError(`${what} "${value}" has a prefix longer than ${bits}`);
      const end = Buffer.from(start);
      for (let bit = cidr.prefixLength; bit < bits; bit++) {
        start[bit >> 3]! &= ~(0x80 >> (bit & 7));
        end[bit >> 3]! |= 0x80 >> (bit & 7);
      }
      // Host bits set in the address are cleared, as nft does ("10.1.2.3/8" is 10.0.0.0/8).
      for (let bit = cidr.prefixLength; bit < bits; bit++) start[bit >> 3]! &= ~(0x80 >> (bit & 7));
      return [start, end];
    }
    // A value that is one value of the type (`echo-request`) is not a range; otherwise the
    // first `-` whose two sides are values of the type separates one (`echo-reply-echo-request`).
    if (rangeDash(value) > 0 && !encodes(type, value)) {
      for (let dash = rangeDash(value); dash > 0; dash = value.indexOf('-', dash + 1)) {
        const from = numericOr(value.slice(0, dash).trim());
        const to = numericOr(value.slice(dash + 1).trim());
        if (!encodes(type, from) || !encodes(type, to)) continue;
        const start = intervalOrder(type, type.encode(from, what));
        const end = intervalOrder(type, type.encode(to, what));
        if (Buffer.compare(start, end) > 0) throw new InvalidArgumentError(`${what} "${value}" is a range whose start is after its end`);
        return [start, end];
      }
      throw new InvalidArgumentError(`${what} "${value}" is neither a ${type.name} nor a range of two`);
    }
  }
  // An interface wildcard (`"eth*"`) in a concatenated interval set: every name starting with the
  // prefix, as nft encodes it (the prefix padded with zeros up to the prefix padded with 0xff).
  if (type.name === 'ifname' && typeof value === 'string' && value.endsWith('*') && value.length > 1) {
    const start = type.encode(value.slice(0, -1), what);
    const end = Buffer.from(start);
    end.fill(0xff, Buffer.byteLength(value) - 1);
    return [start, end];
  }
  if (!type.ordered && typeof value === 'string' && rangeDash(value) > 0 && !type.text && !encodes(type, value)) {
    throw new InvalidArgumentError(`${what} "${value}": ranges need an ordered type; ${type.name} is not`);
  }
  const b = intervalOrder(type, type.encode(value, what));
  return [b, Buffer.from(b)];
}

/** Index of the `-` separating a range; addresses with `-` inside (none in IP/MAC syntax) do not occur. */
function rangeDash(value: string): number {
  // MAC addresses use ':' and IPv6 uses ':', so the first '-' after position 0 separates a range.
  return value.indexOf('-', 1);
}

function numericOr(text: string): ScalarValue {
  return /^\d+$/.test(text) ? Number(text) : text;
}

/** Prints [s, e] as one value, a prefix (addresses) or a range. */
function formatRange(type: Datatype, s: Buffer, e: Buffer): ScalarValue {
  if (s.equals(e)) return type.format(s);
  if (type.name === 'ifname') {
    // `"eth*"`: a common prefix, then zeros in the start and 0xff in the end.
    let n = 0;
    while (n < s.length && s[n] === e[n] && s[n] !== 0) n++;
    if (n > 0 && s.subarray(n).every((b) => b === 0) && e.subarray(n).every((b) => b === 0xff)) return `${type.format(s)}*`;
  }
  if (type.name === 'ipv4_addr' || type.name === 'ipv6_addr') {
    const prefix = prefixOf(s, e);
    if (prefix !== undefined) return `${type.format(s)}/${prefix}`;
  }
  return `${type.format(s)}-${type.format(e)}`;
}

/** The prefix length if [s, e] is exactly one CIDR block. */
export function prefixOf(s: Buffer, e: Buffer): number | undefined {
  const bits = s.length * 8;
  let prefix = 0;
  while (prefix < bits && bitAt(s, prefix) === bitAt(e, prefix)) prefix++;
  for (let bit = prefix; bit < bits; bit++) if (bitAt(s, bit) !== 0 || bitAt(e, bit) !== 1) return undefined;
  return prefix;
}

function bitAt(b: Buffer, bit: number): number {
  return (b[bit >> 3]! >> (7 - (bit & 7))) & 1;
}

/** b + 1 as a big-endian number of the same width, or undefined when it overflows. */
export function incrementBytes(b: Buffer): Buffer | undefined {
  const out = Buffer.from(b);
  for (let i = out.length - 1; i >= 0; i--) {
    if (out[i] !== 0xff) {
      out[i]!++;
      return out;
    }
    out[i] = 0;
  }
  return undefined;
}

/** b - 1 (b must not be zero). */
export function decrementBytes(b: Buffer): Buffer {
  const out = Buffer.from(b);
  for (let i = out.length - 1; i >= 0; i--) {
    if (out[i] !== 0) {
      out[i]!--;
      return out;
    }
    out[i] = 0xff;
  }
  return out;
}
