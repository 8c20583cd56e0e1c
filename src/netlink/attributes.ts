import { formatIp, formatMac } from './addresses.js';
import { NLA_F_NESTED, NLA_F_NET_BYTEORDER, NLA_TYPE_MASK } from './writer.js';

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
    const len = this.buf.readUInt16LE(at);
    if (len < 4 || at + len > this.end) return false;
    this.rawType = this.buf.readUInt16LE(at + 2);
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
    return this.buf.readUInt16LE(this.start);
  }
  be16(): number {
    this.need(2);
    return this.buf.readUInt16BE(this.start);
  }
  u32(): number {
    this.need(4);
    return this.buf.readUInt32LE(this.start);
  }
  be32(): number {
    this.need(4);
    return this.buf.readUInt32BE(this.start);
  }
  s32(): number {
    this.need(4);
    return this.buf.readInt32LE(this.start);
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
    return this.buf.readUInt32LE(this.start) + this.buf.readUInt32LE(this.start + 4) * 0x100000000;
  }
  /** A string, stopping at the first NUL. */
  string(): string {
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
