import { formatIp, formatMac } from './addresses.js';
import { be16, be32, s32le, u16le, u32le, u64le } from './byte-reads.js';
import { MalformedMessageError } from './message.js';
import { NLA_F_NESTED, NLA_F_NET_BYTEORDER, NLA_TYPE_MASK } from './writer.js';

/** Longest string read byte by byte (an interface name is at most 16 bytes with its NUL). */
const SHORT_STRING = 32;

/** An attribute nlkit did not decode into a typed field, kept so nothing is lost. */
export interface RawAttribute {
  /** Attribute type, with the NLA_F_NESTED and NLA_F_NET_BYTEORDER flag bits masked off. */
  type: number;
  /** Whether the header carried NLA_F_NESTED (the payload is itself a list of attributes). */
  nested: boolean;
  /** The payload bytes, without the 4-byte nlattr header or trailing padding. */
  data: Buffer;
}

/**
 * The `unknown` of a route or address that has none: one frozen array shared
 * by all of them. An empty array per object was a sixth of the bytes a
 * 100,000-route dump keeps, each copied by the garbage collector; frozen, so
 * no caller can add to the array every other object shows.
 */
export const NO_RAW_ATTRIBUTES: readonly RawAttribute[] = Object.freeze([]);

/**
 * What a cursor walks, for error reports only: a decoder sets it once per
 * message, nested cursors inherit it, and nothing reads it unless the bytes
 * turn out malformed.
 */
export interface DecodeContext {
  /** Protocol family: `rtnetlink`, `nftables`, `netlink`. */
  readonly family: string;
  /** Message type name (`RTM_NEWLINK`) or number. */
  readonly messageType?: string | number;
  /**
   * Added to an offset in the cursor's buffer to give the offset in the
   * buffer the decoder was handed (a link decodes a private copy of its message).
   */
  readonly offsetBias?: number;
  /** Names an attribute path, e.g. [IFLA_LINKINFO, IFLA_INFO_DATA, 2] → `IFLA_LINKINFO/IFLA_INFO_DATA/IFLA_VXLAN_GROUP`. */
  attributeName?(path: readonly number[]): string | undefined;
}

const STRING_CACHE_BITS = 9;
const stringCache: string[] = new Array<string>(1 << STRING_CACHE_BITS).fill('');

/** The ASCII bytes `buf[start, end)` as a string, from the cache when it holds them (`hash`: FNV-1a of the bytes). */
function shortString(buf: Buffer, start: number, end: number, hash: number): string {
  const n = end - start;
  if (n === 0) return '';
  const slot = hash >>> (32 - STRING_CACHE_BITS);
  const cached = stringCache[slot]!;
  if (cached.length === n) {
    let i = 0;
    while (i < n && cached.charCodeAt(i) === buf[start + i]) i++;
    if (i === n) return cached;
  }
  let out: string;
  if (n < 13) {
    // Below 13 characters V8 concatenates into flat strings; longer ones would be cons trees.
    out = '';
    for (let i = start; i < end; i++) out += String.fromCharCode(buf[i]!);
  } else {
    out = buf.toString('latin1', start, end);
  }
  stringCache[slot] = out;
  return out;
}

/**
 * The string payload `buf[start, start + length)`, stopping at the first NUL:
 * what AttributeCursor#string returns, for decoders that walk attributes
 * without a cursor.
 */
export function attributeString(buf: Buffer, start: number, length: number): string {
  // Names, kinds and qdiscs are short ASCII, and the same few recur in
  // every message (`lo`, `noqueue`, `veth`, an address's label): they come
  // from a small cache of strings already made, checked byte by byte, so a
  // repeated name costs no allocation and no copy by the garbage collector.
  const stop = start + length;
  if (length <= SHORT_STRING) {
    let end = start;
    let hash = 0x811c9dc5;
    let ascii = true;
    for (; end < stop; end++) {
      const byte = buf[end]!;
      if (byte === 0) break;
      if (byte >= 0x80) {
        ascii = false;
        break;
      }
      hash = Math.imul(hash ^ byte, 0x01000193);
    }
    if (ascii) return shortString(buf, start, end, hash);
  }
  let end = stop;
  const nul = buf.indexOf(0, start);
  if (nul >= 0 && nul < end) end = nul;
  return buf.toString('utf8', start, end);
}

