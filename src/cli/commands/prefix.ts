// Address prefixes as iproute2's selectors read and match them (lib/utils.c:
// get_prefix, inet_addr_match): `to 10.0.0.0/24`, `root 10.0.0.0/8`,
// `match 10.1.2.3`, `from fd00::/64`, `via 10.0.0.1`, `default`, `all`.
import { encodeIp, formatIp } from '../../netlink/index.js';
import { CliUsageError } from '../args.js';

/** iproute2's inet_prefix, for the families nlkit's selectors take. */
export interface InetPrefix {
  /** 0 when the word named no family (`all`, `default` without -4/-6). */
  family: 0 | 4 | 6;
  /** The address, 16 bytes (an IPv4 address in the first 4). */
  bytes: Buffer;
  /** Prefix length: the word's `/N`, the family's full length without one, 0 for `default`/`all`/`any`. */
  bitlen: number;
  /** A `/N` (or `default`) was given: ip's PREFIXLEN_SPECIFIED. */
  specified: boolean;
}

const FAMILY_WORDS = { 0: 'any valid', 4: 'inet', 6: 'inet6' } as const;

/**
 * One part of get_addr_ipv4(): strtoul(part, &end, 0) over the whole part, so
 * `0x7f` is hex and `010` octal as in ip; -1 for anything ip refuses.
 */
function ipv4Part(text: string, start: number, end: number): number {
  if (start >= end) return -1;
  let base = 10;
  let i = start;
  if (text.charCodeAt(i) === 0x30 && end - i > 1) {
    const next = text.charCodeAt(i + 1) | 0x20;
    if (next === 0x78) { base = 16; i += 2; if (i >= end) return -1; } else { base = 8; i += 1; }
  }
  let value = 0;
  for (; i < end; i++) {
    const c = text.charCodeAt(i);
    let digit: number;
    if (c >= 0x30 && c <= 0x39) digit = c - 0x30;
    else if (base === 16 && (c | 0x20) >= 0x61 && (c | 0x20) <= 0x66) digit = (c | 0x20) - 0x61 + 10;
    else return -1;
    if (digit >= base) return -1;
    value = value * base + digit;
    if (value > 255) return -1;
  }
  return value;
}

/** get_addr_ipv4: 1 to 4 dotted parts, the missing ones zero ("10/8" is 10.0.0.0/8, "127.1" 127.1.0.0). */
function ipv4Bytes(text: string): Buffer | undefined {
  const out = Buffer.alloc(16);
  let start = 0;
  for (let part = 0; ; part++) {
    if (part === 4) return undefined;
    const dot = text.indexOf('.', start);
    const end = dot < 0 ? text.length : dot;
    const value = ipv4Part(text, start, end);
    if (value < 0) return undefined;
    out[part] = value;
    if (dot < 0) return out;
    start = dot + 1;
  }
}

/** `a.b.c.d` as nlkit writes it: four decimal parts 0-255 without leading zeros, up to `end`. */
function isDottedQuad(text: string, end: number): boolean {
  let parts = 0;
  let digits = 0;
  let value = 0;
  let first = 0;
  for (let i = 0; i <= end; i++) {
    const c = i < end ? text.charCodeAt(i) : 0x2e;
    if (c === 0x2e) {
      if (digits === 0 || (digits > 1 && first === 0) || value > 255 || ++parts > 4) return false;
      digits = 0;
      value = 0;
    } else if (c >= 0x30 && c <= 0x39) {
      if (digits === 0) first = c - 0x30;
      if (++digits > 3) return false;
      value = value * 10 + c - 0x30;
    } else return false;
  }
  return parts === 4;
}

/** `a.b.c.d` or `a.b.c.d/N` (N 0-32, decimal) as nlkit writes them: the words ip and nlkit read alike. */
export function isDottedQuadPrefix(word: string): boolean {
  const slash = word.indexOf('/');
  if (slash < 0) return isDottedQuad(word, word.length);
  const digits = word.length - slash - 1;
  if (digits < 1 || digits > 2 || !isDottedQuad(word, slash)) return false;
  let length = 0;
  for (let i = slash + 1; i < word.length; i++) {
    const c = word.charCodeAt(i);
    if (c < 0x30 || c > 0x39) return false;
    length = length * 10 + c - 0x30;
  }
  return length <= 32 && !(digits === 2 && word.charCodeAt(slash + 1) === 0x30);
}

/**
 * An address or prefix word in the library's notation: ip's other IPv4
 * spellings (`10/8`, `127.1`, `0x7f.0.0.1`, `010.1`, read by get_addr_ipv4)
 * become dotted quads; a dotted quad, an IPv6 address or a word that is no
 * IPv4 address (`default`, a typo) is returned as written, for the library
 * to take or refuse with its own message.
 */
export function ipv4Canonical(word: string): string {
  if (isDottedQuadPrefix(word)) return word;
  const c = word.charCodeAt(0);
  if (!(c >= 0x30 && c <= 0x39) || word.includes(':')) return word;
  const slash = word.indexOf('/');
  const bytes = ipv4Bytes(slash < 0 ? word : word.slice(0, slash));
  if (!bytes) return word;
  const address = `${bytes[0]}.${bytes[1]}.${bytes[2]}.${bytes[3]}`;
  if (slash < 0) return address;
  const length = prefixLength(word.slice(slash + 1));
  return length < 0 || length > 32 ? word : `${address}/${length}`;
}

