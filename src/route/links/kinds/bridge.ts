import { ETH_P_8021AD, ETH_P_8021Q } from '../../../generated/if_ether.js';
import * as ifLink from '../../../generated/if_link.js';
import {
  IFLA_BR_AGEING_TIME, IFLA_BR_BRIDGE_ID, IFLA_BR_FORWARD_DELAY, IFLA_BR_GC_TIMER, IFLA_BR_GROUP_ADDR,
  IFLA_BR_GROUP_FWD_MASK, IFLA_BR_HELLO_TIME, IFLA_BR_HELLO_TIMER, IFLA_BR_MAX_AGE, IFLA_BR_MCAST_HASH_ELASTICITY,
  IFLA_BR_MCAST_HASH_MAX, IFLA_BR_MCAST_IGMP_VERSION, IFLA_BR_MCAST_LAST_MEMBER_CNT, IFLA_BR_MCAST_LAST_MEMBER_INTVL,
  IFLA_BR_MCAST_MEMBERSHIP_INTVL, IFLA_BR_MCAST_MLD_VERSION, IFLA_BR_MCAST_QUERIER, IFLA_BR_MCAST_QUERIER_INTVL,
  IFLA_BR_MCAST_QUERIER_STATE, IFLA_BR_MCAST_QUERY_INTVL, IFLA_BR_MCAST_QUERY_RESPONSE_INTVL,
  IFLA_BR_MCAST_QUERY_USE_IFADDR, IFLA_BR_MCAST_ROUTER, IFLA_BR_MCAST_SNOOPING, IFLA_BR_MCAST_STARTUP_QUERY_CNT,
  IFLA_BR_MCAST_STARTUP_QUERY_INTVL, IFLA_BR_MCAST_STATS_ENABLED, IFLA_BR_MULTI_BOOLOPT, IFLA_BR_NF_CALL_ARPTABLES,
  IFLA_BR_NF_CALL_IP6TABLES, IFLA_BR_NF_CALL_IPTABLES, IFLA_BR_PAD, IFLA_BR_PRIORITY, IFLA_BR_ROOT_ID, IFLA_BR_ROOT_PATH_COST,
  IFLA_BR_ROOT_PORT, IFLA_BR_STP_STATE, IFLA_BR_TCN_TIMER, IFLA_BR_TOPOLOGY_CHANGE, IFLA_BR_TOPOLOGY_CHANGE_DETECTED,
  IFLA_BR_TOPOLOGY_CHANGE_TIMER, IFLA_BR_VLAN_DEFAULT_PVID, IFLA_BR_VLAN_FILTERING, IFLA_BR_VLAN_PROTOCOL,
  IFLA_BR_VLAN_STATS_ENABLED, IFLA_BR_VLAN_STATS_PER_PORT,
} from '../../../generated/if_link.js';
import { BR_BOOLOPT_MCAST_VLAN_SNOOPING, BR_BOOLOPT_NO_LL_LEARN } from '../../../generated/if_bridge.js';
import type { MessageWriter } from '../../../netlink/writer.js';
import type { AttributeCursor } from '../../../netlink/attributes.js';
import { hex0x } from '../../ipjson.js';
import { validateInteger } from '../../names.js';
import { attributeNames } from '../attribute-names.js';
import { u32le } from '../../../netlink/byte-reads.js';
import { DecoderTable } from '../decoder-table.js';
import { formatMac } from '../../../netlink/addresses.js';
import type { LinkCommonSpec } from '../types.js';
import { U16_MAX, U32_MAX, U8_MAX, validateBoolean, validateMac, validateOneOf } from '../validate.js';
import { clockTimer, decodeBridgeId, formatBridgeId, type BridgeId } from './format.js';
import type { KindData, LinkKind } from './kind.js';

// linux/if_ether.h is not among the generated headers: the two VLAN ethertypes a bridge speaks.
const VLAN_PROTOCOLS = { '802.1Q': ETH_P_8021Q, '802.1ad': ETH_P_8021AD } as const;
export type BridgeVlanProtocol = keyof typeof VLAN_PROTOCOLS;

/**
 * `ip link add NAME type bridge [OPTIONS]`. Times are in hundredths of a
 * second (clock_t), exactly as `ip link` takes them: forwardDelay 1500 is 15 s.
 */
