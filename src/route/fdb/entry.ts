// A bridge forwarding database entry: an RTM_NEWNEIGH of family AF_BRIDGE,
// decoded by the neighbour decoder and named in the words of `bridge fdb`.
import {
  NTF_EXT_LEARNED, NTF_MASTER, NTF_OFFLOADED, NTF_ROUTER, NTF_SELF, NTF_STICKY, NTF_USE,
  NUD_NOARP, NUD_PERMANENT, NUD_REACHABLE, NUD_STALE,
} from '../../generated/neighbour.js';
import type { RawAttribute } from '../../netlink/attributes.js';
import type { Message } from '../../netlink/message.js';
import { decodeNeighbour, type NeighbourCacheInfo } from '../neighbours/message.js';


/** An FDB entry's state as `bridge fdb` names it: '' is a learned (reachable) entry. */
export type FdbState = 'permanent' | 'static' | 'stale' | '';

/** An ndm_flags bit as `bridge fdb` names it. */
export type FdbFlag = 'use' | 'self' | 'master' | 'extern_learn' | 'offload' | 'sticky' | 'router';

/** One bridge FDB entry (`bridge fdb show`), on a bridge, a bridge port or a vxlan device. */
export interface FdbEntry {
  /** NDA_LLADDR: the MAC address; 00:00:00:00:00:00 on a vxlan is its default (flooding) destination. */
  mac: string;
  /** ndm_ifindex: the link the entry is on (a bridge port, the bridge itself, or a vxlan). */
  ifindex: number;
  /** ndm_state, NUD_* bits. */
  state: number;
  /** `bridge fdb`'s word for the state: permanent (local), static, stale, '' for learned; undefined for other combinations. */
  stateName?: FdbState;
  /** ndm_flags, NTF_* bits. */
  flags: number;
  /** The flags by `bridge fdb`'s words, e.g. ['self'], ['master', 'sticky']. */
  flagNames: FdbFlag[];
  /** NDA_VLAN: the VLAN id (0 or absent: none). */
  vlan?: number;
  /** NDA_DST: a vxlan entry's remote VTEP. */
  dst?: string;
  /** NDA_PORT: a vxlan entry's remote UDP port. */
  port?: number;
  /** NDA_VNI: a vxlan entry's remote VNI. */
  vni?: number;
  /** NDA_SRC_VNI: the VNI the entry belongs to on a collect-metadata vxlan with VNI filtering. */
  srcVni?: number;
  /** NDA_IFINDEX: the link a vxlan entry's remote is reached through (`via`). */
  via?: number;
  /** NDA_MASTER: the bridge the entry belongs to. */
  master?: number;
  /** NDA_LINK_NETNSID: the namespace `via` lives in. */
  linkNetnsId?: number;
  /** NDA_NH_ID: a nexthop group id. */
  nhId?: number;
  /** NDA_CACHEINFO: ages of the entry, in clock ticks. */
  cacheinfo?: NeighbourCacheInfo;
  /** Attributes nlkit does not decode, kept verbatim. */
  unknown: RawAttribute[];
}

// The order `bridge fdb` prints flags in (fdb_print_flags), and `use`, which it takes but never prints.
const FLAG_NAMES: readonly (readonly [number, FdbFlag])[] = [
  [NTF_SELF, 'self'], [NTF_ROUTER, 'router'], [NTF_EXT_LEARNED, 'extern_learn'], [NTF_OFFLOADED, 'offload'],
  [NTF_MASTER, 'master'], [NTF_STICKY, 'sticky'], [NTF_USE, 'use'],
];

/** ndm_flags by `bridge fdb`'s words, in the order it prints them. */
export function fdbFlagNames(flags: number): FdbFlag[] {
  return FLAG_NAMES.filter(([bit]) => flags & bit).map(([, name]) => name);
}

/** The state word `bridge fdb` prints (state_n2a); undefined where it prints `state=0x…`. */
export function fdbStateName(state: number): FdbState | undefined {
  if (state & NUD_PERMANENT) return 'permanent';
  if (state & NUD_NOARP) return 'static';
  if (state & NUD_STALE) return 'stale';
  if (state & NUD_REACHABLE) return '';
  return undefined;
}

/**
 * Decodes an RTM_NEWNEIGH/RTM_DELNEIGH of family AF_BRIDGE. MalformedMessageError
 * for a header or attribute that does not fit.
 */
export function decodeFdbEntry(message: Message): FdbEntry {
  const n = decodeNeighbour(message);
  const entry: FdbEntry = {
    mac: n.lladdr ?? '',
    ifindex: n.ifindex,
    state: n.state,
    flags: n.flags,
    flagNames: fdbFlagNames(n.flags),
    unknown: n.unknown,
  };
  const stateName = fdbStateName(n.state);
  if (stateName !== undefined) entry.stateName = stateName;
  if (n.vlan !== undefined) entry.vlan = n.vlan;
  if (n.dst !== undefined) entry.dst = n.dst;
  if (n.port !== undefined) entry.port = n.port;
  if (n.vni !== undefined) entry.vni = n.vni;
  if (n.srcVni !== undefined) entry.srcVni = n.srcVni;
  if (n.via !== undefined) entry.via = n.via;
  if (n.master !== undefined) entry.master = n.master;
  if (n.linkNetnsId !== undefined) entry.linkNetnsId = n.linkNetnsId;
  if (n.nhId !== undefined) entry.nhId = n.nhId;
  if (n.cacheinfo !== undefined) entry.cacheinfo = n.cacheinfo;
  return entry;
}
