import { IFF_UP } from '../../generated/if.js';
import {
  IFLA_ADDRESS, IFLA_ALT_IFNAME, IFLA_BROADCAST, IFLA_CARRIER, IFLA_EXT_MASK, IFLA_GRO_MAX_SIZE, IFLA_GROUP,
  IFLA_GSO_MAX_SEGS, IFLA_GSO_MAX_SIZE, IFLA_IFALIAS, IFLA_IFNAME, IFLA_INFO_DATA, IFLA_INFO_KIND, IFLA_INFO_SLAVE_DATA,
  IFLA_INFO_SLAVE_KIND, IFLA_LINKINFO, IFLA_MASTER, IFLA_MTU, IFLA_NET_NS_FD, IFLA_NUM_RX_QUEUES, IFLA_NUM_TX_QUEUES,
  IFLA_PROP_LIST, IFLA_PROTO_DOWN, IFLA_PROTO_DOWN_REASON, IFLA_PROTO_DOWN_REASON_MASK, IFLA_PROTO_DOWN_REASON_VALUE,
  IFLA_TXQLEN,
} from '../../generated/if_link.js';
import { RTM_DELLINK, RTM_DELLINKPROP, RTM_GETLINK, RTM_NEWLINK, RTM_NEWLINKPROP, RTM_SETLINK } from '../../generated/rtnetlink.js';
import { s32le, u16le, u32le } from '../../netlink/byte-reads.js';
import { MalformedMessageError, NLM_F_REQUEST, type Message } from '../../netlink/message.js';
import { NLMSG_HDRLEN, type MessageWriter } from '../../netlink/writer.js';
import { routeMessageName, widenRtgenmsg } from '../decode-context.js';
import { registerRouteMessage } from '../describe.js';
import { IFINFOMSG_LEN } from '../resolve.js';
import { keepLatestShape } from '../shape-keeper.js';
import { NOT_WALKED, UNKNOWN_FIELD, walkLinkAttributes } from './attribute-walk.js';
import { decodeCheckedAttributes } from './checked-attributes.js';
import { linkFlagNames, linkTypeName } from './flags.js';
import { writeIfinfomsg } from './ifinfomsg.js';
import type { KindEncodeContext, LinkKind } from './kinds/index.js';
import type { VethInfo } from './kinds/veth.js';
import { attachLinkBytes } from './lazy-fields.js';
import { PlainLink } from './link-object.js';
import { copyMessage, type MessageCopy } from './message-copy.js';
import type { Link } from './types.js';

/** Options of a link as a port of its master, in a LinkRequest (IFLA_INFO_SLAVE_KIND / IFLA_INFO_SLAVE_DATA). */
export interface LinkSlaveRequest {
  /** IFLA_INFO_SLAVE_KIND: the master's kind, e.g. "bridge". */
  kind: string;
  /** Writes the members of IFLA_INFO_SLAVE_DATA. */
  encode(writer: MessageWriter): void;
}

/** IFLA_PROTO_DOWN_REASON of a LinkRequest. */
export interface ProtoDownReasonRequest {
  /** IFLA_PROTO_DOWN_REASON_MASK: the reason bits to change. */
  mask: number;
  /** IFLA_PROTO_DOWN_REASON_VALUE: their new values. */
  value: number;
}

/**
 * A link request before encoding: validated, with every name already turned
 * into an index or fd. Absent fields are not sent.
 */
