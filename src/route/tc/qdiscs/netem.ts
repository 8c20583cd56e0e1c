// netem: delay, jitter, loss, duplication and rate (`tc qdisc add ... netem delay 100ms 10ms loss 1%`),
// as q_netem.c sends it: struct tc_netem_qopt, then attributes, all inside TCA_OPTIONS.
// Encoded like iproute2, not verified against a kernel here (CONFIG_NET_SCH_NETEM is not built).
import { TCA_NETEM_LATENCY64, TCA_NETEM_JITTER64, TCA_NETEM_RATE, TCA_NETEM_RATE64 } from '../../../generated/pkt_sched.js';
import { TCA_OPTIONS } from '../../../generated/rtnetlink.js';
import { InvalidArgumentError } from '../../../netlink/addresses.js';
import type { AttributeCursor, RawAttribute } from '../../../netlink/attributes.js';
import { describeValue } from '../../../netlink/checks.js';
import type { MessageWriter } from '../../../netlink/writer.js';
import type { TcEncodeContext, TcKind } from '../kind.js';
import { parseRate, parseSize, parseTime, strtod, type TcRate, type TcTime } from '../units.js';

/** A probability: a string like '1%' or '0.5%', or a number of percent. */
export type TcPercent = string | number;

/** `netem [limit PKTS] [delay TIME [JITTER]] [loss PERCENT] [duplicate PERCENT] [rate RATE]`. */
export interface NetemSpec {
  /** Packets the qdisc holds (1000 by default). */
  limit?: number;
  /** Added delay. */
  delay?: TcTime;
  /** Random variation of the delay (needs delay). */
  jitter?: TcTime;
  /** Probability of dropping a packet. */
  loss?: TcPercent;
  /** Probability of duplicating a packet. */
  duplicate?: TcPercent;
  /** Rate limit. */
  rate?: TcRate;
}

/** A decoded netem qdisc. */
export interface NetemOptions {
  /** Delay in scheduler ticks (TCA_NETEM_LATENCY64 in ns is in `unknown` when present). */
  latency: number;
  /** Packets the qdisc holds. */
  limit: number;
  /** Loss probability scaled to 2^32-1. */
  loss: number;
  /** Reordering gap (every gap-th packet is sent at once). */
  gap: number;
  /** Duplication probability scaled to 2^32-1. */
  duplicate: number;
  /** Jitter in ticks. */
  jitter: number;
  /** TCA_NETEM_RATE's rate (or RATE64), bytes per second. */
  rate?: number;
  /** Other attributes, verbatim. */
  unknown: RawAttribute[];
}

const QOPT_LEN = 24;
const RATE_LEN = 16;
const UINT32_MAX = 0xffffffff;

/** C's rint: ties to even. */
function rint(x: number): number {
  const f = Math.floor(x);
  const d = x - f;
  return d > 0.5 ? f + 1 : d < 0.5 ? f : f % 2 === 0 ? f : f + 1;
}

/** get_percent: a percentage (an optional '%') scaled to 2^32-1 and rounded, as netem takes probabilities. */
export function parsePercent(value: unknown, what: string): number {
  let per: number | undefined;
  if (typeof value === 'number' && Number.isFinite(value)) per = value / 100;
  else if (typeof value === 'string') {
    const parsed = strtod(value);
    if (parsed && (parsed.rest === '' || parsed.rest === '%')) per = parsed.value / 100;
  }
  if (per === undefined || !(per >= 0 && per <= 1)) throw new InvalidArgumentError(`${what} must be a percentage from 0 to 100, like "1%", got ${describeValue(value)}`);
  return rint(per * UINT32_MAX);
}

interface Prepared { limit: number; delay: number; jitter: number; loss: number; duplicate: number; rate?: number }

export const netem: TcKind<Prepared, NetemOptions> = {
  kind: 'netem',
  objects: ['qdisc'],
  specKeys: () => ['limit', 'delay', 'jitter', 'loss', 'duplicate', 'rate'],
  prepare(spec) {
    if (spec.jitter !== undefined && spec.delay === undefined) throw new InvalidArgumentError('netem jitter needs delay');
    return {
      limit: spec.limit === undefined ? 1000 : parseSize(spec.limit as number, 'netem limit'),
      delay: spec.delay === undefined ? 0 : parseTime(spec.delay as TcTime, 'netem delay'),
      jitter: spec.jitter === undefined ? 0 : parseTime(spec.jitter as TcTime, 'netem jitter'),
      loss: spec.loss === undefined ? 0 : parsePercent(spec.loss, 'netem loss'),
      duplicate: spec.duplicate === undefined ? 0 : parsePercent(spec.duplicate, 'netem duplicate'),
      rate: spec.rate === undefined ? undefined : parseRate(spec.rate as TcRate, 'netem rate'),
    };
  },
  encode(writer: MessageWriter, p, ctx: TcEncodeContext) {
    const qopt = Buffer.alloc(QOPT_LEN);
    // get_ticks: whole microseconds times ticks per microsecond, truncated.
    qopt.writeUInt32LE(Math.trunc(p.delay * ctx.clock.ticksPerMicrosecond), 0);
    qopt.writeUInt32LE(p.limit, 4);
    qopt.writeUInt32LE(p.loss, 8);
    qopt.writeUInt32LE(p.duplicate, 16);
    qopt.writeUInt32LE(Math.trunc(p.jitter * ctx.clock.ticksPerMicrosecond), 20);
    const options = writer.beginNestedLegacy(TCA_OPTIONS);
    writer.raw(qopt);
    if (p.rate !== undefined) {
      if (p.rate >= 2 ** 32) writer.u64(TCA_NETEM_RATE64, BigInt(p.rate));
      const rate = Buffer.alloc(RATE_LEN);
      rate.writeUInt32LE(p.rate >= 2 ** 32 ? UINT32_MAX : p.rate, 0);
      writer.binary(TCA_NETEM_RATE, rate);
    }
    writer.endNested(options);
  },
  decode(c: AttributeCursor) {
    c.need(QOPT_LEN);
    const b = c.buf;
    const at = c.start;
    const o: NetemOptions = {
      latency: b.readUInt32LE(at), limit: b.readUInt32LE(at + 4), loss: b.readUInt32LE(at + 8), gap: b.readUInt32LE(at + 12),
      duplicate: b.readUInt32LE(at + 16), jitter: b.readUInt32LE(at + 20), unknown: [],
    };
    let rate64: number | undefined;
    const a = c.cursorInside(at + QOPT_LEN, at + c.length);
    while (a.next()) {
      switch (a.type) {
        case TCA_NETEM_RATE: a.need(RATE_LEN); o.rate = b.readUInt32LE(a.start); break;
        case TCA_NETEM_RATE64: rate64 = Number(a.u64()); break;
        case TCA_NETEM_LATENCY64: case TCA_NETEM_JITTER64: default: o.unknown.push(a.raw());
      }
    }
    if (rate64 !== undefined) o.rate = rate64;
    return o;
  },
};