export interface BridgeSpec extends LinkCommonSpec {
  type: 'bridge';
  /** Spanning tree on/off (stp_state). */
  stp?: boolean;
  forwardDelay?: number;
  helloTime?: number;
  maxAge?: number;
  ageingTime?: number;
  /** Bridge priority, 0..65535. */
  priority?: number;
  vlanFiltering?: boolean;
  vlanProtocol?: BridgeVlanProtocol;
  vlanDefaultPvid?: number;
  vlanStatsEnabled?: boolean;
  groupFwdMask?: number;
  groupAddress?: string;
  mcastSnooping?: boolean;
  mcastQuerier?: boolean;
  mcastQueryUseIfaddr?: boolean;
  /** 0 disabled, 1 automatic (default), 2 permanent. */
  mcastRouter?: number;
  mcastHashMax?: number;
  mcastLastMemberCount?: number;
  mcastStartupQueryCount?: number;
  mcastLastMemberInterval?: number;
  mcastMembershipInterval?: number;
  mcastQuerierInterval?: number;
  mcastQueryInterval?: number;
  mcastQueryResponseInterval?: number;
  mcastStartupQueryInterval?: number;
  mcastStatsEnabled?: boolean;
  mcastIgmpVersion?: 2 | 3;
  mcastMldVersion?: 1 | 2;
  nfCallIptables?: boolean;
  nfCallIp6tables?: boolean;
  nfCallArptables?: boolean;
  noLinklocalLearn?: boolean;
  mcastVlanSnooping?: boolean;
}

/** IFLA_BR_* as the kernel reports them; times in clock_t (centiseconds). */
export interface BridgeInfo extends KindData {
  forwardDelay?: number;
  helloTime?: number;
  maxAge?: number;
  ageingTime?: number;
  stpState?: number;
  priority?: number;
  vlanFiltering?: number;
  /** Ethertype, e.g. 0x8100. */
  vlanProtocol?: number;
  groupFwdMask?: number;
  rootId?: BridgeId;
  bridgeId?: BridgeId;
  rootPort?: number;
  rootPathCost?: number;
  topologyChange?: number;
  topologyChangeDetected?: number;
  helloTimer?: number;
  tcnTimer?: number;
  topologyChangeTimer?: number;
  gcTimer?: number;
  groupAddr?: string;
  mcastRouter?: number;
  mcastSnooping?: number;
  mcastQueryUseIfaddr?: number;
  mcastQuerier?: number;
  mcastHashElasticity?: number;
  mcastHashMax?: number;
  mcastLastMemberCnt?: number;
  mcastStartupQueryCnt?: number;
  mcastLastMemberIntvl?: number;
  mcastMembershipIntvl?: number;
  mcastQuerierIntvl?: number;
  mcastQueryIntvl?: number;
  mcastQueryResponseIntvl?: number;
  mcastStartupQueryIntvl?: number;
  nfCallIptables?: number;
  nfCallIp6tables?: number;
  nfCallArptables?: number;
  vlanDefaultPvid?: number;
  vlanStatsEnabled?: number;
  mcastStatsEnabled?: number;
  mcastIgmpVersion?: number;
  mcastMldVersion?: number;
  vlanStatsPerPort?: number;
  multiBoolopt?: { optval: number; optmask: number };
  /** IFLA_BR_MCAST_QUERIER_STATE, undecoded. */
  mcastQuerierState?: Buffer;
}

type Width = 8 | 16 | 32 | 64;
type NumericInfoKey = { [K in keyof BridgeInfo]-?: BridgeInfo[K] extends number | undefined ? K : never }[keyof BridgeInfo];

