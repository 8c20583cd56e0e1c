import { formatIp, formatMac } from './addresses.js';
import { be16, be32, s32le, u16le, u32le, u64le } from './byte-reads.js';
import { NLA_F_NESTED, NLA_F_NET_BYTEORDER, NLA_TYPE_MASK } from './writer.js';

/** Longest string read byte by byte (an interface name is at most 16 bytes with its NUL). */
const SHORT_STRING = 32;

/** An attribute nlkit did not decode into a typed field, kept so nothing is lost. */
export interface RawAttribute {
  type: number;
  nested: boolean;
  data: Buffer;
}

/**
 * Walks the attributes between two offsets, in the style of a cursor:
 * `while (c.next()) switch (c.type) { case X: v = c.u32(); }`.
 * Getters read the current attribute; a short payload throws, naming the attribute.
 */
export class AttributeCursor {
  type = 0;
  /** Raw type with NLA_F_NESTED / NLA_F_NET_BYTEORDER bits. */
  rawType = 0;
  /** First payload byte of the current attribute. */
  start = 0;
  /** Payload length of the current attribute. */
  length = 0;
  private next_: number;

  constructor(
    readonly buf: Buffer,
    begin: number,
    private readonly end: number,
  ) {
    this.next_ = begin;
  }

  next(): boolean {
    const at = this.next_;
    if (at + 4 > this.end) return false;
    // Byte reads (byte-reads.ts): a link dump walks ~100 attributes per object.
    const len = u16le(this.buf, at);
    if (len < 4 || at + len > this.end) return false;
    this.rawType = u16le(this.buf, at + 2);
    this.type = this.rawType & NLA_TYPE_MASK;
    this.start = at + 4;
    this.length = len - 4;
    this.next_ = at + ((len + 3) & ~3);
    return true;
  }

  get nested(): boolean {
    return (this.rawType & NLA_F_NESTED) !== 0;
  }

  get netByteOrder(): boolean {
    return (this.rawType & NLA_F_NET_BYTEORDER) !== 0;
  }

  private need(bytes: number): void {
    if (this.length < bytes) {
      throw new RangeError(`attribute type ${this.type} has ${this.length} bytes, expected at least ${bytes}`);
    }
  }

  u8(): number {
    this.need(1);
    return this.buf[this.start]!;
  }
  u16(): number {
    this.need(2);
    return u16le(this.buf, this.start);
  }
  be16(): number {
    this.need(2);
    return be16(this.buf, this.start);
  }
  u32(): number {
    this.need(4);
    return u32le(this.buf, this.start);
  }
  be32(): number {
    this.need(4);
    return be32(this.buf, this.start);
  }
  s32(): number {
    this.need(4);
    return s32le(this.buf, this.start);
  }
  u64(): bigint {
    this.need(8);
    return this.buf.readBigUInt64LE(this.start);
  }
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
    // Names, kinds and qdiscs are short ASCII: built from the bytes directly,
    // cheaper than the NUL search and UTF-8 decoder used for anything else.
    if (this.length <= SHORT_STRING) {
      const b = this.buf;
      const stop = this.start + this.length;
      let out = '';
      let ascii = true;
      for (let i = this.start; i < stop; i++) {
        const byte = b[i]!;
        if (byte === 0) break;
        if (byte >= 0x80) {
          ascii = false;
          break;
        }
        out += String.fromCharCode(byte);
      }
      if (ascii) return out;
    }
    let end = this.start + this.length;
    const nul = this.buf.indexOf(0, this.start);
    if (nul >= 0 && nul < end) end = nul;
    return this.buf.toString('utf8', this.start, end);
  }
  ip(): string {
    return formatIp(this.buf, this.start, this.length);
  }
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
  /** A cursor over the attributes nested in the current one. */
  nestedCursor(): AttributeCursor {
    return new AttributeCursor(this.buf, this.start, this.start + this.length);
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
