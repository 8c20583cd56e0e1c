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
import { clockTimer, decodeBridgeId, formatBridgeId, type BridgeId } from './format.js';
import type { IpJsonNames, KindData, SlaveKind } from './kind.js';

/** IFLA_BRPORT_*: a bridge port as its bridge describes it (timers in clock_t, centiseconds). */
export interface BridgePortInfo extends KindData {
  state?: number;
  priority?: number;
  cost?: number;
  /** Hairpin mode. */
  mode?: boolean;
  guard?: boolean;
  /** Root block. */
  protect?: boolean;
  fastLeave?: boolean;
  learning?: boolean;
  unicastFlood?: boolean;
  proxyarp?: boolean;
  learningSync?: boolean;
  proxyarpWifi?: boolean;
  rootId?: BridgeId;
  bridgeId?: BridgeId;
  designatedPort?: number;
  designatedCost?: number;
  id?: number;
  no?: number;
  topologyChangeAck?: number;
  configPending?: number;
  messageAgeTimer?: number;
  forwardDelayTimer?: number;
  holdTimer?: number;
  multicastRouter?: number;
  mcastFlood?: boolean;
  mcastToUcast?: boolean;
  vlanTunnel?: boolean;
  bcastFlood?: boolean;
  groupFwdMask?: number;
  neighSuppress?: boolean;
  isolated?: boolean;
  backupPort?: number;
  mrpRingOpen?: boolean;
  mrpInOpen?: boolean;
  mcastEhtHostsLimit?: number;
  mcastEhtHostsCnt?: number;
  locked?: boolean;
}

type BooleanKey = { [K in keyof BridgePortInfo]-?: BridgePortInfo[K] extends boolean | undefined ? K : never }[keyof BridgePortInfo];
type NumberKey = { [K in keyof BridgePortInfo]-?: BridgePortInfo[K] extends number | undefined ? K : never }[keyof BridgePortInfo];

// [attribute, field, width]; booleans are u8 on the wire.
const BOOLEANS = new Map<number, BooleanKey>([
  [IFLA_BRPORT_MODE, 'mode'], [IFLA_BRPORT_GUARD, 'guard'], [IFLA_BRPORT_PROTECT, 'protect'],
  [IFLA_BRPORT_FAST_LEAVE, 'fastLeave'], [IFLA_BRPORT_LEARNING, 'learning'], [IFLA_BRPORT_UNICAST_FLOOD, 'unicastFlood'],
  [IFLA_BRPORT_PROXYARP, 'proxyarp'], [IFLA_BRPORT_LEARNING_SYNC, 'learningSync'], [IFLA_BRPORT_PROXYARP_WIFI, 'proxyarpWifi'],
  [IFLA_BRPORT_MCAST_FLOOD, 'mcastFlood'], [IFLA_BRPORT_MCAST_TO_UCAST, 'mcastToUcast'], [IFLA_BRPORT_VLAN_TUNNEL, 'vlanTunnel'],
  [IFLA_BRPORT_BCAST_FLOOD, 'bcastFlood'], [IFLA_BRPORT_NEIGH_SUPPRESS, 'neighSuppress'], [IFLA_BRPORT_ISOLATED, 'isolated'],
  [IFLA_BRPORT_MRP_RING_OPEN, 'mrpRingOpen'], [IFLA_BRPORT_MRP_IN_OPEN, 'mrpInOpen'], [IFLA_BRPORT_LOCKED, 'locked'],
]);
const NUMBERS = new Map<number, readonly [NumberKey, 8 | 16 | 32 | 64]>([
  [IFLA_BRPORT_STATE, ['state', 8]], [IFLA_BRPORT_PRIORITY, ['priority', 16]], [IFLA_BRPORT_COST, ['cost', 32]],
  [IFLA_BRPORT_DESIGNATED_PORT, ['designatedPort', 16]], [IFLA_BRPORT_DESIGNATED_COST, ['designatedCost', 16]],
  [IFLA_BRPORT_ID, ['id', 16]], [IFLA_BRPORT_NO, ['no', 16]], [IFLA_BRPORT_TOPOLOGY_CHANGE_ACK, ['topologyChangeAck', 8]],
  [IFLA_BRPORT_CONFIG_PENDING, ['configPending', 8]], [IFLA_BRPORT_MESSAGE_AGE_TIMER, ['messageAgeTimer', 64]],
  [IFLA_BRPORT_FORWARD_DELAY_TIMER, ['forwardDelayTimer', 64]], [IFLA_BRPORT_HOLD_TIMER, ['holdTimer', 64]],
  [IFLA_BRPORT_MULTICAST_ROUTER, ['multicastRouter', 8]], [IFLA_BRPORT_GROUP_FWD_MASK, ['groupFwdMask', 16]],
  [IFLA_BRPORT_BACKUP_PORT, ['backupPort', 32]], [IFLA_BRPORT_MCAST_EHT_HOSTS_LIMIT, ['mcastEhtHostsLimit', 32]],
  [IFLA_BRPORT_MCAST_EHT_HOSTS_CNT, ['mcastEhtHostsCnt', 32]],
]);

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

export const bridgeSlave: SlaveKind<BridgePortInfo> = {
  kind: 'bridge',
  decodeSlaveData(c: AttributeCursor) {
    const info: BridgePortInfo = { unknown: [] };
    while (c.next()) {
      const flag = BOOLEANS.get(c.type);
      if (flag) {
        info[flag] = c.u8() !== 0;
        continue;
      }
      const number = NUMBERS.get(c.type);
      if (number) {
        const [key, width] = number;
        info[key] = width === 8 ? c.u8() : width === 16 ? c.u16() : width === 32 ? c.u32() : c.u64n();
        continue;
      }
      if (c.type === IFLA_BRPORT_ROOT_ID) info.rootId = decodeBridgeId(c);
      else if (c.type === IFLA_BRPORT_BRIDGE_ID) info.bridgeId = decodeBridgeId(c);
      else if (c.type !== IFLA_BRPORT_PAD) info.unknown.push(c.raw());
    }
    return info;
  },
  toIpJson(info, names) {
    return info ? printPort(info, names) : {};
  },
};