// Integer options `add` sets: [attribute, width, option of BridgeSpec], in the order they are sent.
const SETTABLE: readonly (readonly [number, Width, keyof BridgeSpec])[] = [
  [IFLA_BR_FORWARD_DELAY, 32, 'forwardDelay'],
  [IFLA_BR_HELLO_TIME, 32, 'helloTime'],
  [IFLA_BR_MAX_AGE, 32, 'maxAge'],
  [IFLA_BR_AGEING_TIME, 32, 'ageingTime'],
  [IFLA_BR_STP_STATE, 32, 'stp'],
  [IFLA_BR_PRIORITY, 16, 'priority'],
  [IFLA_BR_VLAN_FILTERING, 8, 'vlanFiltering'],
  [IFLA_BR_GROUP_FWD_MASK, 16, 'groupFwdMask'],
  [IFLA_BR_MCAST_ROUTER, 8, 'mcastRouter'],
  [IFLA_BR_MCAST_SNOOPING, 8, 'mcastSnooping'],
  [IFLA_BR_MCAST_QUERY_USE_IFADDR, 8, 'mcastQueryUseIfaddr'],
  [IFLA_BR_MCAST_QUERIER, 8, 'mcastQuerier'],
  [IFLA_BR_MCAST_HASH_MAX, 32, 'mcastHashMax'],
  [IFLA_BR_MCAST_LAST_MEMBER_CNT, 32, 'mcastLastMemberCount'],
  [IFLA_BR_MCAST_STARTUP_QUERY_CNT, 32, 'mcastStartupQueryCount'],
  [IFLA_BR_MCAST_LAST_MEMBER_INTVL, 64, 'mcastLastMemberInterval'],
  [IFLA_BR_MCAST_MEMBERSHIP_INTVL, 64, 'mcastMembershipInterval'],
  [IFLA_BR_MCAST_QUERIER_INTVL, 64, 'mcastQuerierInterval'],
  [IFLA_BR_MCAST_QUERY_INTVL, 64, 'mcastQueryInterval'],
  [IFLA_BR_MCAST_QUERY_RESPONSE_INTVL, 64, 'mcastQueryResponseInterval'],
  [IFLA_BR_MCAST_STARTUP_QUERY_INTVL, 64, 'mcastStartupQueryInterval'],
  [IFLA_BR_NF_CALL_IPTABLES, 8, 'nfCallIptables'],
  [IFLA_BR_NF_CALL_IP6TABLES, 8, 'nfCallIp6tables'],
  [IFLA_BR_NF_CALL_ARPTABLES, 8, 'nfCallArptables'],
  [IFLA_BR_VLAN_DEFAULT_PVID, 16, 'vlanDefaultPvid'],
  [IFLA_BR_VLAN_STATS_ENABLED, 8, 'vlanStatsEnabled'],
  [IFLA_BR_MCAST_STATS_ENABLED, 8, 'mcastStatsEnabled'],
  [IFLA_BR_MCAST_IGMP_VERSION, 8, 'mcastIgmpVersion'],
  [IFLA_BR_MCAST_MLD_VERSION, 8, 'mcastMldVersion'],
];
const BOOLEAN_OPTIONS = new Set<keyof BridgeSpec>([
  'stp', 'vlanFiltering', 'vlanStatsEnabled', 'mcastSnooping', 'mcastQuerier', 'mcastQueryUseIfaddr', 'mcastStatsEnabled',
  'nfCallIptables', 'nfCallIp6tables', 'nfCallArptables', 'noLinklocalLearn', 'mcastVlanSnooping',
]);
const MAX: Record<Width, number> = { 8: U8_MAX, 16: U16_MAX, 32: U32_MAX, 64: Number.MAX_SAFE_INTEGER };

function writeWidth(w: MessageWriter, type: number, width: Width, value: number): void {
  if (width === 8) w.u8(type, value);
  else if (width === 16) w.u16(type, value);
  else if (width === 32) w.u32(type, value);
  else w.u64(type, value);
}

