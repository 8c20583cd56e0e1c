import * as nexthopHeader from '../../generated/nexthop.js';
import {
  NEXTHOP_GRP_TYPE_MPATH, NEXTHOP_GRP_TYPE_RES, NHA_BLACKHOLE, NHA_ENCAP, NHA_ENCAP_TYPE, NHA_FDB, NHA_GATEWAY, NHA_GROUP,
  NHA_GROUP_TYPE, NHA_GROUPS, NHA_ID, NHA_MASTER, NHA_OIF, NHA_RES_GROUP, NHA_RES_GROUP_BUCKETS, NHA_RES_GROUP_IDLE_TIMER,
  NHA_RES_GROUP_UNBALANCED_TIME, NHA_RES_GROUP_UNBALANCED_TIMER,
} from '../../generated/nexthop.js';
import { u32le } from '../../netlink/byte-reads.js';
import { encodeIp, type IpFamily } from '../../netlink/addresses.js';
import { AttributeCursor, type RawAttribute } from '../../netlink/attributes.js';
import type { Message } from '../../netlink/message.js';
import type { MessageWriter } from '../../netlink/writer.js';
import { constantNames } from '../constant-names.js';
import { requireRouteHeader, routeContext } from '../decode-context.js';
import { ipFamilyOf } from '../family.js';
import { writeRawAttributes } from '../flat-attributes.js';

/** sizeof(struct nhmsg): family, scope, protocol, reserved (u8 each), flags (u32). */
export const NHMSG_LEN = 8;
/** sizeof(struct nexthop_grp): id (u32), weight (u8), two reserved fields. */
export const NEXTHOP_GRP_LEN = 8;
/** The kernel reports resilient group timers as clock_t: USER_HZ ticks a second. */
const USER_HZ = 100;

/** One member of a nexthop group (struct nexthop_grp). */
export interface NexthopGroupMember {
  /** Id of the member nexthop. */
  id: number;
  /** 1-256, as `ip nexthop` counts; the wire carries weight - 1 in a byte. */
  weight: number;
}

/** 'mpath' (hash-threshold, the default) or 'resilient' (NEXTHOP_GRP_TYPE_RES); the number for a type nlkit does not know. */
export type NexthopGroupType = 'mpath' | 'resilient' | number;

/** NHA_RES_GROUP: the bucket table of a resilient group. Times in seconds (the kernel counts USER_HZ ticks). */
export interface ResilientGroupParameters {
  /** NHA_RES_GROUP_BUCKETS: number of buckets the traffic is hashed into. */
  buckets?: number;
  /** NHA_RES_GROUP_IDLE_TIMER: how long a bucket must be idle before it may move to another member. */
  idleTimer?: number;
  /** NHA_RES_GROUP_UNBALANCED_TIMER: how long the group may stay unbalanced before busy buckets move too; 0 never. */
  unbalancedTimer?: number;
  /** NHA_RES_GROUP_UNBALANCED_TIME (reported only): how long the group has been unbalanced. */
  unbalancedTime?: number;
  /** Attributes of the nest nlkit does not decode, kept verbatim. */
  unknown?: RawAttribute[];
}

/** Every field of an nhmsg and the attributes nlkit knows; what the encoder writes and the decoder reads. */
export interface NexthopMessage {
  /** AF_INET or AF_INET6 for a single nexthop; AF_UNSPEC for groups (and fdb groups). */
  addressFamily: number;
  /** RT_SCOPE_*: reported by the kernel (link for a nexthop with a device, host for blackhole); 0 in requests. */
  scope: number;
  /** RTPROT_*: who installed the nexthop. */
  protocol: number;
  /** RTNH_F_* bits (onlink, dead, linkdown, ...). */
  flags: number;
  /** NHA_ID: the nexthop's id; 0 or absent in a request lets the kernel choose. */
  id?: number;
  /** NHA_GROUP: the members of a group. */
  group?: NexthopGroupMember[];
  /** NHA_GROUP_TYPE: NEXTHOP_GRP_TYPE_*. */
  groupType?: number;
  /** NHA_RES_GROUP: parameters of a resilient group. */
  resilient?: ResilientGroupParameters;
  /** NHA_BLACKHOLE: packets using the nexthop are dropped. */
  blackhole?: boolean;
  /** NHA_OIF: the nexthop's device (ifindex); in a dump request, only nexthops on this device. */
  oif?: number;
  /** NHA_GATEWAY: the next router's address (IPv4 or IPv6). */
  gateway?: string;
  /** NHA_ENCAP_TYPE: LWTUNNEL_ENCAP_* of `encap`. */
  encapType?: number;
  /** NHA_ENCAP: the lightweight tunnel encapsulation's attributes, kept as their raw bytes. */
  encap?: Buffer;
  /** NHA_FDB: a nexthop (or group) for the bridge fdb of VXLAN devices, not for routes. */
  fdb?: boolean;
  /** NHA_MASTER (dump requests): only nexthops whose device is enslaved to this one. */
  master?: number;
  /** NHA_GROUPS (dump requests): only groups. */
  groups?: boolean;
  /** Attributes nlkit does not decode, kept verbatim. */
  unknown?: RawAttribute[];
}

