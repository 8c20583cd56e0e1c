import * as rtnetlink from '../../generated/rtnetlink.js';
import {
  RTAX_ADVMSS, RTAX_CC_ALGO, RTAX_CWND, RTAX_FASTOPEN_NO_COOKIE, RTAX_FEATURE_ECN, RTAX_FEATURE_MASK, RTAX_FEATURES,
  RTAX_HOPLIMIT, RTAX_INITCWND, RTAX_INITRWND, RTAX_LOCK, RTAX_MTU, RTAX_QUICKACK, RTAX_REORDERING, RTAX_RTO_MIN, RTAX_RTT,
  RTAX_RTTVAR, RTAX_SSTHRESH, RTAX_WINDOW,
} from '../../generated/rtnetlink.js';
import { InvalidArgumentError } from '../../netlink/addresses.js';
import type { AttributeCursor, RawAttribute } from '../../netlink/attributes.js';
import type { MessageWriter } from '../../netlink/writer.js';
import { constantNames } from '../constant-names.js';
import { checkKeys } from '../keys.js';
import { jsonOf, textOf } from '../../netlink/checks.js';

/**
 * RTA_METRICS, in the units `ip route` uses: times in milliseconds (the kernel
 * keeps rtt ×8 and rttvar ×4), everything else as the kernel stores it.
 */
export interface RouteMetrics {
  /** RTAX_MTU: path MTU in bytes (`mtu`), 1-65520. */
  mtu?: number;
  /** RTAX_WINDOW: largest TCP window to advertise, in bytes (`window`). */
  window?: number;
  /** Milliseconds. */
  rtt?: number;
  /** Milliseconds. */
  rttvar?: number;
  /** RTAX_SSTHRESH: initial TCP slow-start threshold, in segments (`ssthresh`). */
  ssthresh?: number;
  /** RTAX_CWND: TCP congestion window clamp, in segments (`cwnd`; honoured only when locked). */
  cwnd?: number;
  /** RTAX_ADVMSS: MSS to advertise on TCP connections, in bytes (`advmss`). */
  advmss?: number;
  /** RTAX_REORDERING: expected packet reordering, for TCP (`reordering`). */
  reordering?: number;
  /** RTAX_HOPLIMIT: TTL / hop limit of outgoing packets, 1-255 (`hoplimit`). */
  hoplimit?: number;
  /** RTAX_INITCWND: initial TCP congestion window, in segments (`initcwnd`). */
  initcwnd?: number;
  /** RTAX_FEATURES bits (RTAX_FEATURE_*); `ecn` sets the ECN bit. */
  features?: number;
  /** RTAX_FEATURE_ECN: force ECN on TCP connections over the route (`features ecn`). */
  ecn?: boolean;
  /** Milliseconds. */
  rtoMin?: number;
  /** RTAX_INITRWND: initial TCP receive window to advertise, in segments (`initrwnd`). */
  initrwnd?: number;
  /** RTAX_QUICKACK: 1 disables delayed ACKs on the route (`quickack 1`). */
  quickack?: number;
  /** TCP congestion control algorithm, e.g. 'cubic'. */
  congctl?: string;
  /** RTAX_FASTOPEN_NO_COOKIE: 1 allows TCP Fast Open without a cookie on the route (`fastopen_no_cookie 1`). */
  fastopenNoCookie?: number;
  /** Metrics the kernel must not change (`ip route ... mtu lock 1400`). */
  lock?: MetricName[];
  /** RTAX_* types nlkit does not know, kept verbatim. */
  unknown?: RawAttribute[];
}

/** The name of one settable metric, as used in `lock` (`congctl` and `features` included). */
export type MetricName = Exclude<keyof RouteMetrics, 'lock' | 'unknown' | 'ecn' | 'features'> | 'features';

interface MetricDef {
  type: number;
  /** Kernel value = input × scale. */
  scale: number;
  min: number;
  max: number;
}

const U32 = 0xffffffff;