export interface LinkRequest {
  /** ifi_index: the link addressed, or the index asked for a new link. */
  index?: number;
  /** ifi_flags / ifi_change: which IFF_* bits to set (flags) among those to change (change). */
  flags?: number;
  /** IFF_* bits to change; the kernel leaves other bits of ifi_flags alone. */
  change?: number;
  /** IFLA_IFNAME: the new name, or the link addressed by name when `index` is 0. */
  name?: string;
  /** IFLA_MTU in bytes. */
  mtu?: number;
  /** IFLA_ADDRESS: MAC address as colon-separated hex. */
  address?: string;
  /** IFLA_BROADCAST: link-layer broadcast address as colon-separated hex. */
  broadcast?: string;
  /** IFLA_TXQLEN in packets. */
  txqueuelen?: number;
  /** IFLA_NUM_TX_QUEUES: transmit queues of a new link. */
  numTxQueues?: number;
  /** IFLA_NUM_RX_QUEUES: receive queues of a new link. */
  numRxQueues?: number;
  /** IFLA_GROUP: device group. */
  group?: number;
  /** Empty string clears the alias. */
  alias?: string;
  /** 0 releases the link from its master. */
  master?: number;
  /** IFLA_NET_NS_FD: an open namespace fd to create the link in or move it to. */
  netnsFd?: number;
  /** IFLA_EXT_MASK: RTEXT_FILTER_* bits that select what a dump or get returns. */
  extMask?: number;
  /** A kind to create, with its options (IFLA_LINKINFO with IFLA_INFO_DATA). */
  create?: {
    /** The kind that encodes IFLA_INFO_DATA (and any top-level attributes it needs, e.g. a veth peer). */
    kind: LinkKind;
    /** The caller's spec, already checked by the kind's `validate`. */
    spec: unknown;
    /** Resolved ifindexes and namespace fds the kind needs while encoding. */
    ctx: KindEncodeContext;
  };
  /** Only the kind's name (IFLA_LINKINFO with IFLA_INFO_KIND alone): the kind filter of a dump. */
  kind?: string;
  /**
   * Options of the link as a port of its master (IFLA_LINKINFO with
   * IFLA_INFO_SLAVE_KIND and IFLA_INFO_SLAVE_DATA): `kind` is the master's
   * kind, `encode` writes the members of IFLA_INFO_SLAVE_DATA.
   */
  slave?: LinkSlaveRequest;
  /** IFLA_CARRIER: 1 carrier on, 0 off (drivers with ndo_change_carrier only). */
  carrier?: boolean;
  /** IFLA_GSO_MAX_SIZE in bytes. */
  gsoMaxSize?: number;
  /** IFLA_GSO_MAX_SEGS. */
  gsoMaxSegs?: number;
  /** IFLA_GRO_MAX_SIZE in bytes. */
  groMaxSize?: number;
  /** IFLA_PROTO_DOWN. */
  protoDown?: boolean;
  /** IFLA_PROP_LIST with one IFLA_ALT_IFNAME per name: the alternative names of RTM_NEWLINKPROP / RTM_DELLINKPROP. */
  altNames?: readonly string[];
  /** IFLA_PROTO_DOWN_REASON: set the `mask` bits of the reason to the bits of `value`. */
  protoDownReason?: ProtoDownReasonRequest;
}

