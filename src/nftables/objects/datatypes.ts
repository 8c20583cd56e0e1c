import {
  IPPROTO_AH, IPPROTO_DCCP, IPPROTO_ESP, IPPROTO_GRE, IPPROTO_ICMP, IPPROTO_IGMP, IPPROTO_SCTP, IPPROTO_TCP,
  IPPROTO_UDP, IPPROTO_UDPLITE,
} from '../../generated/in.js';
import { IPPROTO_ICMPV6 } from '../../generated/in6.js';
import { encodeIp, formatIp, formatMac, encodeMac, InvalidArgumentError, ipFamily, parseCidr } from '../../netlink/addresses.js';
import { describeValue } from '../../netlink/checks.js';

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
  /** Whether values are ordered big-endian numbers, so ranges and prefixes make sense. */
  readonly ordered: boolean;
  /** Encodes one value to its `length` wire bytes; `what` names it in the InvalidArgumentError thrown for a value that does not fit the type. */
  encode(value: ScalarValue, what: string): Buffer;
  /** Formats wire bytes the way nft prints them: an address string, a protocol name, a port number. */
  format(bytes: Buffer): ScalarValue;
}

// Userspace numbers from nftables' datatype.h (enum datatypes).
const TYPE_VERDICT = 1;
const TYPE_IPADDR = 7;
const TYPE_IP6ADDR = 8;
const TYPE_ETHERADDR = 9;
const TYPE_INET_PROTOCOL = 12;
const TYPE_INET_SERVICE = 13;
const TYPE_MARK = 19;
const TYPE_IFINDEX = 20;
const TYPE_IFNAME = 41;
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
  if (!Number.isInteger(n) || n < 0 || n > max) throw new InvalidArgumentError(`${what} must be an integer 0-${max}, got ${JSON.stringify(value)}`);
  return n;
}

function address(family: 4 | 6) {
  return (value: ScalarValue, what: string): Buffer => {
    if (typeof value !== 'string' || ipFamily(value) !== family) {
      throw new InvalidArgumentError(`${what} ${JSON.stringify(value)} is not an IPv${family} address`);
    }
    return encodeIp(value);
  };
}

/**
 * An unsigned integer of `length` bytes, big-endian (ordered, so ranges work)
 * or in host order, with optional names for values (`established`, `local`).
 */
export function integerType(name: string, id: number, length: number, byteorder: 'big' | 'host', names: Record<string, number> = {}): Datatype {
  const byName = new Map(Object.entries(names));
  const byValue = new Map(Object.entries(names).map(([k, v]) => [v, k]));
  const max = 2 ** (length * 8) - 1;
  const big = byteorder === 'big';
  return {
    name, id, length, byteorder, ordered: big,
    encode(value: ScalarValue, what: string): Buffer {
      const n = typeof value === 'number' ? value : byName.get(value) ?? (/^(0x[0-9a-f]+|\d+)$/i.test(value) ? Number(value) : NaN);
      if (!Number.isInteger(n) || n < 0 || n > max) {
        const known = byName.size ? ` or one of ${[...byName.keys()].join(', ')}` : '';
        throw new InvalidArgumentError(`${what} must be an integer 0-${max}${known}, got ${JSON.stringify(value)}`);
      }
      const b = Buffer.alloc(length);
      if (big) b.writeUIntBE(n, 0, length);
      else b.writeUIntLE(n, 0, length);
      return b;
    },
    format(b: Buffer): ScalarValue {
      const n = big ? b.readUIntBE(0, length) : b.readUIntLE(0, length);
      return byValue.get(n) ?? n;
    },
  };
}

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
  ifname: {
    name: 'ifname', id: TYPE_IFNAME, length: IFNAMSIZ, byteorder: 'host', ordered: false,
    encode(value, what) {
      if (typeof value !== 'string' || value === '' || Buffer.byteLength(value) >= IFNAMSIZ) {
        throw new InvalidArgumentError(`${what} must be an interface name of 1-${IFNAMSIZ - 1} bytes, got ${JSON.stringify(value)}`);
      }
      const b = Buffer.alloc(IFNAMSIZ);
      b.write(value, 'utf8');
      return b;
    },
    format(b) {
      const nul = b.indexOf(0);
      return b.toString('utf8', 0, nul < 0 ? b.length : nul);
    },
  },
};

/** The map data type of a verdict map (`type ifname : verdict`): NFT_DATA_VERDICT on the wire. */
export const VERDICT_TYPE_ID = TYPE_VERDICT;

export function datatype(name: unknown, what: string): Datatype {
  // Own keys only: "toString" is not a datatype.
  const type = typeof name === 'string' && Object.hasOwn(DATATYPES, name) ? DATATYPES[name] : undefined;
  if (!type) throw new InvalidArgumentError(`${what} ${JSON.stringify(name)} is not a supported type; use one of ${Object.keys(DATATYPES).join(', ')}`);
  return type;
}

export function datatypeById(id: number): Datatype | undefined {
  return Object.values(DATATYPES).find((t) => t.id === id);
}

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
      throw new InvalidArgumentError(`${what} must name 1-${Math.floor(32 / CONCAT_TYPE_BITS)} types, got ${JSON.stringify(spec)}`);
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
      const s = start.subarray(at, at + p.length);
      const e = end.subarray(at, at + p.length);
      out.push(formatRange(p, s, e));
      at += this.fieldLengths[i]!;
    });
    return this.concat ? out : out[0]!;
  }

  private values(value: unknown, what: string): ScalarValue[] {
    if (this.concat) {
      if (!Array.isArray(value) || value.length !== this.parts.length) {
        throw new InvalidArgumentError(`${what} must be an array of ${this.parts.length} values (${this.parts.map((p) => p.name).join(' . ')}), got ${JSON.stringify(value)}`);
      }
      return value as ScalarValue[];
    }
    if (typeof value !== 'string' && typeof value !== 'number') {
      throw new InvalidArgumentError(`${what} must be a ${this.parts[0]!.name} value, got ${JSON.stringify(value)}`);
    }
    return [value];
  }

  /** Decodes NFTA_SET_KEY_TYPE back into datatype names; undefined if nlkit does not know one of them. */
  static fromId(id: number, length: number): KeyType | undefined {
    const parts: Datatype[] = [];
    for (let rest = id >>> 0; rest !== 0; rest >>>= CONCAT_TYPE_BITS) {
      const part = datatypeById(rest & ((1 << CONCAT_TYPE_BITS) - 1));
      if (!part) return undefined;
      parts.unshift(part);
    }
    if (parts.length === 0) return undefined;
    const type = new KeyType(parts.map((p) => p.name), 'type');
    return type.length === length ? type : undefined;
  }
}

function pad(b: Buffer, length: number): Buffer {
  if (b.length === length) return b;
  const out = Buffer.alloc(length);
  b.copy(out);
  return out;
}

/** Start and inclusive end of `a`, `a-b` or `a/len` for one ordered datatype. */
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
    const dash = rangeDash(value);
    if (dash > 0) {
      const start = type.encode(numericOr(value.slice(0, dash)), what);
      const end = type.encode(numericOr(value.slice(dash + 1)), what);
      if (Buffer.compare(start, end) > 0) throw new InvalidArgumentError(`${what} "${value}" is a range whose start is after its end`);
      return [start, end];
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
  if (!type.ordered && typeof value === 'string' && rangeDash(value) > 0 && type.name !== 'ifname') {
    throw new InvalidArgumentError(`${what} "${value}": ranges need an ordered type; ${type.name} is not`);
  }
  const b = type.encode(value, what);
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
