// What legitimately moves between two reads of a namespace nobody touches,
// and the masks that let a kernel test compare everything else exactly.
//
// A test that reads a namespace with nlkit and again with `ip`/`nft` sees two
// moments. Running timers, countdowns, ages and counters differ between those
// moments on their own, by any amount on a loaded machine (a bridge's gc_timer
// even wraps from 0.01 to 300). They are masked, never retried and never
// compared within a tolerance: a mask cannot fail on noise. Everything else,
// including the presence and position of a masked key, is compared exactly.
//
// A mask replaces a value only when it has the type and range the field can
// hold, so a decoder that prints a string, NaN or a negative timer still fails
// the comparison. What the masked values are is checked elsewhere against
// captured kernel bytes (test/route/**/fixtures, fixtures/route/**), where
// nothing moves, and by the tests that set a lifetime or an expiry and check
// its range.
//
// Not masked because they move only when something happens (a real state
// change, which a comparison must see): operstate, carrier and its change
// counts, flags such as tentative or LOWER_UP, a bridge port's STP state,
// neighbour states and probes, nft rule counters and quotas (the kernel tests
// send no traffic through them). Where such a change can land between two
// reads (DAD finishing, linkwatch applying a carrier change), read with
// readTogether (test/helpers/read-together.ts).
import type { Link } from '../../src/route/links/index.js';
import { IFLA_INET6_CACHEINFO, IFLA_INET6_ICMP6STATS, IFLA_INET6_STATS, IFLA_STATS } from '../../src/generated/if_link.js';
import { AF_INET6 } from '../../src/sys/constants.js';

/** What a masked value reads as, by why it moves. */
export const MASKED = {
  timer: '<running timer>',
  countdown: '<countdown>',
  age: '<age>',
  counter: '<counter>',
} as const;

type Mask = (value: unknown) => unknown;

const FOREVER = 0xffffffff;
const isTime = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v) && v >= 0;
const isCount = (v: unknown): v is number => Number.isSafeInteger(v) && (v as number) >= 0;

/** Time left on a running kernel timer (seconds in ip's JSON, centiseconds in nlkit's objects). */
const timer: Mask = (v) => (isTime(v) ? MASKED.timer : v);
/** A finite lifetime or expiry in seconds; "forever" (0xffffffff) does not move and stays compared. */
const countdown: Mask = (v) => (isCount(v) && v !== FOREVER ? MASKED.countdown : v);
/** Seconds since something happened. */
const age: Mask = (v) => (isCount(v) ? MASKED.age : v);
/** A counter, or a tree of them (every number in it). */
const counters: Mask = (v) => {
  if (isCount(v)) return MASKED.counter;
  if (v && typeof v === 'object' && !Array.isArray(v)) {
    return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, counters(x)]));
  }
  return v;
};

/**
 * The volatile keys, per object kind, with the reason each one moves. Keys are
 * as `ip -j`/`nft -j` print them (nlkit's *ToIpJson renderers print the same),
 * except `linkObject`, which is nlkit's decoded Link.
 */