// ip's JSON names for the integer fields, in the order print_opt prints them; the
// special fields (ids, masks, timers, ...) sit at their places as functions.
type Printer = (info: BridgeInfo, out: Record<string, unknown>) => void;
const integer = (json: string, key: NumericInfoKey): Printer => (info, out) => {
  if (info[key] !== undefined) out[json] = info[key];
};
const timer = (json: string, key: NumericInfoKey): Printer => (info, out) => {
  if (info[key] !== undefined) out[json] = clockTimer(info[key]!);
};
const IP_JSON: readonly Printer[] = [
  integer('forward_delay', 'forwardDelay'), integer('hello_time', 'helloTime'), integer('max_age', 'maxAge'),
  integer('ageing_time', 'ageingTime'), integer('stp_state', 'stpState'), integer('priority', 'priority'),
  integer('vlan_filtering', 'vlanFiltering'),
  (info, out) => {
    if (info.vlanProtocol === undefined) return;
    const name = (Object.keys(VLAN_PROTOCOLS) as BridgeVlanProtocol[]).find((n) => VLAN_PROTOCOLS[n] === info.vlanProtocol);
    out.vlan_protocol = name ?? `[${info.vlanProtocol}]`;
  },
  (info, out) => {
    if (info.bridgeId) out.bridge_id = formatBridgeId(info.bridgeId);
    // iproute2 6.1 formats root_id from IFLA_BR_BRIDGE_ID's bytes (a slip in
    // print_opt); nlkit reproduces what ip prints, the real root is info.rootId.
    if (info.rootId) out.root_id = formatBridgeId(info.bridgeId ?? info.rootId);
  },
  integer('root_port', 'rootPort'), integer('root_path_cost', 'rootPathCost'), integer('topology_change', 'topologyChange'),
  integer('topology_change_detected', 'topologyChangeDetected'), timer('hello_timer', 'helloTimer'), timer('tcn_timer', 'tcnTimer'),
  timer('topology_change_timer', 'topologyChangeTimer'), timer('gc_timer', 'gcTimer'),
  integer('vlan_default_pvid', 'vlanDefaultPvid'), integer('vlan_stats_enabled', 'vlanStatsEnabled'),
  integer('vlan_stats_per_port', 'vlanStatsPerPort'),
  (info, out) => {
    if (info.groupFwdMask !== undefined) out.group_fwd_mask = hex0x(info.groupFwdMask);
    if (info.groupAddr !== undefined) out.group_addr = info.groupAddr;
  },
  integer('mcast_snooping', 'mcastSnooping'),
  (info, out) => {
    if (!info.multiBoolopt) return;
    const { optval, optmask } = info.multiBoolopt;
    if (optmask & (1 << BR_BOOLOPT_NO_LL_LEARN)) out.no_linklocal_learn = optval & (1 << BR_BOOLOPT_NO_LL_LEARN) ? 1 : 0;
    if (optmask & (1 << BR_BOOLOPT_MCAST_VLAN_SNOOPING)) out.mcast_vlan_snooping = optval & (1 << BR_BOOLOPT_MCAST_VLAN_SNOOPING) ? 1 : 0;
  },
  integer('mcast_router', 'mcastRouter'), integer('mcast_query_use_ifaddr', 'mcastQueryUseIfaddr'),
  integer('mcast_querier', 'mcastQuerier'), integer('mcast_hash_elasticity', 'mcastHashElasticity'),
  integer('mcast_hash_max', 'mcastHashMax'), integer('mcast_last_member_cnt', 'mcastLastMemberCnt'),
  integer('mcast_startup_query_cnt', 'mcastStartupQueryCnt'), integer('mcast_last_member_intvl', 'mcastLastMemberIntvl'),
  integer('mcast_membership_intvl', 'mcastMembershipIntvl'), integer('mcast_querier_intvl', 'mcastQuerierIntvl'),
  integer('mcast_query_intvl', 'mcastQueryIntvl'), integer('mcast_query_response_intvl', 'mcastQueryResponseIntvl'),
  integer('mcast_startup_query_intvl', 'mcastStartupQueryIntvl'), integer('mcast_stats_enabled', 'mcastStatsEnabled'),
  integer('mcast_igmp_version', 'mcastIgmpVersion'), integer('mcast_mld_version', 'mcastMldVersion'),
  integer('nf_call_iptables', 'nfCallIptables'), integer('nf_call_ip6tables', 'nfCallIp6tables'),
  integer('nf_call_arptables', 'nfCallArptables'),
];

const BOOLOPTS: readonly (readonly [keyof BridgeSpec, number])[] = [
  ['noLinklocalLearn', BR_BOOLOPT_NO_LL_LEARN],
  ['mcastVlanSnooping', BR_BOOLOPT_MCAST_VLAN_SNOOPING],
];

// Sized for every field, as PlainLink is (see link-object.ts): a bridge gains
// about fifty fields while it is decoded.
function BridgeInfoObject(this: BridgeInfo): void {
  this.unknown = [];
  if (false) {
    // Never runs: reserves room for the optional fields.
    this.forwardDelay = this.helloTime = this.maxAge = this.ageingTime = this.stpState = this.priority = undefined;
    this.vlanFiltering = this.vlanProtocol = this.groupFwdMask = this.rootId = this.bridgeId = this.rootPort = undefined;
    this.rootPathCost = this.topologyChange = this.topologyChangeDetected = this.helloTimer = this.tcnTimer = undefined;
    this.topologyChangeTimer = this.gcTimer = this.groupAddr = this.mcastRouter = this.mcastSnooping = undefined;
    this.mcastQueryUseIfaddr = this.mcastQuerier = this.mcastHashElasticity = this.mcastHashMax = undefined;
    this.mcastLastMemberCnt = this.mcastStartupQueryCnt = this.mcastLastMemberIntvl = this.mcastMembershipIntvl = undefined;
    this.mcastQuerierIntvl = this.mcastQueryIntvl = this.mcastQueryResponseIntvl = this.mcastStartupQueryIntvl = undefined;
    this.nfCallIptables = this.nfCallIp6tables = this.nfCallArptables = this.vlanDefaultPvid = this.vlanStatsEnabled = undefined;
    this.mcastStatsEnabled = this.mcastIgmpVersion = this.mcastMldVersion = this.vlanStatsPerPort = undefined;
    this.multiBoolopt = this.mcastQuerierState = undefined;
  }
}
BridgeInfoObject.prototype = Object.prototype;
const PlainBridgeInfo = BridgeInfoObject as unknown as new () => BridgeInfo;