function parse(word: string, family: 0 | 4 | 6): InetPrefix | undefined {
  const slash = word.indexOf('/');
  const addr = slash < 0 ? word : word.slice(0, slash);
  let prefix: InetPrefix;
  if (addr === 'default' || addr === 'all' || addr === 'any') {
    if (slash >= 0) return undefined;
    return { family, bytes: Buffer.alloc(16), bitlen: 0, specified: addr === 'default' };
  }
  if (addr.includes(':')) {
    if (family === 4) return undefined;
    let bytes: Buffer;
    try {
      bytes = encodeIp(addr);
    } catch {
      return undefined;
    }
    if (bytes.length !== 16) return undefined;
    prefix = { family: 6, bytes, bitlen: 128, specified: false };
  } else {
    if (family === 6) return undefined;
    const bytes = ipv4Bytes(addr);
    if (!bytes) return undefined;
    prefix = { family: 4, bytes, bitlen: 32, specified: false };
  }
  if (slash >= 0) {
    const length = prefixLength(word.slice(slash + 1));
    if (length < 0 || length > prefix.bitlen) return undefined;
    prefix.bitlen = length;
    prefix.specified = true;
  }
  return prefix;
}

/**
 * get_netmask(): the `/N` of a prefix, in decimal, hex or octal as strtoul
 * reads them, or a contiguous dotted netmask (`/255.255.0.0` is 16);
 * -1 for anything ip refuses.
 */
function prefixLength(text: string): number {
  if (text.includes('.')) {
    const mask = ipv4Bytes(text);
    if (!mask) return -1;
    const bits = mask.readUInt32BE(0);
    const length = Math.clz32(~bits);
    // Contiguous: the ones are followed by nothing but zeros.
    return length === 32 || (bits << length) === 0 ? length : -1;
  }
  if (!/^(0[xX][0-9a-fA-F]+|0[0-7]*|[1-9]\d*)$/.test(text)) return -1;
  return text.length > 1 && text[0] === '0' ? (text[1] === 'x' || text[1] === 'X' ? parseInt(text.slice(2), 16) : parseInt(text, 8)) : Number(text);
}

/** get_prefix(): the prefix `word` names, or ip's error (ip exits with status 1). */
export function parsePrefix(word: string, family: 0 | 4 | 6): InetPrefix {
  const prefix = parse(word, family);
  if (!prefix) throw new CliUsageError(`Error: ${FAMILY_WORDS[family]} prefix is expected rather than "${word}".`, 1, true);
  return prefix;
}

/** inet_addr_match(): the first `bits` bits of `address` are the prefix's. */
export function addressMatches(address: string | undefined, prefix: InetPrefix, bits: number): boolean {
  if (bits <= 0) return true;
  let bytes: Buffer;
  if (address === undefined) bytes = Buffer.alloc(16);
  else {
    try {
      bytes = encodeIp(address);
    } catch {
      return false;
    }
  }
  const whole = bits >> 3;
  for (let i = 0; i < whole; i++) if ((bytes[i] ?? 0) !== prefix.bytes[i]) return false;
  const rest = bits & 7;
  if (rest === 0) return true;
  const mask = (0xff << (8 - rest)) & 0xff;
  return (((bytes[whole] ?? 0) ^ prefix.bytes[whole]!) & mask) === 0;
}

/** inet_addr_match_rta(): `address` lies in the prefix (nothing to match for a family-less or zero-length one). */
export function inPrefix(address: string | undefined, prefix: InetPrefix): boolean {
  if (prefix.family === 0 || prefix.bitlen <= 0 || address === undefined) return true;
  if ((address.includes(':') ? 6 : 4) !== prefix.family) return false;
  return addressMatches(address, prefix, prefix.bitlen);
}

/** ip's invarg(): `Error: argument "WORD" is wrong: MESSAGE` and exit status 255 (MESSAGE often ends in ip's own "\n"). */
export function ipInvalid(message: string, word: string): CliUsageError {
  return new CliUsageError(`Error: argument "${word}" is wrong: ${message}`, 255, true);
}

/** A name-or-number word through one of the library's iproute2 name parsers (parseRouteTable…), or ip's invarg with `message`. */
export function namedValue(word: string, parse: (value: string | number) => number, message: string): number {
  try {
    return parse(/^\d+$/.test(word) ? Number(word) : word);
  } catch {
    throw ipInvalid(message, word);
  }
}

/** get_addr(): an address word, without `/N`, or ip's message (ip exits with status 1). */
export function parseAddress(word: string, family: 0 | 4 | 6): InetPrefix {
  const address = word.includes('/') ? undefined : parse(word, family);
  if (!address) throw new CliUsageError(`Error: ${FAMILY_WORDS[family]} address is expected rather than "${word}".`, 1, true);
  return address;
}

/**
 * `word`, which parsePrefix or parseAddress read as `prefix`, in the library's
 * notation: ip's short IPv4 forms (`10/8`, `127.1`) as dotted quads, IPv6 as
 * formatted; `default`, `all` and `any` as written.
 */
export function prefixText(word: string, prefix: InetPrefix): string {
  if (word === 'default' || word === 'all' || word === 'any') return word;
  const address = formatIp(prefix.bytes, 0, prefix.family === 4 ? 4 : 16);
  return prefix.specified ? `${address}/${prefix.bitlen}` : address;
}
