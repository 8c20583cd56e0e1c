import { ETH_P_8021AD, ETH_P_8021Q } from '../../../generated/if_ether.js';
import * as ifLink from '../../../generated/if_link.js';
import {
  IFLA_BR_AGEING_TIME, IFLA_BR_BRIDGE_ID, IFLA_BR_FORWARD_DELAY, IFLA_BR_GC_TIMER, IFLA_BR_GROUP_ADDR,
  IFLA_BR_GROUP_FWD_MASK, IFLA_BR_HELLO_TIME, IFLA_BR_HELLO_TIMER, IFLA_BR_MAX_AGE, IFLA_BR_MCAST_HASH_ELASTICITY,
  IFLA_BR_MCAST_HASH_MAX, IFLA_BR_MCAST_IGMP_VERSION, IFLA_BR_MCAST_LAST_MEMBER_CNT, IFLA_BR_MCAST_LAST_MEMBER_INTVL,
  IFLA_BR_MCAST_MEMBERSHIP_INTVL, IFLA_BR_MCAST_MLD_VERSION, IFLA_BR_MCAST_QUERIER, IFLA_BR_MCAST_QUERIER_INTVL,
  IFLA_BR_MCAST_QUERIER_STATE, IFLA_BR_MCAST_QUERY_INTVL, IFLA_BR_MCAST_QUERY_RESPONSE_INTVL,
  IFLA_BR_FDB_FLUSH, IFLA_BR_MCAST_QUERY_USE_IFADDR, IFLA_BR_MCAST_ROUTER, IFLA_BR_MCAST_SNOOPING, IFLA_BR_MCAST_STARTUP_QUERY_CNT,
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
import { lazyAttributeNames } from '../attribute-names.js';
import { u32le } from '../../../netlink/byte-reads.js';
import { DecoderTable } from '../decoder-table.js';
import { formatMac } from '../../../netlink/addresses.js';
import type { LinkCommonSpec } from '../types.js';
import { U16_MAX, U32_MAX, U8_MAX, validateBoolean, validateMac, validateOneOf } from '../validate.js';
import { clockTimer, decodeBridgeId, formatBridgeId, type BridgeId } from './format.js';
import type { KindData, LinkKind } from './kind.js';
import { once } from '../../constant-names.js';

/** The IFLA_INFO_DATA members' names, for error messages; built on first use. */
const dataAttributeNames = lazyAttributeNames(ifLink, 'IFLA_BR_', ifLink.IFLA_BR_MAX);

// linux/if_ether.h is not among the generated headers: the two VLAN ethertypes a bridge speaks.
/** The VLAN ethertypes a bridge can filter on, by the name `ip link ... vlan_protocol` takes: 802.1Q (0x8100) and 802.1ad / QinQ (0x88a8). */
export const VLAN_PROTOCOLS = {
  /** IEEE 802.1Q customer VLAN tag, ethertype 0x8100. */
  '802.1Q': ETH_P_8021Q,
  /** IEEE 802.1ad service VLAN tag (QinQ outer tag), ethertype 0x88a8. */
  '802.1ad': ETH_P_8021AD,
} as const;
/** `vlan_protocol`: the ethertype of the VLAN tags a VLAN-filtering bridge uses, 802.1Q (default) or 802.1ad. */
export type BridgeVlanProtocol = keyof typeof VLAN_PROTOCOLS;

/**
 * `ip link add NAME type bridge [OPTIONS]`. Times are in hundredths of a
 * second (clock_t), exactly as `ip link` takes them: forwardDelay 1500 is 15 s.
 */
export interface BridgeSpec extends LinkCommonSpec {
  /** Selects the bridge kind (IFLA_INFO_KIND "bridge"). */
  type: 'bridge';
  /** Spanning tree on/off (stp_state). */
  stp?: boolean;
  /** IFLA_BR_FDB_FLUSH (`fdb_flush`): true empties the bridge's FDB of its learned (non-static) entries; an action, not a setting. */
  fdbFlush?: boolean;
  /** IFLA_BR_FORWARD_DELAY: STP listening/learning time (`forward_delay`), default 1500 (15 s). */
  forwardDelay?: number;
  /** IFLA_BR_HELLO_TIME: interval between STP hello BPDUs (`hello_time`), default 200 (2 s). */
  helloTime?: number;
  /** IFLA_BR_MAX_AGE: how long received STP information stays valid (`max_age`), default 2000 (20 s). */
  maxAge?: number;
  /** IFLA_BR_AGEING_TIME: lifetime of learned fdb entries (`ageing_time`), default 30000 (300 s). */
  ageingTime?: number;
  /** Bridge priority, 0..65535. */
  priority?: number;
  /** IFLA_BR_VLAN_FILTERING: forward by per-port VLAN membership (`vlan_filtering 1`); off by default. */
  vlanFiltering?: boolean;
  /** IFLA_BR_VLAN_PROTOCOL: the VLAN tag ethertype to filter on (`vlan_protocol`), default 802.1Q. */
  vlanProtocol?: BridgeVlanProtocol;
  /** IFLA_BR_VLAN_DEFAULT_PVID: the PVID new ports get (`vlan_default_pvid`), default 1; 0 gives none. */
  vlanDefaultPvid?: number;
  /** IFLA_BR_VLAN_STATS_ENABLED: keep per-VLAN counters (`vlan_stats_enabled`). */
  vlanStatsEnabled?: boolean;
  /** IFLA_BR_GROUP_FWD_MASK: bits of the 01:80:c2:00:00:0X link-local groups to forward instead of consume (`group_fwd_mask`); STP, pause and LACP bits are refused. */
  groupFwdMask?: number;
  /** IFLA_BR_GROUP_ADDR: STP group MAC address (`group_address`), 01:80:c2:00:00:0X; default 01:80:c2:00:00:00. */
  groupAddress?: string;
  /** IFLA_BR_MCAST_SNOOPING: IGMP/MLD snooping (`mcast_snooping`), on by default. */
  mcastSnooping?: boolean;
  /** IFLA_BR_MCAST_QUERIER: send IGMP/MLD queries when no other querier is present (`mcast_querier`); off by default. */
  mcastQuerier?: boolean;
  /** IFLA_BR_MCAST_QUERY_USE_IFADDR: use the bridge's own IP as the query source instead of 0.0.0.0 (`mcast_query_use_ifaddr`). */
  mcastQueryUseIfaddr?: boolean;
  /** 0 disabled, 1 automatic (default), 2 permanent. */
  mcastRouter?: number;
  /** IFLA_BR_MCAST_HASH_MAX: most multicast groups in the MDB (`mcast_hash_max`), default 4096. */
  mcastHashMax?: number;
  /** IFLA_BR_MCAST_LAST_MEMBER_CNT: group-specific queries sent after a leave (`mcast_last_member_count`), default 2. */
  mcastLastMemberCount?: number;
  /** IFLA_BR_MCAST_STARTUP_QUERY_CNT: queries sent at startup (`mcast_startup_query_count`), default 2. */
  mcastStartupQueryCount?: number;
  /** IFLA_BR_MCAST_LAST_MEMBER_INTVL: interval between those group-specific queries, default 100 (1 s). */
  mcastLastMemberInterval?: number;
  /** IFLA_BR_MCAST_MEMBERSHIP_INTVL: how long a group lives without a report, default 26000 (260 s). */
  mcastMembershipInterval?: number;
  /** IFLA_BR_MCAST_QUERIER_INTVL: how long another querier counts as present after its last query, default 25500 (255 s). */
  mcastQuerierInterval?: number;
  /** IFLA_BR_MCAST_QUERY_INTVL: interval between general queries as querier, default 12500 (125 s). */
  mcastQueryInterval?: number;
  /** IFLA_BR_MCAST_QUERY_RESPONSE_INTVL: max response time put in queries, default 1000 (10 s). */
  mcastQueryResponseInterval?: number;
  /** IFLA_BR_MCAST_STARTUP_QUERY_INTVL: interval between startup queries, default 3125 (31.25 s). */
  mcastStartupQueryInterval?: number;
  /** IFLA_BR_MCAST_STATS_ENABLED: keep IGMP/MLD counters (`mcast_stats_enabled`). */
  mcastStatsEnabled?: boolean;
  /** IFLA_BR_MCAST_IGMP_VERSION: IGMP version of the bridge's queries (`mcast_igmp_version`), default 2. */
  mcastIgmpVersion?: 2 | 3;
  /** IFLA_BR_MCAST_MLD_VERSION: MLD version of the bridge's queries (`mcast_mld_version`), default 1. */
  mcastMldVersion?: 1 | 2;
  /** IFLA_BR_NF_CALL_IPTABLES: pass bridged IPv4 traffic through iptables (needs br_netfilter). */
  nfCallIptables?: boolean;
  /** IFLA_BR_NF_CALL_IP6TABLES: pass bridged IPv6 traffic through ip6tables (needs br_netfilter). */
  nfCallIp6tables?: boolean;
  /** IFLA_BR_NF_CALL_ARPTABLES: pass bridged ARP through arptables (needs br_netfilter). */
  nfCallArptables?: boolean;
  /** BR_BOOLOPT_NO_LL_LEARN: do not learn source MACs from link-local frames (`no_linklocal_learn 1`). */
  noLinklocalLearn?: boolean;
  /** BR_BOOLOPT_MCAST_VLAN_SNOOPING: per-VLAN multicast snooping (`mcast_vlan_snooping 1`); needs vlanFiltering. */
  mcastVlanSnooping?: boolean;
}

/** IFLA_BR_* as the kernel reports them; times in clock_t (centiseconds). */
export interface BridgeInfo extends KindData {
  /** IFLA_BR_FORWARD_DELAY: STP listening/learning time, centiseconds. */
  forwardDelay?: number;
  /** IFLA_BR_HELLO_TIME: interval between STP hello BPDUs, centiseconds. */
  helloTime?: number;
  /** IFLA_BR_MAX_AGE: lifetime of received STP information, centiseconds. */
  maxAge?: number;
  /** IFLA_BR_AGEING_TIME: lifetime of learned fdb entries, centiseconds. */
  ageingTime?: number;
  /** IFLA_BR_STP_STATE: 0 STP off, 1 kernel STP, 2 user-space STP. */
  stpState?: number;
  /** IFLA_BR_PRIORITY: bridge priority, 0-65535 (default 32768). */
  priority?: number;
  /** IFLA_BR_VLAN_FILTERING: 1 when VLAN filtering is on. */
  vlanFiltering?: number;
  /** Ethertype, e.g. 0x8100. */
  vlanProtocol?: number;
  /** IFLA_BR_GROUP_FWD_MASK: link-local group bits forwarded instead of consumed. */
  groupFwdMask?: number;
  /** IFLA_BR_ROOT_ID: the STP root bridge. */
  rootId?: BridgeId;
  /** IFLA_BR_BRIDGE_ID: this bridge's own STP id (priority and MAC). */
  bridgeId?: BridgeId;
  /** IFLA_BR_ROOT_PORT: port number of the root port; 0 when this bridge is the root. */
  rootPort?: number;
  /** IFLA_BR_ROOT_PATH_COST: STP path cost to the root. */
  rootPathCost?: number;
  /** IFLA_BR_TOPOLOGY_CHANGE: 1 while STP signals a topology change. */
  topologyChange?: number;
  /** IFLA_BR_TOPOLOGY_CHANGE_DETECTED: 1 when this bridge detected a topology change. */
  topologyChangeDetected?: number;
  /** IFLA_BR_HELLO_TIMER: time left until the next hello BPDU, centiseconds. */
  helloTimer?: number;
  /** IFLA_BR_TCN_TIMER: time left on the topology change notification timer, centiseconds. */
  tcnTimer?: number;
  /** IFLA_BR_TOPOLOGY_CHANGE_TIMER: time left in the topology change period, centiseconds. */
  topologyChangeTimer?: number;
  /** IFLA_BR_GC_TIMER: time left until the next fdb garbage collection, centiseconds. */
  gcTimer?: number;
  /** IFLA_BR_GROUP_ADDR: STP group MAC address. */
  groupAddr?: string;
  /** IFLA_BR_MCAST_ROUTER: 0 disabled, 1 learned from queries (default), 2 permanent. */
  mcastRouter?: number;
  /** IFLA_BR_MCAST_SNOOPING: 1 when IGMP/MLD snooping is on. */
  mcastSnooping?: number;
  /** IFLA_BR_MCAST_QUERY_USE_IFADDR: 1 when queries use the bridge's IP as source. */
  mcastQueryUseIfaddr?: number;
  /** IFLA_BR_MCAST_QUERIER: 1 when the bridge acts as querier if none is present. */
  mcastQuerier?: number;
  /** IFLA_BR_MCAST_HASH_ELASTICITY: obsolete since Linux 5.0, always reported as 16. */
  mcastHashElasticity?: number;
  /** IFLA_BR_MCAST_HASH_MAX: most multicast groups in the MDB. */
  mcastHashMax?: number;
  /** IFLA_BR_MCAST_LAST_MEMBER_CNT: group-specific queries sent after a leave. */
  mcastLastMemberCnt?: number;
  /** IFLA_BR_MCAST_STARTUP_QUERY_CNT: queries sent at startup. */
  mcastStartupQueryCnt?: number;
  /** IFLA_BR_MCAST_LAST_MEMBER_INTVL: interval between group-specific queries, centiseconds. */
  mcastLastMemberIntvl?: number;
  /** IFLA_BR_MCAST_MEMBERSHIP_INTVL: group lifetime without a report, centiseconds. */
  mcastMembershipIntvl?: number;
  /** IFLA_BR_MCAST_QUERIER_INTVL: how long another querier counts as present, centiseconds. */
  mcastQuerierIntvl?: number;
  /** IFLA_BR_MCAST_QUERY_INTVL: interval between general queries, centiseconds. */
  mcastQueryIntvl?: number;
  /** IFLA_BR_MCAST_QUERY_RESPONSE_INTVL: max response time in queries, centiseconds. */
  mcastQueryResponseIntvl?: number;
  /** IFLA_BR_MCAST_STARTUP_QUERY_INTVL: interval between startup queries, centiseconds. */
  mcastStartupQueryIntvl?: number;
  /** IFLA_BR_NF_CALL_IPTABLES: 1 when bridged IPv4 goes through iptables. */
  nfCallIptables?: number;
  /** IFLA_BR_NF_CALL_IP6TABLES: 1 when bridged IPv6 goes through ip6tables. */
  nfCallIp6tables?: number;
  /** IFLA_BR_NF_CALL_ARPTABLES: 1 when bridged ARP goes through arptables. */
  nfCallArptables?: number;
  /** IFLA_BR_VLAN_DEFAULT_PVID: the PVID new ports get; 0 for none. */
  vlanDefaultPvid?: number;
  /** IFLA_BR_VLAN_STATS_ENABLED: 1 when per-VLAN counters are kept. */
  vlanStatsEnabled?: number;
  /** IFLA_BR_MCAST_STATS_ENABLED: 1 when IGMP/MLD counters are kept. */
  mcastStatsEnabled?: number;
  /** IFLA_BR_MCAST_IGMP_VERSION: 2 or 3. */
  mcastIgmpVersion?: number;
  /** IFLA_BR_MCAST_MLD_VERSION: 1 or 2. */
  mcastMldVersion?: number;
  /** IFLA_BR_VLAN_STATS_PER_PORT: 1 when VLAN counters are kept per port. */
  vlanStatsPerPort?: number;
  /** IFLA_BR_MULTI_BOOLOPT: the BR_BOOLOPT_* switches (no_linklocal_learn, mcast_vlan_snooping, ...). */
  multiBoolopt?: {
    /** BR_BOOLOPT_* bits that are on. */
    optval: number;
    /** BR_BOOLOPT_* bits the kernel supports (and so reports in optval). */
    optmask: number;
  };
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
const ipJson = once((): readonly Printer[] => [
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
]);

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

const specKeys = once(() => [...SETTABLE.map((entry) => entry[2]), 'vlanProtocol', 'groupAddress', 'fdbFlush', ...BOOLOPTS.map((entry) => entry[0])]);

export const bridge: LinkKind<BridgeSpec, BridgeInfo> = {
  kind: 'bridge',
  creatable: true,
  get specKeys() {
    return specKeys();
  },
  get dataAttributeNames() {
    return dataAttributeNames();
  },

  validate(spec) {
    for (const [, width, key] of SETTABLE) {
      const value = spec[key];
      if (value === undefined || BOOLEAN_OPTIONS.has(key)) continue;
      validateInteger(value, key, 0, MAX[width]);
    }
    for (const key of BOOLEAN_OPTIONS) if (spec[key] !== undefined) validateBoolean(spec[key], key);
    if (spec.vlanProtocol !== undefined) validateOneOf(spec.vlanProtocol, 'vlanProtocol', Object.keys(VLAN_PROTOCOLS) as BridgeVlanProtocol[]);
    if (spec.groupAddress !== undefined) validateMac(spec.groupAddress, 'groupAddress');
    if (spec.fdbFlush !== undefined) validateBoolean(spec.fdbFlush, 'fdbFlush');
  },

  encodeInfoData(spec, w) {
    for (const [type, width, key] of SETTABLE) {
      const value = spec[key] as number | boolean | undefined;
      if (value !== undefined) writeWidth(w, type, width, typeof value === 'boolean' ? (value ? 1 : 0) : value);
    }
    if (spec.vlanProtocol !== undefined) w.be16(IFLA_BR_VLAN_PROTOCOL, VLAN_PROTOCOLS[spec.vlanProtocol]);
    if (spec.groupAddress !== undefined) w.mac(IFLA_BR_GROUP_ADDR, spec.groupAddress);
    if (spec.fdbFlush) w.flag(IFLA_BR_FDB_FLUSH);
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
    if (info) for (const print of ipJson()) print(info, out);
    return out;
  },
};
