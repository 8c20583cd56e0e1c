import { errnoName } from '../sys/errors.js';
import { AttributeCursor } from './attributes.js';
import { NLA_TYPE_MASK, NLMSG_HDRLEN } from './writer.js';
import { NLM_F_ACK_TLVS, type Message } from './message.js';

import { NLM_F_CAPPED, NLMSGERR_ATTR_MISS_TYPE, NLMSGERR_ATTR_MSG, NLMSGERR_ATTR_OFFS } from '../generated/netlink.js';

/** What a request was for, so an error can say which operation failed on which object. */
export interface Operation {
  /** e.g. `create link`, `add route`. */
  operation: string;
  /** e.g. `veth0`, `10.0.0.0/24 table main`. */
  object?: string;
  /** Length of the family header (ifinfomsg, rtmsg, ...) that precedes the attributes. */
  headerLength?: number;
  /** Names an attribute from its path of types, for error messages. */
  attributeName?: (path: readonly number[]) => string | undefined;
  /**
   * Length of a fixed header at the start of a nested attribute's payload
   * (VETH_INFO_PEER carries an ifinfomsg before its attributes), so error
   * offsets inside it can still be named.
   */
  nestedHeaderLength?: (path: readonly number[]) => number;
}

/** The kernel's extended acknowledgement: the human message and the attribute it points at. */
export interface ExtendedAck {
  message?: string;
  /** Byte offset of the offending attribute in the request message. */
  offset?: number;
  /** Attribute type the kernel reported as missing. */
  missingType?: number;
}

/** A request the kernel refused: errno name, extended ack, operation and object. */
export class NetlinkError extends Error {
  override readonly name = 'NetlinkError';
  /** errno name, e.g. `EEXIST`. */
  readonly code: string;
  readonly operation: string;
  readonly object?: string;
  /** Types from the outermost attribute to the offending one, when the kernel pointed at one. */
  readonly attributePath?: number[];
  /** The offending attribute's name when the family knows it, e.g. `IFLA_MTU`. */
  readonly attribute?: string;

  constructor(
    readonly errno: number,
    op: Operation,
    readonly extack: ExtendedAck = {},
    /** Sequence number of the failed request. */
    readonly seq = 0,
    request?: Buffer,
  ) {
    const code = errnoName(errno);
    let path: number[] | undefined;
    if (extack.offset !== undefined && request) path = findAttributePath(request, op.headerLength ?? 0, extack.offset, op.nestedHeaderLength);
    const attribute = path ? op.attributeName?.(path) ?? `attribute ${path.join('/')}` : undefined;
    const parts = [`${op.operation}${op.object ? ` ${op.object}` : ''} failed: ${code}`];
    if (extack.message) parts.push(extack.message);
    if (attribute) parts.push(`(at ${attribute})`);
    if (extack.missingType !== undefined) parts.push(`(missing attribute type ${extack.missingType})`);
    super(parts.join(' '));
    this.code = code;
    this.operation = op.operation;
    if (op.object !== undefined) this.object = op.object;
    if (path) this.attributePath = path;
    if (attribute) this.attribute = attribute;
  }
}

/** Several requests sent together, some of which failed; each failure names its request. */
export class NetlinkBatchError extends AggregateError {
  override readonly name = 'NetlinkBatchError';
  constructor(
    readonly failures: { index: number; error: NetlinkError }[],
    readonly total: number,
  ) {
    super(
      failures.map((f) => f.error),
      `${failures.length} of ${total} requests failed; first: #${failures[0]!.index} ${failures[0]!.error.message}`,
    );
  }
}

/** The errno of an NLMSG_ERROR message, positive; 0 for an ack. */
export function errorCode(message: Message): number {
  return -message.buf.readInt32LE(message.offset);
}

/** Reads the extended-ack TLVs that follow the (capped) original header. */
export function parseExtendedAck(message: Message): ExtendedAck {
  const ack: ExtendedAck = {};
  if ((message.flags & NLM_F_ACK_TLVS) === 0) return ack;
  // nlmsgerr is the error int and the request's nlmsghdr; with CAP_ACK that is all
  // of the request that comes back, otherwise its whole payload follows.
  const requestLength = message.buf.readUInt32LE(message.offset + 4);
  const capped = (message.flags & NLM_F_CAPPED) !== 0;
  const tlvStart = message.offset + 4 + (capped ? NLMSG_HDRLEN : (requestLength + 3) & ~3);
  const cursor = new AttributeCursor(message.buf, tlvStart, message.end);
  while (cursor.next()) {
    if (cursor.type === NLMSGERR_ATTR_MSG) ack.message = cursor.string();
    else if (cursor.type === NLMSGERR_ATTR_OFFS) ack.offset = cursor.u32();
    else if (cursor.type === NLMSGERR_ATTR_MISS_TYPE) ack.missingType = cursor.u32();
  }
  return ack;
}

/**
 * Finds the attribute that starts at `offset` in a request message, descending
 * into any attribute that contains the offset; returns the types on the way.
 */
export function findAttributePath(
  request: Buffer,
  headerLength: number,
  offset: number,
  nestedHeaderLength?: (path: readonly number[]) => number,
): number[] | undefined {
  let begin = NLMSG_HDRLEN + ((headerLength + 3) & ~3);
  let end = Math.min(request.length, request.length >= 4 ? request.readUInt32LE(0) : 0);
  const path: number[] = [];
  for (;;) {
    let found = false;
    for (let at = begin; at + 4 <= end; ) {
      const len = request.readUInt16LE(at);
      if (len < 4) return undefined;
      const type = request.readUInt16LE(at + 2) & NLA_TYPE_MASK;
      if (at === offset) return [...path, type];
      if (offset > at && offset < at + len) {
        path.push(type);
        begin = at + 4 + (((nestedHeaderLength?.(path) ?? 0) + 3) & ~3);
        end = at + len;
        found = true;
        break;
      }
      at += (len + 3) & ~3;
    }
    if (!found) return path.length ? path : undefined;
  }
}
