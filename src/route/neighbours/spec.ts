import { NTF_EXT_LEARNED, NTF_EXT_MANAGED, NTF_PROXY, NTF_ROUTER, NUD_NONE, NUD_PERMANENT } from '../../generated/neighbour.js';
import { InvalidArgumentError, requireIp } from '../../netlink/addresses.js';
import { describeValue, optionalBoolean, requireObject } from '../../netlink/checks.js';
import { addressFamily } from '../family.js';
import { parseRouteProtocol } from '../iproute2-names.js';
import { checkKeys } from '../keys.js';
import { validateLinkRef, type LinkRef } from '../resolve.js';
import type { NeighbourMessage } from './message.js';
import { parseNeighbourState, type NeighbourState } from './state.js';

/**
 * A neighbour entry in the words of `ip neigh add 10.0.0.9 lladdr 02:.. dev eth0 nud stale router`.
 * `delete` and `get` only use `dev`, `address` and `proxy`.
 */
export interface NeighbourSpec {
  /** The link the neighbour is on, by name or ifindex (`dev eth0`). */
  dev: LinkRef;
  /** The neighbour's IP address (no prefix length). */
  address: string;
  /** Its link-layer (MAC) address, e.g. '02:00:00:00:00:09'. */
  lladdr?: string;
  /** NUD state; 'permanent' when absent, as with `ip neigh add` ('none' for managed entries). */
  state?: NeighbourState;
  /** NTF_ROUTER: the neighbour is an IPv6 router. */
  router?: boolean;
  /** A proxy entry (`ip neigh add proxy ADDR dev DEV`): answer ARP/NDP for ADDR on dev. */
  proxy?: boolean;
  /** NTF_EXT_LEARNED: installed by an external control plane, exempt from garbage collection. */
  externLearn?: boolean;
  /** NTF_EXT_MANAGED: the kernel keeps the entry resolved by probing it. */
  managed?: boolean;
  /** NDA_PROTOCOL: who installs the entry ('static', 'bgp', ... or 0-255). */
  protocol?: string | number;
}

/** What a spec is prepared for: `add` (add and replace) uses every field; `delete` and `get` only dev, address and proxy. */
export type NeighbourPurpose = 'add' | 'delete' | 'get';

/** A validated spec: the link still to resolve, the message to send (ifindex filled in later), its text for errors. */
export interface PreparedNeighbour {
  /** The link as given; resolved to an ifindex when the request is sent. */
  dev: LinkRef;
  /** The checked ndmsg and attributes; `ifindex` is still 0 until `dev` is resolved. */
  message: NeighbourMessage;
  /** e.g. '10.0.0.9 dev eth0' or 'proxy 10.0.0.9 dev eth0'. */
  text: string;
}

/** Colon-separated hex bytes: Ethernet's six, or other link layers' lengths. */
const LLADDR = /^[0-9a-fA-F]{2}(:[0-9a-fA-F]{2})*$/;
const SPEC_KEYS = new Set(['dev', 'address', 'lladdr', 'state', 'router', 'proxy', 'externLearn', 'managed', 'protocol']);


/** Checks a spec completely before anything is sent; refuses what the kernel would misread or ignore. */
export function prepareNeighbour(spec: NeighbourSpec, purpose: NeighbourPurpose): PreparedNeighbour {
  requireObject(spec, 'neighbour spec', "{ dev: 'eth0', address: '10.0.0.9', lladdr: '02:00:00:00:00:09' }");
  checkKeys(spec, SPEC_KEYS, 'neighbour spec');
  if (spec.dev === undefined) throw new InvalidArgumentError('neighbour spec needs dev (the link the neighbour is on)');
  const dev = validateLinkRef(spec.dev);
  if (typeof spec.address !== 'string' || spec.address.includes('/')) {
    throw new InvalidArgumentError(`neighbour address must be an IP address without prefix length, like "10.0.0.9", got ${describeValue(spec.address)}`);
  }
  const family = requireIp(spec.address, 'neighbour address');
  const proxy = optionalBoolean(spec.proxy, 'proxy');
  const router = optionalBoolean(spec.router, 'router');
  const externLearn = optionalBoolean(spec.externLearn, 'externLearn');
  const managed = optionalBoolean(spec.managed, 'managed');
  const text = `${proxy ? 'proxy ' : ''}${spec.address} dev ${dev}`;
  const message: NeighbourMessage = {
    addressFamily: addressFamily(family),
    ifindex: 0,
    state: 0,
    flags: proxy ? NTF_PROXY : 0,
    type: 0,
    dst: spec.address,
  };
  // Every field is checked, also for a delete, which sends only what identifies the entry.
  if (spec.lladdr !== undefined && (typeof spec.lladdr !== 'string' || !LLADDR.test(spec.lladdr))) {
    throw new InvalidArgumentError(`lladdr must be a link-layer address like "02:00:00:00:00:09"; ${describeValue(spec.lladdr)} is not a MAC address`);
  }
  const state = spec.state !== undefined ? parseNeighbourState(spec.state) : undefined;
  const protocol = spec.protocol !== undefined ? parseRouteProtocol(spec.protocol) : undefined;
  if (purpose !== 'add') return { dev, message, text };

  if (proxy && spec.lladdr !== undefined) throw new InvalidArgumentError(`proxy entry ${spec.address} cannot have an lladdr: the kernel answers with the link's own address`);
  if (proxy && spec.state !== undefined) throw new InvalidArgumentError(`proxy entry ${spec.address} has no NUD state; leave state out`);
  if (spec.lladdr !== undefined) message.lladdr = spec.lladdr.toLowerCase();
  message.state = state ?? (managed ? NUD_NONE : NUD_PERMANENT);
  if (router) message.flags |= NTF_ROUTER;
  if (externLearn) message.flags |= NTF_EXT_LEARNED;
  if (protocol !== undefined) message.protocol = protocol;
  if (managed) message.flagsExt = NTF_EXT_MANAGED;
  return { dev, message, text };
}
