// Options of a bridge port, set the way `ip link set dev X type bridge_slave …`
// sets them: RTM_NEWLINK on the existing link with IFLA_LINKINFO carrying
// IFLA_INFO_SLAVE_DATA, which the kernel hands to the master's
// slave_changelink (br_setport, the same code `bridge link set` reaches
// through IFLA_PROTINFO).
import {
  IFLA_BRPORT_BACKUP_PORT, IFLA_BRPORT_BCAST_FLOOD, IFLA_BRPORT_FLUSH, IFLA_BRPORT_COST, IFLA_BRPORT_FAST_LEAVE, IFLA_BRPORT_GROUP_FWD_MASK,
  IFLA_BRPORT_GUARD, IFLA_BRPORT_ISOLATED, IFLA_BRPORT_LEARNING, IFLA_BRPORT_LOCKED, IFLA_BRPORT_MCAST_FLOOD,
  IFLA_BRPORT_MCAST_TO_UCAST, IFLA_BRPORT_MODE, IFLA_BRPORT_MULTICAST_ROUTER, IFLA_BRPORT_NEIGH_SUPPRESS,
  IFLA_BRPORT_PRIORITY, IFLA_BRPORT_PROTECT, IFLA_BRPORT_PROXYARP, IFLA_BRPORT_PROXYARP_WIFI, IFLA_BRPORT_STATE,
  IFLA_BRPORT_UNICAST_FLOOD, IFLA_BRPORT_VLAN_TUNNEL,
} from '../../generated/if_link.js';
import { InvalidArgumentError } from '../../netlink/addresses.js';
import { describeValue } from '../../netlink/checks.js';
import type { MessageWriter } from '../../netlink/writer.js';
import { validateInteger } from '../names.js';
import { validateLinkRef, type LinkRef } from '../resolve.js';
import type { KindEncodeContext } from './kinds/kind.js';
import { U16_MAX, validateBoolean, validateKeys, validateObject } from './validate.js';

/** An STP port state (BR_STATE_*), as `bridge link set … state` names it. */
export type BridgePortState = 'disabled' | 'listening' | 'learning' | 'forwarding' | 'blocking';
/** BR_STATE_* in value order. */
export const BRIDGE_PORT_STATES: readonly BridgePortState[] = ['disabled', 'listening', 'learning', 'forwarding', 'blocking'];

/**
 * Options of a bridge port, in the words of `ip link set dev X type
 * bridge_slave …` (camelCase). Only the fields given are changed.
 */
export interface BridgePortOptions {
  /** IFLA_BRPORT_STATE (`state`): only when the bridge runs no kernel STP, and not `disabled` only while the port has carrier. */
  state?: BridgePortState | 0 | 1 | 2 | 3 | 4;
  /** IFLA_BRPORT_PRIORITY (`priority`): STP port priority, 0–63. */
  priority?: number;
  /** IFLA_BRPORT_COST (`cost`): STP path cost, 1–65535. */
  cost?: number;
  /** IFLA_BRPORT_GUARD (`guard`): BPDU guard, a BPDU received on the port disables it. */
  guard?: boolean;
  /** IFLA_BRPORT_MODE (`hairpin`): frames may go back out of the port they came in on (a VM's or pod's own traffic back to it). */
  hairpin?: boolean;
  /** IFLA_BRPORT_FAST_LEAVE (`fastleave`): leave a multicast group at once on an IGMP/MLD leave. */
  fastLeave?: boolean;
  /** IFLA_BRPORT_PROTECT (`root_block`): the port may not become the root port. */
  rootBlock?: boolean;
  /** IFLA_BRPORT_LEARNING (`learning`): learn source MACs into the FDB. */
  learning?: boolean;
  /** IFLA_BRPORT_UNICAST_FLOOD (`flood`): flood unknown unicast to the port. */
  flood?: boolean;
  /** IFLA_BRPORT_PROXYARP (`proxy_arp`): answer ARP from the bridge's neighbour table. */
  proxyArp?: boolean;
  /** IFLA_BRPORT_PROXYARP_WIFI (`proxy_arp_wifi`): proxy ARP for wireless clients. */
  proxyArpWifi?: boolean;
  /** IFLA_BRPORT_MULTICAST_ROUTER (`mcast_router`): 0 disabled, 1 learned from queries (default), 2 permanent, 3 temporary. */
  mcastRouter?: 0 | 1 | 2 | 3;
  /** IFLA_BRPORT_MCAST_FLOOD (`mcast_flood`): flood unknown multicast to the port. */
  mcastFlood?: boolean;
  /** IFLA_BRPORT_BCAST_FLOOD (`bcast_flood`): flood broadcast to the port. */
  bcastFlood?: boolean;
  /** IFLA_BRPORT_MCAST_TO_UCAST (`mcast_to_unicast`): multicast as unicast copies per listener. */
  mcastToUnicast?: boolean;
  /** IFLA_BRPORT_GROUP_FWD_MASK (`group_fwd_mask`): link-local groups 01:80:c2:00:00:0X forwarded (bit X; the kernel refuses bits 0-2). */
  groupFwdMask?: number;
  /** IFLA_BRPORT_NEIGH_SUPPRESS (`neigh_suppress`): answer ARP/ND from the neighbour table instead of flooding. */
  neighSuppress?: boolean;
  /** IFLA_BRPORT_VLAN_TUNNEL (`vlan_tunnel`): map VLANs to tunnel ids (needs VLAN filtering). */
  vlanTunnel?: boolean;
  /** IFLA_BRPORT_ISOLATED (`isolated`): isolated ports reach only non-isolated ones. */
  isolated?: boolean;
  /** IFLA_BRPORT_LOCKED (`locked`): only hosts with an FDB entry added by user space get through (802.1X). */
  locked?: boolean;
  /** IFLA_BRPORT_BACKUP_PORT (`backup_port DEV`, `nobackup_port` with null): the port taking over when this one loses carrier. */
  backupPort?: LinkRef | null;
  /** IFLA_BRPORT_FLUSH (`fdb_flush`): true deletes the FDB entries learned on the port (static ones stay); an action, not a setting. */
  fdbFlush?: boolean;
}

