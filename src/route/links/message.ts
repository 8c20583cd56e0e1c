import { IFF_UP } from '../../generated/if.js';
import {
  IFLA_ADDRESS, IFLA_AF_SPEC, IFLA_ALLMULTI, IFLA_ALT_IFNAME, IFLA_BROADCAST, IFLA_CARRIER, IFLA_CARRIER_CHANGES,
  IFLA_CARRIER_DOWN_COUNT, IFLA_CARRIER_UP_COUNT, IFLA_EVENT, IFLA_EXT_MASK, IFLA_GRO_MAX_SIZE, IFLA_GROUP,
  IFLA_GSO_MAX_SEGS, IFLA_GSO_MAX_SIZE, IFLA_IFALIAS, IFLA_IFNAME, IFLA_INET6_ADDR_GEN_MODE, IFLA_INFO_DATA,
  IFLA_INFO_KIND, IFLA_INFO_SLAVE_DATA, IFLA_INFO_SLAVE_KIND, IFLA_INFO_XSTATS, IFLA_LINK, IFLA_LINK_NETNSID,
  IFLA_LINKINFO, IFLA_LINKMODE, IFLA_MASTER, IFLA_MAX_MTU, IFLA_MIN_MTU, IFLA_MTU, IFLA_NET_NS_FD, IFLA_NET_NS_PID,
  IFLA_NEW_IFINDEX, IFLA_NEW_NETNSID, IFLA_NUM_RX_QUEUES, IFLA_NUM_TX_QUEUES, IFLA_OPERSTATE, IFLA_PAD,
  IFLA_PARENT_DEV_BUS_NAME, IFLA_PARENT_DEV_NAME, IFLA_PERM_ADDRESS, IFLA_PHYS_PORT_ID, IFLA_PHYS_PORT_NAME,
  IFLA_PHYS_SWITCH_ID, IFLA_PROMISCUITY, IFLA_PROP_LIST, IFLA_PROTO_DOWN, IFLA_PROTO_DOWN_REASON,
  IFLA_PROTO_DOWN_REASON_MASK, IFLA_PROTO_DOWN_REASON_VALUE, IFLA_QDISC, IFLA_STATS64, IFLA_TSO_MAX_SEGS, IFLA_TSO_MAX_SIZE, IFLA_TXQLEN, IFLA_XDP,
  IFLA_XDP_ATTACHED, IFLA_XDP_DRV_PROG_ID, IFLA_XDP_FLAGS, IFLA_XDP_HW_PROG_ID, IFLA_XDP_PROG_ID, IFLA_XDP_SKB_PROG_ID,
} from '../../generated/if_link.js';
import { RTM_DELLINK, RTM_DELLINKPROP, RTM_GETLINK, RTM_NEWLINK, RTM_NEWLINKPROP, RTM_SETLINK } from '../../generated/rtnetlink.js';
import { AttributeCursor, type DecodeContext, type RawAttribute } from '../../netlink/attributes.js';
import { MalformedMessageError, NLM_F_REQUEST, type Message } from '../../netlink/message.js';
import { NLMSG_HDRLEN, type MessageWriter } from '../../netlink/writer.js';
import { AF_INET6 } from '../../sys/constants.js';
import { routeMessageName, widenRtgenmsg } from '../decode-context.js';
import { registerRouteMessage } from '../describe.js';
import { IFINFOMSG_LEN } from '../resolve.js';
import { s32le, u16le, u32le } from '../../netlink/byte-reads.js';
import { linkAttributeName } from './attribute-names.js';
import { DecoderTable } from './decoder-table.js';
import { formatLinkAddress, LINK_MODES, linkFlagNames, linkTypeName, OPER_STATES } from './flags.js';
import { writeIfinfomsg } from './ifinfomsg.js';
import { linkKind, slaveKind, type KindEncodeContext, type LinkKind } from './kinds/index.js';
import { PlainLink } from './link-object.js';
import { rawMembers } from './kinds/raw-members.js';
import { copyMessage, type MessageCopy } from './message-copy.js';
import { attachLinkBytes, lazyField } from './lazy-fields.js';
import { keepLatestShape, keepShapeAlive } from '../shape-keeper.js';
import { decodeStats64, STATS64_BASE_LEN } from './stats.js';
import type { VethInfo } from './kinds/veth.js';
import type { Link, LinkXdp } from './types.js';

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

