// The little address arithmetic a CNI plugin needs (gateway = first host of
// the subnet, a route's prefix normalised), on bigints for both families.
import { isIPv4, isIPv6 } from 'node:net';
import { CniError, CniErrorCode } from './errors.js';

/** An address with its prefix, as CNI results write them (`10.88.0.5/16`). */
export interface Cidr {
  family: 4 | 6;
  /** The address as written, without the prefix. */
  address: string;
  prefixLength: number;
  /** The address as a number. */
  value: bigint;
}

function bits(family: 4 | 6): number {
  return family === 4 ? 32 : 128;
}

function toBigint(address: string, family: 4 | 6): bigint {
  if (family === 4) return address.split('.').reduce((n, part) => (n << 8n) | BigInt(Number(part)), 0n);
  const [head = '', tail] = address.split('::') as [string, string | undefined];
  const parse = (s: string): string[] => (s === '' ? [] : s.split(':'));
  let groups = parse(head);
  let rest = tail === undefined ? [] : parse(tail);
  // An embedded IPv4 tail (::ffff:10.0.0.1) is two groups.
  const last = (tail === undefined ? groups : rest).at(-1);
  if (last?.includes('.')) {
    const v4 = toBigint(last, 4);
    const pair = [(v4 >> 16n).toString(16), (v4 & 0xffffn).toString(16)];
    if (tail === undefined) groups = [...groups.slice(0, -1), ...pair];
    else rest = [...rest.slice(0, -1), ...pair];
  }
  const fill = tail === undefined ? [] : new Array<string>(8 - groups.length - rest.length).fill('0');
  return [...groups, ...fill, ...rest].reduce((n, g) => (n << 16n) | BigInt(Number.parseInt(g, 16)), 0n);
}

/** Formats a number as an address of `family` (IPv6 in the RFC 5952 short form). */
export function formatAddress(value: bigint, family: 4 | 6): string {
  if (family === 4) return [24n, 16n, 8n, 0n].map((s) => Number((value >> s) & 0xffn)).join('.');
  const groups = Array.from({ length: 8 }, (_, i) => Number((value >> BigInt(112 - 16 * i)) & 0xffffn));
  let best = -1;
  let bestLength = 1;
  for (let i = 0; i < 8; ) {
    let j = i;
    while (j < 8 && groups[j] === 0) j++;
    if (j - i > bestLength) [best, bestLength] = [i, j - i];
    i = j === i ? i + 1 : j;
  }
  const hex = groups.map((g) => g.toString(16));
  if (best < 0) return hex.join(':');
  return `${hex.slice(0, best).join(':')}::${hex.slice(best + bestLength).join(':')}`;
}

/** Parses `address/prefix`; `what` names it in the error. */
export function parseCidr(text: string, what: string, code: number = CniErrorCode.invalidConfig): Cidr {
  const [address = '', prefix, extra] = text.split('/');
  const family = isIPv4(address) ? 4 : isIPv6(address) ? 6 : undefined;
  if (family === undefined || prefix === undefined || extra !== undefined || !/^\d{1,3}$/.test(prefix) || Number(prefix) > bits(family)) {
    throw new CniError(code, `${what}: invalid CIDR address ${JSON.stringify(text)}`);
  }
  return { family, address, prefixLength: Number(prefix), value: toBigint(address, family) };
}

/** Parses a bare address. */
export function parseAddress(text: string, what: string, code: number = CniErrorCode.invalidConfig): { family: 4 | 6; value: bigint } {
  const family = isIPv4(text) ? 4 : isIPv6(text) ? 6 : undefined;
  if (family === undefined) throw new CniError(code, `${what}: invalid IP address ${JSON.stringify(text)}`);
  return { family, value: toBigint(text, family) };
}

function mask(prefixLength: number, family: 4 | 6): bigint {
  const width = BigInt(bits(family));
  return ((1n << width) - 1n) ^ ((1n << (width - BigInt(prefixLength))) - 1n);
}

/** The subnet's network address. */
export function networkOf(cidr: Cidr): bigint {
  return cidr.value & mask(cidr.prefixLength, cidr.family);
}

/** `10.88.0.0/16` for `10.88.0.5/16`. */
export function networkCidr(cidr: Cidr): string {
  return `${formatAddress(networkOf(cidr), cidr.family)}/${cidr.prefixLength}`;
}

/** Whether `value` (same family) lies in `cidr`'s subnet. */
export function contains(cidr: Cidr, value: bigint): boolean {
  const m = mask(cidr.prefixLength, cidr.family);
  return (value & m) === (cidr.value & m);
}
