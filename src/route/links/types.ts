import type { RawAttribute } from '../../netlink/attributes.js';
import type { NetnsRef } from '../../netns/reference.js';
import type { LinkRef } from '../resolve.js';
import type { LinkMode, OperState } from './flags.js';
import type { KindData } from './kinds/kind.js';
import type { BridgeInfo, BridgeSpec } from './kinds/bridge.js';
import type { BridgePortInfo } from './kinds/bridge-slave.js';
import type { BridgePortOptions } from './bridge-port.js';
import type { DummySpec } from './kinds/dummy.js';
import type { IfbSpec } from './kinds/ifb.js';
import type { IpvlanInfo, IpvlanSpec } from './kinds/ipvlan.js';
import type { GeneveInfo, GeneveSpec } from './kinds/geneve.js';
import type { IpvtapSpec } from './kinds/ipvtap.js';
import type { MacvtapSpec } from './kinds/macvtap.js';
import type { NetkitInfo, NetkitSpec } from './kinds/netkit.js';
import type { WireguardSpec } from './kinds/wireguard.js';
import type { MacvlanInfo, MacvlanSpec } from './kinds/macvlan.js';
import type { TunInfo } from './kinds/tun.js';
import type { VethInfo, VethSpec } from './kinds/veth.js';
import type { VlanInfo, VlanSpec } from './kinds/vlan.js';
import type { VrfInfo, VrfSpec } from './kinds/vrf.js';
import type { TunnelInfo, TunnelSpec } from './kinds/tunnels.js';
import type { BondInfo, BondSpec } from './kinds/bond.js';
import type { BondPortInfo } from './kinds/bond-slave.js';
import type { VxlanInfo, VxlanSpec } from './kinds/vxlan.js';
import type { LinkStats64 } from './stats.js';

/** Link flags and offload limits, which `add` and `set` both take (`ip link set DEV promisc on gso_max_size N …`). */
export interface LinkFlagsAndLimits {
  /** IFF_PROMISC (`promisc on|off`): receive every frame, whatever its destination MAC. */
  promisc?: boolean;
  /** IFF_ALLMULTI (`allmulticast on|off`): receive every multicast frame. */
  allmulticast?: boolean;
  /** IFF_MULTICAST (`multicast on|off`): the link does multicast. */
  multicast?: boolean;
  /** `arp on|off`: false sets IFF_NOARP (no ARP/ND on the link). */
  arp?: boolean;
  /** IFF_DYNAMIC (`dynamic on|off`): the link's addresses may change (dial-up). */
  dynamic?: boolean;
  /** IFLA_GSO_MAX_SIZE (`gso_max_size`): largest GSO packet the stack builds for the link, in bytes. */
  gsoMaxSize?: number;
  /** IFLA_GSO_MAX_SEGS (`gso_max_segs`): most segments of a GSO packet. */
  gsoMaxSegs?: number;
  /** IFLA_GRO_MAX_SIZE (`gro_max_size`): largest packet GRO builds, in bytes. */
  groMaxSize?: number;
}

