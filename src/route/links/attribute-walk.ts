// The link decoder of the hot path: attributes read straight from the
// bytes of the link's copy of its message, one switch over their types.
// Anything a cursor would refuse sends the caller to the cursor decoder
// (checked-attributes.ts), which throws naming the attribute; both read the
// same attributes into the same fields in the same order.
import {
  IFLA_ADDRESS, IFLA_AF_SPEC, IFLA_ALLMULTI, IFLA_BROADCAST, IFLA_CARRIER, IFLA_CARRIER_CHANGES,
  IFLA_CARRIER_DOWN_COUNT, IFLA_CARRIER_UP_COUNT, IFLA_EVENT, IFLA_EXT_MASK, IFLA_GRO_MAX_SIZE, IFLA_GROUP,
  IFLA_GSO_MAX_SEGS, IFLA_GSO_MAX_SIZE, IFLA_IFALIAS, IFLA_IFNAME, IFLA_INET6_ADDR_GEN_MODE, IFLA_INFO_DATA,
  IFLA_INFO_KIND, IFLA_INFO_SLAVE_DATA, IFLA_INFO_SLAVE_KIND, IFLA_INFO_XSTATS, IFLA_LINK, IFLA_LINK_NETNSID,
  IFLA_LINKINFO, IFLA_LINKMODE, IFLA_MASTER, IFLA_MAX_MTU, IFLA_MIN_MTU, IFLA_MTU, IFLA_NET_NS_FD, IFLA_NET_NS_PID,
  IFLA_NEW_IFINDEX, IFLA_NEW_NETNSID, IFLA_NUM_RX_QUEUES, IFLA_NUM_TX_QUEUES, IFLA_OPERSTATE, IFLA_PAD,
  IFLA_PARENT_DEV_BUS_NAME, IFLA_PARENT_DEV_NAME, IFLA_PERM_ADDRESS, IFLA_PHYS_PORT_ID, IFLA_PHYS_PORT_NAME,
  IFLA_PHYS_SWITCH_ID, IFLA_PROMISCUITY, IFLA_PROP_LIST, IFLA_PROTO_DOWN, IFLA_PROTO_DOWN_REASON,
  IFLA_QDISC, IFLA_STATS64, IFLA_TSO_MAX_SEGS, IFLA_TSO_MAX_SIZE, IFLA_TXQLEN, IFLA_XDP,
  IFLA_XDP_ATTACHED, IFLA_XDP_DRV_PROG_ID, IFLA_XDP_FLAGS, IFLA_XDP_HW_PROG_ID, IFLA_XDP_PROG_ID, IFLA_XDP_SKB_PROG_ID,
} from '../../generated/if_link.js';
import { AttributeCursor, attributeString, type RawAttribute } from '../../netlink/attributes.js';
import { NLA_TYPE_MASK } from '../../netlink/writer.js';
import { AF_INET6 } from '../../sys/constants.js';
import { IFINFOMSG_LEN } from '../resolve.js';
import { decodeAltNames, decodeLinkInfo, decodeProtoDownReason, LinkDecodeContext } from './checked-attributes.js';
import { formatLinkAddress, LINK_MODES, OPER_STATES } from './flags.js';
import { lazyField } from './lazy-fields.js';
import type { MessageCopy } from './message-copy.js';
import { AF_SPEC_FIELD, STATS64_FIELD } from './raw-fields.js';
import { STATS64_BASE_LEN } from './stats.js';
import type { Link, LinkXdp } from './types.js';

/**
 * What walkLinkAttributes returns for bytes a cursor would refuse: outside
 * the int32 range of the signatures it returns otherwise.
 */
export const NOT_WALKED = 0x100000000;

/** A cursor standing on the attribute whose header is at `at`, for the nested decoders that report errors by path. */
function cursorOn(own: MessageCopy, at: number, messageType: string | number | undefined, bias: number, link: Link): AttributeCursor {
  const c = new AttributeCursor(own.buf, at, own.end, new LinkDecodeContext(messageType, bias, link));
  c.next();
  return c;
}

