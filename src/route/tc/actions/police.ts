// police: a token-bucket policer (`action police rate 1mbit burst 10k conform-exceed drop/pipe`), as m_police.c builds it.
import {
  TC_ACT_OK, TC_ACT_RECLASSIFY, TCA_ACT_OPTIONS, TCA_POLICE_AVRATE, TCA_POLICE_PEAKRATE, TCA_POLICE_PEAKRATE64, TCA_POLICE_RATE, TCA_POLICE_RATE64,
  TCA_POLICE_RESULT, TCA_POLICE_TBF,
} from '../../../generated/pkt_cls.js';
import { InvalidArgumentError } from '../../../netlink/addresses.js';
import type { AttributeCursor } from '../../../netlink/attributes.js';
import { requireInteger } from '../../../netlink/checks.js';
import { parseLinkLayer, RATESPEC_LEN, rateTable, readRateSpec, writeRateSpec, type LinkLayer, type RateSpec } from '../clock.js';
import type { TcActionKind, TcEncodeContext } from '../kind.js';
import { parseRate, parseSize, parseSizeAndCell, type TcRate, type TcSize } from '../units.js';
import { parseControlAction, type TcControlAction } from './control.js';

/** `action police rate R burst B [mtu M] [peakrate P] [conform-exceed EXCEED/CONFORM]`. */
export interface PoliceSpec {
  /** Selects the police action. */
  kind: 'police';
  /** The policed rate. */
  rate?: TcRate;
  /** The bucket (needed with rate), optionally `/cell`. */
  burst?: TcSize;
  /** Largest packet that can conform, optionally `/cell` (needed with peakrate). */
  mtu?: TcSize;
  /** Peak rate of a second bucket. */
  peakrate?: TcRate;
  /** Police against the rate estimator instead of a bucket. */
  avrate?: TcRate;
  /** Minimum packet unit. */
  mpu?: TcSize;
  /** Bytes added to every packet. */
  overhead?: number;
  /** Link layer of the rate tables. */
  linklayer?: LinkLayer;
  /** What exceeding packets get (`conform-exceed EXCEED/...`): 'reclassify' by default. */
  exceed?: TcControlAction;
  /** What conforming packets get (`conform-exceed .../CONFORM`): 'pass' by default (not sent). */
  conform?: TcControlAction;
  /** The action's index (0 or absent: the kernel picks). */
  index?: number;
}

/** A decoded police action (struct tc_police and its attributes). */
export interface PoliceOptions {
  /** The action's index in its kind's table. */
  index: number;
  /** What exceeding packets get (TC_ACT_*). */
  action: number;
  /** tc_police.limit (unused by the kernel's policer). */
  limit: number;
  /** The bucket in ticks. */
  burst: number;
  /** Largest conforming packet in bytes. */
  mtu: number;
  /** The rate's tc_ratespec (cell log, link layer, overhead, mpu). */
  rateSpec: RateSpec;
  /** The peak rate's tc_ratespec. */
  peakrateSpec: RateSpec;
  /** References on the action. */
  refcnt: number;
  /** Filters bound to the action. */
  bindcnt: number;
  /** Bytes per second (TCA_POLICE_RATE64 when larger than 32 bits). */
  rate: number;
  /** The peak rate in bytes per second; 0 when there is none. */
  peakrate: number;
  /** TCA_POLICE_AVRATE: the estimated rate policed against, bytes per second. */
  avrate?: number;
  /** TCA_POLICE_RESULT: what conforming packets get. */
  result?: number;
}

const POLICE_LEN = 20 + 2 * RATESPEC_LEN + 12;
const KEYS = ['rate', 'burst', 'mtu', 'peakrate', 'avrate', 'mpu', 'overhead', 'linklayer', 'exceed', 'conform', 'index'];

/** What is sent: struct tc_police, the rate tables, and the rates and actions that have attributes of their own. */
interface PoliceRequest {
  tbf: Buffer;
  rtab?: Buffer;
  ptab?: Buffer;
  rate: number;
  peakrate: number;
  avrate: number;
  result: number;
}