function hex(c: AttributeCursor): string {
  return c.buf.toString('hex', c.start, c.start + c.length);
}

function decodeXdp(c: AttributeCursor): LinkXdp {
  const xdp: LinkXdp = { attached: 0 };
  while (c.next()) {
    switch (c.type) {
      case IFLA_XDP_ATTACHED: xdp.attached = c.u8(); break;
      case IFLA_XDP_PROG_ID: xdp.progId = c.u32(); break;
      case IFLA_XDP_DRV_PROG_ID: xdp.driverProgId = c.u32(); break;
      case IFLA_XDP_SKB_PROG_ID: xdp.genericProgId = c.u32(); break;
      case IFLA_XDP_HW_PROG_ID: xdp.offloadProgId = c.u32(); break;
      case IFLA_XDP_FLAGS: xdp.flags = c.u32(); break;
    }
  }
  return xdp;
}

function decodeAfSpec(c: AttributeCursor, link: Link): void {
  // Kept whole (a kilobyte of per-family configuration), as a view made when
  // read; only the IPv6 address generation mode, which ip prints, is read out.
  Object.defineProperty(link, 'afSpec', AF_SPEC_FIELD);
  const families = c.nestedCursor();
  while (families.next()) {
    if (families.type !== AF_INET6) continue;
    const inet6 = families.nestedCursor();
    while (inet6.next()) if (inet6.type === IFLA_INET6_ADDR_GEN_MODE) link.inet6AddrGenMode = inet6.u8();
  }
}

function decodeLinkInfo(c: AttributeCursor, link: Link): void {
  // The kind names how to read the data; find both before decoding.
  let data: AttributeCursor | undefined;
  let slaveData: AttributeCursor | undefined;
  while (c.next()) {
    switch (c.type) {
      case IFLA_INFO_KIND: link.kind = c.string(); break;
      case IFLA_INFO_DATA: data = c.nestedCursor(); break;
      case IFLA_INFO_SLAVE_KIND: link.slaveKind = c.string(); break;
      case IFLA_INFO_SLAVE_DATA: slaveData = c.nestedCursor(); break;
      case IFLA_INFO_XSTATS: link.xstats = c.view(); break;
      // Other members go to `unknown` when it is read (unknownAttributes).
    }
  }
  if (data) {
    const kind = link.kind === undefined ? undefined : linkKind(link.kind);
    link.info = kind ? kind.decodeInfoData(data) : rawMembers(data);
  }
  if (slaveData) {
    const kind = link.slaveKind === undefined ? undefined : slaveKind(link.slaveKind);
    link.slaveInfo = kind ? kind.decodeSlaveData(slaveData) : rawMembers(slaveData);
  }
}


function decodeProtoDownReason(c: AttributeCursor, link: Link): void {
  while (c.next()) if (c.type === IFLA_PROTO_DOWN_REASON_VALUE) link.protoDownReason = c.u32();
}

function decodeAltNames(c: AttributeCursor): string[] {
  const names: string[] = [];
  while (c.next()) if (c.type === IFLA_ALT_IFNAME) names.push(c.string());
  return names;
}

