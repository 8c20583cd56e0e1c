// htb: the hierarchical token bucket, as a qdisc (`tc qdisc add ... htb default 10`)
// and as classes (`tc class add ... htb rate R ceil C`), built as q_htb.c builds them.
import {
  TCA_HTB_CEIL64, TCA_HTB_CTAB, TCA_HTB_DIRECT_QLEN, TCA_HTB_INIT, TCA_HTB_OFFLOAD, TCA_HTB_PARMS, TCA_HTB_RATE64, TCA_HTB_RTAB,
} from '../../../generated/pkt_sched.js';
import { TCA_OPTIONS } from '../../../generated/rtnetlink.js';
import { InvalidArgumentError } from '../../../netlink/addresses.js';
import type { AttributeCursor } from '../../../netlink/attributes.js';
import { requireBoolean, requireInteger } from '../../../netlink/checks.js';
import type { MessageWriter } from '../../../netlink/writer.js';
import { linkLayerName, parseLinkLayer, RATESPEC_LEN, rateTable, readRateSpec, writeRateSpec, type LinkLayer, type RateSpec } from '../clock.js';
import type { TcEncodeContext, TcKind, TcObjectType } from '../kind.js';
import { parseRate, parseSizeAndCell, type TcRate, type TcSize } from '../units.js';

/** `tc qdisc add dev D root handle 1: htb default 10 r2q 10`: options of an htb qdisc. */
export interface HtbQdiscSpec {
  /** Minor id of the class unclassified traffic goes to (hex in tc: `default 10` is 0x10); 0 sends it out directly. */
  default?: number;
  /** rate-to-quantum divisor for classes without a quantum (10 by default). */
  r2q?: number;
  /** Queue limit of directly sent packets. */
  directQlen?: number;
  /** Ask for hardware offload. */
  offload?: boolean;
}

/** `tc class add dev D parent 1: classid 1:10 htb rate R ceil C burst B`: options of an htb class. */
export interface HtbClassSpec {
  /** The guaranteed rate (mandatory). */
  rate: TcRate;
  /** The most the class may borrow up to; the rate when absent. */
  ceil?: TcRate;
  /** Bytes sendable at ceil speed at once; rate/HZ + mtu when absent. `/cell` allowed. */
  burst?: TcSize;
  /** Bytes sendable at full speed at once for the ceil bucket; ceil/HZ + mtu when absent. */
  cburst?: TcSize;
  /** Priority among siblings when borrowing (0 is first). */
  prio?: number;
  /** Bytes served per round; the kernel derives it from rate and r2q when absent. */
  quantum?: number;
  /** MTU for the rate tables (1600 by default). */
  mtu?: number;
  /** Minimum packet unit (0-65535). */
  mpu?: number;
  /** Bytes added to every packet (0-65535). */
  overhead?: number;
  /** Link layer of the rate tables. */
  linklayer?: LinkLayer;
}

/** TCA_HTB_INIT: struct tc_htb_glob. */
export interface HtbInit {
  /** The HTB version (3.17 prints as "3.17"). */
  version: number;
  /** The rate-to-quantum divisor. */
  r2q: number;
  /** Minor id of the class unclassified traffic goes to. */
  defaultClass: number;
  /** Debug levels (unused). */
  debug: number;
  /** Packets sent directly, past the classes. */
  directPackets: number;
}

/** A decoded htb qdisc or class. */
export interface HtbOptions {
  /** TCA_HTB_INIT (qdiscs): version, r2q, default class, debug, directly sent packets. */
  init?: HtbInit;
  /** TCA_HTB_DIRECT_QLEN. */
  directQlen?: number;
  /** TCA_HTB_OFFLOAD present. */
  offload?: boolean;
  /** TCA_HTB_PARMS (classes). */
  class?: {
    /** Bytes per second (TCA_HTB_RATE64 when larger than 32 bits). */
    rate: number;
    /** Ceil in bytes per second. */
    ceil: number;
    /** The rate's tc_ratespec (cell log, link layer, overhead, mpu). */
    rateSpec: RateSpec;
    /** The ceil's tc_ratespec. */
    ceilSpec: RateSpec;
    /** The rate bucket in ticks. */
    buffer: number;
    /** The ceil bucket in ticks. */
    cbuffer: number;
    /** Bytes served per round. */
    quantum: number;
    /** 0 for leaf classes. */
    level: number;
    /** Priority among siblings when borrowing. */
    prio: number;
  };
}

