import {
  IFLA_BRPORT_BACKUP_PORT, IFLA_BRPORT_BCAST_FLOOD, IFLA_BRPORT_BRIDGE_ID, IFLA_BRPORT_CONFIG_PENDING, IFLA_BRPORT_COST,
  IFLA_BRPORT_DESIGNATED_COST, IFLA_BRPORT_DESIGNATED_PORT, IFLA_BRPORT_FAST_LEAVE, IFLA_BRPORT_FORWARD_DELAY_TIMER,
  IFLA_BRPORT_GROUP_FWD_MASK, IFLA_BRPORT_GUARD, IFLA_BRPORT_HOLD_TIMER, IFLA_BRPORT_ID, IFLA_BRPORT_ISOLATED,
  IFLA_BRPORT_LEARNING, IFLA_BRPORT_LEARNING_SYNC, IFLA_BRPORT_LOCKED, IFLA_BRPORT_MCAST_EHT_HOSTS_CNT,
  IFLA_BRPORT_MCAST_EHT_HOSTS_LIMIT, IFLA_BRPORT_MCAST_FLOOD, IFLA_BRPORT_MCAST_TO_UCAST, IFLA_BRPORT_MESSAGE_AGE_TIMER,
  IFLA_BRPORT_MODE, IFLA_BRPORT_MRP_IN_OPEN, IFLA_BRPORT_MRP_RING_OPEN, IFLA_BRPORT_MULTICAST_ROUTER,
  IFLA_BRPORT_NEIGH_SUPPRESS, IFLA_BRPORT_NO, IFLA_BRPORT_PAD, IFLA_BRPORT_PRIORITY, IFLA_BRPORT_PROTECT, IFLA_BRPORT_PROXYARP,
  IFLA_BRPORT_PROXYARP_WIFI, IFLA_BRPORT_ROOT_ID, IFLA_BRPORT_STATE, IFLA_BRPORT_TOPOLOGY_CHANGE_ACK,
  IFLA_BRPORT_UNICAST_FLOOD, IFLA_BRPORT_VLAN_TUNNEL,
} from '../../../generated/if_link.js';
import type { AttributeCursor } from '../../../netlink/attributes.js';
import { hex0x } from '../../ipjson.js';
import { DecoderTable } from '../decoder-table.js';
import { clockTimer, decodeBridgeId, formatBridgeId, type BridgeId } from './format.js';
import type { IpJsonNames, KindData, SlaveKind } from './kind.js';

