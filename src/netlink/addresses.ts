import { isIPv6 } from 'node:net';
import { textOf } from './checks.js';

/** IP version of an address: 4 for IPv4 (AF_INET), 6 for IPv6 (AF_INET6). */
export type IpFamily = 4 | 6;

/** Input refused before anything reaches the kernel. */
export class InvalidArgumentError extends TypeError {
  /** Always `'InvalidArgumentError'`. */
  override readonly name = 'InvalidArgumentError';
  /** Always `'EINVAL'`, like the errno the kernel would have answered with. */
  readonly code = 'EINVAL';
  constructor(message: string) {
    super(message);
  }
}

/**
 * Whether `text` is a dotted quad as node:net's isIPv4 reads one (four
 * decimal parts of 0-255, no leading zeros), without its regular
 * expression: every address of every request passes here, and on a
 * 20,000-line batch the regular expression was 4% of the run.
 */
function isDottedQuad(text: string): boolean {
  const length = text.length;
  if (length < 7 || length > 15) return false;
  let parts = 0;
  let value = 0;
  let digits = 0;
  let leadingZero = false;
  for (let i = 0; i <= length; i++) {
    const c = i < length ? text.charCodeAt(i) : 46;
    if (c === 46) {
      if (digits === 0 || value > 255 || (leadingZero && digits > 1)) return false;
      parts++;
      value = 0;
      digits = 0;
    } else if (c >= 48 && c <= 57) {
      if (digits === 0) leadingZero = c === 48;
      value = value * 10 + c - 48;
      digits++;
    } else {
      return false;
    }
  }
  return parts === 4;
}

/** 4 or 6 for a valid IPv4 or IPv6 address (an IPv6 zone `%eth0` is accepted), 0 for anything else; never throws. */
export function ipFamily(address: string): IpFamily | 0 {
  if (typeof address !== 'string') return 0;
  if (isDottedQuad(address)) return 4;
  if (address.includes(':') && isIPv6(address)) return 6;
  return 0;
}

function encodeIPv4(address: string, out: Buffer, at: number): void {
  let value = 0;
  let part = 0;
  let index = 0;
  for (let i = 0; i < address.length; i++) {
    const ch = address.charCodeAt(i);
    if (ch === 46) {
      out[at + index++] = value;
      value = 0;
      part = 0;
    } else {
      value = value * 10 + (ch - 48);
      part++;
    }
  }
  out[at + index] = value;
}

function encodeIPv6(address: string, out: Buffer, at: number): void {
  let text = address;
  const zone = text.indexOf('%');
  if (zone >= 0) text = text.slice(0, zone);
  // An embedded IPv4 tail (::ffff:1.2.3.4) becomes two hextets.
  const lastColon = text.lastIndexOf(':');
  const tail = text.slice(lastColon + 1);
  if (tail.includes('.')) {
    const v4 = Buffer.alloc(4);
    encodeIPv4(tail, v4, 0);
    text = `${text.slice(0, lastColon + 1)}${v4.readUInt16BE(0).toString(16)}:${v4.readUInt16BE(2).toString(16)}`;
  }
  const [head, rest] = text.split('::') as [string, string | undefined];
  const headParts = head === '' ? [] : head.split(':');
  const restParts = rest === undefined || rest === '' ? [] : rest.split(':');
  const missing = 8 - headParts.length - restParts.length;
  const parts = rest === undefined ? headParts : [...headParts, ...Array<string>(missing).fill('0'), ...restParts];
  out.fill(0, at, at + 16);
  for (let i = 0; i < 8; i++) out.writeUInt16BE(parseInt(parts[i] ?? '0', 16), at + i * 2);
}

/** Encodes an IPv4 or IPv6 address into network byte order; throws InvalidArgumentError otherwise. */
export function encodeIp(address: string): Buffer {
  const family = ipFamily(address);
  if (family === 4) {
    const out = Buffer.allocUnsafe(4);
    encodeIPv4(address, out, 0);
    return out;
  }
  if (family === 6) {
    const out = Buffer.allocUnsafe(16);
    encodeIPv6(address, out, 0);
    return out;
  }
  throw new InvalidArgumentError(`"${address}" is not an IPv4 or IPv6 address`);
}

/** Formats 4 or 16 bytes as an address the way iproute2 prints it (RFC 5952 for IPv6). */
export function formatIp(buf: Uint8Array, at = 0, length = buf.length - at): string {
  if (length === 4) return formatIPv4(buf, at);
  if (length !== 16) return Buffer.from(buf.subarray(at, at + length)).toString('hex');
  return formatIPv6(buf, at);
}

const HEX_DIGITS = Buffer.from('0123456789abcdef', 'latin1');
const ipv6Scratch = Buffer.alloc(48);