function afSpecGenMode(words: Uint32Array, b: Buffer, from: number, end: number, link: Link): boolean {
  for (let at = from; at + 4 <= end; ) {
    const header = words[at >>> 2]!;
    const len = header & 0xffff;
    if (len < 4 || at + len > end) return false;
    if (((header >>> 16) & NLA_TYPE_MASK) === AF_INET6) {
      const stop = at + len;
      for (let m = at + 4; m + 4 <= stop; ) {
        const member = words[m >>> 2]!;
        const mlen = member & 0xffff;
        if (mlen < 4 || m + mlen > stop) return false;
        if (((member >>> 16) & NLA_TYPE_MASK) === IFLA_INET6_ADDR_GEN_MODE) {
          if (mlen < 5) return false;
          link.inet6AddrGenMode = b[m + 4]!;
        }
        m += (mlen + 3) & ~3;
      }
    }
    at += (len + 3) & ~3;
  }
  return true;
}

function xdpOf(words: Uint32Array, b: Buffer, from: number, end: number): LinkXdp | undefined {
  const xdp: LinkXdp = { attached: 0 };
  for (let at = from; at + 4 <= end; ) {
    const header = words[at >>> 2]!;
    const len = header & 0xffff;
    if (len < 4 || at + len > end) return undefined;
    const p = at + 4;
    const n = len - 4;
    switch ((header >>> 16) & NLA_TYPE_MASK) {
      case IFLA_XDP_ATTACHED: if (n < 1) return undefined; xdp.attached = b[p]!; break;
      case IFLA_XDP_PROG_ID: if (n < 4) return undefined; xdp.progId = words[p >>> 2]!; break;
      case IFLA_XDP_DRV_PROG_ID: if (n < 4) return undefined; xdp.driverProgId = words[p >>> 2]!; break;
      case IFLA_XDP_SKB_PROG_ID: if (n < 4) return undefined; xdp.genericProgId = words[p >>> 2]!; break;
      case IFLA_XDP_HW_PROG_ID: if (n < 4) return undefined; xdp.offloadProgId = words[p >>> 2]!; break;
      case IFLA_XDP_FLAGS: if (n < 4) return undefined; xdp.flags = words[p >>> 2]!; break;
    }
    at += (len + 3) & ~3;
  }
  return xdp;
}

/**
 * What walkLinkAttributes does with an attribute type, one case of its
 * switch each. V8 compiles a switch into a jump table only when its case
 * labels are small integer literals, which a const enum's members become;
 * compared one by one against the imported IFLA_* constants, the cases
 * cost a quarter of a link's decoding.
 */
const enum Read {
  /** Kept raw: built into `unknown` on first read. */
  Unknown,
  /** Read, but holds nothing (IFLA_PAD). */
  Pad,
  Ifname,
  Mtu,
  MinMtu,
  MaxMtu,
  Qdisc,
  Operstate,
  Linkmode,
  Group,
  Txqlen,
  Address,
  Broadcast,
  PermAddress,
  Master,
  Link,
  LinkNetnsid,
  Ifalias,
  Linkinfo,
  Stats64,
  Promiscuity,
  Allmulti,
  NumTxQueues,
  NumRxQueues,
  GsoMaxSize,
  GsoMaxSegs,
  TsoMaxSize,
  TsoMaxSegs,
  GroMaxSize,
  Carrier,
  CarrierChanges,
  CarrierUpCount,
  CarrierDownCount,
  ProtoDown,
  ProtoDownReason,
  PhysPortId,
  PhysPortName,
  PhysSwitchId,
  ParentDevName,
  ParentDevBusName,
  PropList,
  Event,
  Xdp,
  AfSpec,
  NewNetnsid,
  NewIfindex,
  NetNsFd,
  NetNsPid,
  ExtMask,
}