/** Ranges are what the kernel keeps without clamping (IP_MAX_MTU, 255 hops, ...). */
const METRICS: Record<Exclude<MetricName, 'congctl' | 'features'>, MetricDef> = {
  mtu: { type: RTAX_MTU, scale: 1, min: 1, max: 65520 },
  window: { type: RTAX_WINDOW, scale: 1, min: 0, max: U32 },
  rtt: { type: RTAX_RTT, scale: 8, min: 0, max: Math.floor(U32 / 8) },
  rttvar: { type: RTAX_RTTVAR, scale: 4, min: 0, max: Math.floor(U32 / 4) },
  ssthresh: { type: RTAX_SSTHRESH, scale: 1, min: 0, max: U32 },
  cwnd: { type: RTAX_CWND, scale: 1, min: 0, max: U32 },
  advmss: { type: RTAX_ADVMSS, scale: 1, min: 1, max: 65495 },
  reordering: { type: RTAX_REORDERING, scale: 1, min: 0, max: U32 },
  hoplimit: { type: RTAX_HOPLIMIT, scale: 1, min: 1, max: 255 },
  initcwnd: { type: RTAX_INITCWND, scale: 1, min: 0, max: U32 },
  rtoMin: { type: RTAX_RTO_MIN, scale: 1, min: 0, max: U32 },
  initrwnd: { type: RTAX_INITRWND, scale: 1, min: 0, max: U32 },
  quickack: { type: RTAX_QUICKACK, scale: 1, min: 0, max: 1 },
  fastopenNoCookie: { type: RTAX_FASTOPEN_NO_COOKIE, scale: 1, min: 0, max: 1 },
};

const LOCKABLE: Record<MetricName, number> = {
  ...(Object.fromEntries(Object.entries(METRICS).map(([name, def]) => [name, def.type])) as Record<keyof typeof METRICS, number>),
  congctl: RTAX_CC_ALGO,
  features: RTAX_FEATURES,
};

/** RTAX type → metric name, for decoding. */
const NAME_OF_TYPE = new Map<number, MetricName>(Object.entries(LOCKABLE).map(([name, type]) => [type, name as MetricName]));
const SCALE_OF_TYPE = new Map<number, number>(Object.values(METRICS).map((def) => [def.type, def.scale]));

const METRIC_KEYS = new Set([...Object.keys(LOCKABLE), 'ecn', 'lock']);
/** TCP_CA_NAME_MAX - 1 */
const MAX_CONGCTL = 15;

/** [RTAX type, value] pairs ready to encode, checked against the kernel's ranges. */
export type PreparedMetrics = (readonly [number, number | string])[];

/**
 * Checks a RouteMetrics object against the kernel's ranges and converts it
 * to kernel units (rtt ×8, rttvar ×4), with the RTAX_LOCK bits last.
 * @throws InvalidArgumentError for an unknown key or a value out of range.
 */
export function prepareMetrics(metrics: unknown): PreparedMetrics {
  if (typeof metrics !== 'object' || metrics === null || Array.isArray(metrics)) {
    throw new InvalidArgumentError(`metrics must be an object like { mtu: 1400 }, got ${textOf(metrics)}`);
  }
  checkKeys(metrics, METRIC_KEYS, 'metrics');
  const m = metrics as RouteMetrics;
  const out: [number, number | string][] = [];
  let lock = 0;
  if (m.lock !== undefined) {
    if (!Array.isArray(m.lock)) throw new InvalidArgumentError(`metrics.lock must be an array of metric names, e.g. ['mtu']`);
    for (const name of m.lock) {
      // Own names only: a non-string would be turned into a key, and 'toString' is no metric.
      const type = typeof name === 'string' && Object.hasOwn(LOCKABLE, name) ? LOCKABLE[name as MetricName] : undefined;
      if (type === undefined) throw new InvalidArgumentError(`metrics.lock: "${textOf(name)}" is not a metric; use ${Object.keys(LOCKABLE).join(', ')}`);
      lock |= 1 << type;
    }
  }
  for (const [name, def] of Object.entries(METRICS)) {
    const value = m[name as keyof typeof METRICS];
    if (value === undefined) continue;
    if (typeof value !== 'number' || !Number.isInteger(value) || value < def.min || value > def.max) {
      const unit = def.scale !== 1 || name === 'rtoMin' ? ' (milliseconds)' : '';
      throw new InvalidArgumentError(`metrics.${name} must be an integer from ${def.min} to ${def.max}${unit}, got ${textOf(value)}`);
    }
    out.push([def.type, value * def.scale]);
  }
  let features = 0;
  if (m.features !== undefined) {
    if (typeof m.features !== 'number' || !Number.isInteger(m.features) || m.features < 0 || (m.features & ~RTAX_FEATURE_MASK) !== 0) {
      throw new InvalidArgumentError(`metrics.features must be RTAX_FEATURE_* bits (0-${RTAX_FEATURE_MASK}), got ${textOf(m.features)}`);
    }
    features = m.features;
  }
  if (m.ecn !== undefined) {
    if (typeof m.ecn !== 'boolean') throw new InvalidArgumentError(`metrics.ecn must be true or false, got ${textOf(m.ecn)}`);
    if (m.ecn) features |= RTAX_FEATURE_ECN;
    else features &= ~RTAX_FEATURE_ECN;
  }
  if (m.features !== undefined || m.ecn !== undefined) out.push([RTAX_FEATURES, features]);
  if (m.congctl !== undefined) {
    if (typeof m.congctl !== 'string' || m.congctl === '' || Buffer.byteLength(m.congctl) > MAX_CONGCTL || !/^[\x21-\x7e]+$/.test(m.congctl)) {
      throw new InvalidArgumentError(`metrics.congctl must be a congestion control name like 'cubic' (at most ${MAX_CONGCTL} bytes), got ${jsonOf(m.congctl)}`);
    }
    out.push([RTAX_CC_ALGO, m.congctl]);
  }
  if (lock) out.push([RTAX_LOCK, lock]);
  return out;
}

