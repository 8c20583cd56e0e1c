// Addresses as numbers, so ranges can be walked and compared. Parsing and
// printing follow Go's net package, which host-local uses: an IPv4-mapped
// IPv6 address is IPv4, zones are refused, IPv6 prints per RFC 5952. The
// printed form names the files in the data directory, so it must match.
import { encodeIp, formatIp, ipFamily } from '../../../index.js';

/** An IPv4 or IPv6 address as an unsigned number of 32 or 128 bits. */
export interface Ip {
  readonly family: 4 | 6;
  readonly value: bigint;
}

/** An address with a prefix length, as written in CIDR notation (the address part kept as given). */
export interface Cidr {
  readonly ip: Ip;
  readonly prefix: number;
}

const V4_MASK = 0xffffffffn;

export function bitsOf(family: 4 | 6): number {
  return family === 4 ? 32 : 128;
}

/** Go's net.ParseIP followed by host-local's canonicalisation; undefined when `text` is not an address. */
export function parseIp(text: string): Ip | undefined {
  if (typeof text !== 'string' || text.includes('%')) return undefined;
  const family = ipFamily(text);
  if (family === 0) return undefined;
  const bytes = encodeIp(text);
  let value = 0n;
  for (const byte of bytes) value = (value << 8n) | BigInt(byte);
  if (family === 6 && value >> 32n === 0xffffn) return { family: 4, value: value & V4_MASK };
  return { family, value };
}

/** The address as Go prints it (the name host-local gives its reservation file). */
export function formatAddress(ip: Ip): string {
  const length = ip.family === 4 ? 4 : 16;
  const bytes = Buffer.alloc(length);
  let value = ip.value;
  for (let i = length - 1; i >= 0; i--) {
    bytes[i] = Number(value & 0xffn);
    value >>= 8n;
  }
  return formatIp(bytes);
}

/**
 * Parses `<address>/<prefix>` like Go's net.ParseCIDR, keeping the address as
 * written (host bits included): host-local checks them itself. An IPv4-mapped
 * IPv6 address with an IPv6 prefix is refused (Go reports a version mismatch).
 */
export function parseCidr(text: string): Cidr | undefined {
  if (typeof text !== 'string') return undefined;
  const slash = text.indexOf('/');
  if (slash < 0) return undefined;
  const prefixText = text.slice(slash + 1);
  if (!/^[0-9]{1,3}$/.test(prefixText)) return undefined;
  const prefix = Number(prefixText);
  const addressText = text.slice(0, slash);
  const ip = parseIp(addressText);
  if (!ip) return undefined;
  if (ip.family === 4 && ipFamily(addressText) === 6) return undefined;
  if (prefix > bitsOf(ip.family)) return undefined;
  return { ip, prefix };
}

export function formatCidr(cidr: Cidr): string {
  return `${formatAddress(cidr.ip)}/${cidr.prefix}`;
}

/** The mask of a prefix length as a number (all ones in the network bits). */
export function maskOf(family: 4 | 6, prefix: number): bigint {
  const bits = BigInt(bitsOf(family));
  const all = (1n << bits) - 1n;
  return (all >> BigInt(prefix)) ^ all;
}

export function sameIp(a: Ip | undefined, b: Ip | undefined): boolean {
  return a !== undefined && b !== undefined && a.family === b.family && a.value === b.value;
}

/** The next address; wraps to zero after the last one, as Go's ip.NextIP does. */
export function nextIp(ip: Ip): Ip {
  const all = (1n << BigInt(bitsOf(ip.family))) - 1n;
  return { family: ip.family, value: (ip.value + 1n) & all };
}