/** IFLA_BRPORT_*: a bridge port as its bridge describes it (timers in clock_t, centiseconds). */
export interface BridgePortInfo extends KindData {
  /** IFLA_BRPORT_STATE: STP port state, BR_STATE_* (0 disabled, 1 listening, 2 learning, 3 forwarding, 4 blocking). */
  state?: number;
  /** IFLA_BRPORT_PRIORITY: STP port priority, 0-63 (`bridge link set ... priority`), default 32. */
  priority?: number;
  /** IFLA_BRPORT_COST: STP path cost (`cost`); derived from the link speed unless set. */
  cost?: number;
  /** Hairpin mode. */
  mode?: boolean;
  /** IFLA_BRPORT_GUARD: BPDU guard, STP BPDUs received on the port disable it (`guard on`). */
  guard?: boolean;
  /** Root block. */
  protect?: boolean;
  /** IFLA_BRPORT_FAST_LEAVE: leave a multicast group at once on an IGMP/MLD leave (`fastleave on`). */
  fastLeave?: boolean;
  /** IFLA_BRPORT_LEARNING: learn source MACs into the fdb (`learning on`, the default). */
  learning?: boolean;
  /** IFLA_BRPORT_UNICAST_FLOOD: flood unknown-unicast traffic to this port (`flood on`, the default). */
  unicastFlood?: boolean;
  /** IFLA_BRPORT_PROXYARP: answer ARP requests on the port from the bridge's neighbour table (`proxy_arp on`). */
  proxyarp?: boolean;
  /** IFLA_BRPORT_LEARNING_SYNC: sync addresses learned by the hardware into the bridge fdb. */
  learningSync?: boolean;
  /** IFLA_BRPORT_PROXYARP_WIFI: proxy ARP for wireless (IEEE 802.11 / Hotspot 2.0) clients (`proxy_arp_wifi on`). */
  proxyarpWifi?: boolean;
  /** IFLA_BRPORT_ROOT_ID: the STP root bridge as this port sees it. */
  rootId?: BridgeId;
  /** IFLA_BRPORT_BRIDGE_ID: the designated bridge on the port's segment. */
  bridgeId?: BridgeId;
  /** IFLA_BRPORT_DESIGNATED_PORT: port id of the designated port on the segment. */
  designatedPort?: number;
  /** IFLA_BRPORT_DESIGNATED_COST: path cost to the root through the designated port. */
  designatedCost?: number;
  /** IFLA_BRPORT_ID: the STP port id, (priority << 10) | port number. */
  id?: number;
  /** IFLA_BRPORT_NO: the port number within the bridge. */
  no?: number;
  /** IFLA_BRPORT_TOPOLOGY_CHANGE_ACK: 1 when a topology change acknowledgement is pending for the port. */
  topologyChangeAck?: number;
  /** IFLA_BRPORT_CONFIG_PENDING: 1 when a configuration BPDU is waiting to be sent. */
  configPending?: number;
  /** IFLA_BRPORT_MESSAGE_AGE_TIMER: time left on the message age timer, in centiseconds. */
  messageAgeTimer?: number;
  /** IFLA_BRPORT_FORWARD_DELAY_TIMER: time left on the forward delay timer, in centiseconds. */
  forwardDelayTimer?: number;
  /** IFLA_BRPORT_HOLD_TIMER: time left on the BPDU hold timer, in centiseconds. */
  holdTimer?: number;
  /** IFLA_BRPORT_MULTICAST_ROUTER: MDB_RTR_TYPE_* (0 disabled, 1 learned from queries, the default; 2 permanent; 3 temporary). */
  multicastRouter?: number;
  /** IFLA_BRPORT_MCAST_FLOOD: flood unknown multicast to this port (`mcast_flood on`, the default). */
  mcastFlood?: boolean;
  /** IFLA_BRPORT_MCAST_TO_UCAST: send multicast to this port as unicast copies per listener (`mcast_to_unicast on`). */
  mcastToUcast?: boolean;
  /** IFLA_BRPORT_VLAN_TUNNEL: map VLANs to tunnel ids on this (vxlan) port (`vlan_tunnel on`). */
  vlanTunnel?: boolean;
  /** IFLA_BRPORT_BCAST_FLOOD: flood broadcast to this port (`bcast_flood on`, the default). */
  bcastFlood?: boolean;
  /** IFLA_BRPORT_GROUP_FWD_MASK: bits of 01:80:c2:00:00:0X link-local groups forwarded from this port (bit 0 STP, 2 LACP, 14 LLDP). */
  groupFwdMask?: number;
  /** IFLA_BRPORT_NEIGH_SUPPRESS: suppress ARP/ND flooding, answering from the neighbour table (`neigh_suppress on`). */
  neighSuppress?: boolean;
  /** IFLA_BRPORT_ISOLATED: isolated ports cannot talk to each other, only to non-isolated ones (`isolated on`). */
  isolated?: boolean;
  /** IFLA_BRPORT_BACKUP_PORT: ifindex of the port that takes the traffic when this one loses carrier. */
  backupPort?: number;
  /** IFLA_BRPORT_MRP_RING_OPEN: MRP (IEC 62439-2) saw the ring open on this port. */
  mrpRingOpen?: boolean;
  /** IFLA_BRPORT_MRP_IN_OPEN: MRP saw the interconnection ring open on this port. */
  mrpInOpen?: boolean;
  /** IFLA_BRPORT_MCAST_EHT_HOSTS_LIMIT: most IGMPv3/MLDv2 hosts tracked per port (explicit host tracking), default 512. */
  mcastEhtHostsLimit?: number;
  /** IFLA_BRPORT_MCAST_EHT_HOSTS_CNT: hosts currently tracked per port. */
  mcastEhtHostsCnt?: number;
  /** IFLA_BRPORT_LOCKED: only fdb entries added by user space let a host through (802.1X, `locked on`). */
  locked?: boolean;
}

const PORT_STATES = ['disabled', 'listening', 'learning', 'forwarding', 'blocking'];
// Names iproute2 gives to group_fwd_mask bits (the rest print as 0x...).
const FWD_MASK_NAMES: Record<number, string> = { 0: 'stp', 2: 'lacp', 14: 'lldp' };

function fwdMaskString(mask: number): string {
  const parts: string[] = [];
  for (let bit = 0; mask >> bit; bit++) if ((mask >> bit) & 1) parts.push(FWD_MASK_NAMES[bit] ?? `0x${(1 << bit).toString(16)}`);
  return parts.length ? parts.join(',') : '0x0';
}