const HTB_OPT_LEN = 2 * RATESPEC_LEN + 20;
const HTB_GLOB_LEN = 20;
const QDISC_KEYS = ['default', 'r2q', 'directQlen', 'offload'];
const CLASS_KEYS = ['rate', 'ceil', 'burst', 'cburst', 'prio', 'quantum', 'mtu', 'mpu', 'overhead', 'linklayer'];
const U32 = 0xffffffff;

type Prepared = { object: 'qdisc'; glob: Buffer; directQlen?: number; offload: boolean } | { object: 'class'; build(ctx: TcEncodeContext): { opt: Buffer; rate: number; ceil: number; rtab: Buffer; ctab: Buffer } };

function prepareClass(spec: Record<string, unknown>): Prepared {
  if (spec.rate === undefined) throw new InvalidArgumentError('htb class needs rate, e.g. rate: "1mbit"');
  const rate = parseRate(spec.rate as TcRate, 'htb rate');
  if (rate === 0) throw new InvalidArgumentError('htb rate must not be 0');
  const ceil = spec.ceil === undefined ? rate : parseRate(spec.ceil as TcRate, 'htb ceil') || rate;
  const burst = spec.burst === undefined ? undefined : parseSizeAndCell(spec.burst as TcSize, 'htb burst', Number.MAX_SAFE_INTEGER);
  const cburst = spec.cburst === undefined ? undefined : parseSizeAndCell(spec.cburst as TcSize, 'htb cburst');
  const prio = spec.prio === undefined ? 0 : requireInteger(spec.prio, 'htb prio', 0, U32);
  const quantum = spec.quantum === undefined ? 0 : requireInteger(spec.quantum, 'htb quantum', 0, U32);
  const mtu = spec.mtu === undefined ? 1600 : requireInteger(spec.mtu, 'htb mtu', 0, U32);
  const mpu = spec.mpu === undefined ? 0 : requireInteger(spec.mpu, 'htb mpu', 0, 0xffff);
  const overhead = spec.overhead === undefined ? 0 : requireInteger(spec.overhead, 'htb overhead', 0, 0xffff);
  const linklayer = spec.linklayer === undefined ? 'ethernet' : parseLinkLayer(spec.linklayer, 'htb linklayer');
  return {
    object: 'class',
    build(ctx) {
      // q_htb.c: without a burst, rate/HZ + mtu (integer division), so the bucket holds at least a packet.
      const buffer = burst?.size ?? Math.floor(rate / ctx.clock.hz) + mtu;
      const cbuffer = cburst?.size ?? Math.floor(ceil / ctx.clock.hz) + mtu;
      const r = rateTable(ctx.clock, rate, { mpu, overhead, cellLog: burst?.cellLog, mtu, linklayer });
      const c = rateTable(ctx.clock, ceil, { mpu, overhead, cellLog: cburst?.cellLog, mtu, linklayer });
      const bufferTicks = ctx.clock.xmitTime(rate, buffer);
      if (bufferTicks === U32) throw new InvalidArgumentError('htb burst out of range: it takes more than 2^32 ticks at this rate');
      const opt = Buffer.alloc(HTB_OPT_LEN);
      writeRateSpec(opt, 0, r.spec);
      writeRateSpec(opt, RATESPEC_LEN, c.spec);
      opt.writeUInt32LE(bufferTicks, 2 * RATESPEC_LEN);
      opt.writeUInt32LE(ctx.clock.xmitTime(ceil, cbuffer), 2 * RATESPEC_LEN + 4);
      opt.writeUInt32LE(quantum, 2 * RATESPEC_LEN + 8);
      opt.writeUInt32LE(prio, 2 * RATESPEC_LEN + 16);
      return { opt, rate, ceil, rtab: r.table, ctab: c.table };
    },
  };
}

function prepareQdisc(spec: Record<string, unknown>): Prepared {
  const glob = Buffer.alloc(HTB_GLOB_LEN);
  glob.writeUInt32LE(3, 0); // version
  glob.writeUInt32LE(spec.r2q === undefined ? 10 : requireInteger(spec.r2q, 'htb r2q', 0, U32), 4);
  glob.writeUInt32LE(spec.default === undefined ? 0 : requireInteger(spec.default, 'htb default', 0, U32), 8);
  const directQlen = spec.directQlen === undefined ? undefined : requireInteger(spec.directQlen, 'htb directQlen', 0, U32 - 1);
  const offload = spec.offload === undefined ? false : requireBoolean(spec.offload, 'htb offload');
  return { object: 'qdisc', glob, directQlen, offload };
}

