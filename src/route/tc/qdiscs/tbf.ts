// tbf: the token bucket filter (`tc qdisc add ... tbf rate R burst B latency L`), as q_tbf.c builds it.
import { TCA_TBF_BURST, TCA_TBF_PARMS, TCA_TBF_PBURST, TCA_TBF_PRATE64, TCA_TBF_PTAB, TCA_TBF_RATE64, TCA_TBF_RTAB } from '../../../generated/pkt_sched.js';
import { TCA_OPTIONS } from '../../../generated/rtnetlink.js';
import { InvalidArgumentError } from '../../../netlink/addresses.js';
import type { AttributeCursor } from '../../../netlink/attributes.js';
import type { MessageWriter } from '../../../netlink/writer.js';
import { linkLayerName, parseLinkLayer, RATESPEC_LEN, rateTable, readRateSpec, writeRateSpec, type LinkLayer, type RateSpec } from '../clock.js';
import type { TcEncodeContext, TcKind } from '../kind.js';
import { formatSize, parseRate, parseSize, parseSizeAndCell, parseTime, TIME_UNITS_PER_SEC, type TcRate, type TcSize, type TcTime } from '../units.js';
import { jsonOf } from '../../../netlink/checks.js';

/** `tc qdisc add dev D root tbf rate 1mbit burst 10kb latency 25ms`: options of a tbf qdisc. */
export interface TbfSpec {
  /** The rate tokens arrive at (mandatory). */
  rate: TcRate;
  /** The bucket size (`burst`/`buffer`/`maxburst`), optionally with a cell size (`10kb/8`). */
  burst: TcSize;
  /** How long a packet may wait; tc computes the byte limit from it. Give latency or limit. */
  latency?: TcTime;
  /** The queue limit in bytes. Give latency or limit. */
  limit?: TcSize;
  /** Peak rate of the second bucket (needs mtu). */
  peakrate?: TcRate;
  /** The second bucket's size (`mtu`/`minburst`), optionally `/cell`. */
  mtu?: TcSize;
  /** Minimum packet unit for the rate tables. */
  mpu?: TcSize;
  /** Bytes added to every packet's size (0-65535). */
  overhead?: number;
  /** Link layer of the rate tables: 'ethernet' (default), 'atm' or 'adsl'. */
  linklayer?: LinkLayer;
}

/** A decoded tbf qdisc (TCA_OPTIONS of kind "tbf"). */
export interface TbfOptions {
  /** Bytes per second (TCA_TBF_RATE64 when the rate does not fit 32 bits). */
  rate: number;
  /** The ratespec the kernel keeps (cell log, linklayer, overhead, mpu). */
  rateSpec: RateSpec;
  /** The peak rate in bytes per second; 0 when none. */
  peakrate: number;
  /** The peak ratespec. */
  peakrateSpec: RateSpec;
  /** Queue limit in bytes. */
  limit: number;
  /** The bucket as a time, in scheduler ticks. */
  buffer: number;
  /** The peak bucket as a time, in ticks. */
  mtu: number;
  /** TCA_TBF_BURST: the bucket in bytes, when the request carried it (the kernel does not dump it). */
  burst?: number;
  /** TCA_TBF_PBURST: the peak bucket in bytes, from requests. */
  pburst?: number;
}

interface PreparedTbf {
  opt: Buffer;
  burst: number;
  rate: number;
  peakrate: number;
  mtu: number;
  rtab: Buffer;
  ptab?: Buffer;
}

const TBF_QOPT_LEN = 2 * RATESPEC_LEN + 12;
const KEYS = ['rate', 'burst', 'latency', 'limit', 'peakrate', 'mtu', 'mpu', 'overhead', 'linklayer'];

function requireNumberIn(value: unknown, what: string, max: number): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0 || value > max) {
    throw new InvalidArgumentError(`${what} must be an integer from 0 to ${max}, got ${jsonOf(value)}`);
  }
  return value;
}