/** Writes RTA_METRICS (no NLA_F_NESTED, like `ip` and the kernel's own dumps). */
export function encodeMetrics(writer: MessageWriter, type: number, metrics: PreparedMetrics): void {
  const nest = writer.beginNestedLegacy(type);
  for (const [rtax, value] of metrics) {
    if (typeof value === 'string') writer.string(rtax, value);
    else writer.u32(rtax, value);
  }
  writer.endNested(nest);
}

/**
 * Decodes the RTAX_* attributes inside RTA_METRICS back to `ip route`'s units;
 * unknown types go to `unknown`.
 * @throws MalformedMessageError for a metric shorter than its u32.
 */
export function decodeMetrics(c: AttributeCursor): RouteMetrics {
  const metrics: RouteMetrics = {};
  let lock = 0;
  while (c.next()) {
    const type = c.type;
    if (type === RTAX_LOCK) {
      lock = c.u32();
      continue;
    }
    const name = NAME_OF_TYPE.get(type);
    // Every metric but the algorithm is a u32: a shorter one is MalformedMessageError.
    if (name === undefined) {
      (metrics.unknown ??= []).push(c.raw());
    } else if (type === RTAX_CC_ALGO) {
      metrics.congctl = c.string();
    } else if (type === RTAX_FEATURES) {
      metrics.features = c.u32();
      metrics.ecn = (metrics.features & RTAX_FEATURE_ECN) !== 0;
    } else {
      metrics[name as keyof typeof METRICS] = c.u32() / (SCALE_OF_TYPE.get(type) ?? 1);
    }
  }
  if (lock) {
    metrics.lock = [];
    for (let type = 0; type < 32; type++) {
      if (!(lock & (1 << type))) continue;
      const name = NAME_OF_TYPE.get(type);
      if (name !== undefined) metrics.lock.push(name);
    }
  }
  return metrics;
}

/** Raw lock bits back from names (for printing as `ip` does). */
export function lockBits(lock: readonly MetricName[] | undefined): number {
  let bits = 0;
  for (const name of lock ?? []) bits |= 1 << LOCKABLE[name];
  return bits;
}

export const RTAX_NAMES = constantNames(rtnetlink, 'RTAX_', ['RTAX_FEATURE_']);

/** The metrics as the kernel holds them (rtt ×8, rttvar ×4), keyed by RTAX type, for printing as `ip` does. */
export function kernelMetricValues(metrics: RouteMetrics): Map<number, number | string> {
  const out = new Map<number, number | string>();
  for (const [name, def] of Object.entries(METRICS)) {
    const value = metrics[name as keyof typeof METRICS];
    if (value !== undefined) out.set(def.type, Math.round(value * def.scale));
  }
  if (metrics.features !== undefined) out.set(RTAX_FEATURES, metrics.features);
  if (metrics.congctl !== undefined) out.set(RTAX_CC_ALGO, metrics.congctl);
  return out;
}
