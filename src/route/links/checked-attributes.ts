// The link decoder that walks attributes with AttributeCursors: what
// decodeLinkBytes falls back to when the direct walk (attribute-walk.ts)
// finds bytes a cursor would refuse, so the MalformedMessageError names the
// attribute and its path. It reads every attribute as the walk does, into
// the same fields in the same order (test/route/links/attribute-walk.test.ts
// compares the two). The nested decoders here also serve the walk for the
// rare nests it leaves to cursors (IFLA_LINKINFO, IFLA_PROP_LIST, ...).
import {
  IFLA_ADDRESS, IFLA_AF_SPEC, IFLA_ALLMULTI, IFLA_ALT_IFNAME, IFLA_BROADCAST, IFLA_CARRIER, IFLA_CARRIER_CHANGES,
  IFLA_CARRIER_DOWN_COUNT, IFLA_CARRIER_UP_COUNT, IFLA_EVENT, IFLA_EXT_MASK, IFLA_GRO_MAX_SIZE, IFLA_GROUP,
  IFLA_GSO_MAX_SEGS, IFLA_GSO_MAX_SIZE, IFLA_IFALIAS, IFLA_IFNAME, IFLA_INET6_ADDR_GEN_MODE, IFLA_INFO_DATA,
  IFLA_INFO_KIND, IFLA_INFO_SLAVE_DATA, IFLA_INFO_SLAVE_KIND, IFLA_INFO_XSTATS, IFLA_LINK, IFLA_LINK_NETNSID,
  IFLA_LINKINFO, IFLA_LINKMODE, IFLA_MASTER, IFLA_MAX_MTU, IFLA_MIN_MTU, IFLA_MTU, IFLA_NET_NS_FD, IFLA_NET_NS_PID,
  IFLA_NEW_IFINDEX, IFLA_NEW_NETNSID, IFLA_NUM_RX_QUEUES, IFLA_NUM_TX_QUEUES, IFLA_OPERSTATE, IFLA_PAD,
  IFLA_PARENT_DEV_BUS_NAME, IFLA_PARENT_DEV_NAME, IFLA_PERM_ADDRESS, IFLA_PHYS_PORT_ID, IFLA_PHYS_PORT_NAME,
  IFLA_PHYS_SWITCH_ID, IFLA_PROMISCUITY, IFLA_PROP_LIST, IFLA_PROTO_DOWN, IFLA_PROTO_DOWN_REASON,
  IFLA_PROTO_DOWN_REASON_VALUE, IFLA_QDISC, IFLA_STATS64, IFLA_TSO_MAX_SEGS, IFLA_TSO_MAX_SIZE, IFLA_TXQLEN, IFLA_XDP,
  IFLA_XDP_ATTACHED, IFLA_XDP_DRV_PROG_ID, IFLA_XDP_FLAGS, IFLA_XDP_HW_PROG_ID, IFLA_XDP_PROG_ID, IFLA_XDP_SKB_PROG_ID,
} from '../../generated/if_link.js';
import { AttributeCursor, type DecodeContext } from '../../netlink/attributes.js';
import { AF_INET6 } from '../../sys/constants.js';
import { IFINFOMSG_LEN } from '../resolve.js';
import { keepShapeAlive } from '../shape-keeper.js';
import { linkAttributeName } from './attribute-names.js';
import { DecoderTable } from './decoder-table.js';
import { formatLinkAddress, LINK_MODES, OPER_STATES } from './flags.js';
import { linkKind, slaveKind } from './kinds/index.js';
import { rawMembers } from './kinds/raw-members.js';
import { PlainLink } from './link-object.js';
import type { MessageCopy } from './message-copy.js';
import { AF_SPEC_FIELD, STATS64_FIELD } from './raw-fields.js';
import { STATS64_BASE_LEN } from './stats.js';
import type { Link, LinkXdp } from './types.js';

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

export function decodeLinkInfo(c: AttributeCursor, link: Link): void {
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

export function decodeProtoDownReason(c: AttributeCursor, link: Link): void {
  while (c.next()) if (c.type === IFLA_PROTO_DOWN_REASON_VALUE) link.protoDownReason = c.u32();
}

export function decodeAltNames(c: AttributeCursor): string[] {
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

/**
 * What a link's cursors report a malformed attribute with: the message, and
 * names from the link's kind once IFLA_INFO_KIND has been read.
 */
export class LinkDecodeContext implements DecodeContext {
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

/** Whether the cursor decoder reads attributes of `type` into a field (the others are kept raw in `unknown`). */
export function cursorDecoderReads(type: number): boolean {
  return LINK_ATTRIBUTES.has(type);
}

/**
 * Decodes the attributes of the link's copy of its message into `link`
 * with cursors; returns the hash of the attribute types in their order (as
 * walkLinkAttributes does). Throws MalformedMessageError naming the first
 * attribute a cursor refuses. `bias` turns an offset in the copy into one
 * in the caller's buffer.
 */
export function decodeCheckedAttributes(link: Link, own: MessageCopy, messageType: string | number | undefined, bias: number): number {
  const context = new LinkDecodeContext(messageType, bias, link);
  return LINK_ATTRIBUTES.decodeKnownSignature(new AttributeCursor(own.buf, own.start + IFINFOMSG_LEN, own.end, context), link);
}

// Cursors and contexts are made for every link with a nest the direct walk
// leaves to them (IFLA_LINKINFO); keep their optimized code across full GCs.
keepShapeAlive(new AttributeCursor(Buffer.alloc(0), 0, 0));
// A context lives only while its link decodes; the class of its initialized
// fields would die at every full collection without one kept alive.
keepShapeAlive(new LinkDecodeContext(undefined, 0, new PlainLink(0, 0, 0, '', 0, [], 0)));