/** A nexthop object as the kernel reports it (RTM_NEWNEXTHOP). */
export interface Nexthop extends NexthopMessage {
  /** 4 or 6; 0 for a group. */
  family: IpFamily | 0;
  id: number;
  unknown: RawAttribute[];
}

/** 'mpath', 'resilient', or the number for an unknown NEXTHOP_GRP_TYPE_*. */
export function nexthopGroupTypeName(type: number): NexthopGroupType {
  return type === NEXTHOP_GRP_TYPE_MPATH ? 'mpath' : type === NEXTHOP_GRP_TYPE_RES ? 'resilient' : type;
}

function seconds(ticks: number | bigint): number {
  return Number(ticks) / USER_HZ;
}

function ticks(secondsValue: number): number {
  return Math.round(secondsValue * USER_HZ);
}

/**
 * Writes nhmsg and attributes in the kernel's order (nh_fill_node), so a
 * decoded dump re-encodes to its bytes; unknown attributes go last.
 */
export function encodeNexthop(writer: MessageWriter, n: NexthopMessage): void {
  const at = writer.reserve(NHMSG_LEN);
  const b = writer.buf;
  b[at] = n.addressFamily;
  b[at + 1] = n.scope;
  b[at + 2] = n.protocol;
  b.writeUInt32LE(n.flags >>> 0, at + 4);
  if (n.id !== undefined) writer.u32(NHA_ID, n.id);
  if (n.group !== undefined) {
    const data = Buffer.alloc(n.group.length * NEXTHOP_GRP_LEN);
    n.group.forEach((member, i) => {
      data.writeUInt32LE(member.id >>> 0, i * NEXTHOP_GRP_LEN);
      data[i * NEXTHOP_GRP_LEN + 4] = (member.weight - 1) & 0xff;
    });
    writer.binary(NHA_GROUP, data);
  }
  if (n.groupType !== undefined) writer.u16(NHA_GROUP_TYPE, n.groupType);
  if (n.resilient !== undefined) {
    const nest = writer.beginNested(NHA_RES_GROUP);
    const r = n.resilient;
    if (r.buckets !== undefined) writer.u16(NHA_RES_GROUP_BUCKETS, r.buckets);
    if (r.idleTimer !== undefined) writer.u32(NHA_RES_GROUP_IDLE_TIMER, ticks(r.idleTimer));
    if (r.unbalancedTimer !== undefined) writer.u32(NHA_RES_GROUP_UNBALANCED_TIMER, ticks(r.unbalancedTimer));
    if (r.unbalancedTime !== undefined) writer.u64(NHA_RES_GROUP_UNBALANCED_TIME, ticks(r.unbalancedTime));
    writeRawAttributes(writer, r.unknown);
    writer.endNested(nest);
  }
  if (n.blackhole) writer.flag(NHA_BLACKHOLE);
  if (n.fdb) writer.flag(NHA_FDB);
  if (n.oif !== undefined) writer.u32(NHA_OIF, n.oif);
  if (n.gateway !== undefined) writer.binary(NHA_GATEWAY, encodeIp(n.gateway));
  if (n.encapType !== undefined) writer.u16(NHA_ENCAP_TYPE, n.encapType);
  // Without NLA_F_NESTED, as the kernel (lwtunnel_fill_encap) and ip write it.
  if (n.encap !== undefined) writer.binary(NHA_ENCAP, n.encap);
  if (n.master !== undefined) writer.u32(NHA_MASTER, n.master);
  if (n.groups) writer.flag(NHA_GROUPS);
  writeRawAttributes(writer, n.unknown);
}