const LINK_ATTRIBUTES = new DecoderTable<Link>();
const on = LINK_ATTRIBUTES.on.bind(LINK_ATTRIBUTES);
on(IFLA_IFNAME, (l, c) => { l.name = c.string(); });
on(IFLA_MTU, (l, c) => { l.mtu = c.u32(); });
on(IFLA_MIN_MTU, (l, c) => { l.minMtu = c.u32(); });
on(IFLA_MAX_MTU, (l, c) => { l.maxMtu = c.u32(); });
on(IFLA_QDISC, (l, c) => { l.qdisc = c.string(); });
on(IFLA_OPERSTATE, (l, c) => {
  const state = c.u8();
  l.operstate = OPER_STATES[state] ?? state;
});
on(IFLA_LINKMODE, (l, c) => {
  const mode = c.u8();
  l.linkmode = LINK_MODES[mode] ?? mode;
});
on(IFLA_GROUP, (l, c) => { l.group = c.u32(); });
on(IFLA_TXQLEN, (l, c) => { l.txqueuelen = c.u32(); });
on(IFLA_ADDRESS, (l, c) => { l.address = formatLinkAddress(c.buf, c.start, c.length, l.type); });
on(IFLA_BROADCAST, (l, c) => { l.broadcast = formatLinkAddress(c.buf, c.start, c.length, l.type); });
on(IFLA_PERM_ADDRESS, (l, c) => { l.permAddress = formatLinkAddress(c.buf, c.start, c.length, l.type); });
on(IFLA_MASTER, (l, c) => { l.master = c.u32(); });
on(IFLA_LINK, (l, c) => { l.link = c.u32(); });
on(IFLA_LINK_NETNSID, (l, c) => { l.linkNetnsId = c.s32(); });
on(IFLA_IFALIAS, (l, c) => { l.alias = c.string(); });
on(IFLA_LINKINFO, (l, c) => decodeLinkInfo(c.nestedCursor(), l));
on(IFLA_STATS64, (l, c) => {
  // Newer kernels append counters; the 23 of the original struct are always there.
  c.need(STATS64_BASE_LEN);
  Object.defineProperty(l, 'stats64', STATS64_FIELD);
});
on(IFLA_PROMISCUITY, (l, c) => { l.promiscuity = c.u32(); });
on(IFLA_ALLMULTI, (l, c) => { l.allmulti = c.u32(); });
on(IFLA_NUM_TX_QUEUES, (l, c) => { l.numTxQueues = c.u32(); });
on(IFLA_NUM_RX_QUEUES, (l, c) => { l.numRxQueues = c.u32(); });
on(IFLA_GSO_MAX_SIZE, (l, c) => { l.gsoMaxSize = c.u32(); });
on(IFLA_GSO_MAX_SEGS, (l, c) => { l.gsoMaxSegs = c.u32(); });
on(IFLA_TSO_MAX_SIZE, (l, c) => { l.tsoMaxSize = c.u32(); });
on(IFLA_TSO_MAX_SEGS, (l, c) => { l.tsoMaxSegs = c.u32(); });
on(IFLA_GRO_MAX_SIZE, (l, c) => { l.groMaxSize = c.u32(); });
on(IFLA_CARRIER, (l, c) => { l.carrier = c.u8() !== 0; });
on(IFLA_CARRIER_CHANGES, (l, c) => { l.carrierChanges = c.u32(); });
on(IFLA_CARRIER_UP_COUNT, (l, c) => { l.carrierUpCount = c.u32(); });
on(IFLA_CARRIER_DOWN_COUNT, (l, c) => { l.carrierDownCount = c.u32(); });
on(IFLA_PROTO_DOWN, (l, c) => { l.protoDown = c.u8() !== 0; });
on(IFLA_PROTO_DOWN_REASON, (l, c) => decodeProtoDownReason(c.nestedCursor(), l));
on(IFLA_PHYS_PORT_ID, (l, c) => { l.physPortId = hex(c); });
on(IFLA_PHYS_PORT_NAME, (l, c) => { l.physPortName = c.string(); });
on(IFLA_PHYS_SWITCH_ID, (l, c) => { l.physSwitchId = hex(c); });
on(IFLA_PARENT_DEV_NAME, (l, c) => { l.parentDevName = c.string(); });
on(IFLA_PARENT_DEV_BUS_NAME, (l, c) => { l.parentDevBusName = c.string(); });
on(IFLA_PROP_LIST, (l, c) => { l.altNames = decodeAltNames(c.nestedCursor()); });
on(IFLA_EVENT, (l, c) => { l.event = c.u32(); });
on(IFLA_XDP, (l, c) => { l.xdp = decodeXdp(c.nestedCursor()); });
on(IFLA_AF_SPEC, (l, c) => decodeAfSpec(c, l));
on(IFLA_NEW_NETNSID, (l, c) => { l.newNetnsId = c.s32(); });
on(IFLA_NEW_IFINDEX, (l, c) => { l.newIfindex = c.s32(); });
on(IFLA_NET_NS_FD, (l, c) => { l.netnsFd = c.u32(); });
on(IFLA_NET_NS_PID, (l, c) => { l.netnsPid = c.u32(); });
on(IFLA_EXT_MASK, (l, c) => { l.extMask = c.u32(); });
on(IFLA_PAD, () => {});

