import { NEXTHOP_GRP_TYPE_MPATH, NEXTHOP_GRP_TYPE_RES } from '../../generated/nexthop.js';
import { RTNH_F_ONLINK } from '../../generated/rtnetlink.js';
import { InvalidArgumentError, requireIp, type IpFamily } from '../../netlink/addresses.js';
import { describeValue, optionalBoolean, requireObject } from '../../netlink/checks.js';
import { addressFamily, validateFamily } from '../family.js';
import { parseRouteProtocol, type RouteProtocolName } from '../iproute2-names.js';
import { checkKeys } from '../keys.js';
import { validateInteger } from '../names.js';
import { describeLinkRef, validateLinkRef, type LinkRef } from '../resolve.js';
import type { NexthopGroupMember, NexthopMessage, ResilientGroupParameters } from './message.js';

/** A group member: its id alone (weight 1) or with a weight. */
export type NexthopGroupMemberSpec = number | {
  /** Id of the member nexthop. */
  id: number;
  /** 1-256, default 1: the member's share of the group's traffic relative to the others. */
  weight?: number;
};

/**
 * What `rt.nexthop.add` / `replace` create, in the words of `ip nexthop add`:
 * a single nexthop (`via` and/or `dev`), a `blackhole`, or a `group` of other
 * nexthops; `fdb` marks either kind as one for VXLAN bridge fdb entries.
 */
export interface NexthopSpec {
  /**
   * The nexthop's id, 1-4294967295; routes name it with `nhid`. `add` without
   * one lets the kernel pick (the next free id after the last it picked) and
   * returns it; `replace` needs one (there is nothing to change without it).
   */
  id?: number;
  /** Address family of a single nexthop; taken from `via` when absent, else IPv4. Groups have none. */
  family?: IpFamily;
  /** Gateway address (`via`). */
  via?: string;
  /** The device the nexthop leaves through (`dev`), by name or ifindex. */
  dev?: LinkRef;
  /** Trust the gateway to be on the link even without a matching route (`onlink`, RTNH_F_ONLINK). */
  onlink?: boolean;
  /** Drop packets (`blackhole`); excludes via, dev and group. */
  blackhole?: boolean;
  /** A nexthop for the fdb of VXLAN devices (`fdb`), not usable by routes. */
  fdb?: boolean;
  /** Members of a group (`group 1,2/3`): ids or `{ id, weight }` with weight 1-256; excludes via, dev and blackhole. */
  group?: readonly NexthopGroupMemberSpec[];
  /** Group type: 'mpath' (hash-threshold, default) or 'resilient'. */
  type?: 'mpath' | 'resilient';
  /** Resilient groups: number of buckets (1-65535; the kernel's default is 128). */
  buckets?: number;
  /** Resilient groups: seconds a bucket must be idle before it may move (the kernel's default is 120). */
  idleTimer?: number;
  /** Resilient groups: seconds the group may stay unbalanced before busy buckets move too (default 0, never). */
  unbalancedTimer?: number;
  /** Who installs the nexthop ('static', 'bgp', ... or 0-255); `ip` leaves it unspec. */
  protocol?: RouteProtocolName | number;
}

/** A validated spec: the message to send (dev still a reference), and its text for errors. */
export interface PreparedNexthop {
  /** The checked nhmsg and attributes; `oif` is filled in from `dev` when sent. */
  message: NexthopMessage;
  /** `spec.dev`, to resolve to an ifindex in the namespace the nexthop goes into. */
  dev: LinkRef | undefined;
  /** e.g. 'id 1 via 10.0.0.2 dev v0' ('via 10.0.0.2 dev v0' without an id). */
  text: string;
}

const SPEC_KEYS = new Set([
  'id', 'family', 'via', 'dev', 'onlink', 'blackhole', 'fdb', 'group', 'type', 'buckets', 'idleTimer', 'unbalancedTimer', 'protocol',
]);
const U32_MAX = 0xffffffff;
/** The kernel keeps resilient timers in jiffies, at most 2^32-1 USER_HZ ticks: about 497 days. */
const TIMER_MAX_SECONDS = U32_MAX / 100;

/** Checks a nexthop id: 0 would ask the kernel to pick one, which `delete` and `get` cannot name. */
export function validateNexthopId(value: unknown, what = 'nexthop id'): number {
  return validateInteger(value, what, 1, U32_MAX);
}


function parseTimer(value: unknown, what: string): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0 || value > TIMER_MAX_SECONDS) {
    throw new InvalidArgumentError(`${what} must be a number of seconds 0-${Math.floor(TIMER_MAX_SECONDS)}, got ${describeValue(value)}`);
  }
  return value;
}

function parseGroup(value: unknown, selfId: number | undefined): NexthopGroupMember[] {
  if (!Array.isArray(value) || value.length === 0) {
    throw new InvalidArgumentError(`group must be a non-empty array of member ids or { id, weight } objects, got ${describeValue(value)}`);
  }
  const seen = new Set<number>();
  return value.map((entry: unknown, i) => {
    const what = `group[${i}]`;
    let member: NexthopGroupMember;
    if (typeof entry === 'number') {
      member = { id: validateNexthopId(entry, `${what} id`), weight: 1 };
    } else {
      const object = requireObject<{ id?: unknown; weight?: unknown }>(entry, what, '{ id: 1, weight: 2 }');
      checkKeys(object, new Set(['id', 'weight']), what);
      member = {
        id: validateNexthopId(object.id, `${what} id`),
        weight: object.weight === undefined ? 1 : validateInteger(object.weight, `${what} weight`, 1, 256),
      };
    }
    if (member.id === selfId) throw new InvalidArgumentError(`${what}: nexthop ${selfId} cannot be a member of itself`);
    if (seen.has(member.id)) throw new InvalidArgumentError(`${what}: nexthop ${member.id} is listed twice; give it a larger weight instead`);
    seen.add(member.id);
    return member;
  });
}