function decodeGroup(c: AttributeCursor): NexthopGroupMember[] {
  // The kernel refuses an empty group or a partial entry (nh_check_attr_group); so does ip.
  if (c.length === 0 || c.length % NEXTHOP_GRP_LEN !== 0) {
    throw c.malformed(`NHA_GROUP has ${c.length} bytes, not a whole number (at least one) of ${NEXTHOP_GRP_LEN}-byte nexthop_grp entries`);
  }
  const members: NexthopGroupMember[] = [];
  for (let at = c.start; at < c.start + c.length; at += NEXTHOP_GRP_LEN) {
    members.push({ id: u32le(c.buf, at), weight: c.buf[at + 4]! + 1 });
  }
  return members;
}

function decodeResilient(c: AttributeCursor): ResilientGroupParameters {
  const r: ResilientGroupParameters = {};
  const inner = c.nestedCursor();
  while (inner.next()) {
    switch (inner.type) {
      case NHA_RES_GROUP_BUCKETS: r.buckets = inner.u16(); break;
      case NHA_RES_GROUP_IDLE_TIMER: r.idleTimer = seconds(inner.u32()); break;
      case NHA_RES_GROUP_UNBALANCED_TIMER: r.unbalancedTimer = seconds(inner.u32()); break;
      case NHA_RES_GROUP_UNBALANCED_TIME: r.unbalancedTime = seconds(inner.u64()); break;
      default: (r.unknown ??= []).push(inner.raw());
    }
  }
  return r;
}

/**
 * Decodes an RTM_NEWNEXTHOP/RTM_DELNEXTHOP message (or a request, for debug
 * output). MalformedMessageError for a header or attribute that does not fit.
 */
export function decodeNexthop(message: Message): Nexthop {
  requireRouteHeader(message, NHMSG_LEN, 'nhmsg');
  const b = message.buf;
  const o = message.offset;
  const addressFamily = b[o]!;
  const n: Nexthop = {
    family: ipFamilyOf(addressFamily),
    addressFamily,
    scope: b[o + 1]!,
    protocol: b[o + 2]!,
    flags: u32le(b, o + 4),
    id: 0,
    unknown: [],
  };
  const c = new AttributeCursor(b, o + NHMSG_LEN, message.end, routeContext(message, nexthopAttributeName));
  while (c.next()) {
    switch (c.type) {
      case NHA_ID: n.id = c.u32(); break;
      case NHA_GROUP: n.group = decodeGroup(c); break;
      case NHA_GROUP_TYPE: n.groupType = c.u16(); break;
      case NHA_RES_GROUP: n.resilient = decodeResilient(c); break;
      case NHA_BLACKHOLE: n.blackhole = true; break;
      case NHA_FDB: n.fdb = true; break;
      case NHA_GROUPS: n.groups = true; break;
      case NHA_OIF: n.oif = c.u32(); break;
      case NHA_MASTER: n.master = c.u32(); break;
      case NHA_GATEWAY:
        if (c.length !== 4 && c.length !== 16) throw c.malformed(`NHA_GATEWAY has ${c.length} bytes, expected 4 (IPv4) or 16 (IPv6)`);
        n.gateway = c.ip();
        break;
      case NHA_ENCAP_TYPE: n.encapType = c.u16(); break;
      case NHA_ENCAP: n.encap = c.bytes(); break;
      default: n.unknown.push(c.raw());
    }
  }
  return n;
}

const NHA_NAMES = constantNames(nexthopHeader, 'NHA_', ['NHA_RES_GROUP_', 'NHA_RES_BUCKET_']);
const NHA_RES_GROUP_NAMES = constantNames(nexthopHeader, 'NHA_RES_GROUP_', ['NHA_RES_GROUP_PAD']);

/** Names an attribute path for error messages, e.g. [NHA_RES_GROUP, 1] → 'NHA_RES_GROUP/NHA_RES_GROUP_BUCKETS'. */
export function nexthopAttributeName(path: readonly number[]): string {
  return path.map((type, i) => {
    const names = i === 0 ? NHA_NAMES : i === 1 && path[0] === NHA_RES_GROUP ? NHA_RES_GROUP_NAMES : undefined;
    return names?.get(type) ?? String(type);
  }).join('/');
}
