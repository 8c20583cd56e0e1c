import { isIPv4 } from 'node:net';
import * as ifLink from '../../../generated/if_link.js';
import {
  IFLA_BOND_ACTIVE_SLAVE, IFLA_BOND_AD_ACTOR_SYS_PRIO, IFLA_BOND_AD_ACTOR_SYSTEM, IFLA_BOND_AD_INFO, IFLA_BOND_AD_INFO_ACTOR_KEY,
  IFLA_BOND_AD_INFO_AGGREGATOR, IFLA_BOND_AD_INFO_NUM_PORTS, IFLA_BOND_AD_INFO_PARTNER_KEY, IFLA_BOND_AD_INFO_PARTNER_MAC,
  IFLA_BOND_AD_LACP_ACTIVE, IFLA_BOND_AD_LACP_RATE, IFLA_BOND_AD_SELECT, IFLA_BOND_AD_USER_PORT_KEY, IFLA_BOND_ALL_SLAVES_ACTIVE,
  IFLA_BOND_ARP_ALL_TARGETS, IFLA_BOND_ARP_INTERVAL, IFLA_BOND_ARP_IP_TARGET, IFLA_BOND_ARP_VALIDATE, IFLA_BOND_DOWNDELAY,
  IFLA_BOND_FAIL_OVER_MAC, IFLA_BOND_LP_INTERVAL, IFLA_BOND_MIIMON, IFLA_BOND_MIN_LINKS, IFLA_BOND_MISSED_MAX, IFLA_BOND_MODE,
  IFLA_BOND_NUM_PEER_NOTIF, IFLA_BOND_PACKETS_PER_SLAVE, IFLA_BOND_PEER_NOTIF_DELAY, IFLA_BOND_PRIMARY, IFLA_BOND_PRIMARY_RESELECT,
  IFLA_BOND_RESEND_IGMP, IFLA_BOND_TLB_DYNAMIC_LB, IFLA_BOND_UPDELAY, IFLA_BOND_USE_CARRIER, IFLA_BOND_XMIT_HASH_POLICY,
} from '../../../generated/if_link.js';
import { InvalidArgumentError } from '../../../netlink/addresses.js';
import type { AttributeCursor } from '../../../netlink/attributes.js';
import { describeValue } from '../../../netlink/checks.js';
import type { MessageWriter } from '../../../netlink/writer.js';
import { validateInteger } from '../../names.js';
import { validateLinkRef, type LinkRef } from '../../resolve.js';
import { lazyAttributeNames } from '../attribute-names.js';
import { DecoderTable } from '../decoder-table.js';
import type { LinkCommonSpec } from '../types.js';
import { U16_MAX, U32_MAX, U8_MAX, validateBoolean, validateMac, validateOneOf } from '../validate.js';
import type { KindData, LinkKind } from './kind.js';
import { once } from '../../constant-names.js';

/** The IFLA_INFO_DATA members' names, for error messages; built on first use. */
const dataAttributeNames = lazyAttributeNames(ifLink, 'IFLA_BOND_', ifLink.IFLA_BOND_MAX);

/** BOND_MODE_*: how a bond spreads traffic over its ports. */
export type BondMode = 'balance-rr' | 'active-backup' | 'balance-xor' | 'broadcast' | '802.3ad' | 'balance-tlb' | 'balance-alb';
/** BOND_ARP_VALIDATE_*: which ARP replies or traffic count as proof a port is up. */
export type BondArpValidate = 'none' | 'active' | 'backup' | 'all' | 'filter' | 'filter_active' | 'filter_backup';
/** BOND_ARP_TARGETS_*: whether any or all ARP targets must answer. */
export type BondArpAllTargets = 'any' | 'all';
/** BOND_PRI_RESELECT_*: when the primary port takes over again after it comes back. */
export type BondPrimaryReselect = 'always' | 'better' | 'failure';
/** BOND_FOM_*: what happens to the ports' MAC addresses on failover (active-backup). */
export type BondFailOverMac = 'none' | 'active' | 'follow';
/** BOND_XMIT_POLICY_*: which headers pick the port of a packet (balance-xor, 802.3ad, balance-tlb). */
export type BondXmitHashPolicy = 'layer2' | 'layer3+4' | 'layer2+3' | 'encap2+3' | 'encap3+4' | 'vlan+srcmac';
/** The LACPDU rate asked of the partner: every 30 s (slow) or every second (fast). */
export type BondLacpRate = 'slow' | 'fast';
/** BOND_AD_*: how 802.3ad picks the active aggregator. */
export type BondAdSelect = 'stable' | 'bandwidth' | 'count';