/** Writes an ifinfomsg and its attributes (the nlmsghdr is already written). */
export function encodeLinkRequest(w: MessageWriter, r: LinkRequest): void {
  writeIfinfomsg(w, r.index ?? 0, r.flags ?? 0, r.change ?? 0);
  if (r.name !== undefined) w.string(IFLA_IFNAME, r.name);
  if (r.mtu !== undefined) w.u32(IFLA_MTU, r.mtu);
  if (r.address !== undefined) w.mac(IFLA_ADDRESS, r.address);
  if (r.broadcast !== undefined) w.mac(IFLA_BROADCAST, r.broadcast);
  if (r.txqueuelen !== undefined) w.u32(IFLA_TXQLEN, r.txqueuelen);
  if (r.numTxQueues !== undefined) w.u32(IFLA_NUM_TX_QUEUES, r.numTxQueues);
  if (r.numRxQueues !== undefined) w.u32(IFLA_NUM_RX_QUEUES, r.numRxQueues);
  if (r.group !== undefined) w.u32(IFLA_GROUP, r.group);
  // Without a NUL, as ip sends it: an empty alias then has length 0, which clears it.
  if (r.alias !== undefined) w.binary(IFLA_IFALIAS, Buffer.from(r.alias));
  if (r.master !== undefined) w.u32(IFLA_MASTER, r.master);
  if (r.netnsFd !== undefined) w.u32(IFLA_NET_NS_FD, r.netnsFd);
  if (r.extMask !== undefined) w.u32(IFLA_EXT_MASK, r.extMask);
  if (r.carrier !== undefined) w.u8(IFLA_CARRIER, r.carrier ? 1 : 0);
  if (r.gsoMaxSize !== undefined) w.u32(IFLA_GSO_MAX_SIZE, r.gsoMaxSize);
  if (r.gsoMaxSegs !== undefined) w.u32(IFLA_GSO_MAX_SEGS, r.gsoMaxSegs);
  if (r.groMaxSize !== undefined) w.u32(IFLA_GRO_MAX_SIZE, r.groMaxSize);
  if (r.protoDown !== undefined) w.u8(IFLA_PROTO_DOWN, r.protoDown ? 1 : 0);
  if (r.protoDownReason !== undefined) {
    const reason = w.beginNested(IFLA_PROTO_DOWN_REASON);
    w.u32(IFLA_PROTO_DOWN_REASON_MASK, r.protoDownReason.mask);
    w.u32(IFLA_PROTO_DOWN_REASON_VALUE, r.protoDownReason.value);
    w.endNested(reason);
  }
  if (r.altNames !== undefined) {
    const list = w.beginNested(IFLA_PROP_LIST);
    for (const name of r.altNames) w.string(IFLA_ALT_IFNAME, name);
    w.endNested(list);
  }
  if (r.slave) {
    // The kernel hands IFLA_INFO_SLAVE_DATA to the current master's slave_changelink.
    const info = w.beginNested(IFLA_LINKINFO);
    w.string(IFLA_INFO_SLAVE_KIND, r.slave.kind);
    const data = w.beginNested(IFLA_INFO_SLAVE_DATA);
    r.slave.encode(w);
    w.endNested(data);
    w.endNested(info);
  }
  if (r.create) {
    const { kind, spec, ctx } = r.create;
    kind.encodeLinkAttributes?.(spec, w, ctx);
    const info = w.beginNested(IFLA_LINKINFO);
    w.string(IFLA_INFO_KIND, kind.kind);
    if (kind.encodeInfoData) {
      const data = w.beginNested(IFLA_INFO_DATA);
      kind.encodeInfoData(spec, w, ctx);
      // No options given: leave the empty nest out, as ip does.
      if (w.offset === data + 4) w.offset = data;
      else w.endNested(data);
    }
    w.endNested(info);
  } else if (r.kind !== undefined) {
    const info = w.beginNested(IFLA_LINKINFO);
    w.string(IFLA_INFO_KIND, r.kind);
    w.endNested(info);
  }
}

const LINK_EXEMPLAR_BITS = 5;
const linkExemplars: (Link | undefined)[] = new Array<Link | undefined>(1 << LINK_EXEMPLAR_BITS).fill(undefined);

/** A link holding the ifinfomsg at `start` of `buf`, before its attributes are read; `own` is its copy of the message. */
function linkHeader(buf: Buffer, start: number, own: MessageCopy): Link {
  const type = u16le(buf, start + 2);
  const flags = u32le(buf, start + 8);
  const link = new PlainLink(buf[start]!, s32le(buf, start + 4), type, linkTypeName(type), flags, linkFlagNames(flags), u32le(buf, start + 12));
  attachLinkBytes(link, own);
  Object.defineProperty(link, 'unknown', UNKNOWN_FIELD);
  return link;
}

