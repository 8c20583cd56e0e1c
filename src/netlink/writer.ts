import { align4 } from './align.js';
import { encodeIp, encodeMac, InvalidArgumentError } from './addresses.js';

import { NLA_F_NESTED } from '../generated/netlink.js';

export { NLA_F_NESTED, NLA_F_NET_BYTEORDER, NLA_TYPE_MASK } from '../generated/netlink.js';
/** sizeof(struct nlmsghdr); codegen cannot evaluate sizeof. */
export const NLMSG_HDRLEN = 16;

/** Stores the low 32 bits of `value` little-endian at `at` (checked by the caller's `ensure`). */
export function putU32(b: Uint8Array, at: number, value: number): void {
  b[at] = value;
  b[at + 1] = value >>> 8;
  b[at + 2] = value >>> 16;
  b[at + 3] = value >>> 24;
}

/**
 * Appends netlink messages and attributes into one growable buffer.
 * One writer can hold many messages, which is how several requests share one
 * send(2). Lengths of messages and nested attributes are patched on close.
 */
export class MessageWriter {
  /** The backing buffer; replaced by a larger copy when it fills, so do not keep references across writes. */
  buf: Buffer;
  /** Bytes written so far: where the next message or attribute goes. */
  offset = 0;

  constructor(initialSize = 4096) {
    this.buf = Buffer.alloc(initialSize);
  }

  /** Discards everything written (the buffer is kept for reuse); returns the writer. */
  reset(): this {
    this.offset = 0;
    return this;
  }

  /** The bytes written so far (a view, valid until the next write). */
  bytes(): Buffer {
    return this.buf.subarray(0, this.offset);
  }

  /** Grows the buffer (doubling, contents kept) so `extra` more bytes fit at `offset`. */
  ensure(extra: number): void {
    const need = this.offset + extra;
    if (need <= this.buf.length) return;
    let size = this.buf.length * 2;
    while (size < need) size *= 2;
    const next = Buffer.alloc(size);
    this.buf.copy(next, 0, 0, this.offset);
    this.buf = next;
  }

  /** Starts a message; returns its offset for `endMessage`. */
  beginMessage(type: number, flags: number, seq: number, pid = 0): number {
    this.ensure(NLMSG_HDRLEN);
    const start = this.offset;
    // Byte stores instead of writeUInt*LE: this runs once per request on the hot path.
    const b = this.buf;
    b[start] = b[start + 1] = b[start + 2] = b[start + 3] = 0;
    b[start + 4] = type;
    b[start + 5] = type >>> 8;
    b[start + 6] = flags;
    b[start + 7] = flags >>> 8;
    b[start + 8] = seq;
    b[start + 9] = seq >>> 8;
    b[start + 10] = seq >>> 16;
    b[start + 11] = seq >>> 24;
    b[start + 12] = pid;
    b[start + 13] = pid >>> 8;
    b[start + 14] = pid >>> 16;
    b[start + 15] = pid >>> 24;
    this.offset += NLMSG_HDRLEN;
    return start;
  }

  /** Closes the message begun at `start`: pads to 4 bytes and patches nlmsg_len. */
  endMessage(start: number): void {
    this.pad();
    putU32(this.buf, start, this.offset - start);
  }

  /** Reserves `length` zeroed bytes (a fixed header such as ifinfomsg) and returns their offset. */
  reserve(length: number): number {
    this.ensure(align4(length));
    const at = this.offset;
    const end = at + align4(length);
    for (let i = at; i < end; i++) this.buf[i] = 0;
    this.offset = end;
    return at;
  }

  private pad(): void {
    const aligned = align4(this.offset);
    if (aligned !== this.offset) {
      this.ensure(aligned - this.offset);
      this.buf.fill(0, this.offset, aligned);
      this.offset = aligned;
    }
  }

  private header(type: number, payloadLength: number): number {
    this.ensure(4 + align4(payloadLength));
    const at = this.offset;
    const b = this.buf;
    const length = 4 + payloadLength;
    // nla_len is 16 bits; a byte store would silently keep only the low ones.
    if (length > 0xffff) throw new InvalidArgumentError(`attribute type ${type} needs ${length} bytes, more than the ${0xffff} its header can state`);
    b[at] = length;
    b[at + 1] = length >>> 8;
    b[at + 2] = type;
    b[at + 3] = type >>> 8;
    this.offset += 4;
    return at + 4;
  }