// The option values of <linux/if_bonding.h>, in ip's words, each at its number.
const MODES: readonly BondMode[] = ['balance-rr', 'active-backup', 'balance-xor', 'broadcast', '802.3ad', 'balance-tlb', 'balance-alb'];
const ARP_VALIDATE: readonly BondArpValidate[] = ['none', 'active', 'backup', 'all', 'filter', 'filter_active', 'filter_backup'];
const ARP_ALL_TARGETS: readonly BondArpAllTargets[] = ['any', 'all'];
const PRIMARY_RESELECT: readonly BondPrimaryReselect[] = ['always', 'better', 'failure'];
const FAIL_OVER_MAC: readonly BondFailOverMac[] = ['none', 'active', 'follow'];
const XMIT_HASH_POLICY: readonly BondXmitHashPolicy[] = ['layer2', 'layer3+4', 'layer2+3', 'encap2+3', 'encap3+4', 'vlan+srcmac'];
const LACP_RATE: readonly BondLacpRate[] = ['slow', 'fast'];
const AD_SELECT: readonly BondAdSelect[] = ['stable', 'bandwidth', 'count'];

/** Most ARP targets a bond takes (BOND_MAX_ARP_TARGETS). */
const MAX_ARP_TARGETS = 16;

/**
 * `ip link add NAME type bond [mode MODE] [miimon MS] [arp_interval MS]
 * [arp_ip_target A,B] [primary DEV] [xmit_hash_policy P] [lacp_rate R] …`.
 * Encoded like iproute2 (checked against ip's captured requests), not verified
 * against a kernel here. Ports join with `set(port, { master: bond })`.
 */
