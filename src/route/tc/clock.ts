// The packet scheduler's clock and the transmit-time arithmetic iproute2 does
// in user space (tc/tc_core.c): bursts become times in scheduler ticks, and
// rate tables hold the time each packet size takes at a rate.
import { readFileSync } from 'node:fs';
import { InvalidArgumentError } from '../../netlink/addresses.js';
import { describeValue } from '../../netlink/checks.js';
import { TIME_UNITS_PER_SEC } from './units.js';

const UINT_MAX = 0xffffffff;
/** Link-layer types of a rate table (enum link_layer / TC_LINKLAYER_*). */
export type LinkLayer = 'ethernet' | 'atm' | 'adsl';
const ATM_CELL_PAYLOAD = 48;
const ATM_CELL_SIZE = 53;
/** TC_LINKLAYER_* values in tc_ratespec.linklayer. */
export const LINKLAYER_VALUES: Readonly<Record<LinkLayer, number>> = { ethernet: 1, atm: 2, adsl: 2 };

/**
 * /proc/net/psched read as tc_core_init reads it: how many scheduler ticks a
 * microsecond has, and the clock's resolution (and get_hz's HZ).
 */
export class PschedClock {
  /** Scheduler ticks per microsecond (tick_in_usec); 1000 on kernels with a nanosecond clock. */
  readonly ticksPerMicrosecond: number;
  /** clock_res / TIME_UNITS_PER_SEC (clock_factor). */
  readonly clockFactor: number;
  /** get_hz(): the clock's rate when the kernel reports microsecond units, else 100. */
  readonly hz: number;

  /** How transmit times are rounded (see {@link PschedArithmetic}). */
  readonly arithmetic: PschedArithmetic;

  /**
   * @param text - The contents of /proc/net/psched: four 8-digit hex numbers.
   * @param arithmetic - 'iproute2' (the default) or 'iproute2-before-6.15'.
   */
  constructor(text: string, arithmetic: PschedArithmetic = 'iproute2') {
    if (arithmetic !== 'iproute2' && arithmetic !== 'iproute2-before-6.15') {
      throw new InvalidArgumentError(`arithmetic must be "iproute2" or "iproute2-before-6.15", got ${describeValue(arithmetic)}`);
    }
    this.arithmetic = arithmetic;
    const words = typeof text === 'string' ? text.trim().split(/\s+/) : [];
    if (words.length < 4 || !words.every((w) => /^[0-9a-fA-F]{1,8}$/.test(w))) {
      throw new InvalidArgumentError(`/proc/net/psched must hold four hex numbers, got ${describeValue(text)}`);
    }
    let [t2us, us2t, clockRes, hzNumber] = words.map((w) => parseInt(w, 16)) as [number, number, number, number];
    // tc_core_init: a kernel with a nanosecond clock advertises t2us 1000 for old tools; it means us2t.
    if (clockRes === 1_000_000_000) t2us = us2t;
    this.clockFactor = clockRes / TIME_UNITS_PER_SEC;
    this.ticksPerMicrosecond = (t2us / us2t) * this.clockFactor;
    // __get_hz: when the third number is 1000000, the fourth is the clock's HZ; else (or 0) HZ is 100.
    this.hz = clockRes === 1_000_000 && hzNumber !== 0 ? hzNumber : 100;
  }

  /**
   * tc_calc_xmittime: ticks to send `size` bytes at `rate` bytes/s (UINT_MAX
   * at most). iproute2 rounds the time up, in double precision; before 6.15 it
   * truncated to whole microseconds and then to whole ticks.
   */
  xmitTime(rate: number, size: number): number {
    const us = TIME_UNITS_PER_SEC * (size / rate);
    const ticks = this.arithmetic === 'iproute2' ? Math.ceil(us * this.ticksPerMicrosecond) : Math.trunc(u32(us) * this.ticksPerMicrosecond);
    return ticks > UINT_MAX ? UINT_MAX : ticks;
  }

  /** tc_calc_xmitsize: bytes sent at `rate` bytes/s in `ticks`, truncated (before 6.15, from whole microseconds). */
  xmitSize(rate: number, ticks: number): number {
    return Math.trunc((rate * this.tickToTime(ticks)) / TIME_UNITS_PER_SEC);
  }

  /** tc_core_tick2time: microseconds of `ticks` (whole ones before iproute2 6.15). */
  tickToTime(ticks: number): number {
    const us = ticks / this.ticksPerMicrosecond;
    return this.arithmetic === 'iproute2' ? us : Math.trunc(us);
  }
}

/**
 * How tc's transmit-time arithmetic rounds: 'iproute2' as iproute2 6.15 and
 * later compute it (in double precision, times rounded up so a burst always
 * fits), 'iproute2-before-6.15' as older releases did (truncated to whole
 * microseconds, then to whole ticks), which some libraries still copy.
 */