/**
 * Walks the attributes between two offsets, in the style of a cursor:
 * `while (c.next()) switch (c.type) { case X: v = c.u32(); }`.
 * An attribute header that claims fewer than 4 bytes or more than its
 * container holds, and a getter on a payload shorter than its type, throw
 * MalformedMessageError naming the attribute; 1-3 bytes left at the end of
 * a container are alignment padding.
 */
export class AttributeCursor {
  /** Type of the current attribute (nla_type with the flag bits masked off); 0 before the first `next()`. */
  type = 0;
  /** Raw type with NLA_F_NESTED / NLA_F_NET_BYTEORDER bits. */
  rawType = 0;
  /** First payload byte of the current attribute. */
  start = 0;
  /** Payload length of the current attribute. */
  length = 0;
  private next_: number;
  private readonly end: number;

  constructor(
    /** The buffer the attributes are read from; the cursor's offsets index into it. */
    readonly buf: Buffer,
    begin: number,
    end: number,
    /** For error reports; see DecodeContext. */
    readonly context?: DecodeContext,
    /** The cursor whose current attribute contains this one's (for the attribute path in error reports). */
    private readonly outer?: AttributeCursor,
    /** The outer cursor's attribute type when this cursor was made (it moves on afterwards). */
    private readonly outerType = 0,
  ) {
    this.next_ = begin;
    // A Message put together by hand may claim more bytes than its buffer has.
    this.end = end <= buf.length ? end : buf.length;
  }

  /**
   * Moves to the next attribute; returns false once the container is exhausted.
   * @throws MalformedMessageError when the attribute header is shorter than 4 bytes or overruns its container.
   */
  next(): boolean {
    const at = this.next_;
    const end = this.end;
    if (at + 4 > end) return false;
    // Byte reads (byte-reads.ts): a link dump walks ~100 attributes per object.
    const len = u16le(this.buf, at);
    if (len < 4 || at + len > end) throw this.badHeader(at, len);
    this.rawType = u16le(this.buf, at + 2);
    this.type = this.rawType & NLA_TYPE_MASK;
    this.start = at + 4;
    this.length = len - 4;
    this.next_ = at + ((len + 3) & ~3);
    return true;
  }

  /** Whether the current attribute carries NLA_F_NESTED. */
  get nested(): boolean {
    return (this.rawType & NLA_F_NESTED) !== 0;
  }

  /** Whether the current attribute carries NLA_F_NET_BYTEORDER (payload in network byte order). */
  get netByteOrder(): boolean {
    return (this.rawType & NLA_F_NET_BYTEORDER) !== 0;
  }

  /** Throws MalformedMessageError unless the current payload has at least `bytes` bytes. */
  need(bytes: number): void {
    if (this.length < bytes) throw this.malformed(`attribute type ${this.type} has ${this.length} bytes, expected at least ${bytes}`);
  }

  /** An error naming the current attribute (its header's offset), for a decoder that finds its payload malformed. */
  malformed(detail: string): MalformedMessageError {
    return this.errorAt(this.start - 4, [...this.outerPath(), this.type], detail);
  }

  /** An error naming the attribute (or container) at `offset` of the buffer, inside the current attribute. */
  malformedInside(offset: number, detail: string): MalformedMessageError {
    return this.errorAt(offset, [...this.outerPath(), this.type], detail);
  }

  private badHeader(at: number, len: number): MalformedMessageError {
    const path = this.outerPath();
    if (at + 4 <= this.end) path.push(u16le(this.buf, at + 2) & NLA_TYPE_MASK);
    const room = this.end - at;
    return this.errorAt(at, path, len < 4
      ? `attribute length ${len} is shorter than its 4-byte header`
      : `attribute claims ${len} bytes, its container has ${room} left`);
  }

  private outerPath(): number[] {
    const path: number[] = [];
    for (let c: AttributeCursor | undefined = this; c?.outer; c = c.outer) path.unshift(c.outerType);
    return path;
  }

  private errorAt(offset: number, path: number[], detail: string): MalformedMessageError {
    const context = this.context;
    const name = path.length ? context?.attributeName?.(path) ?? `attribute ${path.join('/')}` : undefined;
    return new MalformedMessageError(detail, {
      family: context?.family,
      messageType: context?.messageType,
      attribute: name,
      offset: offset + (context?.offsetBias ?? 0),
    });
  }