export interface BondSpec extends LinkCommonSpec {
  /** Selects the bond kind (IFLA_INFO_KIND "bond"). */
  type: 'bond';
  /** IFLA_BOND_MODE; the kernel defaults to balance-rr. */
  mode?: BondMode;
  /** IFLA_BOND_MIIMON: link monitoring interval in ms (0 off). */
  miimon?: number;
  /** IFLA_BOND_UPDELAY: ms a port's link must be up before it is used (a multiple of miimon). */
  updelay?: number;
  /** IFLA_BOND_DOWNDELAY: ms a port's link must be down before it is dropped (a multiple of miimon). */
  downdelay?: number;
  /** IFLA_BOND_PEER_NOTIF_DELAY: ms between the peer notifications of a failover (a multiple of miimon). */
  peerNotifyDelay?: number;
  /** IFLA_BOND_USE_CARRIER: miimon reads the carrier (true, the default) rather than ethtool/MII ioctls. */
  useCarrier?: boolean;
  /** IFLA_BOND_ARP_INTERVAL: ARP monitoring interval in ms (0 off). */
  arpInterval?: number;
  /** IFLA_BOND_ARP_IP_TARGET: the IPv4 addresses ARP monitoring asks (at most 16). */
  arpIpTarget?: readonly string[];
  /** IFLA_BOND_ARP_VALIDATE: which ARP traffic proves a port up. */
  arpValidate?: BondArpValidate;
  /** IFLA_BOND_ARP_ALL_TARGETS: whether any or all targets must answer. */
  arpAllTargets?: BondArpAllTargets;
  /** IFLA_BOND_PRIMARY: the port preferred as active (active-backup, balance-tlb, balance-alb). */
  primary?: LinkRef;
  /** IFLA_BOND_PRIMARY_RESELECT: when the primary takes over again. */
  primaryReselect?: BondPrimaryReselect;
  /** IFLA_BOND_FAIL_OVER_MAC: MAC address handling on failover. */
  failOverMac?: BondFailOverMac;
  /** IFLA_BOND_XMIT_HASH_POLICY: which headers pick a packet's port. */
  xmitHashPolicy?: BondXmitHashPolicy;
  /** IFLA_BOND_AD_LACP_RATE (802.3ad). */
  lacpRate?: BondLacpRate;
  /** IFLA_BOND_AD_SELECT (802.3ad). */
  adSelect?: BondAdSelect;
  /** IFLA_BOND_MIN_LINKS: ports that must be up for the bond's carrier to be on. */
  minLinks?: number;
  /** IFLA_BOND_ALL_SLAVES_ACTIVE: deliver frames received on inactive ports too. */
  allSlavesActive?: boolean;
  /** IFLA_BOND_NUM_PEER_NOTIF (`num_grat_arp`/`num_unsol_na`): notifications sent after a failover, 0–255. */
  numGratArp?: number;
  /** IFLA_BOND_RESEND_IGMP: IGMP membership reports sent after a failover, 0–255. */
  resendIgmp?: number;
  /** IFLA_BOND_PACKETS_PER_SLAVE: packets sent on a port before moving on (balance-rr), 0–65535. */
  packetsPerSlave?: number;
  /** IFLA_BOND_TLB_DYNAMIC_LB: rebalance flows by load (balance-tlb, balance-alb). */
  tlbDynamicLb?: boolean;
  /** IFLA_BOND_AD_ACTOR_SYS_PRIO: LACP system priority, 1–65535. */
  adActorSysPrio?: number;
  /** IFLA_BOND_AD_USER_PORT_KEY: the upper bits of the LACP port key, 0–1023. */
  adUserPortKey?: number;
  /** IFLA_BOND_AD_ACTOR_SYSTEM: the LACP system id, a unicast MAC address. */
  adActorSystem?: string;
}

/** IFLA_BOND_AD_INFO: the 802.3ad bond's active aggregator. */
export interface BondAdInfo {
  /** IFLA_BOND_AD_INFO_AGGREGATOR: the aggregator's id. */
  aggregator?: number;
  /** IFLA_BOND_AD_INFO_NUM_PORTS: its ports. */
  numPorts?: number;
  /** IFLA_BOND_AD_INFO_ACTOR_KEY: our LACP key. */
  actorKey?: number;
  /** IFLA_BOND_AD_INFO_PARTNER_KEY: the partner's LACP key. */
  partnerKey?: number;
  /** IFLA_BOND_AD_INFO_PARTNER_MAC: the partner's system id. */
  partnerMac?: string;
}