function prepare(spec: Record<string, unknown>): { run(ctx: TcEncodeContext): PreparedTbf } {
  if (spec.rate === undefined) throw new InvalidArgumentError('tbf needs rate, e.g. rate: "1mbit"');
  if (spec.burst === undefined) throw new InvalidArgumentError('tbf needs burst, e.g. burst: "10kb"');
  if (spec.latency === undefined && spec.limit === undefined) throw new InvalidArgumentError('tbf needs latency or limit, e.g. latency: "25ms"');
  if (spec.latency !== undefined && spec.limit !== undefined) throw new InvalidArgumentError('tbf takes latency or limit, not both');
  const rate = parseRate(spec.rate as TcRate, 'tbf rate');
  if (rate === 0) throw new InvalidArgumentError('tbf rate must not be 0');
  const burst = parseSizeAndCell(spec.burst as TcSize, 'tbf burst', Number.MAX_SAFE_INTEGER);
  if (burst.size === 0) throw new InvalidArgumentError('tbf burst must not be 0');
  const peakrate = spec.peakrate === undefined ? 0 : parseRate(spec.peakrate as TcRate, 'tbf peakrate');
  const mtu = spec.mtu === undefined ? { size: 0 } : parseSizeAndCell(spec.mtu as TcSize, 'tbf mtu');
  if (peakrate && !mtu.size) throw new InvalidArgumentError('tbf with peakrate needs mtu as well');
  const mpu = spec.mpu === undefined ? 0 : parseSize(spec.mpu as TcSize, 'tbf mpu', 0xffff);
  const overhead = spec.overhead === undefined ? 0 : requireNumberIn(spec.overhead, 'tbf overhead', 0xffff);
  const linklayer = spec.linklayer === undefined ? 'ethernet' : parseLinkLayer(spec.linklayer, 'tbf linklayer');
  const latency = spec.latency === undefined ? undefined : parseTime(spec.latency as TcTime, 'tbf latency');
  const givenLimit = spec.limit === undefined ? undefined : parseSize(spec.limit as TcSize, 'tbf limit');
  // The tables need the clock, which is read when the request is encoded.
  return {
    run(ctx) {
      let limit = givenLimit ?? 0;
      if (latency !== undefined) {
        let lim = (rate * latency) / TIME_UNITS_PER_SEC + burst.size;
        if (peakrate) lim = Math.min(lim, (peakrate * latency) / TIME_UNITS_PER_SEC + mtu.size);
        limit = Math.trunc(lim);
        // tc stores the double in a u32 without a check; a limit that does not fit is refused instead of wrapped.
        if (limit > 0xffffffff) throw new InvalidArgumentError(`tbf latency gives a queue limit of ${limit} bytes at this rate, more than the kernel's 32 bits; give a shorter latency or a limit`);
      }
      const r = rateTable(ctx.clock, rate, { mpu, overhead, cellLog: burst.cellLog, mtu: mtu.size, linklayer });
      const buffer = ctx.clock.xmitTime(r.spec.rate, burst.size);
      if (buffer === 0xffffffff) throw new InvalidArgumentError('tbf burst out of range: it takes more than 2^32 ticks at this rate');
      const opt = Buffer.alloc(TBF_QOPT_LEN);
      writeRateSpec(opt, 0, r.spec);
      let ptab: Buffer | undefined;
      let mtuTicks = 0;
      const p = peakrate ? rateTable(ctx.clock, peakrate, { mpu, overhead, cellLog: mtu.cellLog, mtu: mtu.size, linklayer }) : undefined;
      if (p) {
        writeRateSpec(opt, RATESPEC_LEN, p.spec);
        ptab = p.table;
        mtuTicks = ctx.clock.xmitTime(p.spec.rate, mtu.size);
      }
      opt.writeUInt32LE(limit, 2 * RATESPEC_LEN);
      opt.writeUInt32LE(buffer, 2 * RATESPEC_LEN + 4);
      opt.writeUInt32LE(mtuTicks, 2 * RATESPEC_LEN + 8);
      return { opt, burst: burst.size, rate, peakrate, mtu: mtu.size, rtab: r.table, ptab };
    },
  };
}