  /** The payload as a u8. Throws MalformedMessageError if it is empty. */
  u8(): number {
    this.need(1);
    return this.buf[this.start]!;
  }
  /** The payload as a host-order (little-endian) u16. Throws MalformedMessageError if shorter than 2 bytes. */
  u16(): number {
    this.need(2);
    return u16le(this.buf, this.start);
  }
  /** The payload as a big-endian u16 (ports, ethertypes). Throws MalformedMessageError if shorter than 2 bytes. */
  be16(): number {
    this.need(2);
    return be16(this.buf, this.start);
  }
  /** The payload as a host-order (little-endian) u32. Throws MalformedMessageError if shorter than 4 bytes. */
  u32(): number {
    this.need(4);
    return u32le(this.buf, this.start);
  }
  /** The payload as a big-endian u32 (nftables attributes are network byte order). Throws MalformedMessageError if shorter than 4 bytes. */
  be32(): number {
    this.need(4);
    return be32(this.buf, this.start);
  }
  /** The payload as a host-order (little-endian) s32. Throws MalformedMessageError if shorter than 4 bytes. */
  s32(): number {
    this.need(4);
    return s32le(this.buf, this.start);
  }
  /** A big-endian s32 (nftables priorities and verdict codes). */
  s32be(): number {
    this.need(4);
    return be32(this.buf, this.start) | 0;
  }
  /** The payload as a host-order (little-endian) u64. Throws MalformedMessageError if shorter than 8 bytes. */
  u64(): bigint {
    this.need(8);
    return this.buf.readBigUInt64LE(this.start);
  }
  /** The payload as a big-endian u64 (nftables handles, counters, timeouts). Throws MalformedMessageError if shorter than 8 bytes. */
  be64(): bigint {
    this.need(8);
    return this.buf.readBigUInt64BE(this.start);
  }
  /** u64 as a number (exact below 2^53, which covers counters for centuries). */
  u64n(): number {
    this.need(8);
    return u64le(this.buf, this.start);
  }
  /** A string, stopping at the first NUL. */
  string(): string {
    return attributeString(this.buf, this.start, this.length);
  }
  /** The payload formatted as an address: dotted quad for 4 bytes, RFC 5952 for 16, hex for any other length. */
  ip(): string {
    return formatIp(this.buf, this.start, this.length);
  }
  /** The payload formatted as a colon-separated lowercase hardware address ("02:00:5e:00:00:01"). */
  mac(): string {
    return formatMac(this.buf, this.start, this.length);
  }
  /** The payload without copying: valid only while the underlying buffer is. */
  view(): Buffer {
    return this.buf.subarray(this.start, this.start + this.length);
  }
  /** A copy of the payload. */
  bytes(): Buffer {
    return Buffer.from(this.buf.subarray(this.start, this.start + this.length));
  }
  /**
   * A cursor over the attributes nested in the current one; `header` bytes
   * of a fixed struct that opens the payload (VETH_INFO_PEER's ifinfomsg)
   * are skipped, and must be there.
   */
  nestedCursor(header = 0): AttributeCursor {
    if (header !== 0) this.need(header);
    return new AttributeCursor(this.buf, this.start + ((header + 3) & ~3), this.start + this.length, this.context, this, this.type);
  }
  /**
   * A cursor over `[begin, end)` inside the current attribute's payload, for
   * attributes behind a struct of their own (each rtnexthop of RTA_MULTIPATH).
   */
  cursorInside(begin: number, end: number): AttributeCursor {
    return new AttributeCursor(this.buf, begin, Math.min(end, this.start + this.length), this.context, this, this.type);
  }
  /** The current attribute kept verbatim. */
  raw(): RawAttribute {
    return { type: this.type, nested: this.nested, data: this.bytes() };
  }
  /**
   * The current attribute kept verbatim without copying: `data` is a view,
   * valid only while the underlying buffer is (use it on a buffer the result owns).
   */
  rawView(): RawAttribute {
    return { type: this.type, nested: (this.rawType & NLA_F_NESTED) !== 0, data: this.buf.subarray(this.start, this.start + this.length) };
  }
}