const BRIDGE_ATTRIBUTES = new DecoderTable<BridgeInfo>();
const on = BRIDGE_ATTRIBUTES.on.bind(BRIDGE_ATTRIBUTES);
on(IFLA_BR_FORWARD_DELAY, (i, c) => { i.forwardDelay = c.u32(); });
on(IFLA_BR_HELLO_TIME, (i, c) => { i.helloTime = c.u32(); });
on(IFLA_BR_MAX_AGE, (i, c) => { i.maxAge = c.u32(); });
on(IFLA_BR_AGEING_TIME, (i, c) => { i.ageingTime = c.u32(); });
on(IFLA_BR_STP_STATE, (i, c) => { i.stpState = c.u32(); });
on(IFLA_BR_PRIORITY, (i, c) => { i.priority = c.u16(); });
on(IFLA_BR_VLAN_FILTERING, (i, c) => { i.vlanFiltering = c.u8(); });
on(IFLA_BR_VLAN_PROTOCOL, (i, c) => { i.vlanProtocol = c.be16(); });
on(IFLA_BR_GROUP_FWD_MASK, (i, c) => { i.groupFwdMask = c.u16(); });
on(IFLA_BR_ROOT_ID, (i, c) => { i.rootId = decodeBridgeId(c); });
on(IFLA_BR_BRIDGE_ID, (i, c) => { i.bridgeId = decodeBridgeId(c); });
on(IFLA_BR_ROOT_PORT, (i, c) => { i.rootPort = c.u16(); });
on(IFLA_BR_ROOT_PATH_COST, (i, c) => { i.rootPathCost = c.u32(); });
on(IFLA_BR_TOPOLOGY_CHANGE, (i, c) => { i.topologyChange = c.u8(); });
on(IFLA_BR_TOPOLOGY_CHANGE_DETECTED, (i, c) => { i.topologyChangeDetected = c.u8(); });
on(IFLA_BR_HELLO_TIMER, (i, c) => { i.helloTimer = c.u64n(); });
on(IFLA_BR_TCN_TIMER, (i, c) => { i.tcnTimer = c.u64n(); });
on(IFLA_BR_TOPOLOGY_CHANGE_TIMER, (i, c) => { i.topologyChangeTimer = c.u64n(); });
on(IFLA_BR_GC_TIMER, (i, c) => { i.gcTimer = c.u64n(); });
on(IFLA_BR_GROUP_ADDR, (i, c) => { i.groupAddr = formatMac(c.buf, c.start, c.length); });
on(IFLA_BR_MCAST_ROUTER, (i, c) => { i.mcastRouter = c.u8(); });
on(IFLA_BR_MCAST_SNOOPING, (i, c) => { i.mcastSnooping = c.u8(); });
on(IFLA_BR_MCAST_QUERY_USE_IFADDR, (i, c) => { i.mcastQueryUseIfaddr = c.u8(); });
on(IFLA_BR_MCAST_QUERIER, (i, c) => { i.mcastQuerier = c.u8(); });
on(IFLA_BR_MCAST_HASH_ELASTICITY, (i, c) => { i.mcastHashElasticity = c.u32(); });
on(IFLA_BR_MCAST_HASH_MAX, (i, c) => { i.mcastHashMax = c.u32(); });
on(IFLA_BR_MCAST_LAST_MEMBER_CNT, (i, c) => { i.mcastLastMemberCnt = c.u32(); });
on(IFLA_BR_MCAST_STARTUP_QUERY_CNT, (i, c) => { i.mcastStartupQueryCnt = c.u32(); });
on(IFLA_BR_MCAST_LAST_MEMBER_INTVL, (i, c) => { i.mcastLastMemberIntvl = c.u64n(); });
on(IFLA_BR_MCAST_MEMBERSHIP_INTVL, (i, c) => { i.mcastMembershipIntvl = c.u64n(); });
on(IFLA_BR_MCAST_QUERIER_INTVL, (i, c) => { i.mcastQuerierIntvl = c.u64n(); });
on(IFLA_BR_MCAST_QUERY_INTVL, (i, c) => { i.mcastQueryIntvl = c.u64n(); });
on(IFLA_BR_MCAST_QUERY_RESPONSE_INTVL, (i, c) => { i.mcastQueryResponseIntvl = c.u64n(); });
on(IFLA_BR_MCAST_STARTUP_QUERY_INTVL, (i, c) => { i.mcastStartupQueryIntvl = c.u64n(); });
on(IFLA_BR_NF_CALL_IPTABLES, (i, c) => { i.nfCallIptables = c.u8(); });
on(IFLA_BR_NF_CALL_IP6TABLES, (i, c) => { i.nfCallIp6tables = c.u8(); });
on(IFLA_BR_NF_CALL_ARPTABLES, (i, c) => { i.nfCallArptables = c.u8(); });
on(IFLA_BR_VLAN_DEFAULT_PVID, (i, c) => { i.vlanDefaultPvid = c.u16(); });
on(IFLA_BR_VLAN_STATS_ENABLED, (i, c) => { i.vlanStatsEnabled = c.u8(); });
on(IFLA_BR_MCAST_STATS_ENABLED, (i, c) => { i.mcastStatsEnabled = c.u8(); });
on(IFLA_BR_MCAST_IGMP_VERSION, (i, c) => { i.mcastIgmpVersion = c.u8(); });
on(IFLA_BR_MCAST_MLD_VERSION, (i, c) => { i.mcastMldVersion = c.u8(); });
on(IFLA_BR_VLAN_STATS_PER_PORT, (i, c) => { i.vlanStatsPerPort = c.u8(); });
on(IFLA_BR_MULTI_BOOLOPT, (i, c) => {
  // struct br_boolopt_multi: optval, optmask.
  c.need(8);
  i.multiBoolopt = { optval: u32le(c.buf, c.start), optmask: u32le(c.buf, c.start + 4) };
});
on(IFLA_BR_MCAST_QUERIER_STATE, (i, c) => { i.mcastQuerierState = c.view(); });