/**
 * RFC 5952, as inet_ntop prints it: lowercase hex without leading zeros, the
 * longest run of two or more zero groups (the first of equal runs) as `::`,
 * IPv4-mapped and IPv4-compatible addresses with a dotted tail. Written into
 * a scratch buffer and read back as latin1 (one flat string, no arrays), like
 * IPv4 below: route notifications and dumps format one or two per object.
 */
function formatIPv6(buf: Uint8Array, at: number): string {
  const w0 = (buf[at]! << 24) | (buf[at + 1]! << 16) | (buf[at + 2]! << 8) | buf[at + 3]!;
  const w1 = (buf[at + 4]! << 24) | (buf[at + 5]! << 16) | (buf[at + 6]! << 8) | buf[at + 7]!;
  const w2 = (buf[at + 8]! << 24) | (buf[at + 9]! << 16) | (buf[at + 10]! << 8) | buf[at + 11]!;
  const w3 = (buf[at + 12]! << 24) | (buf[at + 13]! << 16) | (buf[at + 14]! << 8) | buf[at + 15]!;
  const slot = Math.imul(w0 ^ Math.imul(w1, 0x85ebca6b) ^ Math.imul(w2, 0xc2b2ae35) ^ Math.imul(w3, 0x27d4eb2f), 0x9e3779b1) >>> (32 - IPV6_CACHE_BITS);
  const k = slot * 4;
  const cached = ipv6CacheValues[slot]!;
  // Every key word is read on every call (no short-circuit): a read that a
  // dump of new addresses never reached before it was optimized would throw
  // the optimized code away at the first repeated address.
  const differs = (ipv6CacheKeys[k]! ^ w0) | (ipv6CacheKeys[k + 1]! ^ w1) | (ipv6CacheKeys[k + 2]! ^ w2) | (ipv6CacheKeys[k + 3]! ^ w3);
  if (differs === 0 && cached !== '') return cached;
  const text = formatIPv6Text(buf, at);
  ipv6CacheKeys[k] = w0;
  ipv6CacheKeys[k + 1] = w1;
  ipv6CacheKeys[k + 2] = w2;
  ipv6CacheKeys[k + 3] = w3;
  ipv6CacheValues[slot] = text;
  return text;
}

// Repeated IPv6 addresses (the gateway of every route of a table, a link's
// own link-local address, a route's prefsrc) come from a small direct-mapped
// cache, as IPv4 ones do (below): the bytes compared as four words cost less
// than formatting them again and reading the text back.
const IPV6_CACHE_BITS = 8;
const ipv6CacheKeys = new Int32Array(4 << IPV6_CACHE_BITS);
const ipv6CacheValues: string[] = new Array<string>(1 << IPV6_CACHE_BITS).fill('');

function formatIPv6Text(buf: Uint8Array, at: number): string {
  let bestStart = -1;
  let bestLength = 1;
  let runStart = -1;
  for (let i = 0; i < 8; i++) {
    if (buf[at + 2 * i] === 0 && buf[at + 2 * i + 1] === 0) {
      if (runStart < 0) runStart = i;
      if (i - runStart + 1 > bestLength) {
        bestStart = runStart;
        bestLength = i - runStart + 1;
      }
    } else {
      runStart = -1;
    }
  }
  if (bestStart === 0 && bestLength === 5 && buf[at + 10] === 0xff && buf[at + 11] === 0xff) {
    return `::ffff:${buf[at + 12]}.${buf[at + 13]}.${buf[at + 14]}.${buf[at + 15]}`;
  }
  // IPv4-compatible (::a.b.c.d, 96 zero bits, not ::1-style with 112): inet_ntop, and so `ip`, prints it dotted too.
  if (bestStart === 0 && bestLength === 6) return `::${buf[at + 12]}.${buf[at + 13]}.${buf[at + 14]}.${buf[at + 15]}`;
  const out = ipv6Scratch;
  let n = 0;
  for (let i = 0; i < 8; i++) {
    if (i === bestStart) {
      out[n++] = 0x3a;
      out[n++] = 0x3a;
      i += bestLength - 1;
      continue;
    }
    if (i !== 0 && i !== bestStart + bestLength) out[n++] = 0x3a;
    const hi = buf[at + 2 * i]!;
    const lo = buf[at + 2 * i + 1]!;
    if (hi >= 0x10) out[n++] = HEX_DIGITS[hi >> 4]!;
    if (hi !== 0) out[n++] = HEX_DIGITS[hi & 15]!;
    if (hi !== 0 || lo >= 0x10) out[n++] = HEX_DIGITS[lo >> 4]!;
    out[n++] = HEX_DIGITS[lo & 15]!;
  }
  return out.toString('latin1', 0, n);
}

