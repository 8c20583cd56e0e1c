// Address prefixes as iproute2's selectors read and match them (lib/utils.c:
// get_prefix, inet_addr_match): `to 10.0.0.0/24`, `root 10.0.0.0/8`,
// `match 10.1.2.3`, `from fd00::/64`, `via 10.0.0.1`, `default`, `all`.
import { encodeIp } from '../../netlink/index.js';
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

/** get_addr_ipv4: 1 to 4 dotted decimal parts, the missing ones zero ("10/8" is 10.0.0.0/8). */
function ipv4Bytes(text: string): Buffer | undefined {
  const parts = text.split('.');
  if (parts.length > 4 || parts.some((p) => !/^\d{1,3}$/.test(p) || Number(p) > 255)) return undefined;
  const out = Buffer.alloc(16);
  parts.forEach((p, i) => (out[i] = Number(p)));
  return out;
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
    const len = word.slice(slash + 1);
    if (!/^\d+$/.test(len) || Number(len) > prefix.bitlen) return undefined;
    prefix.bitlen = Number(len);
    prefix.specified = true;
  }
  return prefix;
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
