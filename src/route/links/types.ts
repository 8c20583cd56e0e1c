import type { RawAttribute } from '../../netlink/attributes.js';
import type { NetnsRef } from '../../netns/reference.js';
import type { LinkRef } from '../resolve.js';
import type { LinkMode, OperState } from './flags.js';
import type { KindData } from './kinds/kind.js';
import type { BridgeInfo, BridgeSpec } from './kinds/bridge.js';
import type { BridgePortInfo } from './kinds/bridge-slave.js';
import type { IfbSpec } from './kinds/ifb.js';
import type { MacvlanInfo, MacvlanSpec } from './kinds/macvlan.js';
import type { TunInfo } from './kinds/tun.js';
import type { VethInfo, VethSpec } from './kinds/veth.js';
import type { VxlanInfo, VxlanSpec } from './kinds/vxlan.js';
import type { LinkStats64 } from './stats.js';

/** Fields every link kind accepts at creation, named as `ip link add` names them. */
export interface LinkCommonSpec {
  /** Interface name: at most 15 bytes, no "/", ":" or whitespace. */
  name: string;
  mtu?: number;
  /** MAC address, e.g. "02:00:00:00:00:01". */
  address?: string;
  txqueuelen?: number;
  /** Device group (u32); 0 is "default". */
  group?: number;
  /** Interface alias (ifalias); the kernel ignores it at creation, so nlkit sets it right after. */
  alias?: string;
  /** Enslave to this link (a bridge) in the same request. */
  master?: LinkRef;
  /** Bring the link up in the same request. */
  up?: boolean;
  /** Create the link directly inside this namespace (IFLA_NET_NS_FD). */
  netns?: NetnsRef;
  /** Ask for this ifindex. */
  index?: number;
}

/** What `add` creates, a discriminated union on `type`. */
export type LinkSpec = VethSpec | BridgeSpec | MacvlanSpec | VxlanSpec | IfbSpec;

/** Changes `set` applies in one request, named as `ip link set` names them. */
export interface LinkChanges {
  up?: boolean;
  mtu?: number;
  address?: string;
  /** Enslave to this link; null releases it (`nomaster`). */
  master?: LinkRef | null;
  /** Move the link into this namespace. */
  netns?: NetnsRef;
  /** Rename the link. */
  name?: string;
  /** Set the alias; null or "" clears it. */
  alias?: string | null;
  txqueuelen?: number;
  group?: number;
}

/** Narrows `list`; `type` and `master` are filtered by the kernel, `group` by nlkit. */
export interface LinkFilter {
  /** Link kind, e.g. "veth", "bridge". */
  type?: string;
  /** Only ports of this master. */
  master?: LinkRef;
  group?: number;
}

/** IFLA_XDP: the attached XDP program(s). */
export interface LinkXdp {
  /** XDP_ATTACHED_* (0 none, 1 driver, 2 generic, 3 offload, 4 several). */
  attached: number;
  progId?: number;
  driverProgId?: number;
  genericProgId?: number;
  offloadProgId?: number;
  flags?: number;
}

/** Kind-specific data of a decoded link; narrow it by `Link.kind`. */
export type LinkKindInfo = VethInfo | BridgeInfo | MacvlanInfo | VxlanInfo | TunInfo | KindData;
export type LinkSlaveInfo = BridgePortInfo | KindData;

/** A link as the kernel describes it in RTM_NEWLINK. */
export interface Link {
  /** ifi_family (0 for links). */
  family: number;
  index: number;
  name: string;
  /** ifi_type, an ARPHRD_* value. */
  type: number;
  /** `ip`'s name for `type`: "ether", "loopback", "none", ... */
  linkType: string;
  /** IFF_* bits (ifi_flags). */
  flags: number;
  /** Flag names in the order `ip link` prints them (NO-CARRIER included, RUNNING left out). */
  flagNames: string[];
  /** ifi_change (meaningful in requests and notifications). */
  change: number;
  /** IFF_UP is set (administratively up). */
  up: boolean;
  mtu: number;
  minMtu?: number;
  maxMtu?: number;
  qdisc?: string;
  /** Operational state; a number when the kernel reports one ip has no name for. */
  operstate: OperState | number;
  linkmode?: LinkMode | number;
  group: number;
  txqueuelen?: number;
  address?: string;
  broadcast?: string;
  permAddress?: string;
  /** ifindex of the master (bridge) this link is a port of. */
  master?: number;
  /** IFLA_LINK: the lower or peer link's ifindex (in `linkNetnsId`'s namespace when that is set). */
  link?: number;
  /** Namespace id (as this namespace numbers them) where `link` lives. */
  linkNetnsId?: number;
  alias?: string;
  kind?: string;
  info?: LinkKindInfo;
  slaveKind?: string;
  slaveInfo?: LinkSlaveInfo;
  /** IFLA_INFO_XSTATS, undecoded. */
  xstats?: Buffer;
  stats64?: LinkStats64;
  promiscuity?: number;
  allmulti?: number;
  numTxQueues?: number;
  numRxQueues?: number;
  gsoMaxSize?: number;
  gsoMaxSegs?: number;
  tsoMaxSize?: number;
  tsoMaxSegs?: number;
  groMaxSize?: number;
  carrier?: boolean;
  carrierChanges?: number;
  carrierUpCount?: number;
  carrierDownCount?: number;
  protoDown?: boolean;
  /** IFLA_PROTO_DOWN_REASON value bits. */
  protoDownReason?: number;
  /** Hex strings, as ip prints them. */
  physPortId?: string;
  physPortName?: string;
  physSwitchId?: string;
  parentDevName?: string;
  parentDevBusName?: string;
  altNames?: string[];
  /** IFLA_EVENT (notifications only): IFLA_EVENT_*. */
  event?: number;
  xdp?: LinkXdp;
  /** IN6_ADDR_GEN_MODE_* from IFLA_AF_SPEC's AF_INET6 block. */
  inet6AddrGenMode?: number;
  /** IFLA_AF_SPEC undecoded: one nested attribute per address family (AF_INET, AF_INET6, ...). */
  afSpec?: Buffer;
  /** IFLA_NEW_NETNSID / IFLA_NEW_IFINDEX (notifications of a move). */
  newNetnsId?: number;
  newIfindex?: number;
  /** Request-only attributes, present when a request is decoded (debug output, tests). */
  netnsFd?: number;
  netnsPid?: number;
  extMask?: number;
  /** Top-level attributes nlkit does not decode, kept verbatim. */
  unknown: RawAttribute[];
}
