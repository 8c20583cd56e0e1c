import {
  IFLA_ADDRESS, IFLA_BROADCAST, IFLA_GRO_MAX_SIZE, IFLA_GROUP, IFLA_GSO_MAX_SEGS, IFLA_GSO_MAX_SIZE, IFLA_IFNAME, IFLA_MTU, IFLA_NET_NS_FD,
  IFLA_NET_NS_PID, IFLA_NUM_RX_QUEUES, IFLA_NUM_TX_QUEUES, IFLA_TXQLEN,
} from '../../../generated/if_link.js';
import * as vethConstants from '../../../generated/veth.js';
import { VETH_INFO_MAX, VETH_INFO_PEER } from '../../../generated/veth.js';
import { InvalidArgumentError } from '../../../netlink/addresses.js';
import type { AttributeCursor, RawAttribute } from '../../../netlink/attributes.js';
import type { MessageWriter } from '../../../netlink/writer.js';
import type { NetnsRef } from '../../../netns/reference.js';
import { validateIfName, validateInteger } from '../../names.js';
import { IFINFOMSG_LEN } from '../../resolve.js';
import { lazyAttributeNames } from '../attribute-names.js';
import { s32le, u32le } from '../../../netlink/byte-reads.js';
import { FLAG_FIELDS_BUT_UP, flagBits } from '../flag-fields.js';
import { writeIfinfomsg } from '../ifinfomsg.js';
import type { LinkCommonSpec, LinkFlagsAndLimits } from '../types.js';
import { S32_MAX, validateBoolean, validateKeys, validateMac, validateNetnsRef, validateObject, validateString, validateU32 } from '../validate.js';
import type { KindData, KindEncodeContext, LinkKind } from './kind.js';

/** The IFLA_INFO_DATA members' names, for error messages; built on first use. */
const dataAttributeNames = lazyAttributeNames(vethConstants, 'VETH_INFO_', VETH_INFO_MAX);

/**
 * The other end of a veth pair, created in the same request. The kernel
 * creates it as it creates any link (rtnl_create_link), from its own
 * attributes and header: its flags and offload limits are those of
 * LinkFlagsAndLimits, set at birth.
 */
export interface VethPeerSpec extends LinkFlagsAndLimits {
  /** The peer's interface name (`peer name PEER`), at most 15 bytes; the kernel names it vethN when absent. */
  name?: string;
  /** Create the peer directly inside this namespace. */
  netns?: NetnsRef;
  /** The peer's MAC address; random when absent. */
  address?: string;
  /** The peer's MTU in bytes; the host end's when absent. */
  mtu?: number;
  /** Brought up right after creation (the kernel cannot while creating the pair). */
  up?: boolean;
  /** Honoured by the kernel only together with the host end's `index`. */
  index?: number;
  /** The peer's transmit queue length in packets. */
  txqueuelen?: number;
  /** The peer's link-layer broadcast address (IFLA_BROADCAST); ff:ff:ff:ff:ff:ff when absent. */
  broadcast?: string;
  /** The peer's number of transmit queues (IFLA_NUM_TX_QUEUES), 1-4096; fixed once it exists. */
  numTxQueues?: number;
  /** The peer's number of receive queues (IFLA_NUM_RX_QUEUES), 1-4096; fixed once it exists. */
  numRxQueues?: number;
  /** The peer's device group (IFLA_GROUP); needs `name`, as ip does. */
  group?: number;
  /** The peer's alias, set right after creation (the kernel ignores it in the creating request); needs `name`. */
  alias?: string;
}

/** `ip link add NAME type veth peer name PEER [netns NS]` */
export interface VethSpec extends LinkCommonSpec {
  /** Selects the veth kind (IFLA_INFO_KIND "veth"). */
  type: 'veth';
  /** The other end, sent as VETH_INFO_PEER; absent, the kernel creates a peer named vethN beside the link. */
  peer?: VethPeerSpec;
}

