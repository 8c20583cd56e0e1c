// Set keys wider than the 6 bytes a JavaScript number holds exactly, and keys
// whose width differs from their type's own: nft's 64- and 128-bit integers
// (`ct bytes`, `ct label`, cgroup ids) and the registers of anonymous sets
// that hold a field where the packet has it (`ip6 dscp { cs1, ef }`).
import { InvalidArgumentError } from '../../netlink/addresses.js';
import type { Datatype, ScalarValue } from './datatypes.js';
import { jsonOf } from '../../netlink/checks.js';

const DIGITS = /^(0x[0-9a-f]+|\d+)$/i;

function toBytes(n: bigint, length: number, big: boolean): Buffer {
  const b = Buffer.alloc(length);
  for (let i = length - 1; i >= 0; i--, n >>= 8n) b[i] = Number(n & 0xffn);
  return big ? b : b.reverse();
}

function fromBytes(bytes: Buffer, big: boolean): bigint {
  const b = big ? bytes : Buffer.from(bytes).reverse();
  let n = 0n;
  for (const byte of b) n = (n << 8n) | BigInt(byte);
  return n;
}

/** A non-negative integer below 2^bits from a safe number or a decimal or 0x hex string; undefined otherwise. */
function parse(value: ScalarValue, bits: number): bigint | undefined {
  let n: bigint | undefined;
  if (typeof value === 'number') n = Number.isSafeInteger(value) && value >= 0 ? BigInt(value) : undefined;
  else if (DIGITS.test(value)) n = BigInt(value);
  return n !== undefined && n < 1n << BigInt(bits) ? n : undefined;
}

/**
 * An unsigned integer of `length` bytes (any width), big-endian or in host
 * order. Values are numbers, or decimal or 0x hex strings for those beyond
 * 2^53; formatted as a number while exact, else a decimal string, or always
 * as hex with `hex` (registers, whose bits mean more than their sum).
 */
export function wideIntegerType(name: string, id: number, length: number, byteorder: 'big' | 'host', hex = false): Datatype {
  const big = byteorder === 'big';
  const bits = length * 8;
  return {
    name, id, length, byteorder, ordered: true,
    encode(value, what) {
      const n = parse(value, bits);
      if (n === undefined) throw new InvalidArgumentError(`${what} must be a ${bits}-bit unsigned integer (a number, or a decimal or 0x hex string), got ${jsonOf(value)}`);
      return toBytes(n, length, big);
    },
    format(b) {
      const n = fromBytes(b, big);
      if (hex) return `0x${n.toString(16)}`;
      return n <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(n) : n.toString();
    },
  };
}

/**
 * A type held at another width than its own, written `name(bits)`: nft keys the anonymous set of
 * a field that shares its bytes (`ip6 dscp { cs1, ef }`) with the register the field is loaded
 * into, 16 bits there, values where the packet has them (ef is 0x0b80). nft gives some such sets
 * the type `invalid` (`ct original proto-dst { 80, 443 }`), nlkit's `invalid(16)`. The type's
 * number stays, so nft lists the set as before; values are the register as a hex string.
 */
export function registerType(base: Pick<Datatype, 'name' | 'id' | 'byteorder'>, bits: number): Datatype {
  return wideIntegerType(`${base.name}(${bits})`, base.id, bits / 8, base.byteorder === 'host' ? 'host' : 'big', true);
}

const LABEL_BITS = 128;

/**
 * `ct_label` (TYPE_CT_LABEL): 128 bits in host order, one bit per label. nft writes a label by its
 * bit number (names come from /etc/connlabel.conf, absent here), so a value of one bit is that
 * number; any other value is the whole bitmask as a 0x hex string.
 */
export function ctLabelType(id: number): Datatype {
  const raw = wideIntegerType('ct_label', id, LABEL_BITS / 8, 'host', true);
  return {
    ...raw,
    ordered: false,
    encode(value, what) {
      if (typeof value === 'string' && /^0x/i.test(value)) return raw.encode(value, what);
      const bit = typeof value === 'number' ? value : /^\d+$/.test(value) ? Number(value) : NaN;
      if (!Number.isInteger(bit) || bit < 0 || bit >= LABEL_BITS) {
        throw new InvalidArgumentError(`${what} must be a ct label bit 0-${LABEL_BITS - 1}, or a 0x hex bitmask of labels, got ${jsonOf(value)}`);
      }
      return raw.encode(`0x${(1n << BigInt(bit)).toString(16)}`, what);
    },
    format(b) {
      const n = BigInt(raw.format(b) as string);
      const single = n !== 0n && (n & (n - 1n)) === 0n;
      return single ? n.toString(2).length - 1 : `0x${n.toString(16)}`;
    },
  };
}