export const bridge: LinkKind<BridgeSpec, BridgeInfo> = {
  kind: 'bridge',
  creatable: true,
  specKeys: [...SETTABLE.map((entry) => entry[2]), 'vlanProtocol', 'groupAddress', ...BOOLOPTS.map((entry) => entry[0])],
  dataAttributeNames: attributeNames(ifLink, 'IFLA_BR_', ifLink.IFLA_BR_MAX),

  validate(spec) {
    for (const [, width, key] of SETTABLE) {
      const value = spec[key];
      if (value === undefined || BOOLEAN_OPTIONS.has(key)) continue;
      validateInteger(value, key, 0, MAX[width]);
    }
    for (const key of BOOLEAN_OPTIONS) if (spec[key] !== undefined) validateBoolean(spec[key], key);
    if (spec.vlanProtocol !== undefined) validateOneOf(spec.vlanProtocol, 'vlanProtocol', Object.keys(VLAN_PROTOCOLS) as BridgeVlanProtocol[]);
    if (spec.groupAddress !== undefined) validateMac(spec.groupAddress, 'groupAddress');
  },

  encodeInfoData(spec, w) {
    for (const [type, width, key] of SETTABLE) {
      const value = spec[key] as number | boolean | undefined;
      if (value !== undefined) writeWidth(w, type, width, typeof value === 'boolean' ? (value ? 1 : 0) : value);
    }
    if (spec.vlanProtocol !== undefined) w.be16(IFLA_BR_VLAN_PROTOCOL, VLAN_PROTOCOLS[spec.vlanProtocol]);
    if (spec.groupAddress !== undefined) w.mac(IFLA_BR_GROUP_ADDR, spec.groupAddress);
    let optval = 0;
    let optmask = 0;
    for (const [key, bit] of BOOLOPTS) {
      if (spec[key] === undefined) continue;
      optmask |= 1 << bit;
      if (spec[key]) optval |= 1 << bit;
    }
    if (optmask) {
      const multi = Buffer.alloc(8);
      multi.writeUInt32LE(optval, 0);
      multi.writeUInt32LE(optmask, 4);
      w.binary(IFLA_BR_MULTI_BOOLOPT, multi);
    }
  },

  decodeInfoData(c: AttributeCursor) {
    return BRIDGE_ATTRIBUTES.decode(c, new PlainBridgeInfo());
  },

  toIpJson(info) {
    const out: Record<string, unknown> = {};
    if (info) for (const print of IP_JSON) print(info, out);
    return out;
  },
};
