import { readFileSync } from 'node:fs';
import { errnoName } from '../sys/errors.js';
import { AttributeCursor } from './attributes.js';
import { NLA_TYPE_MASK, NLMSG_HDRLEN } from './writer.js';
import { s32le, u16le, u32le } from './byte-reads.js';
import { MalformedMessageError, netlinkMessageName, NLM_F_ACK_TLVS, NLMSG_DONE, requireHeader, type Message } from './message.js';

import { NLM_F_CAPPED, NLMSGERR_ATTR_MISS_TYPE, NLMSGERR_ATTR_MSG, NLMSGERR_ATTR_OFFS } from '../generated/netlink.js';

const EPERM_ERRNO = 1;

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
  /** The kernel's explanation (NLMSGERR_ATTR_MSG), e.g. `Chain not found`; absent when the kernel sent none. */
  message?: string;
  /** Byte offset of the offending attribute in the request message. */
  offset?: number;
  /** Attribute type the kernel reported as missing. */
  missingType?: number;
}

/** A request the kernel refused: errno name, extended ack, operation and object. */
export class NetlinkError extends Error {
  /** Always `'NetlinkError'`. */
  override readonly name = 'NetlinkError';
  /** errno name, e.g. `EEXIST`. */
  readonly code: string;
  /** What was being done, e.g. `create link`, `add rule` (from the request's Operation). */
  readonly operation: string;
  /** The object acted on, e.g. `veth0` or `inet filter`; absent when the request names none. */
  readonly object?: string;
  /** Types from the outermost attribute to the offending one, when the kernel pointed at one. */
  readonly attributePath?: number[];
  /** The offending attribute's name when the family knows it, e.g. `IFLA_MTU`. */
  readonly attribute?: string;