function prepare(spec: Record<string, unknown>): { build(ctx: TcEncodeContext): PoliceRequest } {
  const rate = spec.rate === undefined ? 0 : parseRate(spec.rate as TcRate, 'police rate');
  const burst = spec.burst === undefined ? { size: 0 } : parseSizeAndCell(spec.burst as TcSize, 'police burst');
  const mtu = spec.mtu === undefined ? { size: 0 } : parseSizeAndCell(spec.mtu as TcSize, 'police mtu');
  const peakrate = spec.peakrate === undefined ? 0 : parseRate(spec.peakrate as TcRate, 'police peakrate');
  const avrate = spec.avrate === undefined ? 0 : parseRate(spec.avrate as TcRate, 'police avrate');
  const mpu = spec.mpu === undefined ? 0 : parseSize(spec.mpu as TcSize, 'police mpu', 0xffff);
  const overhead = spec.overhead === undefined ? 0 : requireInteger(spec.overhead, 'police overhead', 0, 0xffff);
  const linklayer = spec.linklayer === undefined ? 'ethernet' : parseLinkLayer(spec.linklayer, 'police linklayer');
  const action = spec.exceed === undefined ? TC_ACT_RECLASSIFY : parseControlAction(spec.exceed, 'police exceed');
  const result = spec.conform === undefined ? TC_ACT_OK : parseControlAction(spec.conform, 'police conform');
  const index = spec.index === undefined ? 0 : requireInteger(spec.index, 'police index', 0, 0xffffffff);
  if (rate && avrate) throw new InvalidArgumentError('police takes rate or avrate, not both');
  if (!rate && !avrate && !index && !mtu.size) throw new InvalidArgumentError('police needs rate (with burst), avrate, mtu or the index of an existing policer');
  if (rate && !burst.size && !avrate) throw new InvalidArgumentError('police with rate needs burst');
  if (peakrate && !rate) throw new InvalidArgumentError('police peakrate needs rate');
  if (peakrate && !mtu.size) throw new InvalidArgumentError('police peakrate needs mtu');
  return {
    build(ctx) {
      const tbf = Buffer.alloc(POLICE_LEN);
      tbf.writeUInt32LE(index, 0);
      tbf.writeInt32LE(action, 4);
      const request: PoliceRequest = { tbf, rate, peakrate, avrate, result };
      if (rate) {
        // tc_calc_rtable_64 times the table at the full 64-bit rate.
        const r = rateTable(ctx.clock, rate, { mpu, overhead, cellLog: burst.cellLog, mtu: mtu.size, linklayer, table64: true });
        writeRateSpec(tbf, 20, r.spec);
        request.rtab = r.table;
        tbf.writeUInt32LE(ctx.clock.xmitTime(rate, burst.size), 12);
      }
      tbf.writeUInt32LE(mtu.size, 16);
      if (peakrate) {
        const r = rateTable(ctx.clock, peakrate, { mpu, overhead, cellLog: mtu.cellLog, mtu: mtu.size, linklayer, table64: true });
        writeRateSpec(tbf, 20 + RATESPEC_LEN, r.spec);
        request.ptab = r.table;
      }
      return request;
    },
  };
}

export const police: TcActionKind<ReturnType<typeof prepare>, PoliceOptions> = {
  kind: 'police',
  specKeys: KEYS,
  prepare,
  encode(writer, prepared, ctx) {
    const p = prepared.build(ctx);
    const options = writer.beginNested(TCA_ACT_OPTIONS);
    writer.binary(TCA_POLICE_TBF, p.tbf);
    if (p.rtab) {
      writer.binary(TCA_POLICE_RATE, p.rtab);
      if (p.rate >= 2 ** 32) writer.u64(TCA_POLICE_RATE64, BigInt(p.rate));
    }
    if (p.ptab) {
      writer.binary(TCA_POLICE_PEAKRATE, p.ptab);
      if (p.peakrate >= 2 ** 32) writer.u64(TCA_POLICE_PEAKRATE64, BigInt(p.peakrate));
    }
    if (p.avrate) writer.u32(TCA_POLICE_AVRATE, p.avrate);
    // m_police.c sends the conform action only when it is not pass (0).
    if (p.result) writer.s32(TCA_POLICE_RESULT, p.result);
    writer.endNested(options);
  },
  decode(c: AttributeCursor) {
    const a = c.nestedCursor();
    let o: PoliceOptions | undefined;
    let rate64: number | undefined;
    let prate64: number | undefined;
    let avrate: number | undefined;
    let result: number | undefined;
    while (a.next()) {
      const b = a.buf;
      switch (a.type) {
        case TCA_POLICE_TBF: {
          a.need(POLICE_LEN);
          const at = a.start;
          const rateSpec = readRateSpec(b, at + 20);
          const peakrateSpec = readRateSpec(b, at + 20 + RATESPEC_LEN);
          o = {
            index: b.readUInt32LE(at), action: b.readInt32LE(at + 4), limit: b.readUInt32LE(at + 8), burst: b.readUInt32LE(at + 12), mtu: b.readUInt32LE(at + 16),
            rateSpec, peakrateSpec, refcnt: b.readInt32LE(at + 44), bindcnt: b.readInt32LE(at + 48), rate: rateSpec.rate, peakrate: peakrateSpec.rate,
          };
          break;
        }
        case TCA_POLICE_RATE64: rate64 = Number(a.u64()); break;
        case TCA_POLICE_PEAKRATE64: prate64 = Number(a.u64()); break;
        case TCA_POLICE_AVRATE: avrate = a.u32(); break;
        case TCA_POLICE_RESULT: result = a.s32(); break;
        default: break;
      }
    }
    if (!o) throw c.malformed('police options without TCA_POLICE_TBF');
    if (rate64 !== undefined) o.rate = rate64;
    if (prate64 !== undefined) o.peakrate = prate64;
    if (avrate !== undefined) o.avrate = avrate;
    if (result !== undefined) o.result = result;
    return o;
  },
};
