import { NFT_REG32_00, NFT_REG32_15, NFT_REG_4, NFT_REG_VERDICT } from '../../generated/nf_tables.js';
import { InvalidArgumentError } from '../../netlink/addresses.js';
import type { AttributeCursor, RawAttribute } from '../../netlink/attributes.js';
import { NLA_F_NESTED, type MessageWriter } from '../../netlink/writer.js';
import { describeValue, jsonOf, textOf } from '../../netlink/checks.js';

/**
 * How one kind of expression travels: `encode` writes the attributes inside
 * NFTA_EXPR_DATA, `decode` reads them back. `kind` is the kernel's name for
 * the expression (NFTA_EXPR_NAME).
 */
export interface ExpressionCodec<E extends {
  /** The kernel's expression name (NFTA_EXPR_NAME). */
  kind: string;
}> {
  /** The kernel's name for the expression (NFTA_EXPR_NAME): `payload`, `cmp`, `ct`... */
  readonly kind: E['kind'];
  /** The kernel sends no NFTA_EXPR_DATA for this kind (it has no attributes), so nlkit sends none either. */
  readonly withoutData?: boolean;
  /** Writes the expression's attributes into the NFTA_EXPR_DATA nest the caller opened; throws InvalidArgumentError for a field out of range. */
  encode(writer: MessageWriter, expression: E): void;
  /** Reads an expression back from a cursor over its NFTA_EXPR_DATA attributes; attributes it does not know go to `unknown`. */
  decode(cursor: AttributeCursor): E;
}

/** Attributes a decoder did not understand, kept verbatim so encoding them again loses nothing. */
export interface KeepsUnknown {
  /** Attributes a listing carried that this version does not decode, kept verbatim and written back on encode; absent when there are none. */
  unknown?: RawAttribute[];
}

export function keepUnknown(target: KeepsUnknown, cursor: AttributeCursor): void {
  (target.unknown ??= []).push(cursor.raw());
}

export function writeUnknown(writer: MessageWriter, unknown: readonly RawAttribute[] | undefined): void {
  for (const a of unknown ?? []) writer.binary(a.nested ? a.type | NLA_F_NESTED : a.type, a.data);
}

/** A register: NFT_REG_VERDICT..NFT_REG_4 (16 bytes each) or NFT_REG32_00..15 (4 bytes each). */
export function requireRegister(value: unknown, what: string, allowVerdict = false): number {
  const ok = typeof value === 'number' && Number.isInteger(value)
    && ((value >= (allowVerdict ? NFT_REG_VERDICT : 1) && value <= NFT_REG_4) || (value >= NFT_REG32_00 && value <= NFT_REG32_15));
  if (!ok) {
    throw new InvalidArgumentError(`${what} must be a register number: 1-4 (128-bit) or 8-23 (32-bit)${allowVerdict ? ', or 0 for the verdict' : ''}; got ${textOf(value)}`);
  }
  return value as number;
}

export function requireUint(value: unknown, what: string, max = 0xffffffff): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0 || value > max) {
    throw new InvalidArgumentError(`${what} must be an integer 0-${max}, got ${textOf(value)}`);
  }
  return value;
}

export function requireBytes(value: unknown, what: string): Buffer {
  if (!(value instanceof Uint8Array) || value.length === 0) throw new InvalidArgumentError(`${what} must be a non-empty Buffer`);
  return Buffer.from(value);
}

/** Names for the values of a kernel enum; numbers without a name pass through. */
export class EnumNames<N extends string> {
  private readonly names = new Map<number, N>();
  constructor(
    private readonly what: string,
    private readonly values: Readonly<Record<N, number>>,
  ) {
    for (const [name, n] of Object.entries(values) as [N, number][]) if (!this.names.has(n)) this.names.set(n, name);
  }

  encode(name: N | number): number {
    if (typeof name === 'number' && Number.isInteger(name) && name >= 0) return name;
    const n = typeof name === 'string' && Object.hasOwn(this.values, name) ? (this.values as Record<string, number>)[name] : undefined;
    if (n === undefined) throw new InvalidArgumentError(`unknown ${this.what} ${jsonOf(name)}; use one of ${Object.keys(this.values).join(', ')}`);
    return n;
  }

  decode(n: number): N | number {
    return this.names.get(n) ?? n;
  }
}

/** Names for the bits of a kernel flag word; unnamed bits come back as `0x..` strings. */
export class FlagNames<N extends string> {
  constructor(
    private readonly what: string,
    private readonly bits: Readonly<Record<N, number>>,
  ) {}

  encode(flags: readonly (N | `0x${string}`)[] | undefined): number {
    let value = 0;
    if (flags !== undefined && !Array.isArray(flags)) throw new InvalidArgumentError(`${this.what} flags must be an array of names, got ${describeValue(flags)}`);
    for (const flag of flags ?? []) {
      // Own names only: 'toString' or 'constructor' are no flags, and a non-string would be turned into a key.
      const bit = typeof flag === 'string' && Object.hasOwn(this.bits, flag) ? (this.bits as Record<string, number>)[flag]! : undefined;
      if (bit !== undefined) value |= bit;
      else if (typeof flag === 'string' && /^0x[0-9a-f]+$/i.test(flag)) value |= parseInt(flag, 16);
      else throw new InvalidArgumentError(`unknown ${this.what} flag ${jsonOf(flag)}; use any of ${Object.keys(this.bits).join(', ')}`);
    }
    return value >>> 0;
  }

  decode(value: number): (N | `0x${string}`)[] {
    const out: (N | `0x${string}`)[] = [];
    let rest = value >>> 0;
    for (const [name, bit] of Object.entries(this.bits) as [N, number][]) {
      if ((rest & bit) === bit && bit !== 0) {
        out.push(name);
        rest &= ~bit;
      }
    }
    if (rest) out.push(`0x${rest.toString(16)}`);
    return out;
  }
}

/** A big-endian u64 attribute as a number (exact below 2^53). */
export function readBe64(cursor: AttributeCursor): number {
  return Number(cursor.be64());
}
