import { IFLA_IFNAME, IFLA_NET_NS_FD } from '../../../generated/if_link.js';
import { InvalidArgumentError } from '../../../netlink/addresses.js';
import type { NetnsRef } from '../../../netns/reference.js';
import { validateIfName } from '../../names.js';
import { writeIfinfomsg } from '../ifinfomsg.js';
import type { LinkCommonSpec } from '../types.js';
import { validateKeys, validateNetnsRef, validateObject, validateOneOf } from '../validate.js';
import type { KindData, LinkKind } from './kind.js';
import { decodePeer, type VethPeerInfo } from './veth.js';
import { once } from '../../constant-names.js';

// IFLA_NETKIT_* and the netkit enums of <linux/if_link.h> (Linux 6.7+; the
// headers nlkit generates its constants from predate them).
const IFLA_NETKIT_PEER_INFO = 1;
const IFLA_NETKIT_PRIMARY = 2;
const IFLA_NETKIT_POLICY = 3;
const IFLA_NETKIT_PEER_POLICY = 4;
const IFLA_NETKIT_MODE = 5;
const IFLA_NETKIT_SCRUB = 6;
const IFLA_NETKIT_PEER_SCRUB = 7;
const IFLA_NETKIT_HEADROOM = 8;
const IFLA_NETKIT_TAILROOM = 9;
const NETKIT_NAMES = ['UNSPEC', 'PEER_INFO', 'PRIMARY', 'POLICY', 'PEER_POLICY', 'MODE', 'SCRUB', 'PEER_SCRUB', 'HEADROOM', 'TAILROOM'];

/** NETKIT_L2 / NETKIT_L3: whether the pair carries Ethernet frames or bare IP packets (the kernel's default is l3). */
export type NetkitMode = 'l2' | 'l3';
/** What a netkit device does with a packet when no BPF program decides (enum netkit_action): pass it on, or drop it. */
export type NetkitPolicy = 'forward' | 'blackhole';
/** NETKIT_SCRUB_*: whether skb mark and priority are cleared when a packet crosses namespaces (`default`) or kept (`none`). */
export type NetkitScrub = 'none' | 'default';

const MODES: readonly NetkitMode[] = ['l2', 'l3'];
// NETKIT_PASS and NETKIT_DROP.
const POLICIES: Record<NetkitPolicy, number> = { forward: 0, blackhole: 2 };
const POLICY_NAMES = Object.keys(POLICIES) as NetkitPolicy[];
const SCRUBS: readonly NetkitScrub[] = ['none', 'default'];
const PEER_KEYS = ['name', 'netns'];

/** The other end of a netkit pair. */
export interface NetkitPeerSpec {
  /** The peer's interface name; the kernel picks `nk%d` when no peer is given. */
  name: string;
  /** Create the peer directly inside this namespace. */
  netns?: NetnsRef;
}

/**
 * `ip link add NAME type netkit [mode l2|l3] [forward|blackhole] [scrub none|default]
 * peer [forward|blackhole] [scrub …] name PEER` (iproute2 6.7+). Encoded from
 * the uapi header only: iproute2 6.1 here does not know netkit and this kernel
 * lacks it, so neither ip's request nor the kernel checked it.
 */
export interface NetkitSpec extends LinkCommonSpec {
  /** Selects the netkit kind (IFLA_INFO_KIND "netkit"). */
  type: 'netkit';
  /** IFLA_NETKIT_MODE; the kernel defaults to l3. */
  mode?: NetkitMode;
  /** IFLA_NETKIT_POLICY: this end's default action; the kernel defaults to forward. */
  policy?: NetkitPolicy;
  /** IFLA_NETKIT_PEER_POLICY: the peer's default action. */
  peerPolicy?: NetkitPolicy;
  /** IFLA_NETKIT_SCRUB (Linux 6.11+). */
  scrub?: NetkitScrub;
  /** IFLA_NETKIT_PEER_SCRUB (Linux 6.11+). */
  peerScrub?: NetkitScrub;
  /** IFLA_NETKIT_PEER_INFO: the peer's name and namespace. */
  peer?: NetkitPeerSpec;
}

/** IFLA_INFO_DATA of a netkit (a value nlkit does not know stays a number). */
export interface NetkitInfo extends KindData {
  /** IFLA_NETKIT_PEER_INFO, as found in a request (the kernel does not report it). */
  peer?: VethPeerInfo;
  /** IFLA_NETKIT_PRIMARY: this end is the primary, through which the pair is configured. */
  primary?: boolean;
  /** IFLA_NETKIT_POLICY. */
  policy?: NetkitPolicy | number;
  /** IFLA_NETKIT_PEER_POLICY. */
  peerPolicy?: NetkitPolicy | number;
  /** IFLA_NETKIT_MODE. */
  mode?: NetkitMode | number;
  /** IFLA_NETKIT_SCRUB. */
  scrub?: NetkitScrub | number;
  /** IFLA_NETKIT_PEER_SCRUB. */
  peerScrub?: NetkitScrub | number;
  /** IFLA_NETKIT_HEADROOM: bytes of headroom the pair reserves. */
  headroom?: number;
  /** IFLA_NETKIT_TAILROOM: bytes of tailroom the pair reserves. */
  tailroom?: number;
}

