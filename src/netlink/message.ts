import { s32le, u16le, u32le } from './byte-reads.js';
import { NLMSG_DONE, NLMSG_ERROR, NLMSG_NOOP, NLMSG_OVERRUN } from '../generated/netlink.js';
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
  /** nlmsg_type: a family message type (RTM_NEWLINK, NFT_MSG_NEWRULE...) or a control type (NLMSG_ERROR, NLMSG_DONE). */
  type: number;
  /** nlmsg_flags, the NLM_F_* bits (NLM_F_MULTI on dump parts, NLM_F_DUMP_INTR on an inconsistent dump). */
  flags: number;
  /** nlmsg_seq: the sequence number of the request this message answers (0 for notifications). */
  seq: number;
  /** nlmsg_pid: the sender's port id; 0 when the kernel sent it. */
  pid: number;
  /** The buffer holding the message, possibly the socket's shared receive buffer; index it with `offset` and `end`. */
  buf: Buffer;
  /** Offset of the first payload byte (just after nlmsghdr). */
  offset: number;
  /** Offset one past the last byte of the message. */
  end: number;
}

/** Where in a received message a decoder found it malformed. */
export interface MalformedLocation {
  /** Protocol family, e.g. `rtnetlink`, `nftables`, `netlink`. */
  family?: string;
  /** Message type name (`RTM_NEWADDR`) or number. */
  messageType?: string | number;
  /** The attribute being read, by name when known (`IFA_ADDRESS`), else `attribute 3` or a path `3/1`. */
  attribute?: string;
  /** Byte offset of the offending header or attribute in the buffer the decoder was given. */
  offset?: number;
}

/**
 * A message that does not decode: a header that does not fit, an attribute
 * longer than its container, a payload shorter than its type needs. Raised
 * instead of reading neighbouring bytes or throwing Node's range errors.
 */
export class MalformedMessageError extends Error {
  /** Always `'MalformedMessageError'`. */
  override readonly name = 'MalformedMessageError';
  /** Always `'EBADMSG'`. */
  readonly code = 'EBADMSG';
  /** Protocol family that was decoding, e.g. `rtnetlink`; see MalformedLocation. */
  readonly family?: string;
  /** Message type being decoded (`RTM_NEWADDR`) or its number, when known. */
  readonly messageType?: string | number;
  /** The attribute or header being read (`IFA_ADDRESS`, `nlmsghdr`), when known. */
  readonly attribute?: string;
  /** Byte offset of the offending header or attribute in the buffer the decoder was given, when known. */
  readonly offset?: number;
  constructor(
    /** What is wrong, e.g. `ifaddrmsg needs 8 bytes, 4 remain`. */
    readonly detail: string,
    where: MalformedLocation = {},
  ) {
    const context: string[] = [];
    if (where.family !== undefined) context.push(where.family);
    if (where.messageType !== undefined) context.push(typeof where.messageType === 'number' ? `message type ${where.messageType}` : where.messageType);
    const at: string[] = [];
    if (where.attribute !== undefined) at.push(where.attribute);
    if (where.offset !== undefined) at.push(`byte offset ${where.offset}`);
    super(`malformed ${context.length ? `${context.join(' ')} ` : ''}message: ${detail}${at.length ? ` (at ${at.join(', ')})` : ''}`);
    if (where.family !== undefined) this.family = where.family;
    if (where.messageType !== undefined) this.messageType = where.messageType;
    if (where.attribute !== undefined) this.attribute = where.attribute;
    if (where.offset !== undefined) this.offset = where.offset;
  }
}

/**
 * Splits `length` bytes of `buf` into netlink messages (views, no copies).
 * An empty buffer holds no messages; a header that does not fit, a length
 * that overruns the buffer and bytes left over after the last message are
 * MalformedMessageError.
 */
export function parseMessages(buf: Buffer, length: number, out: Message[] = []): Message[] {
  const limit = Math.min(length, buf.length);
  let at = 0;
  while (at < limit) {
    if (at + NLMSG_HDRLEN > limit) {
      throw new MalformedMessageError(`${limit - at} bytes after the last message, too few for a ${NLMSG_HDRLEN}-byte nlmsghdr`, { family: 'netlink', attribute: 'nlmsghdr', offset: at });
    }
    const len = u32le(buf, at);
    if (len < NLMSG_HDRLEN || at + len > limit) {
      throw new MalformedMessageError(`netlink message at offset ${at} claims length ${len}, ${limit - at} bytes remain`, { family: 'netlink', messageType: u16le(buf, at + 4), attribute: 'nlmsghdr', offset: at });
    }
    out.push({
      type: u16le(buf, at + 4),
      flags: u16le(buf, at + 6),
      seq: u32le(buf, at + 8),
      pid: u32le(buf, at + 12),
      buf,
      offset: at + NLMSG_HDRLEN,
      end: at + len,
    });
    // The last message's padding may be left out of the datagram.
    at += (len + 3) & ~3;
  }
  return out;
}

/** Who reports a malformed message: the protocol family and the message type. */
export interface MessageOrigin {
  /** Protocol family reporting, e.g. `rtnetlink`, `nftables`, `netlink`. */
  family: string;
  /** Message type name (`NLMSG_ERROR`) or number, when known. */
  messageType?: string | number;
}

/**
 * Throws MalformedMessageError unless the message's payload holds the
 * `length` bytes of its fixed header `header` (`ifaddrmsg`, `nlmsgerr`, ...).
 */
export function requireHeader(message: Message, length: number, header: string, origin: MessageOrigin): void {
  // A Message put together by hand may claim more than its buffer holds.
  if (message.end > message.buf.length) {
    throw new MalformedMessageError(`the message ends at byte ${message.end}, its buffer holds ${message.buf.length}`, { ...origin, attribute: 'nlmsghdr', offset: message.offset - NLMSG_HDRLEN });
  }
  const have = message.end - message.offset;
  if (have < length) {
    throw new MalformedMessageError(`${header} needs ${length} bytes, the message has ${Math.max(have, 0)}`, { ...origin, attribute: header, offset: message.offset });
  }
}

const NETLINK_MESSAGE_NAMES: Record<number, string> = {
  [NLMSG_NOOP]: 'NLMSG_NOOP', [NLMSG_ERROR]: 'NLMSG_ERROR', [NLMSG_DONE]: 'NLMSG_DONE', [NLMSG_OVERRUN]: 'NLMSG_OVERRUN',
};

/** Names a message type for error reports: the netlink control messages by name, others by number. */
export function netlinkMessageName(type: number): string | number {
  return NETLINK_MESSAGE_NAMES[type] ?? type;
}

/**
 * The positive errno an NLMSG_DONE carries: a dump that failed part way
 * ends with its error in the payload. 0 when the payload is absent or says
 * no error; a payload of 1-3 bytes is MalformedMessageError.
 */
export function doneErrorCode(message: Message): number {
  const have = message.end - message.offset;
  if (have <= 0) return 0;
  requireHeader(message, 4, 'NLMSG_DONE error', { family: 'netlink', messageType: 'NLMSG_DONE' });
  const value = s32le(message.buf, message.offset);
  return value < 0 ? -value : 0;
}

/** A copy of a message that stays valid after the receive buffer is reused. */
export function detachMessage(message: Message): Message {
  const start = message.offset - NLMSG_HDRLEN;
  const buf = Buffer.from(message.buf.subarray(start, message.end));
  return { ...message, buf, offset: NLMSG_HDRLEN, end: buf.length };
}