// Dumps format an IPv4 address or two per object, and every string made
// survives until the dump returns, so the garbage collector copies each one
// again; how the string is built and how many are built dominate the cost.
// A template literal longer than 12 characters makes a tree of cons strings
// (several heap objects); the digits written into a scratch buffer and read
// back as latin1 make one flat string. Repeated addresses (the gateway of
// every route, an address's local, the link's own prefix source) come from a
// small direct-mapped cache: strings are immutable, so sharing one is invisible.
const IPV4_CACHE_BITS = 10;
const ipv4CacheKeys = new Int32Array(1 << IPV4_CACHE_BITS);
const ipv4CacheValues: string[] = new Array<string>(1 << IPV4_CACHE_BITS).fill('');
const ipv4Scratch = Buffer.alloc(16);

// The first three parts with their dots ("10.1.2."), by those three bytes:
// addresses of one dump share a few /24s, and one of these plus the last
// part's digits is a single concatenation, where writing out four parts is
// ~100 bytecodes; a process's first dump runs this interpreted, thousands of
// times before the optimizing compiler is done with it.
const IPV4_PREFIX_CACHE_BITS = 6;
const ipv4PrefixKeys = new Int32Array(1 << IPV4_PREFIX_CACHE_BITS);
const ipv4PrefixValues: string[] = new Array<string>(1 << IPV4_PREFIX_CACHE_BITS).fill('');
/** Below this length V8 concatenates into a flat string (ConsString::kMinLength); longer ones would be cons pairs. */
const FLAT_CONCAT_LIMIT = 13;

function formatIPv4(buf: Uint8Array, at: number): string {
  const a = buf[at]!;
  const b = buf[at + 1]!;
  const c = buf[at + 2]!;
  const d = buf[at + 3]!;
  const key = (a << 24) | (b << 16) | (c << 8) | d;
  const slot = Math.imul(key, 0x9e3779b1) >>> (32 - IPV4_CACHE_BITS);
  const cached = ipv4CacheValues[slot]!;
  // The key is read first so that the read runs on every call, as for IPv6 above.
  if (ipv4CacheKeys[slot] === key && cached !== '') return cached;
  // Dots and digits, counted inline (no call: this too runs interpreted at first).
  const length = 3 + (a >= 100 ? 3 : a >= 10 ? 2 : 1) + (b >= 100 ? 3 : b >= 10 ? 2 : 1) + (c >= 100 ? 3 : c >= 10 ? 2 : 1) + (d >= 100 ? 3 : d >= 10 ? 2 : 1);
  const text = length < FLAT_CONCAT_LIMIT ? ipv4Prefix(a, b, c, key >>> 8) + d : formatIPv4Text(buf, at);
  ipv4CacheKeys[slot] = key;
  ipv4CacheValues[slot] = text;
  return text;
}

/** "a.b.c." (`key`: the three bytes as one number), from its cache. */
function ipv4Prefix(a: number, b: number, c: number, key: number): string {
  const slot = Math.imul(key, 0x9e3779b1) >>> (32 - IPV4_PREFIX_CACHE_BITS);
  const cached = ipv4PrefixValues[slot]!;
  if (ipv4PrefixKeys[slot] === key && cached !== '') return cached;
  const prefix = `${a}.${b}.${c}.`;
  ipv4PrefixKeys[slot] = key;
  ipv4PrefixValues[slot] = prefix;
  return prefix;
}

/** The dotted quad at `at` as one flat string, digit by digit: for addresses of 13 characters or more. */
function formatIPv4Text(buf: Uint8Array, at: number): string {
  const out = ipv4Scratch;
  let n = 0;
  for (let i = 0; i < 4; i++) {
    const v = buf[at + i]!;
    if (i !== 0) out[n++] = 0x2e;
    if (v >= 100) {
      out[n++] = 0x30 + ((v / 100) | 0);
      out[n++] = 0x30 + (((v / 10) | 0) % 10);
    } else if (v >= 10) {
      out[n++] = 0x30 + ((v / 10) | 0);
    }
    out[n++] = 0x30 + (v % 10);
  }
  return dottedQuadText(out, n);
}

/**
 * The `n` (13-15) character codes in `c` as one flat string. One
 * String.fromCharCode call of fixed arity per length: Buffer#toString goes
 * through encoding lookup and a native call that cost more than the
 * formatting (a route dump formats a new destination for every route).
 */