/** IFLA_INFO_DATA of a bond: the options of BondSpec (enums by name, or the number of a value nlkit does not name), and what only the kernel reports. */
export interface BondInfo extends KindData {
  /** IFLA_BOND_MODE. */
  mode?: BondMode | number;
  /** IFLA_BOND_MIIMON, ms. */
  miimon?: number;
  /** IFLA_BOND_UPDELAY, ms. */
  updelay?: number;
  /** IFLA_BOND_DOWNDELAY, ms. */
  downdelay?: number;
  /** IFLA_BOND_PEER_NOTIF_DELAY, ms. */
  peerNotifyDelay?: number;
  /** IFLA_BOND_USE_CARRIER. */
  useCarrier?: boolean;
  /** IFLA_BOND_ARP_INTERVAL, ms. */
  arpInterval?: number;
  /** IFLA_BOND_ARP_VALIDATE. */
  arpValidate?: BondArpValidate | number;
  /** IFLA_BOND_ARP_ALL_TARGETS. */
  arpAllTargets?: BondArpAllTargets | number;
  /** IFLA_BOND_PRIMARY_RESELECT. */
  primaryReselect?: BondPrimaryReselect | number;
  /** IFLA_BOND_FAIL_OVER_MAC. */
  failOverMac?: BondFailOverMac | number;
  /** IFLA_BOND_XMIT_HASH_POLICY. */
  xmitHashPolicy?: BondXmitHashPolicy | number;
  /** IFLA_BOND_AD_LACP_RATE. */
  lacpRate?: BondLacpRate | number;
  /** IFLA_BOND_AD_SELECT. */
  adSelect?: BondAdSelect | number;
  /** IFLA_BOND_MIN_LINKS. */
  minLinks?: number;
  /** IFLA_BOND_ALL_SLAVES_ACTIVE. */
  allSlavesActive?: boolean;
  /** IFLA_BOND_NUM_PEER_NOTIF (`num_grat_arp`). */
  numGratArp?: number;
  /** IFLA_BOND_RESEND_IGMP. */
  resendIgmp?: number;
  /** IFLA_BOND_PACKETS_PER_SLAVE. */
  packetsPerSlave?: number;
  /** IFLA_BOND_TLB_DYNAMIC_LB. */
  tlbDynamicLb?: boolean;
  /** IFLA_BOND_AD_ACTOR_SYS_PRIO. */
  adActorSysPrio?: number;
  /** IFLA_BOND_AD_USER_PORT_KEY. */
  adUserPortKey?: number;
  /** IFLA_BOND_ARP_IP_TARGET: the IPv4 addresses ARP monitoring asks. */
  arpIpTarget?: string[];
  /** IFLA_BOND_PRIMARY: the primary port's ifindex. */
  primary?: number;
  /** IFLA_BOND_AD_ACTOR_SYSTEM: the LACP system id. */
  adActorSystem?: string;
  /** IFLA_BOND_ACTIVE_SLAVE: the ifindex of the active port. */
  activeSlave?: number;
  /** IFLA_BOND_LP_INTERVAL: seconds between learning packets (balance-tlb, balance-alb). */
  lpInterval?: number;
  /** IFLA_BOND_AD_LACP_ACTIVE: send LACPDUs (true) or only answer them. */
  lacpActive?: boolean;
  /** IFLA_BOND_MISSED_MAX: ARP monitor intervals missed before a port is down. */
  missedMax?: number;
  /** IFLA_BOND_AD_INFO (802.3ad). */
  adInfo?: BondAdInfo;
}

type Width = 'u8' | 'u16' | 'u32';
type Scalar =
  | { key: keyof BondSpec & keyof BondInfo; type: number; width: Width; names: readonly string[] }
  | { key: keyof BondSpec & keyof BondInfo; type: number; width: Width; boolean: true }
  | { key: keyof BondSpec & keyof BondInfo; type: number; width: Width; min: number; max: number };