  constructor(
    /** The positive errno the kernel returned in NLMSG_ERROR (the negated `error` field of nlmsgerr). */
    readonly errno: number,
    op: Operation,
    /** The extended acknowledgement (NLMSGERR_ATTR_* TLVs); empty when the kernel attached none. */
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
    // The kernel checks CAP_NET_ADMIN against the user namespace owning the network namespace.
    if (errno === EPERM_ERRNO) parts.push(permissionHint());
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

/**
 * Why the kernel said EPERM. Without CAP_NET_ADMIN that is the answer; with
 * it (root), the object belongs to someone else: an nftables table created
 * with the owner flag answers only its owning socket.
 */
function permissionHint(): string {
  if (hasEffectiveCapability(CAP_NET_ADMIN)) {
    return '(the caller has CAP_NET_ADMIN, so the object is refused for another reason: an nftables table created with the ' +
      'owner flag accepts changes only from the socket that owns it; otherwise a security module, or a namespace owned by ' +
      'another user namespace)';
  }
  return "(needs CAP_NET_ADMIN in the namespace's user namespace; run as root or grant the capability)";
}

const CAP_NET_ADMIN = 12;

/** Reads the calling process's effective capabilities; false when they cannot be read. */
function hasEffectiveCapability(bit: number): boolean {
  try {
    const effective = /^CapEff:\s*([0-9a-f]+)$/m.exec(readFileSync('/proc/self/status', 'utf8'))?.[1];
    return effective !== undefined && ((BigInt(`0x${effective}`) >> BigInt(bit)) & 1n) === 1n;
  } catch {
    return false;
  }
}

/** Several requests sent together, some of which failed; each failure names its request. */
export class NetlinkBatchError extends AggregateError {
  /** Always `'NetlinkBatchError'`. */
  override readonly name = 'NetlinkBatchError';
  /** errno name of the first failure, so `error.code` reads the same for one request or many. */
  readonly code: string;
  constructor(
    /** Each failed request with its position in the batch, in batch order. */
    readonly failures: {
      /** Position of the failed request in the batch, from 0. */
      index: number;
      /** What the kernel answered to it. */
      error: NetlinkError;
    }[],
    /** How many requests the batch held, failed or not. */
    readonly total: number,
  ) {
    super(
      failures.map((f) => f.error),
      `${failures.length} of ${total} requests failed; first: #${failures[0]!.index} ${failures[0]!.error.message}`,
    );
    this.code = failures[0]!.error.code;
  }
}

const NLMSGERR = { family: 'netlink', messageType: 'NLMSG_ERROR' } as const;

/**
 * The errno of an NLMSG_ERROR message, positive; 0 for an ack. A payload
 * too short for the error int, or an error that is not 0 or a negative
 * errno, is MalformedMessageError.
 */
export function errorCode(message: Message): number {
  requireHeader(message, 4, 'nlmsgerr', NLMSGERR);
  const value = s32le(message.buf, message.offset);
  if (value > 0) throw new MalformedMessageError(`nlmsgerr error is ${value}; the kernel sends 0 or a negative errno`, { ...NLMSGERR, attribute: 'nlmsgerr', offset: message.offset });
  return -value;
}

/**
 * Reads the extended-ack TLVs of an NLMSG_ERROR (after the error int and the
 * request's header, or its whole payload without NLM_F_CAPPED) or of an
 * NLMSG_DONE (right after the error int).
 */
export function parseExtendedAck(message: Message): ExtendedAck {
  const ack: ExtendedAck = {};
  if ((message.flags & NLM_F_ACK_TLVS) === 0) return ack;
  const origin = { family: 'netlink', messageType: netlinkMessageName(message.type) };
  let tlvStart: number;
  if (message.type === NLMSG_DONE) {
    requireHeader(message, 4, 'NLMSG_DONE error', origin);
    tlvStart = message.offset + 4;
  } else {
    // nlmsgerr is the error int and the request's nlmsghdr; with CAP_ACK that is all
    // of the request that comes back, otherwise its whole payload follows.
    requireHeader(message, 4 + NLMSG_HDRLEN, 'nlmsgerr', origin);
    const requestLength = u32le(message.buf, message.offset + 4);
    const capped = (message.flags & NLM_F_CAPPED) !== 0;
    if (!capped && requestLength < NLMSG_HDRLEN) {
      throw new MalformedMessageError(`the returned request claims length ${requestLength}, shorter than its nlmsghdr`, { ...origin, attribute: 'nlmsgerr', offset: message.offset + 4 });
    }
    tlvStart = message.offset + 4 + (capped ? NLMSG_HDRLEN : (requestLength + 3) & ~3);
    if (tlvStart > message.end) {
      throw new MalformedMessageError(`the returned request claims length ${requestLength}, ${message.end - message.offset - 4} bytes follow the error`, { ...origin, attribute: 'nlmsgerr', offset: message.offset + 4 });
    }
  }
  const cursor = new AttributeCursor(message.buf, tlvStart, message.end, { ...origin, attributeName: extackAttributeName });
  while (cursor.next()) {
    if (cursor.type === NLMSGERR_ATTR_MSG) ack.message = cursor.string();
    else if (cursor.type === NLMSGERR_ATTR_OFFS) ack.offset = cursor.u32();
    else if (cursor.type === NLMSGERR_ATTR_MISS_TYPE) ack.missingType = cursor.u32();
  }
  return ack;
}

const EXTACK_NAMES: Record<number, string> = {
  [NLMSGERR_ATTR_MSG]: 'NLMSGERR_ATTR_MSG', [NLMSGERR_ATTR_OFFS]: 'NLMSGERR_ATTR_OFFS', [NLMSGERR_ATTR_MISS_TYPE]: 'NLMSGERR_ATTR_MISS_TYPE',
};

function extackAttributeName(path: readonly number[]): string | undefined {
  return path.length === 1 ? EXTACK_NAMES[path[0]!] : undefined;
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
  let end = Math.min(request.length, request.length >= 4 ? u32le(request, 0) : 0);
  const path: number[] = [];
  for (;;) {
    let found = false;
    for (let at = begin; at + 4 <= end; ) {
      const len = u16le(request, at);
      if (len < 4) return undefined;
      const type = u16le(request, at + 2) & NLA_TYPE_MASK;
      if (at === offset) return [...path, type];
      if (offset > at && offset < at + len) {
        path.push(type);
        begin = at + 4 + (((nestedHeaderLength?.(path) ?? 0) + 3) & ~3);
        // An attribute that claims more than its container is cut to it.
        end = Math.min(at + len, end);
        found = true;
        break;
      }
      at += (len + 3) & ~3;
    }
    if (!found) return path.length ? path : undefined;
  }
}
