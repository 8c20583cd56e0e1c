import { NLMSG_HDRLEN } from './writer.js';

export const NLMSG_NOOP = 1;
export const NLMSG_ERROR = 2;
export const NLMSG_DONE = 3;
export const NLMSG_OVERRUN = 4;

export const NLM_F_REQUEST = 0x01;
export const NLM_F_MULTI = 0x02;
export const NLM_F_ACK = 0x04;
export const NLM_F_ECHO = 0x08;
export const NLM_F_DUMP_INTR = 0x10;
export const NLM_F_DUMP_FILTERED = 0x20;
export const NLM_F_ROOT = 0x100;
export const NLM_F_MATCH = 0x200;
export const NLM_F_DUMP = NLM_F_ROOT | NLM_F_MATCH;
export const NLM_F_REPLACE = 0x100;
export const NLM_F_EXCL = 0x200;
export const NLM_F_CREATE = 0x400;
export const NLM_F_APPEND = 0x800;
export const NLM_F_NONREC = 0x100;
export const NLM_F_BULK = 0x200;
export const NLM_F_CAPPED = 0x100;
export const NLM_F_ACK_TLVS = 0x200;

/**
 * One received netlink message: the header fields plus where its payload
 * lies in `buf`. `buf` may be a shared receive buffer, so decode before the
 * next receive or copy with `payload()`.
 */
export interface Message {
  type: number;
  flags: number;
  seq: number;
  pid: number;
  buf: Buffer;
  /** Offset of the first payload byte (just after nlmsghdr). */
  offset: number;
  /** Offset one past the last byte of the message. */
  end: number;
}

export class MalformedMessageError extends Error {
  override readonly name = 'MalformedMessageError';
}

/** Splits `length` bytes of `buf` into netlink messages (views, no copies). */
export function parseMessages(buf: Buffer, length: number, out: Message[] = []): Message[] {
  let at = 0;
  while (at + NLMSG_HDRLEN <= length) {
    const len = buf.readUInt32LE(at);
    if (len < NLMSG_HDRLEN || at + len > length) {
      throw new MalformedMessageError(`netlink message at offset ${at} claims length ${len}, ${length - at} bytes remain`);
    }
    out.push({
      type: buf.readUInt16LE(at + 4),
      flags: buf.readUInt16LE(at + 6),
      seq: buf.readUInt32LE(at + 8),
      pid: buf.readUInt32LE(at + 12),
      buf,
      offset: at + NLMSG_HDRLEN,
      end: at + len,
    });
    at += (len + 3) & ~3;
  }
  return out;
}

/** A copy of a message that stays valid after the receive buffer is reused. */
export function detachMessage(message: Message): Message {
  const start = message.offset - NLMSG_HDRLEN;
  const buf = Buffer.from(message.buf.subarray(start, message.end));
  return { ...message, buf, offset: NLMSG_HDRLEN, end: buf.length };
}