export const VOLATILE = {
  /** `ip -d link show` of a bridge: linkinfo.info_data (IFLA_BR_*_TIMER, the time left on each bridge timer). */
  bridge: {
    /** STP hello, re-armed every hello_time while STP runs. */
    hello_timer: timer,
    /** Topology change notification, runs while a TCN is being sent. */
    tcn_timer: timer,
    /** Runs for the length of a topology change. */
    topology_change_timer: timer,
    /** FDB garbage collection, re-armed every interval while the bridge is up (counts to 0 and starts again at 300). */
    gc_timer: timer,
  },
  /** `ip -d link show` of a bridge port: linkinfo.info_slave_data (IFLA_BRPORT_*_TIMER). */
  bridgePort: {
    /** Age of the last STP configuration message received. */
    message_age_timer: timer,
    /** Listening/learning delay; runs after the port comes up, with and without STP. */
    forward_delay_timer: timer,
    /** Rate limit between two configuration BPDUs. */
    hold_timer: timer,
  },
  /** `ip -s link show`: interface statistics count every packet (IPv6 on an up link sends some on its own). */
  linkStats: {
    stats: counters,
    stats64: counters,
  },
  /** `ip addr show`, each addr_info entry (IFA_CACHEINFO): lifetimes tick down once a second unless forever. */
  address: {
    valid_life_time: countdown,
    preferred_life_time: countdown,
  },
  /** `ip route show`/`get` (RTA_CACHEINFO): seconds until a route with an expiry goes away. */
  route: {
    expires: countdown,
  },
  /** `ip -s neigh show` (NDA_CACHEINFO): ages since the entry was used, confirmed and updated, and the references packets hold. */
  neighbour: {
    used: age,
    confirmed: age,
    updated: age,
    refcnt: counters,
  },
  /** `nft -j list`: an element of a set with timeouts (NFTA_SET_ELEM_EXPIRATION) counts down to its removal. */
  nftElement: {
    expires: countdown,
  },
  /** nlkit's Link: the same timers and statistics as decoded fields and attributes. */
  linkObject: {
    /** BridgeInfo: helloTimer, tcnTimer, topologyChangeTimer, gcTimer (centiseconds). */
    bridgeInfo: { helloTimer: timer, tcnTimer: timer, topologyChangeTimer: timer, gcTimer: timer },
    /** BridgePortInfo: messageAgeTimer, forwardDelayTimer, holdTimer (centiseconds). */
    bridgePortInfo: { messageAgeTimer: timer, forwardDelayTimer: timer, holdTimer: timer },
    /** IFLA_STATS64 decoded. */
    stats64: counters,
    /** Attributes kept raw whose bytes are counters: IFLA_STATS (struct rtnl_link_stats). */
    rawCounterAttributes: [IFLA_STATS],
    /**
     * Inside IFLA_AF_SPEC's AF_INET6 nest: IFLA_INET6_STATS and IFLA_INET6_ICMP6STATS are
     * counters; IFLA_INET6_CACHEINFO's reachable_time (bytes 8-11) is re-randomised by
     * the neighbour table's periodic work. The flags, configuration, token and
     * address generation mode around them stay compared.
     */
    inet6Counters: [IFLA_INET6_STATS, IFLA_INET6_ICMP6STATS],
    inet6ReachableTime: { attribute: IFLA_INET6_CACHEINFO, offset: 8, length: 4 },
  },
} as const;

type Json = Record<string, any>;

function maskKeys(object: Json | undefined, masks: Record<string, Mask>): void {
  if (!object || typeof object !== 'object') return;
  for (const key of Object.keys(object)) {
    const mask = masks[key];
    if (mask) object[key] = mask(object[key]);
  }
}

function maskLinkEntry(entry: Json): void {
  const info = entry.linkinfo as Json | undefined;
  if (info?.info_kind === 'bridge') maskKeys(info.info_data, VOLATILE.bridge);
  if (info?.info_slave_kind === 'bridge') maskKeys(info.info_slave_data, VOLATILE.bridgePort);
  maskKeys(entry, VOLATILE.linkStats);
}

function eachEntry<T>(value: T, mask: (entry: Json) => void): T {
  const copy = structuredClone(value) as unknown;
  for (const entry of Array.isArray(copy) ? copy : [copy]) if (entry && typeof entry === 'object') mask(entry as Json);
  return copy as T;
}

/** `ip -j [-d] [-s] link show` output (a list or one entry), or linkToIpJson's, masked. */
export function maskLinkJson<T>(value: T): T {
  return eachEntry(value, maskLinkEntry);
}

/** `ip -j [-d] addr show` output, or addressesToIpJson's, masked: each link's part and each of its addresses. */
export function maskAddressJson<T>(value: T): T {
  return eachEntry(value, (entry) => {
    maskLinkEntry(entry);
    for (const a of (entry.addr_info as Json[] | undefined) ?? []) maskKeys(a, VOLATILE.address);
  });
}