/** The Read of each attribute type (an nla_type with its flag bits masked off indexes it). */
const READ_OF = new Uint8Array((NLA_TYPE_MASK & 0xffff) + 1);
READ_OF[IFLA_PAD] = Read.Pad;
READ_OF[IFLA_IFNAME] = Read.Ifname;
READ_OF[IFLA_MTU] = Read.Mtu;
READ_OF[IFLA_MIN_MTU] = Read.MinMtu;
READ_OF[IFLA_MAX_MTU] = Read.MaxMtu;
READ_OF[IFLA_QDISC] = Read.Qdisc;
READ_OF[IFLA_OPERSTATE] = Read.Operstate;
READ_OF[IFLA_LINKMODE] = Read.Linkmode;
READ_OF[IFLA_GROUP] = Read.Group;
READ_OF[IFLA_TXQLEN] = Read.Txqlen;
READ_OF[IFLA_ADDRESS] = Read.Address;
READ_OF[IFLA_BROADCAST] = Read.Broadcast;
READ_OF[IFLA_PERM_ADDRESS] = Read.PermAddress;
READ_OF[IFLA_MASTER] = Read.Master;
READ_OF[IFLA_LINK] = Read.Link;
READ_OF[IFLA_LINK_NETNSID] = Read.LinkNetnsid;
READ_OF[IFLA_IFALIAS] = Read.Ifalias;
READ_OF[IFLA_LINKINFO] = Read.Linkinfo;
READ_OF[IFLA_STATS64] = Read.Stats64;
READ_OF[IFLA_PROMISCUITY] = Read.Promiscuity;
READ_OF[IFLA_ALLMULTI] = Read.Allmulti;
READ_OF[IFLA_NUM_TX_QUEUES] = Read.NumTxQueues;
READ_OF[IFLA_NUM_RX_QUEUES] = Read.NumRxQueues;
READ_OF[IFLA_GSO_MAX_SIZE] = Read.GsoMaxSize;
READ_OF[IFLA_GSO_MAX_SEGS] = Read.GsoMaxSegs;
READ_OF[IFLA_TSO_MAX_SIZE] = Read.TsoMaxSize;
READ_OF[IFLA_TSO_MAX_SEGS] = Read.TsoMaxSegs;
READ_OF[IFLA_GRO_MAX_SIZE] = Read.GroMaxSize;
READ_OF[IFLA_CARRIER] = Read.Carrier;
READ_OF[IFLA_CARRIER_CHANGES] = Read.CarrierChanges;
READ_OF[IFLA_CARRIER_UP_COUNT] = Read.CarrierUpCount;
READ_OF[IFLA_CARRIER_DOWN_COUNT] = Read.CarrierDownCount;
READ_OF[IFLA_PROTO_DOWN] = Read.ProtoDown;
READ_OF[IFLA_PROTO_DOWN_REASON] = Read.ProtoDownReason;
READ_OF[IFLA_PHYS_PORT_ID] = Read.PhysPortId;
READ_OF[IFLA_PHYS_PORT_NAME] = Read.PhysPortName;
READ_OF[IFLA_PHYS_SWITCH_ID] = Read.PhysSwitchId;
READ_OF[IFLA_PARENT_DEV_NAME] = Read.ParentDevName;
READ_OF[IFLA_PARENT_DEV_BUS_NAME] = Read.ParentDevBusName;
READ_OF[IFLA_PROP_LIST] = Read.PropList;
READ_OF[IFLA_EVENT] = Read.Event;
READ_OF[IFLA_XDP] = Read.Xdp;
READ_OF[IFLA_AF_SPEC] = Read.AfSpec;
READ_OF[IFLA_NEW_NETNSID] = Read.NewNetnsid;
READ_OF[IFLA_NEW_IFINDEX] = Read.NewIfindex;
READ_OF[IFLA_NET_NS_FD] = Read.NetNsFd;
READ_OF[IFLA_NET_NS_PID] = Read.NetNsPid;
READ_OF[IFLA_EXT_MASK] = Read.ExtMask;

