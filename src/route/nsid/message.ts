import * as netNamespace from '../../generated/net_namespace.js';
import { NETNSA_CURRENT_NSID, NETNSA_FD, NETNSA_NSID, NETNSA_NSID_NOT_ASSIGNED, NETNSA_PID, NETNSA_TARGET_NSID } from '../../generated/net_namespace.js';
import { align4 } from '../../netlink/align.js';
import { AttributeCursor, type RawAttribute } from '../../netlink/attributes.js';
import type { Message } from '../../netlink/message.js';
import type { MessageWriter } from '../../netlink/writer.js';
import { AF_UNSPEC } from '../../sys/constants.js';
import { constantNames } from '../constant-names.js';
import { requireRouteHeader, routeContext } from '../decode-context.js';
import { flatAttributeName, writeRawAttributes } from '../flat-attributes.js';

/** sizeof(struct rtgenmsg): one family byte, which the kernel ignores for nsids (attributes start 4-aligned). */
export const RTGENMSG_LEN = 1;
const ATTRIBUTES_OFFSET = align4(RTGENMSG_LEN);

/** The attributes of an RTM_NEWNSID/RTM_GETNSID message; what the encoder writes and the decoder reads. */
export interface NsidMessage {
  /** NETNSA_NSID: the id; -1 (NETNSA_NSID_NOT_ASSIGNED) in a reply means none, in a request "pick one". */
  nsid?: number;
  /** NETNSA_PID / NETNSA_FD: the peer namespace, by a process in it or an open nsfs fd. */
  pid?: number;
  /** NETNSA_FD: the peer namespace as an open nsfs fd of the sending process (set requests use this form). */
  fd?: number;
  /** NETNSA_TARGET_NSID: ask about the namespace with this id instead of the socket's own. */
  targetNsid?: number;
  /** NETNSA_CURRENT_NSID: in replies to a target query, the peer's id as the socket's namespace sees it. */
  currentNsid?: number;
  /** Attributes nlkit does not decode, kept verbatim. */
  unknown?: RawAttribute[];
}

/** One namespace id of a namespace's table (`ip netns list-id`). */
export interface NetnsId {
  /** The id; -1 (NETNSA_NSID_NOT_ASSIGNED) when the kernel says the peer has none. */
  nsid: number;
  /** With a target nsid: the same peer's id in the socket's own namespace (-1 if it has none). */
  currentNsid?: number;
  /** Attributes nlkit does not decode, kept verbatim. */
  unknown: RawAttribute[];
}

/** Writes rtgenmsg and attributes; NETNSA_NSID first, as the kernel's rtnl_net_fill does. */
export function encodeNsid(writer: MessageWriter, m: NsidMessage): void {
  const at = writer.reserve(RTGENMSG_LEN);
  writer.buf[at] = AF_UNSPEC;
  if (m.nsid !== undefined) writer.s32(NETNSA_NSID, m.nsid);
  if (m.pid !== undefined) writer.u32(NETNSA_PID, m.pid);
  if (m.fd !== undefined) writer.u32(NETNSA_FD, m.fd);
  if (m.targetNsid !== undefined) writer.s32(NETNSA_TARGET_NSID, m.targetNsid);
  if (m.currentNsid !== undefined) writer.s32(NETNSA_CURRENT_NSID, m.currentNsid);
  writeRawAttributes(writer, m.unknown);
}

/** A cursor over an nsid message's attributes, after checking its rtgenmsg is there. */
function nsidAttributes(message: Message): AttributeCursor {
  requireRouteHeader(message, RTGENMSG_LEN, 'rtgenmsg');
  return new AttributeCursor(message.buf, message.offset + ATTRIBUTES_OFFSET, message.end, routeContext(message, nsidAttributeName));
}

/** Decodes any nsid message, request or reply; MalformedMessageError for one that does not fit. */
export function decodeNsidMessage(message: Message): NsidMessage & {
  /** Attributes nlkit does not decode, kept verbatim; always present (possibly empty) after decoding. */
  unknown: RawAttribute[];
} {
  const m: NsidMessage & { unknown: RawAttribute[] } = { unknown: [] };
  const c = nsidAttributes(message);
  while (c.next()) {
    switch (c.type) {
      case NETNSA_NSID: m.nsid = c.s32(); break;
      case NETNSA_PID: m.pid = c.u32(); break;
      case NETNSA_FD: m.fd = c.u32(); break;
      case NETNSA_TARGET_NSID: m.targetNsid = c.s32(); break;
      case NETNSA_CURRENT_NSID: m.currentNsid = c.s32(); break;
      default: m.unknown.push(c.raw());
    }
  }
  return m;
}

/** Decodes an RTM_NEWNSID reply or dump entry; anything but the two ids is kept in `unknown`. */
export function decodeNetnsId(message: Message): NetnsId {
  const id: NetnsId = { nsid: NETNSA_NSID_NOT_ASSIGNED, unknown: [] };
  const c = nsidAttributes(message);
  while (c.next()) {
    if (c.type === NETNSA_NSID) id.nsid = c.s32();
    else if (c.type === NETNSA_CURRENT_NSID) id.currentNsid = c.s32();
    else id.unknown.push(c.raw());
  }
  return id;
}

const NETNSA_NAMES = constantNames(netNamespace, 'NETNSA_', ['NETNSA_NSID_NOT_ASSIGNED']);

/** Names an attribute path for error messages, e.g. [NETNSA_FD] → 'NETNSA_FD'. */
export function nsidAttributeName(path: readonly number[]): string {
  return flatAttributeName(NETNSA_NAMES, path);
}
