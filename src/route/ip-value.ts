import { encodeIp, formatIp, type IpFamily } from '../netlink/addresses.js';
import type { MessageWriter } from '../netlink/writer.js';

/**
 * An address ready to encode: IPv4 as its 32-bit value (no allocation, which
 * matters when thousands of routes are prepared at once), IPv6 as 16 bytes.
 */
export type IpValue = number | Buffer;

/** Converts an address already checked by `parseCidr`/`requireIp`. */
export function ipValue(address: string, family: IpFamily): IpValue {
  if (family === 6) return encodeIp(address);
  let value = 0;
  let part = 0;
  for (let i = 0; i < address.length; i++) {
    const ch = address.charCodeAt(i);
    if (ch === 46) {
      value = value * 256 + part;
      part = 0;
    } else {
      part = part * 10 + (ch - 48);
    }
  }
  return value * 256 + part;
}

export function writeIpAttribute(writer: MessageWriter, type: number, value: IpValue): void {
  if (typeof value === 'number') writer.be32(type, value);
  else writer.binary(type, value);
}

export function formatIpValue(value: IpValue): string {
  if (typeof value !== 'number') return formatIp(value);
  return `${value >>> 24}.${(value >>> 16) & 255}.${(value >>> 8) & 255}.${value & 255}`;
}

/** The address with every bit after the prefix cleared (or set, for a broadcast address). */
export function withHostBits(value: IpValue, prefixLength: number, set: boolean): IpValue {
  if (typeof value === 'number') {
    const host = prefixLength >= 32 ? 0 : 2 ** (32 - prefixLength) - 1;
    const network = value - (value % (host + 1));
    return set ? network + host : network;
  }
  const out = Buffer.from(value);
  for (let bit = prefixLength; bit < 128; bit++) {
    const mask = 0x80 >> (bit & 7);
    if (set) out[bit >> 3]! |= mask;
    else out[bit >> 3]! &= ~mask;
  }
  return out;
}

/** True when bits beyond the prefix are set, as in `10.1.0.1/16` (the kernel refuses such a route). */
export function hasHostBits(value: IpValue, prefixLength: number): boolean {
  if (typeof value === 'number') return withHostBits(value, prefixLength, false) !== value;
  for (let bit = prefixLength; bit < 128; bit++) if (value[bit >> 3]! & (0x80 >> (bit & 7))) return true;
  return false;
}

/** Multicast: 224.0.0.0/4 or ff00::/8. */
export function isMulticast(value: IpValue): boolean {
  return typeof value === 'number' ? value >>> 28 === 0xe : value[0] === 0xff;
}