/** VETH_INFO_PEER as found in a request (the kernel never reports veth options). */
export interface VethPeerInfo {
  /** The peer's ifi_index: the ifindex asked for, 0 for any. */
  index: number;
  /** The peer's ifi_flags (IFF_* bits). */
  flags: number;
  /** The peer's ifi_change. */
  change: number;
  /** IFLA_IFNAME of the peer. */
  name?: string;
  /** IFLA_MTU of the peer, in bytes. */
  mtu?: number;
  /** IFLA_ADDRESS of the peer. */
  address?: string;
  /** IFLA_TXQLEN of the peer, in packets. */
  txqueuelen?: number;
  /** IFLA_NET_NS_FD: the namespace fd the peer is created in. */
  netnsFd?: number;
  /** IFLA_NET_NS_PID: the namespace, by process id, the peer is created in. */
  netnsPid?: number;
  /** Peer attributes nlkit does not decode, kept verbatim. */
  unknown: RawAttribute[];
}

/** IFLA_INFO_DATA of a veth; only decoded requests carry it, the kernel reports none for veth. */
export interface VethInfo extends KindData {
  /** VETH_INFO_PEER: the peer's ifinfomsg and attributes, as the request carried them. */
  peer?: VethPeerInfo;
}

const PEER_LIMITS = ['gsoMaxSize', 'gsoMaxSegs', 'groMaxSize'] as const;
const PEER_KEYS = [
  'name', 'netns', 'address', 'mtu', 'up', 'index', 'txqueuelen', 'group', 'alias', 'broadcast', 'numTxQueues', 'numRxQueues',
  // FLAG_FIELDS_BUT_UP's keys, spelled out: no work at module load (test/startup.test.ts).
  'promisc', 'allmulticast', 'multicast', 'arp', 'dynamic', ...PEER_LIMITS,
];
/** The kernel's limit on a new link's queues (rtnl_create_link). */
const MAX_QUEUES = 4096;


/** A peer's ifinfomsg and attributes (VETH_INFO_PEER, netkit's IFLA_NETKIT_PEER_INFO). */
export function decodePeer(c: AttributeCursor): VethPeerInfo {
  const b = c.buf;
  const at = c.start;
  // The peer's own ifinfomsg opens the payload (MalformedMessageError when it does not fit).
  const a = c.nestedCursor(IFINFOMSG_LEN);
  const peer: VethPeerInfo = { index: s32le(b, at + 4), flags: u32le(b, at + 8), change: u32le(b, at + 12), unknown: [] };
  while (a.next()) {
    switch (a.type) {
      case IFLA_IFNAME: peer.name = a.string(); break;
      case IFLA_MTU: peer.mtu = a.u32(); break;
      case IFLA_ADDRESS: peer.address = a.mac(); break;
      case IFLA_TXQLEN: peer.txqueuelen = a.u32(); break;
      case IFLA_NET_NS_FD: peer.netnsFd = a.u32(); break;
      case IFLA_NET_NS_PID: peer.netnsPid = a.u32(); break;
      default: peer.unknown.push(a.rawView());
    }
  }
  return peer;
}

