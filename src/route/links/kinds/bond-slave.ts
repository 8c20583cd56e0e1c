import {
  IFLA_BOND_SLAVE_AD_ACTOR_OPER_PORT_STATE, IFLA_BOND_SLAVE_AD_AGGREGATOR_ID, IFLA_BOND_SLAVE_AD_PARTNER_OPER_PORT_STATE,
  IFLA_BOND_SLAVE_LINK_FAILURE_COUNT, IFLA_BOND_SLAVE_MII_STATUS, IFLA_BOND_SLAVE_PERM_HWADDR, IFLA_BOND_SLAVE_PRIO,
  IFLA_BOND_SLAVE_QUEUE_ID, IFLA_BOND_SLAVE_STATE,
} from '../../../generated/if_link.js';
import { DecoderTable } from '../decoder-table.js';
import type { KindData, SlaveKind } from './kind.js';

// BOND_STATE_* and BOND_LINK_* of <linux/if_bonding.h>, in ip's words (lower case).
const STATES: readonly BondPortState[] = ['active', 'backup'];
const MII_STATUSES: readonly BondPortMiiStatus[] = ['up', 'going_down', 'down', 'going_back'];
/** BOND_STATE_*: whether a bond port carries traffic. */
export type BondPortState = 'active' | 'backup';
/** BOND_LINK_*: a bond port's link as the bond's monitor sees it. */
export type BondPortMiiStatus = 'up' | 'going_down' | 'down' | 'going_back';

/** IFLA_BOND_SLAVE_*: a bond port as its bond describes it. Decoded from captured bytes; not verified against a kernel here. */
export interface BondPortInfo extends KindData {
  /** IFLA_BOND_SLAVE_STATE: whether the port carries traffic; the number for a state nlkit does not name. */
  state?: BondPortState | number;
  /** IFLA_BOND_SLAVE_MII_STATUS: the link as the bond's monitor sees it. */
  miiStatus?: BondPortMiiStatus | number;
  /** IFLA_BOND_SLAVE_LINK_FAILURE_COUNT: link failures seen since the port joined. */
  linkFailureCount?: number;
  /** IFLA_BOND_SLAVE_PERM_HWADDR: the port's own MAC address (the bond may have changed the current one). */
  permHwaddr?: string;
  /** IFLA_BOND_SLAVE_QUEUE_ID: the tx queue id this port is chosen for (`queue_id`). */
  queueId?: number;
  /** IFLA_BOND_SLAVE_PRIO: the port's priority for becoming active (`prio`). */
  prio?: number;
  /** IFLA_BOND_SLAVE_AD_AGGREGATOR_ID (802.3ad): the aggregator the port is in. */
  adAggregatorId?: number;
  /** IFLA_BOND_SLAVE_AD_ACTOR_OPER_PORT_STATE (802.3ad): our LACP port state bits. */
  adActorOperPortState?: number;
  /** IFLA_BOND_SLAVE_AD_PARTNER_OPER_PORT_STATE (802.3ad): the partner's LACP port state bits. */
  adPartnerOperPortState?: number;
}

const DECODERS = new DecoderTable<BondPortInfo>()
  .on(IFLA_BOND_SLAVE_STATE, (i, c) => { const n = c.u8(); i.state = STATES[n] ?? n; })
  .on(IFLA_BOND_SLAVE_MII_STATUS, (i, c) => { const n = c.u8(); i.miiStatus = MII_STATUSES[n] ?? n; })
  .on(IFLA_BOND_SLAVE_LINK_FAILURE_COUNT, (i, c) => { i.linkFailureCount = c.u32(); })
  .on(IFLA_BOND_SLAVE_PERM_HWADDR, (i, c) => { i.permHwaddr = c.mac(); })
  .on(IFLA_BOND_SLAVE_QUEUE_ID, (i, c) => { i.queueId = c.u16(); })
  .on(IFLA_BOND_SLAVE_PRIO, (i, c) => { i.prio = c.s32(); })
  .on(IFLA_BOND_SLAVE_AD_AGGREGATOR_ID, (i, c) => { i.adAggregatorId = c.u16(); })
  .on(IFLA_BOND_SLAVE_AD_ACTOR_OPER_PORT_STATE, (i, c) => { i.adActorOperPortState = c.u8(); })
  .on(IFLA_BOND_SLAVE_AD_PARTNER_OPER_PORT_STATE, (i, c) => { i.adPartnerOperPortState = c.u16(); });

export const bondSlave: SlaveKind<BondPortInfo> = {
  kind: 'bond',
  decodeSlaveData: (c) => DECODERS.decode(c, { unknown: [] }),
};