const FLAGS: readonly (readonly [keyof BridgePortOptions, number])[] = [
  ['guard', IFLA_BRPORT_GUARD], ['hairpin', IFLA_BRPORT_MODE], ['fastLeave', IFLA_BRPORT_FAST_LEAVE],
  ['rootBlock', IFLA_BRPORT_PROTECT], ['learning', IFLA_BRPORT_LEARNING], ['flood', IFLA_BRPORT_UNICAST_FLOOD],
  ['proxyArp', IFLA_BRPORT_PROXYARP], ['proxyArpWifi', IFLA_BRPORT_PROXYARP_WIFI], ['mcastFlood', IFLA_BRPORT_MCAST_FLOOD],
  ['bcastFlood', IFLA_BRPORT_BCAST_FLOOD], ['mcastToUnicast', IFLA_BRPORT_MCAST_TO_UCAST],
  ['neighSuppress', IFLA_BRPORT_NEIGH_SUPPRESS], ['vlanTunnel', IFLA_BRPORT_VLAN_TUNNEL], ['isolated', IFLA_BRPORT_ISOLATED],
  ['locked', IFLA_BRPORT_LOCKED],
];
const KEYS: readonly string[] = ['state', 'priority', 'cost', 'mcastRouter', 'groupFwdMask', 'backupPort', 'fdbFlush', ...FLAGS.map(([key]) => key)];

/** The kernel's BR_MAX_PORT_PRIORITY and BR_MIN/MAX_PATH_COST: it answers ERANGE outside them. */
const MAX_PORT_PRIORITY = 63;
const MAX_PATH_COST = 65535;

function stateValue(state: BridgePortOptions['state']): number {
  if (typeof state === 'number') return state;
  return BRIDGE_PORT_STATES.indexOf(state as BridgePortState);
}

/** Checks port options completely before anything is sent; returns them. */
export function validateBridgePortOptions(input: unknown): BridgePortOptions {
  const options = validateObject(input, 'bridgePort') as BridgePortOptions;
  validateKeys(options, KEYS, 'bridgePort');
  if (!Object.values(options).some((v) => v !== undefined)) throw new InvalidArgumentError(`bridgePort: no port options given; known: ${KEYS.join(', ')}`);
  if (options.state !== undefined) {
    const known = typeof options.state === 'number' ? Number.isInteger(options.state) && options.state >= 0 && options.state < BRIDGE_PORT_STATES.length : BRIDGE_PORT_STATES.includes(options.state);
    if (!known) throw new InvalidArgumentError(`bridgePort.state must be one of ${BRIDGE_PORT_STATES.map((s) => `"${s}"`).join(', ')} (or 0-4), got ${describeValue(options.state)}`);
  }
  if (options.priority !== undefined) validateInteger(options.priority, 'bridgePort.priority', 0, MAX_PORT_PRIORITY);
  if (options.cost !== undefined) validateInteger(options.cost, 'bridgePort.cost', 1, MAX_PATH_COST);
  if (options.mcastRouter !== undefined) validateInteger(options.mcastRouter, 'bridgePort.mcastRouter', 0, 3);
  if (options.groupFwdMask !== undefined) validateInteger(options.groupFwdMask, 'bridgePort.groupFwdMask', 0, U16_MAX);
  if (options.backupPort !== undefined && options.backupPort !== null) validateLinkRef(options.backupPort, 'bridgePort.backupPort');
  for (const [key] of FLAGS) if (options[key] !== undefined) validateBoolean(options[key], `bridgePort.${key}`);
  if (options.fdbFlush !== undefined) validateBoolean(options.fdbFlush, 'bridgePort.fdbFlush');
  return options;
}

/** Links the options name (a backup port), to be resolved before sending. */
export function bridgePortLinkRefs(options: BridgePortOptions): LinkRef[] {
  return options.backupPort === undefined || options.backupPort === null ? [] : [options.backupPort];
}

/** Writes an IFLA_BRPORT_* member of IFLA_INFO_SLAVE_DATA for each option given. */
export function encodeBridgePortOptions(w: MessageWriter, options: BridgePortOptions, ctx: Pick<KindEncodeContext, 'linkIndex'>): void {
  if (options.state !== undefined) w.u8(IFLA_BRPORT_STATE, stateValue(options.state));
  if (options.priority !== undefined) w.u16(IFLA_BRPORT_PRIORITY, options.priority);
  if (options.cost !== undefined) w.u32(IFLA_BRPORT_COST, options.cost);
  for (const [key, type] of FLAGS) if (options[key] !== undefined) w.u8(type, options[key] ? 1 : 0);
  if (options.mcastRouter !== undefined) w.u8(IFLA_BRPORT_MULTICAST_ROUTER, options.mcastRouter);
  if (options.groupFwdMask !== undefined) w.u16(IFLA_BRPORT_GROUP_FWD_MASK, options.groupFwdMask);
  // 0 removes the backup port (`nobackup_port`).
  if (options.backupPort !== undefined) w.u32(IFLA_BRPORT_BACKUP_PORT, options.backupPort === null ? 0 : ctx.linkIndex(options.backupPort));
  if (options.fdbFlush) w.flag(IFLA_BRPORT_FLUSH);
}