/** The options that are one number on the wire: an enum (by name), a switch, or a count; widths as the kernel's policy has them. */
const SCALARS: readonly Scalar[] = [
  { key: 'mode', type: IFLA_BOND_MODE, width: 'u8', names: MODES },
  { key: 'miimon', type: IFLA_BOND_MIIMON, width: 'u32', min: 0, max: U32_MAX },
  { key: 'updelay', type: IFLA_BOND_UPDELAY, width: 'u32', min: 0, max: U32_MAX },
  { key: 'downdelay', type: IFLA_BOND_DOWNDELAY, width: 'u32', min: 0, max: U32_MAX },
  { key: 'peerNotifyDelay', type: IFLA_BOND_PEER_NOTIF_DELAY, width: 'u32', min: 0, max: U32_MAX },
  { key: 'useCarrier', type: IFLA_BOND_USE_CARRIER, width: 'u8', boolean: true },
  { key: 'arpInterval', type: IFLA_BOND_ARP_INTERVAL, width: 'u32', min: 0, max: U32_MAX },
  { key: 'arpValidate', type: IFLA_BOND_ARP_VALIDATE, width: 'u32', names: ARP_VALIDATE },
  { key: 'arpAllTargets', type: IFLA_BOND_ARP_ALL_TARGETS, width: 'u32', names: ARP_ALL_TARGETS },
  { key: 'primaryReselect', type: IFLA_BOND_PRIMARY_RESELECT, width: 'u8', names: PRIMARY_RESELECT },
  { key: 'failOverMac', type: IFLA_BOND_FAIL_OVER_MAC, width: 'u8', names: FAIL_OVER_MAC },
  { key: 'xmitHashPolicy', type: IFLA_BOND_XMIT_HASH_POLICY, width: 'u8', names: XMIT_HASH_POLICY },
  { key: 'lacpRate', type: IFLA_BOND_AD_LACP_RATE, width: 'u8', names: LACP_RATE },
  { key: 'adSelect', type: IFLA_BOND_AD_SELECT, width: 'u8', names: AD_SELECT },
  { key: 'minLinks', type: IFLA_BOND_MIN_LINKS, width: 'u32', min: 0, max: U32_MAX },
  { key: 'allSlavesActive', type: IFLA_BOND_ALL_SLAVES_ACTIVE, width: 'u8', boolean: true },
  { key: 'numGratArp', type: IFLA_BOND_NUM_PEER_NOTIF, width: 'u8', min: 0, max: U8_MAX },
  { key: 'resendIgmp', type: IFLA_BOND_RESEND_IGMP, width: 'u32', min: 0, max: U8_MAX },
  { key: 'packetsPerSlave', type: IFLA_BOND_PACKETS_PER_SLAVE, width: 'u32', min: 0, max: U16_MAX },
  { key: 'tlbDynamicLb', type: IFLA_BOND_TLB_DYNAMIC_LB, width: 'u8', boolean: true },
  { key: 'adActorSysPrio', type: IFLA_BOND_AD_ACTOR_SYS_PRIO, width: 'u16', min: 1, max: U16_MAX },
  { key: 'adUserPortKey', type: IFLA_BOND_AD_USER_PORT_KEY, width: 'u16', min: 0, max: 1023 },
];

function scalarNumber(s: Scalar, value: unknown): number {
  if ('names' in s) return s.names.indexOf(value as string);
  if ('boolean' in s) return value ? 1 : 0;
  return value as number;
}

function decodeScalar(s: Scalar, n: number): string | number | boolean {
  if ('names' in s) return s.names[n] ?? n;
  if ('boolean' in s) return n !== 0;
  return n;
}

function decodeAdInfo(c: AttributeCursor): BondAdInfo {
  const info: BondAdInfo = {};
  while (c.next()) {
    switch (c.type) {
      case IFLA_BOND_AD_INFO_AGGREGATOR: info.aggregator = c.u16(); break;
      case IFLA_BOND_AD_INFO_NUM_PORTS: info.numPorts = c.u16(); break;
      case IFLA_BOND_AD_INFO_ACTOR_KEY: info.actorKey = c.u16(); break;
      case IFLA_BOND_AD_INFO_PARTNER_KEY: info.partnerKey = c.u16(); break;
      case IFLA_BOND_AD_INFO_PARTNER_MAC: info.partnerMac = c.mac(); break;
      default: // members added after these carry nothing BondAdInfo names
    }
  }
  return info;
}

function decodeTargets(c: AttributeCursor): string[] {
  const targets: string[] = [];
  while (c.next()) targets.push(c.ip());
  return targets;
}

const set = <K extends keyof BondInfo>(key: K, read: (c: AttributeCursor) => BondInfo[K]) => (info: BondInfo, c: AttributeCursor) => {
  info[key] = read(c);
};

