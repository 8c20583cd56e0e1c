// u32's selector: keys of (value, mask, offset) in network order, built from
// tc's `match` words exactly as f_u32.c packs them (pack_key, pack_key16, pack_key8).
import { InvalidArgumentError, requireIp } from '../../../netlink/addresses.js';
import { describeValue, jsonOf } from '../../../netlink/checks.js';

/** One 32-bit comparison: (packet word at off [+ next header] & mask) == value. Values in host order of the big-endian word. */
export interface U32Key {
  /** The mask as the big-endian word reads (0xffff0000 for the upper half). */
  mask: number;
  /** The value, masked, as the big-endian word reads. */
  value: number;
  /** Byte offset, a multiple of 4. */
  off: number;
  /** -1 (nexthdr+): relative to the next header; 0 otherwise. */
  offmask: number;
}

/** struct tc_u32_sel without its keys. */
export interface U32Selector {
  /** TC_U32_TERMINAL, TC_U32_OFFSET, TC_U32_VAROFFSET, TC_U32_EAT. */
  flags: number;
  /** Right shift of the variable offset. */
  offshift: number;
  /** Big-endian 16-bit mask of the variable offset, as the word reads. */
  offmask: number;
  /** Fixed offset added to the next header. */
  off: number;
  /** Where the variable offset is read. */
  offoff: number;
  /** Offset of the hashed word. */
  hoff: number;
  /** Hash mask as the big-endian word reads. */
  hmask: number;
  /** The keys; all must match. */
  keys: U32Key[];
}

/** sizeof(struct tc_u32_sel) and of each struct tc_u32_key. */
export const U32_SEL_LEN = 16;
export const U32_KEY_LEN = 16;
const MAX_KEYS = 128;

export function emptySelector(): U32Selector {
  return { flags: 0, offshift: 0, offmask: 0, off: 0, offoff: 0, hoff: 0, hmask: 0, keys: [] };
}

function fail(match: string, why: string): InvalidArgumentError {
  return new InvalidArgumentError(`u32 match ${jsonOf(match)}: ${why}`);
}

/** pack_key: merges with a key at the same offset, refusing contradictions. */
function packKey(sel: U32Selector, match: string, value: number, mask: number, off: number, offmask: number): void {
  value = (value & mask) >>> 0;
  for (const k of sel.keys) {
    if (k.off === off && k.offmask === offmask) {
      if (((value ^ k.value) & mask & k.mask) !== 0) throw fail(match, 'contradicts an earlier match at the same offset');
      k.value = (k.value | value) >>> 0;
      k.mask = (k.mask | mask) >>> 0;
      return;
    }
  }
  if (sel.keys.length >= MAX_KEYS) throw fail(match, `a selector holds at most ${MAX_KEYS} keys`);
  if (off % 4) throw fail(match, 'the offset of a u32 must be a multiple of 4');
  sel.keys.push({ mask: mask >>> 0, value, off, offmask });
}

function packKey16(sel: U32Selector, match: string, value: number, mask: number, off: number, offmask: number): void {
  if (value > 0xffff || mask > 0xffff) throw fail(match, 'a u16 value and mask must be at most 0xffff');
  const shift = (off & 3) === 0 ? 16 : 0;
  packKey(sel, match, (value << shift) >>> 0, (mask << shift) >>> 0, off & ~3, offmask);
}

function packKey8(sel: U32Selector, match: string, value: number, mask: number, off: number, offmask: number): void {
  if (value > 0xff || mask > 0xff) throw fail(match, 'a u8 value and mask must be at most 0xff');
  const shift = 8 * (3 - (off & 3));
  packKey(sel, match, (value << shift) >>> 0, (mask << shift) >>> 0, off & ~3, offmask);
}

/** get_u32 with base 0: decimal, 0x-hex or 0-octal. */
function number0(text: string | undefined, match: string, what: string): number {
  if (text !== undefined) {
    if (/^0[xX][0-9a-fA-F]+$/.test(text)) return parseInt(text.slice(2), 16);
    if (/^0[0-7]*$/.test(text)) return parseInt(text, 8);
    if (/^[1-9]\d*$/.test(text)) return Number(text);
  }
  throw fail(match, `${what} must be a number, got ${describeValue(text)}`);
}

/** get_u32 with base 16, as u32 reads masks: `ffff0000` or `0xffff0000`. */
function number16(text: string | undefined, match: string): number {
  if (text !== undefined && /^(0[xX])?[0-9a-fA-F]+$/.test(text)) return parseInt(text.replace(/^0[xX]/, ''), 16);
  throw fail(match, `the mask must be a hex number, got ${describeValue(text)}`);
}

function bounded(value: number, match: string, what: string): number {
  if (value > 0xffffffff) throw fail(match, `${what} must fit in 32 bits`);
  return value;
}

/** parse_at: `at 12` or `at nexthdr+4` (offmask -1). */
function parseAt(words: string[], i: number, match: string): { off: number; offmask: number; next: number } {
  let offmask = 0;
  let text = words[i];
  if (text?.startsWith('nexthdr+') && text.length > 'nexthdr+'.length) {
    offmask = -1;
    text = text.slice('nexthdr+'.length);
  } else if (text === 'nexthdr+') {
    offmask = -1;
    text = words[++i];
  }
  if (text === undefined || !/^-?(0[xX][0-9a-fA-F]+|\d+)$/.test(text)) throw fail(match, `"at" needs an offset, got ${describeValue(text)}`);
  const negative = text.startsWith('-');
  const magnitude = Number(negative ? text.slice(1) : text);
  return { off: negative ? -magnitude : magnitude, offmask, next: i + 1 };
}