function dottedQuadText(c: Uint8Array, n: number): string {
  const f = String.fromCharCode;
  switch (n) {
    case 13: return f(c[0]!, c[1]!, c[2]!, c[3]!, c[4]!, c[5]!, c[6]!, c[7]!, c[8]!, c[9]!, c[10]!, c[11]!, c[12]!);
    case 14: return f(c[0]!, c[1]!, c[2]!, c[3]!, c[4]!, c[5]!, c[6]!, c[7]!, c[8]!, c[9]!, c[10]!, c[11]!, c[12]!, c[13]!);
    default: return f(c[0]!, c[1]!, c[2]!, c[3]!, c[4]!, c[5]!, c[6]!, c[7]!, c[8]!, c[9]!, c[10]!, c[11]!, c[12]!, c[13]!, c[14]!);
  }
}

/** An address with its prefix length, as parsed from `10.0.0.1/24` or `fd00::1/64`. */
export interface Cidr {
  /** The address part, as written (host bits are kept, not masked off). */
  address: string;
  /** Prefix length in bits: 0-32 for IPv4, 0-128 for IPv6; the full length when the text had no `/`. */
  prefixLength: number;
  /** IP version of `address`. */
  family: IpFamily;
}

/** Parses `10.0.0.1/24`, `fd00::1/64` or a bare address (full-length prefix). */
export function parseCidr(text: string, what = 'address'): Cidr {
  if (typeof text !== 'string') throw new InvalidArgumentError(`${what} must be a string like "10.0.0.1/24", got ${typeof text}`);
  const slash = text.indexOf('/');
  const address = slash < 0 ? text : text.slice(0, slash);
  const family = ipFamily(address);
  if (family === 0) throw new InvalidArgumentError(`${what} "${text}" is not a valid IPv4 or IPv6 address or CIDR`);
  const max = family === 4 ? 32 : 128;
  if (slash < 0) return { address, prefixLength: max, family };
  const prefixText = text.slice(slash + 1);
  const prefixLength = /^\d{1,3}$/.test(prefixText) ? Number(prefixText) : NaN;
  if (!(prefixLength >= 0 && prefixLength <= max)) {
    throw new InvalidArgumentError(`${what} "${text}" has an invalid prefix length (0-${max} for IPv${family})`);
  }
  return { address, prefixLength, family };
}

/** Checks an address and returns its family; `expected` rejects IPv4/IPv6 mix-ups. */
export function requireIp(address: string, what: string, expected?: IpFamily): IpFamily {
  const family = typeof address === 'string' ? ipFamily(address) : 0;
  if (family === 0) throw new InvalidArgumentError(`${what} "${textOf(address)}" is not a valid IP address`);
  if (expected !== undefined && family !== expected) {
    throw new InvalidArgumentError(`${what} "${address}" is IPv${family} but the request is IPv${expected}`);
  }
  return family;
}

const MAC_PATTERN = /^[0-9a-fA-F]{2}(:[0-9a-fA-F]{2})*$/;

/**
 * Encodes a colon-separated hex hardware address ("02:00:00:00:00:01", any number of bytes) into its raw bytes.
 * @throws InvalidArgumentError when `address` is not colon-separated pairs of hex digits.
 */
export function encodeMac(address: string): Buffer {
  if (typeof address !== 'string' || !MAC_PATTERN.test(address)) {
    throw new InvalidArgumentError(`"${textOf(address)}" is not a MAC address like "02:00:00:00:00:01"`);
  }
  return Buffer.from(address.replace(/:/g, ''), 'hex');
}

/** Character codes of the lowercase hex digits. */
const HEX_DIGIT: readonly number[] = Array.from('0123456789abcdef', (digit) => digit.charCodeAt(0));
const COLON = 0x3a;
const hexHigh = (byte: number) => HEX_DIGIT[byte >> 4]!;
const hexLow = (byte: number) => HEX_DIGIT[byte & 15]!;

/**
 * Bytes as colon-separated lowercase hex ("02:00:5e:00:00:01"). Built from
 * character codes: every link carries two or more hardware addresses, and
 * formatting them with toString(16) cost more than decoding the rest.
 */
export function formatMac(buf: Uint8Array, at = 0, length = buf.length - at): string {
  if (length === 6) {
    const b0 = buf[at]!, b1 = buf[at + 1]!, b2 = buf[at + 2]!, b3 = buf[at + 3]!, b4 = buf[at + 4]!, b5 = buf[at + 5]!;
    return String.fromCharCode(
      hexHigh(b0), hexLow(b0), COLON, hexHigh(b1), hexLow(b1), COLON, hexHigh(b2), hexLow(b2), COLON,
      hexHigh(b3), hexLow(b3), COLON, hexHigh(b4), hexLow(b4), COLON, hexHigh(b5), hexLow(b5),
    );
  }
  let out = '';
  for (let i = 0; i < length; i++) {
    const byte = buf[at + i]!;
    out += i ? String.fromCharCode(COLON, hexHigh(byte), hexLow(byte)) : String.fromCharCode(hexHigh(byte), hexLow(byte));
  }
  return out;
}