/** The IFLA_INFO_DATA members' names, for error messages; built on first use. */
const dataAttributeNames = once(() => NETKIT_NAMES.map((name) => `IFLA_NETKIT_${name}`));

export const netkit: LinkKind<NetkitSpec, NetkitInfo> = {
  kind: 'netkit',
  creatable: true,
  specKeys: ['mode', 'policy', 'peerPolicy', 'scrub', 'peerScrub', 'peer'],
  get dataAttributeNames() {
    return dataAttributeNames();
  },

  validate(spec) {
    if (spec.mode !== undefined) validateOneOf(spec.mode, 'mode', MODES);
    if (spec.policy !== undefined) validateOneOf(spec.policy, 'policy', POLICY_NAMES);
    if (spec.peerPolicy !== undefined) validateOneOf(spec.peerPolicy, 'peerPolicy', POLICY_NAMES);
    if (spec.scrub !== undefined) validateOneOf(spec.scrub, 'scrub', SCRUBS);
    if (spec.peerScrub !== undefined) validateOneOf(spec.peerScrub, 'peerScrub', SCRUBS);
    if (spec.peer !== undefined) {
      const peer = validateObject(spec.peer, 'peer');
      validateKeys(peer, PEER_KEYS, 'peer');
      if (peer.name === undefined) throw new InvalidArgumentError(`netkit "${spec.name}": peer needs name`);
      validateIfName(peer.name, 'peer.name');
      if (peer.netns !== undefined) validateNetnsRef(peer.netns, 'peer.netns');
    }
  },

  netnsRefs: (spec) => (spec.peer?.netns === undefined ? [] : [spec.peer.netns]),

  takenNames: (spec) => (spec.peer === undefined ? [] : [{ role: 'netkit peer', name: spec.peer.name, netns: spec.peer.netns }]),

  encodeInfoData(spec, w, ctx) {
    if (spec.peer !== undefined) {
      // Like veth's peer: an ifinfomsg followed by the peer's own attributes.
      const at = w.beginNestedLegacy(IFLA_NETKIT_PEER_INFO);
      writeIfinfomsg(w, 0, 0, 0);
      w.string(IFLA_IFNAME, spec.peer.name);
      if (spec.peer.netns !== undefined) w.u32(IFLA_NET_NS_FD, ctx.netnsFd(spec.peer.netns));
      w.endNested(at);
    }
    if (spec.policy !== undefined) w.u32(IFLA_NETKIT_POLICY, POLICIES[spec.policy]);
    if (spec.peerPolicy !== undefined) w.u32(IFLA_NETKIT_PEER_POLICY, POLICIES[spec.peerPolicy]);
    if (spec.mode !== undefined) w.u32(IFLA_NETKIT_MODE, MODES.indexOf(spec.mode));
    if (spec.scrub !== undefined) w.u32(IFLA_NETKIT_SCRUB, SCRUBS.indexOf(spec.scrub));
    if (spec.peerScrub !== undefined) w.u32(IFLA_NETKIT_PEER_SCRUB, SCRUBS.indexOf(spec.peerScrub));
  },

  decodeInfoData(c) {
    const info: NetkitInfo = { unknown: [] };
    const policy = (value: number) => POLICY_NAMES.find((name) => POLICIES[name] === value) ?? value;
    while (c.next()) {
      switch (c.type) {
        case IFLA_NETKIT_PEER_INFO: info.peer = decodePeer(c); break;
        case IFLA_NETKIT_PRIMARY: info.primary = c.u8() !== 0; break;
        case IFLA_NETKIT_POLICY: info.policy = policy(c.u32()); break;
        case IFLA_NETKIT_PEER_POLICY: info.peerPolicy = policy(c.u32()); break;
        case IFLA_NETKIT_MODE: { const v = c.u32(); info.mode = MODES[v] ?? v; break; }
        case IFLA_NETKIT_SCRUB: { const v = c.u32(); info.scrub = SCRUBS[v] ?? v; break; }
        case IFLA_NETKIT_PEER_SCRUB: { const v = c.u32(); info.peerScrub = SCRUBS[v] ?? v; break; }
        case IFLA_NETKIT_HEADROOM: info.headroom = c.u16(); break;
        case IFLA_NETKIT_TAILROOM: info.tailroom = c.u16(); break;
        default: info.unknown.push(c.rawView());
      }
    }
    return info;
  },
};