export const htb: TcKind<Prepared, HtbOptions> = {
  kind: 'htb',
  objects: ['qdisc', 'class'],
  specKeys: (object: TcObjectType) => (object === 'class' ? CLASS_KEYS : QDISC_KEYS),
  prepare: (spec, object) => (object === 'class' ? prepareClass(spec) : prepareQdisc(spec)),
  encode(writer: MessageWriter, p, ctx) {
    const options = writer.beginNestedLegacy(TCA_OPTIONS);
    if (p.object === 'qdisc') {
      writer.binary(TCA_HTB_INIT, p.glob);
      if (p.directQlen !== undefined) writer.u32(TCA_HTB_DIRECT_QLEN, p.directQlen);
      if (p.offload) writer.flag(TCA_HTB_OFFLOAD);
    } else {
      const c = p.build(ctx);
      if (c.rate >= 2 ** 32) writer.u64(TCA_HTB_RATE64, BigInt(c.rate));
      if (c.ceil >= 2 ** 32) writer.u64(TCA_HTB_CEIL64, BigInt(c.ceil));
      writer.binary(TCA_HTB_PARMS, c.opt);
      writer.binary(TCA_HTB_RTAB, c.rtab);
      writer.binary(TCA_HTB_CTAB, c.ctab);
    }
    writer.endNested(options);
  },
  decode(c: AttributeCursor) {
    const o: HtbOptions = {};
    let rate64: number | undefined;
    let ceil64: number | undefined;
    const a = c.nestedCursor();
    while (a.next()) {
      const b = a.buf;
      const at = a.start;
      switch (a.type) {
        case TCA_HTB_INIT:
          a.need(HTB_GLOB_LEN);
          o.init = { version: b.readUInt32LE(at), r2q: b.readUInt32LE(at + 4), defaultClass: b.readUInt32LE(at + 8), debug: b.readUInt32LE(at + 12), directPackets: b.readUInt32LE(at + 16) };
          break;
        case TCA_HTB_PARMS: {
          a.need(HTB_OPT_LEN);
          const rateSpec = readRateSpec(b, at);
          const ceilSpec = readRateSpec(b, at + RATESPEC_LEN);
          const x = at + 2 * RATESPEC_LEN;
          o.class = {
            rate: rateSpec.rate, ceil: ceilSpec.rate, rateSpec, ceilSpec,
            buffer: b.readUInt32LE(x), cbuffer: b.readUInt32LE(x + 4), quantum: b.readUInt32LE(x + 8), level: b.readUInt32LE(x + 12), prio: b.readUInt32LE(x + 16),
          };
          break;
        }
        case TCA_HTB_RATE64: rate64 = Number(a.u64()); break;
        case TCA_HTB_CEIL64: ceil64 = Number(a.u64()); break;
        case TCA_HTB_DIRECT_QLEN: o.directQlen = a.u32(); break;
        case TCA_HTB_OFFLOAD: o.offload = true; break;
        default: break; // rate tables (requests only) and padding
      }
    }
    if (o.class && rate64 !== undefined) o.class.rate = rate64;
    if (o.class && ceil64 !== undefined) o.class.ceil = ceil64;
    return o;
  },
  toTcJson(o, _object, names) {
    const out: Record<string, unknown> = {};
    const k = o.class;
    if (k) {
      // Classes: what iproute2 (6.2 and later) prints with -j -d; 6.1 prints classes as text only.
      if (!k.level) {
        out.prio = k.prio;
        out.quantum = k.quantum;
      }
      out.rate = k.rate;
      if (k.rateSpec.overhead) out.overhead = k.rateSpec.overhead;
      out.ceil = k.ceil;
      out.linklayer = linkLayerName(k.rateSpec.linklayer);
      out.burst = names.clock.xmitSize(k.rate, k.buffer);
      out.burst_cell = 2 ** k.rateSpec.cellLog;
      out.mpu_rate = k.rateSpec.mpu;
      out.cburst = names.clock.xmitSize(k.ceil, k.cbuffer);
      out.cburst_cell = 2 ** k.ceilSpec.cellLog;
      out.mpu_ceil = k.ceilSpec.mpu;
      out.level = k.level;
    }
    if (o.init) {
      out.r2q = o.init.r2q;
      out.default = o.init.defaultClass === 0 ? '0' : `0x${o.init.defaultClass.toString(16)}`;
      out.direct_packets_stat = o.init.directPackets;
      out.ver = `${o.init.version >>> 16}.${o.init.version & 0xffff}`;
    }
    if (o.directQlen !== undefined) out.direct_qlen = o.directQlen;
    if (o.offload) out.offload = null;
    return out;
  },
};