/** Fields every link kind accepts at creation, named as `ip link add` names them. */
export interface LinkCommonSpec extends LinkFlagsAndLimits {
  /** Interface name: at most 15 bytes, no "/", ":" or whitespace. */
  name: string;
  /** IFLA_MTU in bytes (`mtu 9000`); the kind's default (1500 for Ethernet-like) when absent. */
  mtu?: number;
  /** MAC address, e.g. "02:00:00:00:00:01". */
  address?: string;
  /** IFLA_BROADCAST: the link-layer broadcast address (`broadcast`/`brd`), ff:ff:ff:ff:ff:ff on Ethernet when absent. */
  broadcast?: string;
  /** IFLA_TXQLEN: transmit queue length in packets (`txqueuelen`). */
  txqueuelen?: number;
  /** IFLA_NUM_TX_QUEUES: number of transmit queues (`numtxqueues`), 1-4096; fixed once the link exists. */
  numTxQueues?: number;
  /** IFLA_NUM_RX_QUEUES: number of receive queues (`numrxqueues`), 1-4096; fixed once the link exists. */
  numRxQueues?: number;
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

/**
 * A kind's own options, changed on an existing link (`ip link set DEV type KIND OPTIONS`):
 * `type` names the link's kind, the other fields are those of its spec, all optional
 * (the common fields of LinkCommonSpec are left out: vxlan keeps `group`, its multicast group).
 */
export type LinkKindChanges = LinkSpec extends infer S
  ? S extends LinkKindName<infer K>
    ? LinkKindName<K> & Partial<Omit<S, (K extends 'vxlan' ? Exclude<keyof LinkCommonSpec, 'group'> : keyof LinkCommonSpec) | 'type'>>
    : never
  : never;

/** The `type` of LinkKindChanges: which kind's options they are. */
export interface LinkKindName<K extends LinkSpec['type'] = LinkSpec['type']> {
  /** The link's kind, as `ip link set DEV type KIND` names it; the kernel refuses one that is not the link's (EOPNOTSUPP). */
  type: K;
}

/** What `add` creates, a discriminated union on `type`. */
export type LinkSpec = VethSpec | BridgeSpec | MacvlanSpec | VxlanSpec | IfbSpec | DummySpec | VlanSpec | VrfSpec | IpvlanSpec | GeneveSpec | MacvtapSpec | IpvtapSpec | WireguardSpec | NetkitSpec | BondSpec | TunnelSpec;

/** Changes `set` applies in one request, named as `ip link set` names them. */
export interface LinkChanges extends LinkFlagsAndLimits {
  /** true sets IFF_UP (`ip link set DEV up`), false clears it (`down`). */
  up?: boolean;
  /** IFLA_MTU in bytes (`mtu`). */
  mtu?: number;
  /** MAC address (IFLA_ADDRESS, `address`), e.g. "02:00:00:00:00:01". */
  address?: string;
  /** IFLA_BROADCAST (`broadcast`/`brd`): the link-layer broadcast address. */
  broadcast?: string;
  /** Enslave to this link; null releases it (`nomaster`). */
  master?: LinkRef | null;
  /** Move the link into this namespace. */
  netns?: NetnsRef;
  /** Rename the link. */
  name?: string;
  /** Set the alias; null or "" clears it. */
  alias?: string | null;
  /** IFLA_TXQLEN in packets (`txqueuelen`). */
  txqueuelen?: number;
  /** IFLA_GROUP: device group (`group`), 0 is "default". */
  group?: number;
  /** IFLA_CARRIER (`carrier on|off`): only drivers that let user space set the carrier (dummy, not veth or bridge): else EOPNOTSUPP. */
  carrier?: boolean;
  /** IFLA_PROTO_DOWN (`protodown on|off`): a control protocol holds the link down (vxlan, macvlan; not veth: EOPNOTSUPP). */
  protodown?: boolean;
  /** IFLA_PROTO_DOWN_REASON (`protodown_reason N on|off`): reason bits 0–31 to set (true) or clear (false), e.g. `{ 3: true }`. */
  protodownReason?: Readonly<Record<number, boolean>>;
  /** Options of the link as a bridge port (`ip link set dev X type bridge_slave …`); the link must already be a port. */
  bridgePort?: BridgePortOptions;
  /**
   * The kind's own options (`ip link set DEV type bridge stp_state 1`), e.g.
   * `{ type: 'bridge', stp: true }`, sent as IFLA_LINKINFO to the kind's changelink.
   * `type` must be the link's kind; options the kernel cannot change are refused
   * by it with a NetlinkError carrying its message (vxlan: "Cannot change VNI").
   */
  kind?: LinkKindChanges;
}

/** Narrows `list`; `type` and `master` are filtered by the kernel, `group` by nlkit. */
export interface LinkFilter {
  /** Link kind, e.g. "veth", "bridge". */
  type?: string;
  /** Only ports of this master. */
  master?: LinkRef;
  /** Only links in this device group (`ip link show group N`). */
  group?: number;
}

/** IFLA_XDP: the attached XDP program(s). */
export interface LinkXdp {
  /** XDP_ATTACHED_* (0 none, 1 driver, 2 generic, 3 offload, 4 several). */
  attached: number;
  /** IFLA_XDP_PROG_ID: id of the attached program when exactly one is attached (`bpftool prog show id N`). */
  progId?: number;
  /** IFLA_XDP_DRV_PROG_ID: program attached in native (driver) mode, with several attached. */
  driverProgId?: number;
  /** IFLA_XDP_SKB_PROG_ID: program attached in generic (skb) mode, with several attached. */
  genericProgId?: number;
  /** IFLA_XDP_HW_PROG_ID: program offloaded to the NIC, with several attached. */
  offloadProgId?: number;
  /** IFLA_XDP_FLAGS: XDP_FLAGS_* the program was attached with. */
  flags?: number;
}

/** Kind-specific data of a decoded link; narrow it by `Link.kind`. */
export type LinkKindInfo = VethInfo | BridgeInfo | MacvlanInfo | VxlanInfo | TunInfo | VlanInfo | VrfInfo | IpvlanInfo | GeneveInfo | NetkitInfo | BondInfo | TunnelInfo | KindData;
/** Port-specific data of a decoded link (IFLA_INFO_SLAVE_DATA); narrow it by `Link.slaveKind`. */
export type LinkSlaveInfo = BridgePortInfo | BondPortInfo | KindData;

/** A link as the kernel describes it in RTM_NEWLINK. */
export interface Link {
  /** ifi_family (0 for links). */
  family: number;
  /** ifi_index: the ifindex, unique within the namespace. */
  index: number;
  /** IFLA_IFNAME: the interface name, e.g. "eth0". */
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
  /** IFLA_MTU in bytes. */
  mtu: number;
  /** IFLA_MIN_MTU: smallest MTU the device accepts, in bytes. */
  minMtu?: number;
  /** IFLA_MAX_MTU: largest MTU the device accepts, in bytes. */
  maxMtu?: number;
  /** IFLA_QDISC: root queueing discipline, e.g. "noqueue", "fq_codel". */
  qdisc?: string;
  /** Operational state; a number when the kernel reports one ip has no name for. */
  operstate: OperState | number;
  /** IFLA_LINKMODE: DEFAULT, or DORMANT when a supplicant controls the operstate; a number for an unknown mode. */
  linkmode?: LinkMode | number;
  /** IFLA_GROUP: device group, 0 ("default") when unset. */
  group: number;
  /** IFLA_TXQLEN: transmit queue length in packets. */
  txqueuelen?: number;
  /** IFLA_ADDRESS: the link-layer address, e.g. "02:00:00:00:00:01" (an IP address for IP tunnels). */
  address?: string;
  /** IFLA_BROADCAST: the link-layer broadcast address (ff:ff:ff:ff:ff:ff on Ethernet). */
  broadcast?: string;
  /** IFLA_PERM_ADDRESS: the hardware's burnt-in address, when the driver reports one. */
  permAddress?: string;
  /** ifindex of the master (bridge) this link is a port of. */
  master?: number;
  /** IFLA_LINK: the lower or peer link's ifindex (in `linkNetnsId`'s namespace when that is set). */
  link?: number;
  /** Namespace id (as this namespace numbers them) where `link` lives. */
  linkNetnsId?: number;
  /** IFLA_IFALIAS: the alias (`ip link set DEV alias TEXT`), absent when none is set. */
  alias?: string;
  /** IFLA_INFO_KIND: the driver kind, e.g. "veth", "bridge", "vxlan"; absent for physical devices. */
  kind?: string;
  /** IFLA_INFO_DATA decoded per `kind`; unknown kinds keep their attributes raw in `unknown`. */
  info?: LinkKindInfo;
  /** IFLA_INFO_SLAVE_KIND: the master's kind for a port, e.g. "bridge" for a bridge port. */
  slaveKind?: string;
  /** IFLA_INFO_SLAVE_DATA decoded per `slaveKind` (e.g. BridgePortInfo). */
  slaveInfo?: LinkSlaveInfo;
  /** IFLA_INFO_XSTATS, undecoded. */
  xstats?: Buffer;
  /** IFLA_STATS64: interface counters; absent when the dump asked the kernel to skip stats. */
  stats64?: LinkStats64;
  /** IFLA_PROMISCUITY: how many users have put the device in promiscuous mode (0 = not promiscuous). */
  promiscuity?: number;
  /** IFLA_ALLMULTI: how many users asked to receive all multicast. */
  allmulti?: number;
  /** IFLA_NUM_TX_QUEUES: number of transmit queues. */
  numTxQueues?: number;
  /** IFLA_NUM_RX_QUEUES: number of receive queues. */
  numRxQueues?: number;
  /** IFLA_GSO_MAX_SIZE: largest GSO packet the stack builds for the device, in bytes. */
  gsoMaxSize?: number;
  /** IFLA_GSO_MAX_SEGS: most segments in a GSO packet. */
  gsoMaxSegs?: number;
  /** IFLA_TSO_MAX_SIZE: largest TSO packet the hardware accepts, in bytes. */
  tsoMaxSize?: number;
  /** IFLA_TSO_MAX_SEGS: most segments the hardware accepts in a TSO packet. */
  tsoMaxSegs?: number;
  /** IFLA_GRO_MAX_SIZE: largest packet GRO builds, in bytes. */
  groMaxSize?: number;
  /** IFLA_CARRIER: whether the device has carrier (false shows as NO-CARRIER). */
  carrier?: boolean;
  /** IFLA_CARRIER_CHANGES: carrier transitions since the device was created. */
  carrierChanges?: number;
  /** IFLA_CARRIER_UP_COUNT: times the carrier came up. */
  carrierUpCount?: number;
  /** IFLA_CARRIER_DOWN_COUNT: times the carrier went down. */
  carrierDownCount?: number;
  /** IFLA_PROTO_DOWN: a control protocol holds the link down (`ip link set DEV protodown on`). */
  protoDown?: boolean;
  /** IFLA_PROTO_DOWN_REASON value bits. */
  protoDownReason?: number;
  /** Hex strings, as ip prints them. */
  physPortId?: string;
  /** IFLA_PHYS_PORT_NAME: the port's name on its switch or NIC, e.g. "p0". */
  physPortName?: string;
  /** IFLA_PHYS_SWITCH_ID: id of the switch ASIC the port belongs to, as hex. */
  physSwitchId?: string;
  /** IFLA_PARENT_DEV_NAME: the parent device, e.g. a PCI address "0000:03:00.0". */
  parentDevName?: string;
  /** IFLA_PARENT_DEV_BUS_NAME: the parent device's bus, e.g. "pci". */
  parentDevBusName?: string;
  /** IFLA_PROP_LIST / IFLA_ALT_IFNAME: alternative names (`ip link property add dev DEV altname NAME`). */
  altNames?: string[];
  /** IFLA_EVENT (notifications only): IFLA_EVENT_*. */
  event?: number;
  /** IFLA_XDP: the attached XDP programs. */
  xdp?: LinkXdp;
  /** IN6_ADDR_GEN_MODE_* from IFLA_AF_SPEC's AF_INET6 block. */
  inet6AddrGenMode?: number;
  /** IFLA_AF_SPEC undecoded: one nested attribute per address family (AF_INET, AF_INET6, ...). */
  afSpec?: Buffer;
  /** IFLA_NEW_NETNSID / IFLA_NEW_IFINDEX (notifications of a move). */
  newNetnsId?: number;
  /** IFLA_NEW_IFINDEX: the link's ifindex in the namespace it moved to. */
  newIfindex?: number;
  /** Request-only attributes, present when a request is decoded (debug output, tests). */
  netnsFd?: number;
  /** IFLA_NET_NS_PID of a decoded request: the target namespace by process id. */
  netnsPid?: number;
  /** IFLA_EXT_MASK of a decoded request: RTEXT_FILTER_* bits. */
  extMask?: number;
  /** Top-level attributes nlkit does not decode, kept verbatim. */
  unknown: RawAttribute[];
}