function decodeLinkBytes(buf: Buffer, start: number, end: number, messageType: string | number | undefined, offsetBias: number, cursorsOnly = false): Link {
  if (end > buf.length) {
    throw new MalformedMessageError(`the message ends at byte ${end}, its buffer holds ${buf.length}`, {
      family: 'rtnetlink', messageType, attribute: 'nlmsghdr', offset: start + offsetBias - NLMSG_HDRLEN,
    });
  }
  if (end - start < IFINFOMSG_LEN) {
    throw new MalformedMessageError(`ifinfomsg needs ${IFINFOMSG_LEN} bytes, the message has ${Math.max(end - start, 0)}`, {
      family: 'rtnetlink', messageType, attribute: 'ifinfomsg', offset: start + offsetBias,
    });
  }
  const own = copyMessage(buf, start, end);
  // Offsets in the copy are `own.start - start` away from the caller's.
  const bias = start - own.start + offsetBias;
  let link = linkHeader(buf, start, own);
  let signature = cursorsOnly ? NOT_WALKED : walkLinkAttributes(link, own, messageType, bias);
  if (signature === NOT_WALKED) {
    // Bytes a cursor refuses: decode a fresh link with cursors, which throw naming the attribute.
    link = linkHeader(buf, start, own);
    signature = decodeCheckedAttributes(link, own, messageType, bias);
  }
  keepLatestShape('link', link);
  // One link of each attribute sequence stays alive too (as for routes):
  // a hidden class no live object has is dropped at the next full
  // collection, and with it the optimized decoders that knew it. A dump
  // mixes a few (lo has no IFLA_LINKINFO, a veth has), so keeping only the
  // latest link sent every decoder back to the interpreter after each one.
  linkExemplars[signature >>> (32 - LINK_EXEMPLAR_BITS)] = link;
  return link;
}

/**
 * Decodes an ifinfomsg and its attributes between `start` and `end` of `buf`
 * (an RTM_NEWLINK/DELLINK from the kernel, or a link request). The link keeps
 * its own copy of the message, so `buf` may be a reused receive buffer.
 * MalformedMessageError for a header or attribute that does not fit.
 */
export function decodeLinkPayload(buf: Buffer, start: number, end: number): Link {
  return decodeLinkBytes(buf, start, end, undefined, 0);
}

/**
 * `decodeLinkPayload` with the cursor decoder alone, never the direct walk:
 * the reference the walk is tested against (test/route/links/attribute-walk.test.ts).
 */
export function decodeLinkPayloadWithCursors(buf: Buffer, start: number, end: number): Link {
  return decodeLinkBytes(buf, start, end, undefined, 0, true);
}

/**
 * Decodes a link message: a received Message, or the bytes of one whole
 * netlink message. A legacy RTM_GETLINK dump request (struct rtgenmsg, the
 * family byte alone) decodes as an ifinfomsg with only the family set.
 * MalformedMessageError for a header or attribute that does not fit.
 */
export function decodeLink(message: Message | Buffer): Link {
  if (Buffer.isBuffer(message)) return decodeLink(wholeMessage(message));
  const messageType = routeMessageName(message.type);
  const legacy = widenRtgenmsg(message, RTM_GETLINK, IFINFOMSG_LEN);
  if (legacy) return decodeLinkBytes(legacy.message.buf, legacy.message.offset, legacy.message.end, messageType, legacy.offsetBias);
  return decodeLinkBytes(message.buf, message.offset, message.end, messageType, 0);
}

/**
 * `decodeLink` for a message received from the kernel (`get`'s reply, a
 * dump's part, a notification): the hot path, without the checks for a
 * whole-message Buffer and for a legacy dump request.
 */
export function decodeReceivedLink(message: Message): Link {
  if (message.type === RTM_GETLINK) return decodeLink(message);
  return decodeLinkBytes(message.buf, message.offset, message.end, routeMessageName(message.type), 0);
}