export const veth: LinkKind<VethSpec, VethInfo> = {
  kind: 'veth',
  creatable: true,
  specKeys: ['peer'],
  get dataAttributeNames() {
    return dataAttributeNames();
  },

  validate(spec) {
    // Without a peer (or its name) the kernel names the other end vethN, as for `ip link add v0 type veth`.
    if (spec.peer === undefined) return;
    const peer = validateObject(spec.peer, 'peer');
    validateKeys(peer, PEER_KEYS, 'peer');
    if (peer.name !== undefined) validateIfName(peer.name, 'peer.name');
    // Without peer.netns the peer is created beside the requesting socket, as the link is without netns.
    if (peer.name === spec.name && peer.netns === spec.netns) {
      throw new InvalidArgumentError(
        `veth "${spec.name}": peer.name is the link's own name and both ends would be created in the same namespace; ` +
          'give the peer another name, or put it elsewhere with peer.netns',
      );
    }
    for (const key of ['up', 'group', 'alias']) {
      if (peer[key] !== undefined && peer.name === undefined) {
        throw new InvalidArgumentError(`veth "${spec.name}": peer.${key} needs peer.name (the kernel picks an unknown vethN name otherwise)`);
      }
    }
    if (peer.group !== undefined) validateU32(peer.group, 'peer.group');
    if (peer.alias !== undefined) validateString(peer.alias, 'peer.alias', 255);
    if (peer.netns !== undefined) validateNetnsRef(peer.netns, 'peer.netns');
    if (peer.address !== undefined) validateMac(peer.address, 'peer.address');
    if (peer.mtu !== undefined) validateInteger(peer.mtu, 'peer.mtu', 0, S32_MAX);
    if (peer.up !== undefined) validateBoolean(peer.up, 'peer.up');
    if (peer.index !== undefined) {
      validateInteger(peer.index, 'peer.index', 1, S32_MAX);
      // veth_newlink applies the peer's ifi_index only when the new link asks for one too.
      if (spec.index === undefined) throw new InvalidArgumentError('peer.index needs index as well: the kernel honours the index of a veth peer only when the host end asks for one');
    }
    if (peer.txqueuelen !== undefined) validateU32(peer.txqueuelen, 'peer.txqueuelen');
    if (peer.broadcast !== undefined) validateMac(peer.broadcast, 'peer.broadcast');
    if (peer.numTxQueues !== undefined) validateInteger(peer.numTxQueues, 'peer.numTxQueues', 1, MAX_QUEUES);
    if (peer.numRxQueues !== undefined) validateInteger(peer.numRxQueues, 'peer.numRxQueues', 1, MAX_QUEUES);
    for (const [key] of FLAG_FIELDS_BUT_UP) if (peer[key] !== undefined) validateBoolean(peer[key], `peer.${key}`);
    for (const key of PEER_LIMITS) if (peer[key] !== undefined) validateU32(peer[key], `peer.${key}`);
  },

  netnsRefs(spec) {
    return spec.peer?.netns === undefined ? [] : [spec.peer.netns];
  },

  takenNames(spec) {
    // Without its own netns the kernel creates the peer in the requesting
    // socket's namespace, even when the host end goes to `netns` (as ip does).
    return spec.peer?.name === undefined ? [] : [{ role: 'veth peer', name: spec.peer.name, netns: spec.peer.netns }];
  },

  followUps(spec) {
    // The kernel configures the peer before the pair is joined, so an IFF_UP
    // in the peer's header fails (veth_open: ENOTCONN); it comes up right after.
    const p = spec.peer;
    if (p?.name === undefined) return [];
    return [
      ...(p.alias === undefined ? [] : [{ netns: p.netns, name: p.name, alias: p.alias }]),
      ...(p.up ? [{ netns: p.netns, name: p.name, up: true }] : []),
    ];
  },

  encodeInfoData(spec: VethSpec, w: MessageWriter, ctx: KindEncodeContext) {
    const p = spec.peer;
    if (p === undefined) return;
    // The peer is an ifinfomsg followed by its own attributes, like a whole
    // link request; its index and flags travel in that header (all but IFF_UP: see followUps).
    const at = w.beginNestedLegacy(VETH_INFO_PEER);
    const { flags, change } = flagBits(p, FLAG_FIELDS_BUT_UP);
    writeIfinfomsg(w, p.index ?? 0, flags, change);
    if (p.name !== undefined) w.string(IFLA_IFNAME, p.name);
    if (p.netns !== undefined) w.u32(IFLA_NET_NS_FD, ctx.netnsFd(p.netns));
    if (p.address !== undefined) w.mac(IFLA_ADDRESS, p.address);
    if (p.mtu !== undefined) w.u32(IFLA_MTU, p.mtu);
    if (p.txqueuelen !== undefined) w.u32(IFLA_TXQLEN, p.txqueuelen);
    if (p.group !== undefined) w.u32(IFLA_GROUP, p.group);
    if (p.broadcast !== undefined) w.mac(IFLA_BROADCAST, p.broadcast);
    if (p.numTxQueues !== undefined) w.u32(IFLA_NUM_TX_QUEUES, p.numTxQueues);
    if (p.numRxQueues !== undefined) w.u32(IFLA_NUM_RX_QUEUES, p.numRxQueues);
    if (p.gsoMaxSize !== undefined) w.u32(IFLA_GSO_MAX_SIZE, p.gsoMaxSize);
    if (p.gsoMaxSegs !== undefined) w.u32(IFLA_GSO_MAX_SEGS, p.gsoMaxSegs);
    if (p.groMaxSize !== undefined) w.u32(IFLA_GRO_MAX_SIZE, p.groMaxSize);
    w.endNested(at);
  },

  decodeInfoData(c) {
    const info: VethInfo = { unknown: [] };
    while (c.next()) {
      if (c.type === VETH_INFO_PEER) info.peer = decodePeer(c);
      else info.unknown.push(c.rawView());
    }
    return info;
  },
  // ip has no print_opt for veth: it prints only info_kind.
};
