import * as neighbourConstants from '../../generated/neighbour.js';
import {
  NDA_CACHEINFO, NDA_DST, NDA_FLAGS_EXT, NDA_IFINDEX, NDA_LINK_NETNSID, NDA_LLADDR, NDA_MASTER, NDA_NH_ID, NDA_PORT,
  NDA_PROBES, NDA_PROTOCOL, NDA_SRC_VNI, NDA_VLAN, NDA_VNI,
} from '../../generated/neighbour.js';
import { encodeIp, encodeMac, type IpFamily } from '../../netlink/addresses.js';
import { AttributeCursor, type RawAttribute } from '../../netlink/attributes.js';
import { RTM_GETNEIGH } from '../../generated/rtnetlink.js';
import { s32le, u16le, u32le } from '../../netlink/byte-reads.js';
import type { Message } from '../../netlink/message.js';
import type { MessageWriter } from '../../netlink/writer.js';
import { constantNames } from '../constant-names.js';
import { requireRouteHeader, routeContext, widenRtgenmsg } from '../decode-context.js';
import { ipFamilyOf } from '../family.js';
import { flatAttributeName, writeRawAttributes } from '../flat-attributes.js';
import { neighbourFlagNames, neighbourStateNames } from './state.js';

/** sizeof(struct ndmsg): family, pad1 (u8), pad2 (u16), ifindex (s32), state (u16), flags, type (u8). */
export const NDMSG_LEN = 12;
/** sizeof(struct nda_cacheinfo): confirmed, used, updated, refcnt (u32 each). */
const NDA_CACHEINFO_LEN = 16;
const EMPTY = new Uint8Array(0);

/** NDA_CACHEINFO: ages in clock ticks (USER_HZ, hundredths of a second), and users of the entry. */
export interface NeighbourCacheInfo {
  /** ndm_confirmed: ticks since the neighbour last proved reachable. */
  confirmed: number;
  /** ndm_used: ticks since the entry was last used to send. */
  used: number;
  /** ndm_updated: ticks since the entry last changed state. */
  updated: number;
  /** ndm_refcnt: references the kernel holds on the entry, less one (`ip -s neigh` shows it as `ref`). */
  refcnt: number;
}

/** Every field of an ndmsg and the attributes nlkit knows; what the encoder writes and the decoder reads. */
export interface NeighbourMessage {
  /** AF_INET, AF_INET6 (or AF_BRIDGE for bridge fdb entries). */
  addressFamily: number;
  /** ndm_ifindex: the link the entry is on (`dev`). */
  ifindex: number;
  /** NUD_* bits. */
  state: number;
  /** NTF_* bits. */
  flags: number;
  /** ndm_type: RTN_UNICAST, RTN_MULTICAST, ... */
  type: number;
  /** NDA_DST: the neighbour's IP address (or the MAC destination of a bridge fdb entry's remote, for vxlan). */
  dst?: string;
  /** NDA_LLADDR: the link-layer address, colon-separated hex; '' on devices without one (e.g. tunnels); absent for incomplete entries. */
  lladdr?: string;
  /** NDA_PROBES: unanswered solicitations sent so far. */
  probes?: number;
  /** NDA_CACHEINFO: ages of the entry; present in kernel dumps. */
  cacheinfo?: NeighbourCacheInfo;
  /** NDA_VLAN: VLAN id of a bridge fdb entry. */
  vlan?: number;
  /** NDA_PORT: UDP destination port of a vxlan fdb entry (host byte order here). */
  port?: number;
  /** NDA_VNI: VXLAN network identifier of a vxlan fdb entry. */
  vni?: number;
  /** NDA_MASTER: ifindex of the bridge (or VRF) the entry belongs to. */
  master?: number;
  /** NDA_LINK_NETNSID: nsid of the namespace the entry's link peer lives in. */
  linkNetnsId?: number;
  /** NDA_SRC_VNI: source VNI of a vxlan fdb entry in collect-metadata mode. */
  srcVni?: number;
  /** NDA_PROTOCOL: who installed the entry (RTPROT_*). */
  protocol?: number;
  /** NDA_NH_ID: the nexthop object (`ip nexthop`) an fdb entry points at. */
  nhId?: number;
  /** NDA_FLAGS_EXT: NTF_EXT_* bits (NTF_EXT_MANAGED). */
  flagsExt?: number;
  /** NDA_IFINDEX: the outgoing link of a vxlan fdb entry's remote (`bridge fdb … via DEV`); in a dump request, the link to list. */
  via?: number;
  /** Attributes nlkit does not decode, kept verbatim. */
  unknown?: RawAttribute[];
}

/** A neighbour (ARP or NDP) entry as the kernel reports it (RTM_NEWNEIGH). */
export interface Neighbour extends NeighbourMessage {
  /** 4 or 6; 0 for any other address family (see addressFamily). */
  family: IpFamily | 0;
  /** The NUD states, as `ip neigh` prints them: ['PERMANENT'], ['REACHABLE'], ... ([] for NUD_NONE). */
  stateNames: string[];
  /** The NTF_* flags by name, e.g. ['ROUTER'], ['PROXY']. */
  flagNames: string[];
  unknown: RawAttribute[];
}

function writeHeader(writer: MessageWriter, family: number, ifindex: number, state: number, flags: number, type: number): void {
  const at = writer.reserve(NDMSG_LEN);
  const b = writer.buf;
  b[at] = family;
  b.writeInt32LE(ifindex | 0, at + 4);
  b.writeUInt16LE(state, at + 8);
  b[at + 10] = flags;
  b[at + 11] = type;
}

