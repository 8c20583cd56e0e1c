// What the rtnetlink decoders share to refuse malformed messages: the
// context their errors carry, the fixed-header check, and the legacy
// struct rtgenmsg form of dump requests.
import * as rtnetlink from '../generated/rtnetlink.js';
import type { DecodeContext } from '../netlink/attributes.js';
import { requireHeader, type Message, type MessageOrigin } from '../netlink/message.js';
import { NLMSG_HDRLEN } from '../netlink/writer.js';

const MESSAGE_NAMES: string[] = [];
for (const [name, value] of Object.entries(rtnetlink)) {
  if (typeof value === 'number' && /^RTM_(NEW|DEL|GET|SET)[A-Z]/.test(name)) MESSAGE_NAMES[value] = name;
}

/** `RTM_NEWLINK` for 16; the number for a type rtnetlink does not define. */
export function routeMessageName(type: number): string | number {
  return MESSAGE_NAMES[type] ?? type;
}

/** Family and message type of an rtnetlink message, for MalformedMessageError. */
export function routeOrigin(message: Message): MessageOrigin {
  return { family: 'rtnetlink', messageType: routeMessageName(message.type) };
}

/** The DecodeContext of a cursor over an rtnetlink message's attributes. */
export function routeContext(
  message: Message,
  attributeName: (path: readonly number[]) => string | undefined,
  offsetBias = 0,
): DecodeContext {
  if (offsetBias !== 0) return { family: 'rtnetlink', messageType: routeMessageName(message.type), offsetBias, attributeName };
  // One shared context per decoder and message type: it is read only when a
  // message turns out malformed, yet a dump would build one per object. The
  // last one found is checked first: a dump or a burst of notifications asks
  // for the same one many times in a row, and the map lookup cost more than
  // the rest of this function.
  if (lastAttributeName === attributeName && lastType === message.type) return lastContext!;
  let byType = sharedContexts.get(attributeName);
  if (byType === undefined) sharedContexts.set(attributeName, byType = []);
  const type = message.type & 0xffff;
  const context = byType[type] ??= { family: 'rtnetlink', messageType: routeMessageName(type), offsetBias: 0, attributeName };
  lastAttributeName = attributeName;
  lastType = message.type;
  lastContext = context;
  return context;
}

const sharedContexts = new Map<(path: readonly number[]) => string | undefined, DecodeContext[]>();
let lastAttributeName: ((path: readonly number[]) => string | undefined) | undefined;
let lastType = -1;
let lastContext: DecodeContext | undefined;

/** Throws MalformedMessageError unless the payload holds the family's fixed header. */
export function requireRouteHeader(message: Message, length: number, header: string): void {
  // The error's origin is built only for a message that fails (this runs once per dumped object).
  if (message.end - message.offset >= length && message.end <= message.buf.length) return;
  requireHeader(message, length, header, routeOrigin(message));
}

/** sizeof(struct rtgenmsg) as it travels: one family byte, attributes after it 4-aligned. */
const RTGENMSG_ALIGNED = 4;

/**
 * A legacy dump request rewritten in its family's full header. Older tools
 * (and iproute2 for some dumps) send RTM_GET* requests with only struct
 * rtgenmsg, the family byte, possibly followed by attributes at offset 4;
 * the kernel takes any payload shorter than the family's header that way.
 * The rewritten message has the `headerLength`-byte header zeroed but for
 * the family, then the same attributes, so the request decodes to an object
 * with only its family (and any attributes) set. Undefined when `message`
 * is not such a request: another type, an empty payload, or a full header.
 * `offsetBias` maps offsets in the copy back to the original buffer.
 */
export function widenRtgenmsg(
  message: Message,
  getType: number,
  headerLength: number,
): { message: Message; offsetBias: number } | undefined {
  const payload = message.end - message.offset;
  if (message.type !== getType || payload < 1 || payload >= headerLength || message.end > message.buf.length) return undefined;
  const attributes = Math.max(payload - RTGENMSG_ALIGNED, 0);
  const buf = Buffer.alloc(NLMSG_HDRLEN + headerLength + attributes);
  // The nlmsghdr fields travel in the Message; only its length is filled in.
  buf.writeUInt32LE(buf.length, 0);
  buf[NLMSG_HDRLEN] = message.buf[message.offset]!;
  if (attributes) message.buf.copy(buf, NLMSG_HDRLEN + headerLength, message.offset + RTGENMSG_ALIGNED, message.end);
  return {
    message: { ...message, buf, offset: NLMSG_HDRLEN, end: buf.length },
    // An attribute at offset x of the copy sits at x + offsetBias of the original.
    offsetBias: message.offset + RTGENMSG_ALIGNED - (NLMSG_HDRLEN + headerLength),
  };
}
