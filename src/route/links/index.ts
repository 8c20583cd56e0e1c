export { LinkService } from './service.js';
export {
  decodeLink, decodeLinkPayload, describeLink, encodeLinkRequest, type LinkRequest, type LinkSlaveRequest, type ProtoDownReasonRequest,
} from './message.js';
export { linkToIpJson, type IpLinkJson, type LinkDirectory } from './ipjson.js';
export { linkFlagNames, linkTypeName, OPER_STATES, LINK_MODES, type LinkMode, type OperState } from './flags.js';
export { decodeStats64, type LinkStats64 } from './stats.js';
export { linkAttributeName, attributeNames, type AttributeNames } from './attribute-names.js';
export {
  creatableKinds, kindToCreate, linkKind, registerLinkKind, registerSlaveKind, slaveKind,
  type FollowUp, type IpJsonNames, type KindData, type KindEncodeContext, type LinkKind, type SlaveKind,
} from './kinds/index.js';
export type { Link, LinkChanges, LinkCommonSpec, LinkFilter, LinkFlagsAndLimits, LinkKindChanges, LinkKindInfo, LinkKindName, LinkSlaveInfo, LinkSpec, LinkXdp } from './types.js';
export type { VethSpec, VethPeerSpec, VethInfo, VethPeerInfo } from './kinds/veth.js';
export type { BridgeSpec, BridgeInfo, BridgeVlanProtocol } from './kinds/bridge.js';
export type { BridgePortInfo } from './kinds/bridge-slave.js';
export { BRIDGE_PORT_STATES, type BridgePortOptions, type BridgePortState } from './bridge-port.js';
export { tunTapFlags, type TunTapSpec } from './tuntap.js';
export type { MacvlanSpec, MacvlanInfo, MacvlanMode } from './kinds/macvlan.js';
export type { VxlanSpec, VxlanInfo, VxlanDf } from './kinds/vxlan.js';
export type { IfbSpec } from './kinds/ifb.js';
export type { DummySpec } from './kinds/dummy.js';
export type { VlanSpec, VlanFlags, VlanInfo, VlanQosMapping } from './kinds/vlan.js';
export type { VrfSpec, VrfInfo } from './kinds/vrf.js';
export type * from './kinds/tunnels.js';
export type {
  BondSpec, BondInfo, BondAdInfo, BondMode, BondArpValidate, BondArpAllTargets, BondPrimaryReselect, BondFailOverMac, BondXmitHashPolicy,
  BondLacpRate, BondAdSelect,
} from './kinds/bond.js';
export type { BondPortInfo, BondPortState, BondPortMiiStatus } from './kinds/bond-slave.js';
export type { IpvlanSpec, IpvlanInfo, IpvlanMode, IpvlanIsolation } from './kinds/ipvlan.js';
export type { GeneveSpec, GeneveInfo, GeneveDf } from './kinds/geneve.js';
export type { MacvtapSpec, MacvtapInfo } from './kinds/macvtap.js';
export type { IpvtapSpec, IpvtapInfo } from './kinds/ipvtap.js';
export type { WireguardSpec } from './kinds/wireguard.js';
export type { NetkitSpec, NetkitPeerSpec, NetkitInfo, NetkitMode, NetkitPolicy, NetkitScrub } from './kinds/netkit.js';
export type { TunInfo } from './kinds/tun.js';
export type { BridgeId } from './kinds/format.js';