  private finish(payloadLength: number): void {
    this.offset += payloadLength;
    this.pad();
  }

  /** An attribute with an empty payload, whose presence is the value (NLA_FLAG). */
  flag(type: number): this {
    this.header(type, 0);
    return this;
  }

  /** A u8 attribute (NLA_U8). */
  u8(type: number, value: number): this {
    const at = this.header(type, 1);
    this.buf.writeUInt8(value, at);
    this.finish(1);
    return this;
  }

  /** A u16 attribute in host (little-endian) byte order (NLA_U16). */
  u16(type: number, value: number): this {
    const at = this.header(type, 2);
    this.buf.writeUInt16LE(value, at);
    this.finish(2);
    return this;
  }

  /** A 16-bit value in network byte order (ports, ethertypes). */
  be16(type: number, value: number): this {
    const at = this.header(type, 2);
    this.buf.writeUInt16BE(value, at);
    this.finish(2);
    return this;
  }

  /** A u32 attribute in host (little-endian) byte order (NLA_U32); negative values wrap to their 32-bit two's complement. */
  u32(type: number, value: number): this {
    const at = this.header(type, 4);
    putU32(this.buf, at, value);
    this.finish(4);
    return this;
  }

  /** A 32-bit value in network byte order (NLA_BE32; nftables sends all its integers this way, and IPv4 addresses go as one). */
  be32(type: number, value: number): this {
    const at = this.header(type, 4);
    // Byte stores instead of writeUInt32BE and its range checks: a batch of routes writes two per request.
    const b = this.buf;
    b[at] = value >>> 24;
    b[at + 1] = value >>> 16;
    b[at + 2] = value >>> 8;
    b[at + 3] = value;
    this.offset += 4;
    return this;
  }

  /** A signed 32-bit attribute in host (little-endian) byte order (NLA_S32). */
  s32(type: number, value: number): this {
    const at = this.header(type, 4);
    this.buf.writeInt32LE(value, at);
    this.finish(4);
    return this;
  }

  /** A u64 attribute in host (little-endian) byte order (NLA_U64). */
  u64(type: number, value: bigint | number): this {
    const at = this.header(type, 8);
    this.buf.writeBigUInt64LE(BigInt(value), at);
    this.finish(8);
    return this;
  }

  /** A 64-bit value in network byte order (NLA_BE64: nftables handles, timeouts, counters). */
  be64(type: number, value: bigint | number): this {
    const at = this.header(type, 8);
    this.buf.writeBigUInt64BE(BigInt(value), at);
    this.finish(8);
    return this;
  }

  /** A NUL-terminated string, as the kernel's NLA_STRING/NLA_NUL_STRING expect. */
  string(type: number, value: string): this {
    const length = Buffer.byteLength(value);
    const at = this.header(type, length + 1);
    this.buf.write(value, at, 'utf8');
    this.buf[at + length] = 0;
    this.finish(length + 1);
    return this;
  }

  /** An attribute whose payload is `value` verbatim (NLA_BINARY), padded to 4 bytes. */
  binary(type: number, value: Uint8Array): this {
    const at = this.header(type, value.length);
    this.buf.set(value, at);
    this.finish(value.length);
    return this;
  }

  /** An IPv4 or IPv6 address in network byte order (4 or 16 bytes). */
  ip(type: number, address: string): this {
    return this.binary(type, encodeIp(address));
  }

  /** A hardware address ("02:00:00:00:00:01") as raw bytes; throws InvalidArgumentError if it does not parse. */
  mac(type: number, address: string): this {
    return this.binary(type, encodeMac(address));
  }

  /** Opens a nested attribute (NLA_F_NESTED set); close it with `endNested`. */
  beginNested(type: number): number {
    const at = this.header(type | NLA_F_NESTED, 0) - 4;
    return at;
  }

  /** Opens a nested attribute without NLA_F_NESTED, for the few kernel policies that predate the flag. */
  beginNestedLegacy(type: number): number {
    return this.header(type, 0) - 4;
  }

  /** Closes the nested attribute opened at `start` (by `beginNested`): pads and patches its nla_len. */
  endNested(start: number): void {
    this.pad();
    this.buf.writeUInt16LE(this.offset - start, start);
  }

  /** Raw bytes (already aligned by the caller or followed by padding). */
  raw(value: Uint8Array): this {
    this.ensure(align4(value.length));
    this.buf.set(value, this.offset);
    this.offset += value.length;
    this.pad();
    return this;
  }
}