function memberText(m: NexthopGroupMember): string {
  return m.weight === 1 ? String(m.id) : `${m.id},${m.weight}`;
}

/** Checks a spec completely before anything is sent, refusing the combinations the kernel refuses (rtm_to_nh_config). */
export function prepareNexthop(spec: NexthopSpec): PreparedNexthop {
  requireObject(spec, 'nexthop spec', "{ id: 1, via: '10.0.0.2', dev: 'eth0' }");
  checkKeys(spec, SPEC_KEYS, 'nexthop spec');
  // Absent, not 0, asks the kernel to pick: an explicit 0 is more likely a bug than a request.
  const id = spec.id === undefined ? undefined : validateNexthopId(spec.id, 'nexthop spec id');
  const blackhole = optionalBoolean(spec.blackhole, 'blackhole');
  const fdb = optionalBoolean(spec.fdb, 'fdb');
  const onlink = optionalBoolean(spec.onlink, 'onlink');
  const words = id === undefined ? [] : [`id ${id}`];
  const m: NexthopMessage = { addressFamily: 0, scope: 0, protocol: 0, flags: 0 };
  if (id !== undefined) m.id = id;
  let dev: LinkRef | undefined;
  if (spec.protocol !== undefined) m.protocol = parseRouteProtocol(spec.protocol);
  const resilientKeys = (['buckets', 'idleTimer', 'unbalancedTimer'] as const).filter((k) => spec[k] !== undefined);

  if (spec.group !== undefined) {
    for (const key of ['via', 'dev', 'blackhole', 'onlink', 'family'] as const) {
      if (spec[key] !== undefined) throw new InvalidArgumentError(`a nexthop group takes no ${key}: its members carry the gateways and devices`);
    }
    m.group = parseGroup(spec.group, id);
    words.push(`group ${m.group.map(memberText).join('/')}`);
    const type = spec.type ?? 'mpath';
    if (type !== 'mpath' && type !== 'resilient') throw new InvalidArgumentError(`group type must be 'mpath' or 'resilient', got ${describeValue(spec.type)}`);
    if (type === 'resilient') {
      m.groupType = NEXTHOP_GRP_TYPE_RES;
      const r: ResilientGroupParameters = {};
      if (spec.buckets !== undefined) r.buckets = validateInteger(spec.buckets, 'buckets', 1, 0xffff);
      if (spec.idleTimer !== undefined) r.idleTimer = parseTimer(spec.idleTimer, 'idleTimer');
      if (spec.unbalancedTimer !== undefined) r.unbalancedTimer = parseTimer(spec.unbalancedTimer, 'unbalancedTimer');
      m.resilient = r;
      words.push('type resilient');
    } else {
      if (resilientKeys.length) throw new InvalidArgumentError(`${resilientKeys.join(', ')} only apply to a group of type 'resilient'`);
      if (spec.type !== undefined) m.groupType = NEXTHOP_GRP_TYPE_MPATH;
    }
  } else {
    for (const key of ['type', ...resilientKeys] as const) {
      if (spec[key] !== undefined) throw new InvalidArgumentError(`${key} only applies to a nexthop group (give group: [...])`);
    }
    const explicit = validateFamily(spec.family);
    let family = explicit;
    if (blackhole) {
      if (spec.via !== undefined || spec.dev !== undefined || onlink) throw new InvalidArgumentError('a blackhole nexthop takes no via, dev or onlink');
      if (fdb) throw new InvalidArgumentError('a blackhole nexthop cannot be an fdb nexthop');
      m.blackhole = true;
      words.push('blackhole');
    } else {
      if (spec.via === undefined && spec.dev === undefined) {
        throw new InvalidArgumentError('a nexthop needs via, dev (or both), blackhole: true, or a group');
      }
      if (spec.via !== undefined) {
        family = requireIp(spec.via, 'via', explicit);
        m.gateway = spec.via;
        words.push(`via ${spec.via}`);
      }
      if (spec.dev !== undefined) {
        if (fdb) throw new InvalidArgumentError('an fdb nexthop takes no dev: VXLAN picks the device');
        dev = validateLinkRef(spec.dev, 'dev');
        words.push(`dev ${describeLinkRef(dev)}`);
      } else if (!fdb) {
        throw new InvalidArgumentError(`nexthop ${words.join(' ')} needs a dev: the kernel does not look the gateway's device up for nexthop objects`);
      }
      if (onlink) m.flags |= RTNH_F_ONLINK;
    }
    // As ip: a single nexthop without an address is IPv4.
    m.addressFamily = addressFamily(family ?? 4);
  }
  if (fdb) {
    m.fdb = true;
    words.push('fdb');
  }
  return { message: m, dev, text: words.join(' ') };
}