/** The one netlink message `bytes` holds, as a Message. */
function wholeMessage(bytes: Buffer): Message {
  const length = bytes.length >= NLMSG_HDRLEN ? u32le(bytes, 0) : 0;
  if (length < NLMSG_HDRLEN || length > bytes.length) {
    throw new MalformedMessageError(`not a whole netlink message (${bytes.length} bytes, header says ${length})`, { family: 'rtnetlink', attribute: 'nlmsghdr', offset: 0 });
  }
  return { type: u16le(bytes, 4), flags: u16le(bytes, 6), seq: u32le(bytes, 8), pid: u32le(bytes, 12), buf: bytes, offset: NLMSG_HDRLEN, end: length };
}

function requestedFlags(link: Link): string {
  // A request sets the bits of `flags` that `change` selects: name them as "+UP", "-UP".
  const parts: string[] = [];
  if (link.change & IFF_UP) parts.push(link.flags & IFF_UP ? '+UP' : '-UP');
  const other = link.change & ~IFF_UP;
  if (other) parts.push(`flags 0x${(link.flags & other).toString(16)}/0x${(other >>> 0).toString(16)}`);
  return parts.join(' ');
}

/**
 * One line for DEBUG=nlkit:* output, e.g. `vh1 #5 veth <BROADCAST,MULTICAST,UP> mtu 1500 master #3`;
 * for a request, the flag changes it asks for (`+UP`).
 */
export function describeLink(link: Link, request = false): string {
  const parts: string[] = [];
  if (link.name) parts.push(link.name);
  if (link.index) parts.push(`#${link.index}`);
  if (link.kind) parts.push(link.kind);
  if (request) {
    if (link.change) parts.push(requestedFlags(link));
  } else if (link.flags) parts.push(`<${link.flagNames.join(',')}>`);
  if (link.mtu) parts.push(`mtu ${link.mtu}`);
  if (link.master !== undefined) parts.push(`master #${link.master}`);
  if (link.link !== undefined) parts.push(`link #${link.link}${link.linkNetnsId !== undefined ? ` netnsid ${link.linkNetnsId}` : ''}`);
  if (link.address) parts.push(link.address);
  if (link.operstate !== 'UNKNOWN') parts.push(String(link.operstate));
  if (link.group) parts.push(`group ${link.group}`);
  if (link.alias !== undefined) parts.push(`alias ${JSON.stringify(link.alias)}`);
  if (link.netnsFd !== undefined) parts.push(`netns fd ${link.netnsFd}`);
  const peer = link.kind === 'veth' ? (link.info as VethInfo | undefined)?.peer : undefined;
  if (peer) parts.push(`peer ${peer.name ?? ''}${peer.index ? ` #${peer.index}` : ''}${peer.netnsFd !== undefined ? ` netns fd ${peer.netnsFd}` : ''}`);
  if (link.slaveKind) parts.push(`${link.slaveKind} port`);
  if (link.altNames?.length) parts.push(`altname ${link.altNames.join(',')}`);
  return parts.join(' ') || '(all)';
}

function describe(m: Message): string {
  const link = decodeLink(m);
  // A legacy dump request: struct rtgenmsg, the family alone.
  if (m.end - m.offset < IFINFOMSG_LEN) return `family=${link.family} (rtgenmsg)`;
  return describeLink(link, (m.flags & NLM_F_REQUEST) !== 0);
}

registerRouteMessage(RTM_NEWLINK, 'RTM_NEWLINK', describe);
registerRouteMessage(RTM_DELLINK, 'RTM_DELLINK', describe);
registerRouteMessage(RTM_GETLINK, 'RTM_GETLINK', describe);
registerRouteMessage(RTM_SETLINK, 'RTM_SETLINK', describe);
registerRouteMessage(RTM_NEWLINKPROP, 'RTM_NEWLINKPROP', describe);
registerRouteMessage(RTM_DELLINKPROP, 'RTM_DELLINKPROP', describe);