export type PschedArithmetic = 'iproute2' | 'iproute2-before-6.15';

/** C's conversion of a double to unsigned int, for values in range: truncation. */
function u32(value: number): number {
  return value >= UINT_MAX ? UINT_MAX : Math.trunc(value);
}

let hostClock: PschedClock | undefined;

/** The clock of this machine, from /proc/net/psched, read once (every namespace sees the same). */
export function pschedClock(): PschedClock {
  return (hostClock ??= new PschedClock(readFileSync('/proc/net/psched', 'utf8')));
}

/** struct tc_ratespec: a rate and how the kernel adjusts packet sizes for it. */
export interface RateSpec {
  /** log2 of the rate table's cell size. */
  cellLog: number;
  /** TC_LINKLAYER_*: 1 ethernet, 2 atm. */
  linklayer: number;
  /** Bytes added to every packet's size. */
  overhead: number;
  /** cell_align: -1 when the table was computed by iproute2. */
  cellAlign: number;
  /** Minimum packet unit: smaller packets count as this many bytes. */
  mpu: number;
  /** Bytes per second, at most 2^32-1 (larger rates travel in a 64-bit attribute). */
  rate: number;
}

/** sizeof(struct tc_ratespec). */
export const RATESPEC_LEN = 12;

function adjustSize(size: number, mpu: number, linklayer: LinkLayer): number {
  const sz = size < mpu ? mpu : size;
  // ATM: whole 53-byte cells of 48 payload bytes each (tc_align_to_atm).
  if (linklayer !== 'ethernet') return Math.ceil(sz / ATM_CELL_PAYLOAD) * ATM_CELL_SIZE;
  return sz;
}

/** A rate table and the ratespec it belongs to. */
export interface RateTable {
  /** The tc_ratespec sent with the table. */
  spec: RateSpec;
  /** The 256 transmit times in ticks, 1024 bytes as TCA_*_RTAB carries them. */
  table: Buffer;
}

/**
 * tc_calc_rtable: the 256-entry rate table (ticks per packet size) and the
 * ratespec it belongs to. `cellLog` undefined picks the smallest cell that
 * covers `mtu` (2047 when 0) in 256 cells.
 */
export function rateTable(
  clock: PschedClock,
  rate: number,
  options: { mpu?: number; overhead?: number; cellLog?: number; mtu?: number; linklayer?: LinkLayer; table64?: boolean },
): RateTable {
  const mtu = options.mtu || 2047;
  let cellLog = options.cellLog;
  if (cellLog === undefined) {
    cellLog = 0;
    while (mtu >> cellLog > 255) cellLog++;
  }
  const linklayer = options.linklayer ?? 'ethernet';
  const rate32 = rate >= 2 ** 32 ? UINT_MAX : rate;
  const mpu = options.mpu ?? 0;
  const table = Buffer.alloc(1024);
  // tc_calc_rtable_64 (police) times packets at the full rate, tc_calc_rtable at the 32-bit one.
  const tableRate = options.table64 ? rate : rate32;
  for (let i = 0; i < 256; i++) table.writeUInt32LE(clock.xmitTime(tableRate, adjustSize((i + 1) * 2 ** cellLog, mpu, linklayer)), i * 4);
  return { spec: { cellLog, linklayer: LINKLAYER_VALUES[linklayer], overhead: options.overhead ?? 0, cellAlign: -1, mpu, rate: rate32 }, table };
}

/** Writes a tc_ratespec at `at`. */
export function writeRateSpec(b: Buffer, at: number, r: RateSpec): void {
  b[at] = r.cellLog;
  b[at + 1] = r.linklayer;
  b.writeUInt16LE(r.overhead, at + 2);
  b.writeInt16LE(r.cellAlign, at + 4);
  b.writeUInt16LE(r.mpu, at + 6);
  b.writeUInt32LE(r.rate, at + 8);
}

/** Reads a tc_ratespec at `at` (the caller checked the length). */
export function readRateSpec(b: Buffer, at: number): RateSpec {
  return { cellLog: b[at]!, linklayer: b[at + 1]!, overhead: b.readUInt16LE(at + 2), cellAlign: b.readInt16LE(at + 4), mpu: b.readUInt16LE(at + 6), rate: b.readUInt32LE(at + 8) };
}

/** A linklayer option checked: 'ethernet', 'atm' or 'adsl' (atm's other name). */
export function parseLinkLayer(value: unknown, what = 'linklayer'): LinkLayer {
  if (value === 'ethernet' || value === 'atm' || value === 'adsl') return value;
  throw new InvalidArgumentError(`${what} must be "ethernet", "atm" or "adsl", got ${describeValue(value)}`);
}

/** sprint_linklayer: how tc names a ratespec's link layer. */
export function linkLayerName(linklayer: number): string {
  if (linklayer === 1) return 'ethernet';
  if (linklayer === 2) return 'atm';
  return 'unknown';
}
