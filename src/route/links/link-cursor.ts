import { NLA_TYPE_MASK } from '../../generated/netlink.js';
import { AttributeCursor } from '../../netlink/attributes.js';
import { be16, be32, s32le, u16le, u32le, u64le } from './byte-reads.js';
import { keepShapeAlive } from './shape-keeper.js';

/** Longest string read byte by byte (an interface name is at most 16 bytes with its NUL). */
const SHORT_STRING = 32;

/**
 * The AttributeCursor link decoding walks with: the same walk, results and
 * errors, with the header and integer reads done byte by byte (see
 * byte-reads.ts) — a dump reads ~100 attributes per link, and the Buffer read
 * methods were the larger part of decoding one. Nested cursors are of this
 * class too, so kind decoders get the fast walk without knowing it.
 *
 * `end` must lie within `buf`, as for every cursor the decoders create.
 */
export class LinkAttributeCursor extends AttributeCursor {
  private position: number;
  private readonly limit: number;

  constructor(buf: Buffer, begin: number, end: number) {
    super(buf, begin, end);
    this.position = begin;
    this.limit = end;
  }

  override next(): boolean {
    const at = this.position;
    if (at + 4 > this.limit) return false;
    const b = this.buf;
    const len = u16le(b, at);
    if (len < 4 || at + len > this.limit) return false;
    this.rawType = u16le(b, at + 2);
    this.type = this.rawType & NLA_TYPE_MASK;
    this.start = at + 4;
    this.length = len - 4;
    this.position = at + ((len + 3) & ~3);
    return true;
  }

  private ensureLength(bytes: number): void {
    if (this.length < bytes) {
      throw new RangeError(`attribute type ${this.type} has ${this.length} bytes, expected at least ${bytes}`);
    }
  }

  override u16(): number {
    this.ensureLength(2);
    return u16le(this.buf, this.start);
  }
  override be16(): number {
    this.ensureLength(2);
    return be16(this.buf, this.start);
  }
  override u32(): number {
    this.ensureLength(4);
    return u32le(this.buf, this.start);
  }
  override be32(): number {
    this.ensureLength(4);
    return be32(this.buf, this.start);
  }
  override s32(): number {
    this.ensureLength(4);
    return s32le(this.buf, this.start);
  }
  override u64n(): number {
    this.ensureLength(8);
    return u64le(this.buf, this.start);
  }

  /**
   * Names, kinds and qdiscs are short ASCII: built from the bytes directly,
   * which is cheaper than the NUL search and UTF-8 decoder of the general
   * path, taken for anything else.
   */
  override string(): string {
    const b = this.buf;
    const end = this.start + this.length;
    if (this.length > SHORT_STRING) return super.string();
    let out = '';
    for (let i = this.start; i < end; i++) {
      const byte = b[i]!;
      if (byte === 0) break;
      if (byte >= 0x80) return super.string();
      out += String.fromCharCode(byte);
    }
    return out;
  }

  override nestedCursor(): LinkAttributeCursor {
    return new LinkAttributeCursor(this.buf, this.start, this.start + this.length);
  }
}

keepShapeAlive(new LinkAttributeCursor(Buffer.alloc(0), 0, 0));