/** Writes ndmsg and attributes in the kernel's own order (neigh_fill_info), so a decoded dump re-encodes to its bytes. */
export function encodeNeighbour(writer: MessageWriter, n: NeighbourMessage): void {
  writeHeader(writer, n.addressFamily, n.ifindex, n.state, n.flags, n.type);
  if (n.dst !== undefined) writer.binary(NDA_DST, encodeIp(n.dst));
  // Devices without link-layer addresses (tunnels) report an empty NDA_LLADDR.
  if (n.lladdr !== undefined) writer.binary(NDA_LLADDR, n.lladdr === '' ? EMPTY : encodeMac(n.lladdr));
  if (n.probes !== undefined) writer.u32(NDA_PROBES, n.probes);
  if (n.cacheinfo !== undefined) {
    const ci = Buffer.alloc(NDA_CACHEINFO_LEN);
    ci.writeUInt32LE(n.cacheinfo.confirmed, 0);
    ci.writeUInt32LE(n.cacheinfo.used, 4);
    ci.writeUInt32LE(n.cacheinfo.updated, 8);
    ci.writeUInt32LE(n.cacheinfo.refcnt, 12);
    writer.binary(NDA_CACHEINFO, ci);
  }
  if (n.vlan !== undefined) writer.u16(NDA_VLAN, n.vlan);
  if (n.port !== undefined) writer.be16(NDA_PORT, n.port);
  if (n.vni !== undefined) writer.u32(NDA_VNI, n.vni);
  if (n.master !== undefined) writer.u32(NDA_MASTER, n.master);
  if (n.linkNetnsId !== undefined) writer.s32(NDA_LINK_NETNSID, n.linkNetnsId);
  if (n.srcVni !== undefined) writer.u32(NDA_SRC_VNI, n.srcVni);
  if (n.protocol !== undefined) writer.u8(NDA_PROTOCOL, n.protocol);
  if (n.nhId !== undefined) writer.u32(NDA_NH_ID, n.nhId);
  if (n.flagsExt !== undefined) writer.u32(NDA_FLAGS_EXT, n.flagsExt);
  if (n.via !== undefined) writer.u32(NDA_IFINDEX, n.via);
  writeRawAttributes(writer, n.unknown);
}

/**
 * A dump request. With strict checking the kernel accepts only NTF_PROXY in
 * the header (which selects the proxy table) and filters by NDA_IFINDEX.
 */
export function encodeNeighbourDumpRequest(writer: MessageWriter, family: number, flags: number, ifindex: number): void {
  writeHeader(writer, family, 0, 0, flags, 0);
  if (ifindex !== 0) writer.u32(NDA_IFINDEX, ifindex);
}

/**
 * Decodes an RTM_NEWNEIGH/RTM_DELNEIGH message (or a request, for debug
 * output). A legacy RTM_GETNEIGH dump request (struct rtgenmsg, the family
 * byte alone) decodes as an ndmsg with only the family set.
 * MalformedMessageError for a header or attribute that does not fit.
 */
export function decodeNeighbour(message: Message): Neighbour {
  const legacy = widenRtgenmsg(message, RTM_GETNEIGH, NDMSG_LEN);
  if (legacy) return decodeNeighbourMessage(legacy.message, legacy.offsetBias);
  requireRouteHeader(message, NDMSG_LEN, 'ndmsg');
  return decodeNeighbourMessage(message, 0);
}

function decodeNeighbourMessage(message: Message, offsetBias: number): Neighbour {
  const b = message.buf;
  const o = message.offset;
  const addressFamily = b[o]!;
  const state = u16le(b, o + 8);
  const flags = b[o + 10]!;
  const n: Neighbour = {
    family: ipFamilyOf(addressFamily),
    addressFamily,
    ifindex: s32le(b, o + 4),
    state,
    stateNames: neighbourStateNames(state),
    flags,
    flagNames: neighbourFlagNames(flags),
    type: b[o + 11]!,
    unknown: [],
  };
  const c = new AttributeCursor(b, o + NDMSG_LEN, message.end, routeContext(message, neighbourAttributeName, offsetBias));
  while (c.next()) {
    switch (c.type) {
      case NDA_DST: n.dst = c.ip(); break;
      case NDA_LLADDR: n.lladdr = c.mac(); break;
      case NDA_PROBES: n.probes = c.u32(); break;
      case NDA_CACHEINFO:
        c.need(NDA_CACHEINFO_LEN);
        n.cacheinfo = {
          confirmed: u32le(b, c.start),
          used: u32le(b, c.start + 4),
          updated: u32le(b, c.start + 8),
          refcnt: u32le(b, c.start + 12),
        };
        break;
      case NDA_VLAN: n.vlan = c.u16(); break;
      case NDA_PORT: n.port = c.be16(); break;
      case NDA_VNI: n.vni = c.u32(); break;
      case NDA_MASTER: n.master = c.u32(); break;
      case NDA_LINK_NETNSID: n.linkNetnsId = c.s32(); break;
      case NDA_SRC_VNI: n.srcVni = c.u32(); break;
      case NDA_PROTOCOL: n.protocol = c.u8(); break;
      case NDA_NH_ID: n.nhId = c.u32(); break;
      case NDA_FLAGS_EXT: n.flagsExt = c.u32(); break;
      case NDA_IFINDEX: n.via = c.u32(); break;
      default: n.unknown.push(c.raw());
    }
  }
  return n;
}

const NDA_NAMES = constantNames(neighbourConstants, 'NDA_');

/** Names an attribute path for error messages, e.g. [NDA_LLADDR] → 'NDA_LLADDR'. */
export function neighbourAttributeName(path: readonly number[]): string {
  return flatAttributeName(NDA_NAMES, path);
}
