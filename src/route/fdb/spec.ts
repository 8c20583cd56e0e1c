// An FDB entry in the words of `bridge fdb add|append|replace|del`, checked
// completely and turned into the ndmsg bridge sends (fdb_modify, iproute2 6.1).
import {
  NTF_EXT_LEARNED, NTF_MASTER, NTF_ROUTER, NTF_SELF, NTF_STICKY, NTF_USE, NUD_NOARP, NUD_PERMANENT, NUD_REACHABLE,
} from '../../generated/neighbour.js';
import { InvalidArgumentError, requireIp } from '../../netlink/addresses.js';
import { jsonOf, requireBoolean, requireInteger, requireObject, requireOneOf } from '../../netlink/checks.js';
import { checkKeys } from '../keys.js';
import type { NeighbourMessage } from '../neighbours/message.js';
import { describeLinkRef, validateLinkRef, type LinkRef } from '../resolve.js';
import { validateMac } from '../links/validate.js';
import { AF_BRIDGE } from '../../sys/constants.js';

/** The state of a new entry, as `bridge fdb add` takes it. */
export type FdbSpecState = 'permanent' | 'static' | 'dynamic';

/**
 * `bridge fdb add 02:00:00:00:00:01 dev vh1 master static`, or a vxlan
 * remote: `bridge fdb append 00:00:00:00:00:00 dev vx0 dst 10.0.0.2 vni 42`.
 */
export interface FdbSpec {
  /** The link the entry is on: a bridge port, the bridge itself, or a vxlan (`dev`). */
  dev: LinkRef;
  /** The MAC address (`ADDR`); all zeros on a vxlan is its default destination. */
  mac: string;
  /** NTF_MASTER (`master`): the entry goes into the FDB of the bridge `dev` is a port of. */
  master?: boolean;
  /** NTF_SELF (`self`): the entry goes into `dev`'s own FDB (a vxlan's, a NIC's); the default when neither is given, as with bridge. */
  self?: boolean;
  /**
   * `permanent` (the default: a local address, never aged out and not forwarded),
   * `static` (forwarded, never aged out) or `dynamic` (ages out like a learned one).
   */
  state?: FdbSpecState;
  /** NDA_VLAN (`vlan`), 1–4094 (the bridge needs VLAN filtering for it). */
  vlan?: number;
  /** NDA_DST (`dst`): a vxlan remote VTEP, IPv4 or IPv6. */
  dst?: string;
  /** NDA_PORT (`port`): the vxlan remote's UDP port, 1–65535. */
  port?: number;
  /** NDA_VNI (`vni`): the vxlan remote's VNI, 0–16777215. */
  vni?: number;
  /** NDA_SRC_VNI (`src_vni`): the VNI the entry belongs to (collect-metadata vxlan with VNI filtering). */
  srcVni?: number;
  /** NDA_IFINDEX (`via`): the link the vxlan remote is reached through. */
  via?: LinkRef;
  /** NTF_ROUTER (`router`): the remote is a router (vxlan proxy answers with the router flag). */
  router?: boolean;
  /** NTF_USE (`use`): mark the entry as used (refreshes a dynamic one). */
  use?: boolean;
  /** NTF_EXT_LEARNED (`extern_learn`): learned by an external control plane, never aged out by the bridge. */
  externLearn?: boolean;
  /** NTF_STICKY (`sticky`): the entry never moves to another port (static or permanent entries only). */
  sticky?: boolean;
}

/** A checked spec: the links still to resolve, the message (ifindex and via filled in when sent), its text for errors. */
export interface PreparedFdb {
  /** The link the entry is on, as given; resolved to ndm_ifindex when sent. */
  dev: LinkRef;
  /** The `via` link, as given; resolved to NDA_IFINDEX when sent. */
  via?: LinkRef;
  /** The ndmsg and attributes, ifindex still 0. */
  message: NeighbourMessage;
  /** e.g. '02:00:00:00:00:01 dev vh1', for error messages. */
  text: string;
}

const SPEC_KEYS = new Set(['dev', 'mac', 'master', 'self', 'state', 'vlan', 'dst', 'port', 'vni', 'srcVni', 'via', 'router', 'use', 'externLearn', 'sticky']);
const STATES: readonly FdbSpecState[] = ['permanent', 'static', 'dynamic'];
const VNI_MAX = 0xffffff;
const FLAGS: readonly (readonly ['master' | 'self' | 'router' | 'use' | 'externLearn' | 'sticky', number])[] = [
  ['self', NTF_SELF], ['master', NTF_MASTER], ['router', NTF_ROUTER], ['use', NTF_USE], ['externLearn', NTF_EXT_LEARNED], ['sticky', NTF_STICKY],
];

/** ndm_state as bridge computes it: NUD_NOARP, plus PERMANENT, or REACHABLE for static, or REACHABLE alone for dynamic. */
function stateBits(state: FdbSpecState | undefined): number {
  if (state === 'static') return NUD_NOARP | NUD_REACHABLE;
  if (state === 'dynamic') return NUD_REACHABLE;
  return NUD_NOARP | NUD_PERMANENT;
}

/** Checks an FDB spec before anything is sent, and builds the request bridge would send for it. */
export function prepareFdb(spec: FdbSpec): PreparedFdb {
  requireObject(spec, 'fdb spec', "{ dev: 'vh1', mac: '02:00:00:00:00:01', master: true }");
  checkKeys(spec, SPEC_KEYS, 'fdb spec');
  if (spec.dev === undefined) throw new InvalidArgumentError('fdb spec needs dev (the bridge port, bridge or vxlan the entry is on)');
  const dev = validateLinkRef(spec.dev, 'dev');
  const mac = validateMac(spec.mac, 'mac').toLowerCase();
  let flags = 0;
  for (const [key, bit] of FLAGS) if (spec[key] !== undefined && requireBoolean(spec[key], key)) flags |= bit;
  // bridge's default: the device's own table.
  if (!(flags & (NTF_SELF | NTF_MASTER))) flags |= NTF_SELF;
  const state = spec.state === undefined ? undefined : requireOneOf(spec.state, 'state', STATES);
  const message: NeighbourMessage = { addressFamily: AF_BRIDGE, ifindex: 0, state: stateBits(state), flags, type: 0, lladdr: mac };
  if (spec.dst !== undefined) {
    if (typeof spec.dst !== 'string') throw new InvalidArgumentError(`dst must be an IP address, got ${jsonOf(spec.dst)}`);
    requireIp(spec.dst, 'dst');
    message.dst = spec.dst;
  }
  if (spec.vlan !== undefined) message.vlan = requireInteger(spec.vlan, 'vlan', 1, 4094);
  if (spec.port !== undefined) message.port = requireInteger(spec.port, 'port', 1, 0xffff);
  if (spec.vni !== undefined) message.vni = requireInteger(spec.vni, 'vni', 0, VNI_MAX);
  if (spec.srcVni !== undefined) message.srcVni = requireInteger(spec.srcVni, 'srcVni', 0, VNI_MAX);
  const via = spec.via === undefined ? undefined : validateLinkRef(spec.via, 'via');
  const text = `${mac} dev ${describeLinkRef(dev)}${message.vlan ? ` vlan ${message.vlan}` : ''}${message.dst ? ` dst ${message.dst}` : ''}`;
  return via === undefined ? { dev, message, text } : { dev, via, message, text };
}