/**
 * Decodes the attributes of the link's copy of its message into `link`
 * with plain reads: no cursor, no error context, no call per attribute
 * (rt.link.get() of lo reads 43 of them, and a link dump thousands).
 * Returns the hash of the attribute types in their order, as
 * decodeCheckedAttributes does, or NOT_WALKED at the first attribute a
 * cursor would refuse (a header overrunning its container, a payload
 * shorter than its type), having set some fields: the caller then decodes
 * a fresh link with decodeCheckedAttributes, which throws the
 * MalformedMessageError naming it. The rare nests (IFLA_LINKINFO and its
 * kind's data, IFLA_PROP_LIST, IFLA_PROTO_DOWN_REASON) go to the cursor
 * decoders, which throw themselves. `bias` turns an offset in the copy into
 * one in the caller's buffer.
 */
export function walkLinkAttributes(link: Link, own: MessageCopy, messageType: string | number | undefined, bias: number): number {
  const b = own.buf;
  const words = own.words;
  const end = own.end;
  let signature = 0;
  for (let at = own.start + IFINFOMSG_LEN; at + 4 <= end; ) {
    const header = words[at >>> 2]!;
    const len = header & 0xffff;
    if (len < 4 || at + len > end) return NOT_WALKED;
    const type = (header >>> 16) & NLA_TYPE_MASK;
    signature = Math.imul(signature ^ type, 0x01000193);
    const p = at + 4;
    const n = len - 4;
    switch (READ_OF[type]) {
      case Read.Ifname: link.name = attributeString(b, p, n); break;
      case Read.Mtu: if (n < 4) return NOT_WALKED; link.mtu = words[p >>> 2]!; break;
      case Read.MinMtu: if (n < 4) return NOT_WALKED; link.minMtu = words[p >>> 2]!; break;
      case Read.MaxMtu: if (n < 4) return NOT_WALKED; link.maxMtu = words[p >>> 2]!; break;
      case Read.Qdisc: link.qdisc = attributeString(b, p, n); break;
      case Read.Operstate: { if (n < 1) return NOT_WALKED; const state = b[p]!; link.operstate = OPER_STATES[state] ?? state; break; }
      case Read.Linkmode: { if (n < 1) return NOT_WALKED; const mode = b[p]!; link.linkmode = LINK_MODES[mode] ?? mode; break; }
      case Read.Group: if (n < 4) return NOT_WALKED; link.group = words[p >>> 2]!; break;
      case Read.Txqlen: if (n < 4) return NOT_WALKED; link.txqueuelen = words[p >>> 2]!; break;
      case Read.Address: link.address = formatLinkAddress(b, p, n, link.type); break;
      case Read.Broadcast: link.broadcast = formatLinkAddress(b, p, n, link.type); break;
      case Read.PermAddress: link.permAddress = formatLinkAddress(b, p, n, link.type); break;
      case Read.Master: if (n < 4) return NOT_WALKED; link.master = words[p >>> 2]!; break;
      case Read.Link: if (n < 4) return NOT_WALKED; link.link = words[p >>> 2]!; break;
      case Read.LinkNetnsid: if (n < 4) return NOT_WALKED; link.linkNetnsId = words[p >>> 2]! | 0; break;
      case Read.Ifalias: link.alias = attributeString(b, p, n); break;
      case Read.Linkinfo: decodeLinkInfo(cursorOn(own, at, messageType, bias, link).nestedCursor(), link); break;
      case Read.Stats64: if (n < STATS64_BASE_LEN) return NOT_WALKED; Object.defineProperty(link, 'stats64', STATS64_FIELD); break;
      case Read.Promiscuity: if (n < 4) return NOT_WALKED; link.promiscuity = words[p >>> 2]!; break;
      case Read.Allmulti: if (n < 4) return NOT_WALKED; link.allmulti = words[p >>> 2]!; break;
      case Read.NumTxQueues: if (n < 4) return NOT_WALKED; link.numTxQueues = words[p >>> 2]!; break;
      case Read.NumRxQueues: if (n < 4) return NOT_WALKED; link.numRxQueues = words[p >>> 2]!; break;
      case Read.GsoMaxSize: if (n < 4) return NOT_WALKED; link.gsoMaxSize = words[p >>> 2]!; break;
      case Read.GsoMaxSegs: if (n < 4) return NOT_WALKED; link.gsoMaxSegs = words[p >>> 2]!; break;
      case Read.TsoMaxSize: if (n < 4) return NOT_WALKED; link.tsoMaxSize = words[p >>> 2]!; break;
      case Read.TsoMaxSegs: if (n < 4) return NOT_WALKED; link.tsoMaxSegs = words[p >>> 2]!; break;
      case Read.GroMaxSize: if (n < 4) return NOT_WALKED; link.groMaxSize = words[p >>> 2]!; break;
      case Read.Carrier: if (n < 1) return NOT_WALKED; link.carrier = b[p] !== 0; break;
      case Read.CarrierChanges: if (n < 4) return NOT_WALKED; link.carrierChanges = words[p >>> 2]!; break;
      case Read.CarrierUpCount: if (n < 4) return NOT_WALKED; link.carrierUpCount = words[p >>> 2]!; break;
      case Read.CarrierDownCount: if (n < 4) return NOT_WALKED; link.carrierDownCount = words[p >>> 2]!; break;
      case Read.ProtoDown: if (n < 1) return NOT_WALKED; link.protoDown = b[p] !== 0; break;
      case Read.ProtoDownReason: decodeProtoDownReason(cursorOn(own, at, messageType, bias, link).nestedCursor(), link); break;
      case Read.PhysPortId: link.physPortId = b.toString('hex', p, p + n); break;
      case Read.PhysPortName: link.physPortName = attributeString(b, p, n); break;
      case Read.PhysSwitchId: link.physSwitchId = b.toString('hex', p, p + n); break;
      case Read.ParentDevName: link.parentDevName = attributeString(b, p, n); break;
      case Read.ParentDevBusName: link.parentDevBusName = attributeString(b, p, n); break;
      case Read.PropList: link.altNames = decodeAltNames(cursorOn(own, at, messageType, bias, link).nestedCursor()); break;
      case Read.Event: if (n < 4) return NOT_WALKED; link.event = words[p >>> 2]!; break;
      case Read.Xdp: { const xdp = xdpOf(words, b, p, p + n); if (xdp === undefined) return NOT_WALKED; link.xdp = xdp; break; }
      case Read.AfSpec:
        Object.defineProperty(link, 'afSpec', AF_SPEC_FIELD);
        if (!afSpecGenMode(words, b, p, p + n, link)) return NOT_WALKED;
        break;
      case Read.NewNetnsid: if (n < 4) return NOT_WALKED; link.newNetnsId = words[p >>> 2]! | 0; break;
      case Read.NewIfindex: if (n < 4) return NOT_WALKED; link.newIfindex = words[p >>> 2]! | 0; break;
      case Read.NetNsFd: if (n < 4) return NOT_WALKED; link.netnsFd = words[p >>> 2]!; break;
      case Read.NetNsPid: if (n < 4) return NOT_WALKED; link.netnsPid = words[p >>> 2]!; break;
      case Read.ExtMask: if (n < 4) return NOT_WALKED; link.extMask = words[p >>> 2]!; break;
      case Read.Pad: break;
    }
    at += (len + 3) & ~3;
  }
  return signature;
}

/** Whether the walk reads attributes of `type` (the others are kept raw in `unknown`). */
export function walkReads(type: number): boolean {
  return (READ_OF[type] ?? Read.Unknown) !== Read.Unknown;
}

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
    if (READ_OF[c.type] === Read.Unknown) {
      unknown.push(c.rawView());
    } else if (c.type === IFLA_LINKINFO) {
      const info = c.nestedCursor();
      while (info.next()) if (!LINK_INFO_MEMBERS.has(info.type)) unknown.push(info.rawView());
    }
  }
  return unknown;
}

/** `unknown`: the attributes kept raw, built on first read. */
export const UNKNOWN_FIELD = lazyField('unknown', unknownAttributes);