/** IPv4 header fields of `match ip FIELD ...`: their offset and width (f_u32.c parse_ip). */
const IP_FIELDS: Record<string, { off: number; width: 8 | 16 }> = {
  tos: { off: 1, width: 8 }, dsfield: { off: 1, width: 8 }, precedence: { off: 1, width: 8 }, ihl: { off: 0, width: 8 },
  protocol: { off: 9, width: 8 }, sport: { off: 20, width: 16 }, dport: { off: 22, width: 16 },
  icmp_type: { off: 20, width: 8 }, icmp_code: { off: 21, width: 8 },
};

/**
 * Adds one `match` to a selector, in tc's words: `u32 VAL MASK [at OFF]`,
 * `u16 ...`, `u8 ...`, `ip src|dst PREFIX`, `ip sport|dport|protocol|tos|dsfield|ihl|icmp_type|icmp_code VAL MASK`.
 */
export function addMatch(sel: U32Selector, match: unknown): void {
  if (typeof match !== 'string') throw new InvalidArgumentError(`a u32 match must be a string like "ip dst 10.0.0.0/8" or "u32 0 0", got ${describeValue(match)}`);
  const words = match.trim().split(/\s+/);
  const [type, ...rest] = words;
  if (type === 'u32' || type === 'u16' || type === 'u8') {
    const value = bounded(number0(rest[0], match, 'the value'), match, 'the value');
    const mask = bounded(number16(rest[1], match), match, 'the mask');
    let off = 0;
    let offmask = 0;
    let next = 2;
    if (rest[2] === 'at') ({ off, offmask, next } = parseAt(rest, 3, match));
    if (next !== rest.length) throw fail(match, `unexpected ${JSON.stringify(rest.slice(next).join(' '))}`);
    if (type === 'u32') packKey(sel, match, value, mask, off, offmask);
    else if (type === 'u16') packKey16(sel, match, value, mask, off, offmask);
    else packKey8(sel, match, value, mask, off, offmask);
    return;
  }
  if (type === 'ip') {
    const field = rest[0];
    if (field === 'src' || field === 'dst') {
      if (rest.length !== 2) throw fail(match, `ip ${field} takes one prefix like 10.0.0.0/8`);
      const [address, bitsText] = rest[1]!.split('/') as [string, string | undefined];
      if (requireIp(address, 'u32 match address') !== 4) throw fail(match, 'ip src/dst take an IPv4 address');
      const bits = bitsText === undefined ? 32 : /^\d+$/.test(bitsText) && Number(bitsText) <= 32 ? Number(bitsText) : NaN;
      if (Number.isNaN(bits)) throw fail(match, 'the prefix length must be 0-32');
      const mask = bits === 0 ? 0 : (0xffffffff << (32 - bits)) >>> 0;
      const value = address.split('.').reduce((acc, octet) => acc * 256 + Number(octet), 0);
      packKey(sel, match, value, mask, field === 'src' ? 12 : 16, 0);
      return;
    }
    const f = field === undefined ? undefined : IP_FIELDS[field];
    if (!f) throw fail(match, `unknown ip field ${JSON.stringify(field)}; nlkit knows src, dst, ${Object.keys(IP_FIELDS).join(', ')}`);
    if (rest.length !== 3) throw fail(match, `ip ${field} takes a value and a mask, like "ip ${field} 80 0xffff"`);
    const value = number0(rest[1], match, 'the value');
    const mask = number16(rest[2], match);
    if (f.width === 16) packKey16(sel, match, value, mask, f.off, 0);
    else packKey8(sel, match, value, mask, f.off, 0);
    return;
  }
  throw fail(match, 'must start with u32, u16, u8 or ip');
}

/** struct tc_u32_sel and its keys, as TCA_U32_SEL carries them. */
export function encodeSelector(sel: U32Selector): Buffer {
  const b = Buffer.alloc(U32_SEL_LEN + sel.keys.length * U32_KEY_LEN);
  b[0] = sel.flags;
  b[1] = sel.offshift;
  b[2] = sel.keys.length;
  b.writeUInt16BE(sel.offmask, 4);
  b.writeUInt16LE(sel.off, 6);
  b.writeInt16LE(sel.offoff, 8);
  b.writeInt16LE(sel.hoff, 10);
  b.writeUInt32BE(sel.hmask, 12);
  sel.keys.forEach((k, i) => {
    const at = U32_SEL_LEN + i * U32_KEY_LEN;
    b.writeUInt32BE(k.mask, at);
    b.writeUInt32BE(k.value, at + 4);
    b.writeInt32LE(k.off, at + 8);
    b.writeInt32LE(k.offmask, at + 12);
  });
  return b;
}

/** Reads TCA_U32_SEL; `length` bytes at `at`, checked by the caller to hold the header. Keys beyond the payload are refused by the caller. */
export function decodeSelector(b: Buffer, at: number): U32Selector {
  const nkeys = b[at + 2]!;
  const keys: U32Key[] = [];
  for (let i = 0; i < nkeys; i++) {
    const k = at + U32_SEL_LEN + i * U32_KEY_LEN;
    keys.push({ mask: b.readUInt32BE(k), value: b.readUInt32BE(k + 4), off: b.readInt32LE(k + 8), offmask: b.readInt32LE(k + 12) });
  }
  return {
    flags: b[at]!, offshift: b[at + 1]!, offmask: b.readUInt16BE(at + 4), off: b.readUInt16LE(at + 6), offoff: b.readInt16LE(at + 8), hoff: b.readInt16LE(at + 10),
    hmask: b.readUInt32BE(at + 12), keys,
  };
}