/** `ip -j [-d] route show|get` output, or routeToIpJson's, masked. */
export function maskRouteJson<T>(value: T): T {
  return eachEntry(value, (entry) => maskKeys(entry, VOLATILE.route));
}

/** `ip -j [-d] [-s] neigh show` output, or neighboursToIpJson's, masked. */
export function maskNeighbourJson<T>(value: T): T {
  return eachEntry(value, (entry) => maskKeys(entry, VOLATILE.neighbour));
}

/** `nft -j list ...` objects, masked: the expiry of each set or map element. */
export function maskNftJson<T>(value: T): T {
  return eachEntry(value, (entry) => {
    const set = (entry.set ?? entry.map) as Json | undefined;
    for (const item of (set?.elem as unknown[] | undefined) ?? []) {
      // An element with a timeout prints as { elem: { val, timeout, expires } } (a map's as the key of a [key, data] pair); a bare value has none.
      const element = Array.isArray(item) ? item[0] : item;
      if (element && typeof element === 'object' && 'elem' in element) maskKeys((element as Json).elem, VOLATILE.nftElement);
    }
  });
}

/** `nft list ...` text, masked: " expires 59m59s984ms" on set elements. */
export function maskNftText(text: string): string {
  return text.replace(/ expires (?:\d+d)?(?:\d+h)?(?:\d+m(?!s))?(?:\d+s)?(?:\d+ms)?(?=[,\s}])/g, ` expires ${MASKED.countdown}`);
}

/** Walks the attributes in `buf` and calls `visit` with each one's type (NLA_F_* bits cleared) and payload bounds. */
function eachAttribute(buf: Buffer, visit: (type: number, start: number, end: number) => void): void {
  let at = 0;
  while (at + 4 <= buf.length) {
    const len = buf.readUInt16LE(at);
    if (len < 4 || at + len > buf.length) return;
    visit(buf.readUInt16LE(at + 2) & 0x3fff, at + 4, at + len);
    at += (len + 3) & ~3;
  }
}

/** A copy of IFLA_AF_SPEC's payload with the IPv6 counters and reachable_time zeroed. */
function maskAfSpec(afSpec: Buffer): Buffer {
  const copy = Buffer.from(afSpec);
  const { inet6Counters, inet6ReachableTime: rt } = VOLATILE.linkObject;
  eachAttribute(copy, (family, start, end) => {
    if (family !== AF_INET6) return;
    eachAttribute(copy.subarray(start, end), (type, s, e) => {
      if ((inet6Counters as readonly number[]).includes(type)) copy.fill(0, start + s, start + e);
      else if (type === rt.attribute && e - s >= rt.offset + rt.length) copy.fill(0, start + s + rt.offset, start + s + rt.offset + rt.length);
    });
  });
  return copy;
}

/**
 * nlkit's Link with its volatile parts masked, as a plain object (the same for
 * both sides of a comparison): statistics, bridge and port timers, counters in
 * raw attributes. Every other field, raw attributes' bytes included, is kept.
 */
export function maskLink(link: Link): Json {
  const out: Json = { ...link };
  const { bridgeInfo, bridgePortInfo, stats64, rawCounterAttributes } = VOLATILE.linkObject;
  if (link.kind === 'bridge' && link.info) maskKeys((out.info = { ...link.info }), bridgeInfo);
  if (link.slaveKind === 'bridge' && link.slaveInfo) maskKeys((out.slaveInfo = { ...link.slaveInfo }), bridgePortInfo);
  if (link.stats64) out.stats64 = stats64(link.stats64);
  if (link.afSpec) out.afSpec = maskAfSpec(link.afSpec);
  out.unknown = link.unknown.map((a) => ((rawCounterAttributes as readonly number[]).includes(a.type) && !a.nested ? { ...a, data: Buffer.alloc(a.data.length) } : a));
  return out;
}