/** IFLA_INFO_* members decodeLinkInfo reads; the others are kept raw in the link's `unknown`. */
const LINK_INFO_MEMBERS = new Set([IFLA_INFO_KIND, IFLA_INFO_DATA, IFLA_INFO_SLAVE_KIND, IFLA_INFO_SLAVE_DATA, IFLA_INFO_XSTATS]);

/**
 * The attributes decoding kept raw, in message order: top-level attributes
 * without a decoder, and unread members of IFLA_LINKINFO where it stands.
 * Runs on bytes the link's decoding has already walked and checked.
 */
function unknownAttributes(own: MessageCopy): RawAttribute[] {
  const unknown: RawAttribute[] = [];
  const c = new AttributeCursor(own.buf, own.start + IFINFOMSG_LEN, own.end);
  while (c.next()) {
    if (!LINK_ATTRIBUTES.has(c.type)) {
      unknown.push(c.rawView());
    } else if (c.type === IFLA_LINKINFO) {
      const info = c.nestedCursor();
      while (info.next()) if (!LINK_INFO_MEMBERS.has(info.type)) unknown.push(info.rawView());
    }
  }
  return unknown;
}

/** A cursor on the last attribute of `type` (the one eager decoding kept); the link has one. */
function lastAttribute(own: MessageCopy, type: number): AttributeCursor {
  const c = new AttributeCursor(own.buf, own.start + IFINFOMSG_LEN, own.end);
  let start = 0;
  let length = 0;
  while (c.next()) {
    if (c.type === type) {
      start = c.start;
      length = c.length;
    }
  }
  c.start = start;
  c.length = length;
  return c;
}

const UNKNOWN_FIELD = lazyField('unknown', unknownAttributes);
const STATS64_FIELD = lazyField('stats64', (own) => {
  const c = lastAttribute(own, IFLA_STATS64);
  return decodeStats64(own.buf, c.start, c.length);
});
const AF_SPEC_FIELD = lazyField('afSpec', (own) => lastAttribute(own, IFLA_AF_SPEC).view());

/**
 * What a link's cursors report a malformed attribute with: the message, and
 * names from the link's kind once IFLA_INFO_KIND has been read.
 */
class LinkDecodeContext implements DecodeContext {
  readonly family = 'rtnetlink';
  constructor(
    readonly messageType: string | number | undefined,
    readonly offsetBias: number,
    private readonly link: Link,
  ) {}

  attributeName(path: readonly number[]): string | undefined {
    const kind = this.link.kind === undefined ? undefined : linkKind(this.link.kind);
    return linkAttributeName(path, kind?.dataAttributeNames);
  }
}

const LINK_EXEMPLAR_BITS = 5;
const linkExemplars: (Link | undefined)[] = new Array<Link | undefined>(1 << LINK_EXEMPLAR_BITS).fill(undefined);

function decodeLinkBytes(buf: Buffer, start: number, end: number, messageType: string | number | undefined, offsetBias: number): Link {
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
  const type = u16le(buf, start + 2);
  const flags = u32le(buf, start + 8);
  const link = new PlainLink(buf[start]!, s32le(buf, start + 4), type, linkTypeName(type), flags, linkFlagNames(flags), u32le(buf, start + 12));
  const own = copyMessage(buf, start, end);
  attachLinkBytes(link, own);
  Object.defineProperty(link, 'unknown', UNKNOWN_FIELD);
  // The cursor walks the copy: its offsets are `own.start - start` away from the caller's.
  const context = new LinkDecodeContext(messageType, start - own.start + offsetBias, link);
  const signature = LINK_ATTRIBUTES.decodeKnownSignature(new AttributeCursor(own.buf, own.start + IFINFOMSG_LEN, own.end, context), link);
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

// Link decoding is the heaviest cursor user; keep its optimized code across full GCs.
keepShapeAlive(new AttributeCursor(Buffer.alloc(0), 0, 0));
// A context lives only while its link decodes; the class of its initialized
// fields would die at every full collection without one kept alive.
keepShapeAlive(new LinkDecodeContext(undefined, 0, new PlainLink(0, 0, 0, '', 0, [], 0)));
