import { NLMSG_HDRLEN } from './writer.js';

// Message types and flags come from the uapi header via codegen.
export {
  NLMSG_NOOP, NLMSG_ERROR, NLMSG_DONE, NLMSG_OVERRUN,
  NLM_F_REQUEST, NLM_F_MULTI, NLM_F_ACK, NLM_F_ECHO, NLM_F_DUMP_INTR, NLM_F_DUMP_FILTERED, NLM_F_ROOT, NLM_F_MATCH,
  NLM_F_DUMP, NLM_F_REPLACE, NLM_F_EXCL, NLM_F_CREATE, NLM_F_APPEND, NLM_F_NONREC, NLM_F_BULK, NLM_F_CAPPED, NLM_F_ACK_TLVS,
} from '../generated/netlink.js';

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