// The decoders, built on the first bond decoded.
const decoders = once(() => {
  const table = new DecoderTable<BondInfo>()
    .on(IFLA_BOND_ARP_IP_TARGET, set('arpIpTarget', (c) => decodeTargets(c.nestedCursor())))
    .on(IFLA_BOND_PRIMARY, set('primary', (c) => c.u32()))
    .on(IFLA_BOND_ACTIVE_SLAVE, set('activeSlave', (c) => c.u32()))
    .on(IFLA_BOND_AD_ACTOR_SYSTEM, set('adActorSystem', (c) => c.mac()))
    .on(IFLA_BOND_LP_INTERVAL, set('lpInterval', (c) => c.u32()))
    .on(IFLA_BOND_AD_LACP_ACTIVE, set('lacpActive', (c) => c.u8() !== 0))
    .on(IFLA_BOND_MISSED_MAX, set('missedMax', (c) => c.u8()))
    .on(IFLA_BOND_AD_INFO, set('adInfo', (c) => decodeAdInfo(c.nestedCursor())));
  for (const s of SCALARS) table.on(s.type, (info, c) => ((info as unknown as Record<string, unknown>)[s.key] = decodeScalar(s, c[s.width]())));
  return table;
});

function validateTargets(value: unknown): void {
  if (!Array.isArray(value)) throw new InvalidArgumentError(`arpIpTarget must be an array of IPv4 addresses, got ${describeValue(value)}`);
  if (value.length > MAX_ARP_TARGETS) throw new InvalidArgumentError(`arpIpTarget has ${value.length} addresses; a bond takes at most ${MAX_ARP_TARGETS}`);
  value.forEach((a: unknown, i) => {
    if (typeof a !== 'string' || !isIPv4(a)) throw new InvalidArgumentError(`arpIpTarget[${i}] must be an IPv4 address like "10.0.0.1", got ${describeValue(a)}`);
  });
}

const specKeys = once(() => [...SCALARS.map((s) => s.key), 'arpIpTarget', 'primary', 'adActorSystem']);

export const bond: LinkKind<BondSpec, BondInfo> = {
  kind: 'bond',
  creatable: true,
  get specKeys() {
    return specKeys();
  },
  get dataAttributeNames() {
    return dataAttributeNames();
  },

  validate(spec) {
    for (const s of SCALARS) {
      const value = spec[s.key];
      if (value === undefined) continue;
      if ('names' in s) validateOneOf(value, s.key, s.names);
      else if ('boolean' in s) validateBoolean(value, s.key);
      else validateInteger(value, s.key, s.min, s.max);
    }
    if (spec.arpIpTarget !== undefined) validateTargets(spec.arpIpTarget);
    if (spec.primary !== undefined) validateLinkRef(spec.primary, 'primary');
    if (spec.adActorSystem !== undefined) validateMac(spec.adActorSystem, 'adActorSystem');
  },

  linkRefs: (spec) => (spec.primary === undefined ? [] : [spec.primary]),

  encodeInfoData(spec, w: MessageWriter, ctx) {
    for (const s of SCALARS) if (spec[s.key] !== undefined) w[s.width](s.type, scalarNumber(s, spec[s.key]));
    if (spec.arpIpTarget !== undefined) {
      // Without NLA_F_NESTED, members numbered from 0, as ip sends them.
      const nest = w.beginNestedLegacy(IFLA_BOND_ARP_IP_TARGET);
      spec.arpIpTarget.forEach((address, i) => w.ip(i, address));
      w.endNested(nest);
    }
    if (spec.primary !== undefined) w.u32(IFLA_BOND_PRIMARY, ctx.linkIndex(spec.primary));
    if (spec.adActorSystem !== undefined) w.mac(IFLA_BOND_AD_ACTOR_SYSTEM, spec.adActorSystem);
  },

  decodeInfoData: (c) => decoders().decode(c, { unknown: [] }),
};
