import { NFT_USERDATA_MAXLEN } from '../../generated/nf_tables.js';
import { InvalidArgumentError } from '../../netlink/addresses.js';

/**
 * libnftnl's userdata: a byte string of TLVs (u8 type, u8 length, value) that
 * the kernel stores verbatim and `nft` interprets, e.g. a rule's comment.
 */
export interface UserdataEntry {
  type: number;
  value: Buffer;
}

// Types `nft` reads (libnftnl's include/libnftnl/udata.h; userspace values, not in the uapi).
/** Comment of a rule, table, chain (type 0) and of a set element. */
export const UDATA_COMMENT = 0;
export const UDATA_SET_KEYBYTEORDER = 0;
export const UDATA_SET_DATABYTEORDER = 1;
export const UDATA_SET_MERGE_ELEMENTS = 2;
export const UDATA_SET_KEY_TYPEOF = 3;
export const UDATA_SET_DATA_TYPEOF = 4;
export const UDATA_SET_EXPR = 5;
export const UDATA_SET_DATA_INTERVAL = 6;
export const UDATA_SET_COMMENT = 7;
/** A set element's flags (NFTNL_UDATA_SET_ELEM_FLAGS), after its comment. */
export const UDATA_SET_ELEM_FLAGS = 1;
/** The element's interval runs to the last value of the key, so no end element follows it (NFTNL_SET_ELEM_F_INTERVAL_OPEN). */
export const UDATA_SET_ELEM_INTERVAL_OPEN = 1;

/** nft refuses comments longer than this (NFTNL_UDATA_COMMENT_MAXLEN). */
export const COMMENT_MAXLEN = 128;

export function encodeUserdata(entries: readonly UserdataEntry[]): Buffer {
  const parts: Buffer[] = [];
  for (const { type, value } of entries) {
    if (value.length > 255) throw new InvalidArgumentError(`userdata entry ${type} is ${value.length} bytes; at most 255 fit`);
    parts.push(Buffer.from([type, value.length]), value);
  }
  const out = Buffer.concat(parts);
  if (out.length > NFT_USERDATA_MAXLEN) {
    throw new InvalidArgumentError(`userdata is ${out.length} bytes; the kernel stores at most ${NFT_USERDATA_MAXLEN} (NFT_USERDATA_MAXLEN)`);
  }
  return out;
}

/** Splits userdata into entries; a truncated tail is dropped rather than misread. */
export function decodeUserdata(buf: Buffer): UserdataEntry[] {
  const out: UserdataEntry[] = [];
  for (let at = 0; at + 2 <= buf.length; ) {
    const length = buf[at + 1]!;
    if (at + 2 + length > buf.length) break;
    out.push({ type: buf[at]!, value: Buffer.from(buf.subarray(at + 2, at + 2 + length)) });
    at += 2 + length;
  }
  return out;
}

/** A comment entry as nft writes it: the string with its NUL. */
export function commentEntry(type: number, comment: string, what: string): UserdataEntry {
  if (typeof comment !== 'string') throw new InvalidArgumentError(`${what} comment must be a string`);
  const bytes = Buffer.byteLength(comment);
  if (bytes > COMMENT_MAXLEN) throw new InvalidArgumentError(`${what} comment is ${bytes} bytes; nft allows at most ${COMMENT_MAXLEN}`);
  if (comment.includes('\0')) throw new InvalidArgumentError(`${what} comment must not contain NUL bytes`);
  return { type, value: Buffer.from(`${comment}\0`) };
}

export function userdataString(entries: readonly UserdataEntry[], type: number): string | undefined {
  const entry = entries.find((e) => e.type === type);
  if (!entry) return undefined;
  const nul = entry.value.indexOf(0);
  return entry.value.toString('utf8', 0, nul < 0 ? entry.value.length : nul);
}

export function userdataU32(entries: readonly UserdataEntry[], type: number): number | undefined {
  const entry = entries.find((e) => e.type === type);
  return entry && entry.value.length >= 4 ? entry.value.readUInt32LE(0) : undefined;
}

export function u32Entry(type: number, value: number): UserdataEntry {
  const b = Buffer.alloc(4);
  b.writeUInt32LE(value >>> 0, 0);
  return { type, value: b };
}