function printPort(info: BridgePortInfo, names: IpJsonNames): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const flag = (json: string, value: boolean | undefined) => {
    if (value !== undefined) out[json] = value;
  };
  if (info.state !== undefined) {
    if (info.state < PORT_STATES.length) out.state = PORT_STATES[info.state];
    else out.state_index = info.state;
  }
  if (info.priority !== undefined) out.priority = info.priority;
  if (info.cost !== undefined) out.cost = info.cost;
  flag('hairpin', info.mode);
  flag('guard', info.guard);
  flag('root_block', info.protect);
  flag('fastleave', info.fastLeave);
  flag('learning', info.learning);
  flag('flood', info.unicastFlood);
  if (info.id !== undefined) out.id = hex0x(info.id);
  if (info.no !== undefined) out.no = hex0x(info.no);
  if (info.designatedPort !== undefined) out.designated_port = info.designatedPort;
  if (info.designatedCost !== undefined) out.designated_cost = info.designatedCost;
  if (info.bridgeId) out.bridge_id = formatBridgeId(info.bridgeId);
  if (info.rootId) out.root_id = formatBridgeId(info.rootId);
  if (info.holdTimer !== undefined) out.hold_timer = clockTimer(info.holdTimer);
  if (info.messageAgeTimer !== undefined) out.message_age_timer = clockTimer(info.messageAgeTimer);
  if (info.forwardDelayTimer !== undefined) out.forward_delay_timer = clockTimer(info.forwardDelayTimer);
  if (info.topologyChangeAck !== undefined) out.topology_change_ack = info.topologyChangeAck;
  if (info.configPending !== undefined) out.config_pending = info.configPending;
  flag('proxy_arp', info.proxyarp);
  flag('proxy_arp_wifi', info.proxyarpWifi);
  if (info.multicastRouter !== undefined) out.multicast_router = info.multicastRouter;
  flag('mcast_flood', info.mcastFlood);
  flag('bcast_flood', info.bcastFlood);
  flag('mcast_to_unicast', info.mcastToUcast);
  flag('neigh_suppress', info.neighSuppress);
  if (info.groupFwdMask !== undefined) {
    out.group_fwd_mask = hex0x(info.groupFwdMask);
    out.group_fwd_mask_str = fwdMaskString(info.groupFwdMask);
  }
  flag('vlan_tunnel', info.vlanTunnel);
  flag('isolated', info.isolated);
  flag('locked', info.locked);
  if (info.backupPort !== undefined) out.backup_port = names.name(info.backupPort);
  return out;
}

// Sized for every field, as PlainLink is (see link-object.ts): a port gains
// dozens of fields while it is decoded.
function BridgePortInfoObject(this: BridgePortInfo): void {
  this.unknown = [];
  if (false) {
    // Never runs: reserves room for the optional fields.
    this.state = this.priority = this.cost = this.mode = this.guard = this.protect = this.fastLeave = undefined;
    this.learning = this.unicastFlood = this.proxyarp = this.learningSync = this.proxyarpWifi = this.rootId = undefined;
    this.bridgeId = this.designatedPort = this.designatedCost = this.id = this.no = this.topologyChangeAck = undefined;
    this.configPending = this.messageAgeTimer = this.forwardDelayTimer = this.holdTimer = this.multicastRouter = undefined;
    this.mcastFlood = this.mcastToUcast = this.vlanTunnel = this.bcastFlood = this.groupFwdMask = undefined;
    this.neighSuppress = this.isolated = this.backupPort = this.mrpRingOpen = this.mrpInOpen = this.mcastEhtHostsLimit = undefined;
    this.mcastEhtHostsCnt = this.locked = undefined;
  }
}
BridgePortInfoObject.prototype = Object.prototype;
const PlainBridgePortInfo = BridgePortInfoObject as unknown as new () => BridgePortInfo;

