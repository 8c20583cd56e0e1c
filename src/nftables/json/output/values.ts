// Values as nft's JSON prints them: a datatype's bytes become a number or a
// symbol, flag sets become arrays, addresses with a mask become prefixes.
import { formatIp } from '../../../netlink/addresses.js';
import { integerType, prefixOf, type Datatype, type ScalarValue } from '../../objects/datatypes.js';
import type { Verdict } from '../../protocol/data.js';
import type { NftJsonValue } from '../schema.js';
import { NftJsonUnsupportedError } from './errors.js';

/** Datatypes whose values are sets of flags: several bits print as an array of names. */
const BITMASK_TYPES = new Set(['ct_state', 'ct_status', 'tcp_flag', 'ct_event', 'ct_label']);

/** Names interface indexes (`meta iif`, `fib ... oif`), as nft does from the interfaces it sees. */
export type InterfaceNamer = (index: number) => string | undefined;

/** How values are printed; `ifname` resolves interface indexes to names. */
export interface ValueContext {
  ifname?: InterfaceNamer;
}

/** An unsigned integer type of `length` bytes, for fields nft prints as plain numbers. */
export function plainInteger(length: number, byteorder: 'big' | 'host' = 'big'): Datatype {
  if (length <= 6) return integerType(`integer(${length * 8})`, 0, length, byteorder);
  // 64-bit counters (`ct bytes`): integerType reads at most 48 bits.
  return {
    name: `integer(${length * 8})`, id: 0, length, byteorder, ordered: true,
    encode() {
      throw new RangeError('a printing-only type encodes nothing');
    },
    format(b) {
      const n = byteorder === 'host' ? b.readBigUInt64LE(0) : b.readBigUInt64BE(0);
      return n <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(n) : n.toString();
    },
  };
}

export function isBitmask(type: Datatype): boolean {
  return BITMASK_TYPES.has(type.name);
}

/** Flags as nft prints them: each set bit by its name, lowest bit first; several as an array. */
function flagsOf(type: Datatype, bytes: Buffer): NftJsonValue {
  const ordered = type.byteorder === 'host' ? Buffer.from(bytes).reverse() : bytes;
  const n = bytes.length ? BigInt(`0x${ordered.toString('hex')}`) : 0n;
  if (n === 0n) return type.format(bytes);
  const names: ScalarValue[] = [];
  for (let bit = 0; bit < bytes.length * 8; bit++) {
    if (((n >> BigInt(bit)) & 1n) === 0n) continue;
    const one = Buffer.from((1n << BigInt(bit)).toString(16).padStart(bytes.length * 2, '0'), 'hex');
    names.push(type.format(type.byteorder === 'host' ? one.reverse() : one));
  }
  return names.length === 1 ? names[0]! : names;
}

/** The bytes of one value of `type` as nft's JSON prints them. */
export function valueJson(type: Datatype, bytes: Buffer, ctx: ValueContext = {}): NftJsonValue {
  switch (type.name) {
    case 'iface_index': {
      // nft prints an index it cannot name as a string of digits.
      const index = bytes.readUInt32LE(0);
      return ctx.ifname?.(index) ?? String(index);
    }
    case 'realm': {
      // Named from iproute2's rt_realms, where 0 is `cosmos`; others print as strings of digits.
      const realm = bytes.readUInt32LE(0);
      return realm === 0 ? 'cosmos' : String(realm);
    }
    case 'boolean': return !bytes.every((b) => b === 0);
    // Relative time (`ct expiration`, `time` keys) prints in whole seconds.
    case 'time': return Math.floor(bytes.readUInt32LE(0) / 1000);
  }
  if (isBitmask(type)) return flagsOf(type, bytes);
  return type.format(bytes);
}

/**
 * The value nft prints for `[start, end]` (both in the type's own byte order):
 * one value, a `{"prefix"}` for an address block, an `"eth*"` wildcard, or a `{"range"}`.
 */
export function intervalJson(type: Datatype, start: Buffer, end: Buffer, ctx: ValueContext = {}, what = 'value'): NftJsonValue {
  if (start.equals(end)) return valueJson(type, start, ctx);
  if (type.name === 'ipv4_addr' || type.name === 'ipv6_addr') {
    const len = prefixOf(start, end);
    if (len !== undefined) return { prefix: { addr: formatIp(start, 0, start.length), len } };
  } else if (type.byteorder === 'host' && !type.text && !isBitmask(type) && !type.name.startsWith('integer')) {
    // Host-order named numbers (`mark`) print aligned ranges as prefixes; big-endian ones (ports) and
    // plain `typeof` integers as ranges.
    const len = prefixOf(sortBytes(type, start), sortBytes(type, end));
    // One-byte types have no byte order to nft: their aligned ranges stay ranges (`multicast-other`).
    if (len !== undefined && type.length >= 2) return { prefix: { addr: valueJson(type, start, ctx), len } };
  }
  if (type.name === 'ifname') {
    let n = 0;
    while (n < start.length && start[n] === end[n] && start[n] !== 0) n++;
    if (n > 0 && start.subarray(n).every((b) => b === 0) && end.subarray(n).every((b) => b === 0xff)) {
      return `${start.toString('utf8', 0, n)}*`;
    }
  }
  // A bound of several flags prints as its number.
  const bound = (b: Buffer): NftJsonValue => {
    const v = valueJson(type, b, ctx);
    // So does a bound no symbol names (`ce-255`: nft prints the number, not the type's 0x form).
    const numeric = Array.isArray(v) || (typeof v === 'string' && /^0x[0-9a-f]+$/i.test(v) && b.length <= 6);
    return numeric ? (type.byteorder === 'host' ? b.readUIntLE(0, b.length) : b.readUIntBE(0, b.length)) : v;
  };
  return { range: [bound(start), bound(end)] };
}

/** An address whose first `len` bits are given: `{"prefix": {"addr", "len"}}`. */
export function prefixJson(type: Datatype, bytes: Buffer, len: number): NftJsonValue {
  const full = Buffer.alloc(type.length);
  bytes.copy(full, 0, 0, Math.min(bytes.length, full.length));
  return { prefix: { addr: type.format(full), len } };
}

/** A verdict as a statement or map data: `{"accept": null}`, `{"jump": {"target": "c"}}`. */
export function verdictJson(verdict: Verdict): { [kind: string]: NftJsonValue } {
  if (verdict.code === 'jump' || verdict.code === 'goto') return { [verdict.code]: { target: verdict.chain ?? '' } };
  return { [verdict.code]: null };
}

/** One flag alone prints as a string, several as an array (nat, log and synproxy flags). */
export function flagsJson(flags: readonly string[]): NftJsonValue {
  return flags.length === 1 ? flags[0]! : [...flags];
}

/** The byte order nft sorts values by: numbers in host order compare by value, not by bytes. */
export function sortBytes(type: Datatype, bytes: Buffer): Buffer {
  return type.byteorder === 'host' && bytes.length > 1 ? Buffer.from(bytes).reverse() : bytes;
}