export const tbf: TcKind<ReturnType<typeof prepare>, TbfOptions> = {
  kind: 'tbf',
  objects: ['qdisc'],
  specKeys: () => KEYS,
  prepare,
  encode(writer: MessageWriter, prepared, ctx) {
    const p = prepared.run(ctx);
    // tc opens TCA_OPTIONS without NLA_F_NESTED (addattr_nest).
    const options = writer.beginNestedLegacy(TCA_OPTIONS);
    writer.binary(TCA_TBF_PARMS, p.opt);
    if (p.burst < 2 ** 32) writer.u32(TCA_TBF_BURST, p.burst);
    if (p.rate >= 2 ** 32) writer.u64(TCA_TBF_RATE64, BigInt(p.rate));
    writer.binary(TCA_TBF_RTAB, p.rtab);
    if (p.ptab) {
      if (p.peakrate >= 2 ** 32) writer.u64(TCA_TBF_PRATE64, BigInt(p.peakrate));
      writer.u32(TCA_TBF_PBURST, p.mtu);
      writer.binary(TCA_TBF_PTAB, p.ptab);
    }
    writer.endNested(options);
  },
  decode(c: AttributeCursor) {
    const o: TbfOptions = { rate: 0, rateSpec: readRateSpec(Buffer.alloc(RATESPEC_LEN), 0), peakrate: 0, peakrateSpec: readRateSpec(Buffer.alloc(RATESPEC_LEN), 0), limit: 0, buffer: 0, mtu: 0 };
    let rate64: number | undefined;
    let prate64: number | undefined;
    const a = c.nestedCursor();
    while (a.next()) {
      switch (a.type) {
        case TCA_TBF_PARMS: {
          a.need(TBF_QOPT_LEN);
          const b = a.buf;
          o.rateSpec = readRateSpec(b, a.start);
          o.peakrateSpec = readRateSpec(b, a.start + RATESPEC_LEN);
          o.limit = b.readUInt32LE(a.start + 2 * RATESPEC_LEN);
          o.buffer = b.readUInt32LE(a.start + 2 * RATESPEC_LEN + 4);
          o.mtu = b.readUInt32LE(a.start + 2 * RATESPEC_LEN + 8);
          break;
        }
        case TCA_TBF_RATE64: rate64 = Number(a.u64()); break;
        case TCA_TBF_PRATE64: prate64 = Number(a.u64()); break;
        case TCA_TBF_BURST: o.burst = a.u32(); break;
        case TCA_TBF_PBURST: o.pburst = a.u32(); break;
        default: break; // rate tables (requests only) and padding
      }
    }
    o.rate = rate64 ?? o.rateSpec.rate;
    o.peakrate = prate64 ?? o.peakrateSpec.rate;
    return o;
  },
  toTcJson(o, _object, names) {
    const clock = names.clock;
    const out: Record<string, unknown> = { rate: o.rate };
    const buffer = clock.xmitSize(o.rate, o.buffer);
    out.burst = `${formatSize(buffer)}/${2 ** o.rateSpec.cellLog}`;
    out.mpu = o.rateSpec.mpu;
    if (o.peakrate && (o.mtu || o.peakrateSpec.mpu)) {
      out.mtu = `${formatSize(clock.xmitSize(o.peakrate, o.mtu))}/${2 ** o.peakrateSpec.cellLog}`;
      out.mpu = o.peakrateSpec.mpu;
    }
    let latency = TIME_UNITS_PER_SEC * (o.limit / o.rate) - clock.tickToTime(o.buffer);
    if (o.peakrate) {
      const lat2 = TIME_UNITS_PER_SEC * (o.limit / o.peakrate) - clock.tickToTime(o.mtu);
      if (lat2 > latency) latency = lat2;
    }
    if (latency >= 0) out.lat = Math.trunc(latency);
    else out.limit = o.limit;
    if (o.rateSpec.overhead) out.overhead = o.rateSpec.overhead;
    out.linklayer = linkLayerName(o.rateSpec.linklayer);
    return out;
  },
};