const PORT_ATTRIBUTES = new DecoderTable<BridgePortInfo>();
const on = PORT_ATTRIBUTES.on.bind(PORT_ATTRIBUTES);
on(IFLA_BRPORT_STATE, (i, c) => { i.state = c.u8(); });
on(IFLA_BRPORT_PRIORITY, (i, c) => { i.priority = c.u16(); });
on(IFLA_BRPORT_COST, (i, c) => { i.cost = c.u32(); });
on(IFLA_BRPORT_MODE, (i, c) => { i.mode = c.u8() !== 0; });
on(IFLA_BRPORT_GUARD, (i, c) => { i.guard = c.u8() !== 0; });
on(IFLA_BRPORT_PROTECT, (i, c) => { i.protect = c.u8() !== 0; });
on(IFLA_BRPORT_FAST_LEAVE, (i, c) => { i.fastLeave = c.u8() !== 0; });
on(IFLA_BRPORT_LEARNING, (i, c) => { i.learning = c.u8() !== 0; });
on(IFLA_BRPORT_UNICAST_FLOOD, (i, c) => { i.unicastFlood = c.u8() !== 0; });
on(IFLA_BRPORT_PROXYARP, (i, c) => { i.proxyarp = c.u8() !== 0; });
on(IFLA_BRPORT_LEARNING_SYNC, (i, c) => { i.learningSync = c.u8() !== 0; });
on(IFLA_BRPORT_PROXYARP_WIFI, (i, c) => { i.proxyarpWifi = c.u8() !== 0; });
on(IFLA_BRPORT_ROOT_ID, (i, c) => { i.rootId = decodeBridgeId(c); });
on(IFLA_BRPORT_BRIDGE_ID, (i, c) => { i.bridgeId = decodeBridgeId(c); });
on(IFLA_BRPORT_DESIGNATED_PORT, (i, c) => { i.designatedPort = c.u16(); });
on(IFLA_BRPORT_DESIGNATED_COST, (i, c) => { i.designatedCost = c.u16(); });
on(IFLA_BRPORT_ID, (i, c) => { i.id = c.u16(); });
on(IFLA_BRPORT_NO, (i, c) => { i.no = c.u16(); });
on(IFLA_BRPORT_TOPOLOGY_CHANGE_ACK, (i, c) => { i.topologyChangeAck = c.u8(); });
on(IFLA_BRPORT_CONFIG_PENDING, (i, c) => { i.configPending = c.u8(); });
on(IFLA_BRPORT_MESSAGE_AGE_TIMER, (i, c) => { i.messageAgeTimer = c.u64n(); });
on(IFLA_BRPORT_FORWARD_DELAY_TIMER, (i, c) => { i.forwardDelayTimer = c.u64n(); });
on(IFLA_BRPORT_HOLD_TIMER, (i, c) => { i.holdTimer = c.u64n(); });
on(IFLA_BRPORT_MULTICAST_ROUTER, (i, c) => { i.multicastRouter = c.u8(); });
on(IFLA_BRPORT_MCAST_FLOOD, (i, c) => { i.mcastFlood = c.u8() !== 0; });
on(IFLA_BRPORT_MCAST_TO_UCAST, (i, c) => { i.mcastToUcast = c.u8() !== 0; });
on(IFLA_BRPORT_VLAN_TUNNEL, (i, c) => { i.vlanTunnel = c.u8() !== 0; });
on(IFLA_BRPORT_BCAST_FLOOD, (i, c) => { i.bcastFlood = c.u8() !== 0; });
on(IFLA_BRPORT_GROUP_FWD_MASK, (i, c) => { i.groupFwdMask = c.u16(); });
on(IFLA_BRPORT_NEIGH_SUPPRESS, (i, c) => { i.neighSuppress = c.u8() !== 0; });
on(IFLA_BRPORT_ISOLATED, (i, c) => { i.isolated = c.u8() !== 0; });
on(IFLA_BRPORT_BACKUP_PORT, (i, c) => { i.backupPort = c.u32(); });
on(IFLA_BRPORT_MRP_RING_OPEN, (i, c) => { i.mrpRingOpen = c.u8() !== 0; });
on(IFLA_BRPORT_MRP_IN_OPEN, (i, c) => { i.mrpInOpen = c.u8() !== 0; });
on(IFLA_BRPORT_MCAST_EHT_HOSTS_LIMIT, (i, c) => { i.mcastEhtHostsLimit = c.u32(); });
on(IFLA_BRPORT_MCAST_EHT_HOSTS_CNT, (i, c) => { i.mcastEhtHostsCnt = c.u32(); });
on(IFLA_BRPORT_LOCKED, (i, c) => { i.locked = c.u8() !== 0; });

export const bridgeSlave: SlaveKind<BridgePortInfo> = {
  kind: 'bridge',
  decodeSlaveData(c: AttributeCursor) {
    return PORT_ATTRIBUTES.decode(c, new PlainBridgePortInfo());
  },

  toIpJson(info, names) {
    return info ? printPort(info, names) : {};
  },
};
