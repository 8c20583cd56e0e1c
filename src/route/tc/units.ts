// Rates, sizes and times in tc's words, read exactly as iproute2 reads them
// (lib/utils_math.c get_rate64 / get_size, lib/utils.c get_time), and sizes and
// times printed as tc prints them (sprint_size, sprint_time).
import { InvalidArgumentError } from '../../netlink/addresses.js';
import { describeValue } from '../../netlink/checks.js';

/** tc's time unit: microseconds (TIME_UNITS_PER_SEC). */
export const TIME_UNITS_PER_SEC = 1_000_000;

/** A rate: a string in tc's words (`1mbit`, `32kbit`, `1.5Mbit`, `100KBps`) or a number of bytes per second. */
export type TcRate = string | number;
/** A size: a string in tc's words (`10kb`, `1600`, `2mbit`, `1m`) or a number of bytes. */
export type TcSize = string | number;
/** A time: a string in tc's words (`400ms`, `25ms`, `1s`, `50us`) or a number of microseconds. */
export type TcTime = string | number;

/** What strtod(3) consumes: optional blanks and sign, then a decimal or hex number, inf or nan. */
const STRTOD = /^[ \t\n\v\f\r]*([+-]?)(0[xX](?:[0-9a-fA-F]+\.?[0-9a-fA-F]*|\.[0-9a-fA-F]+)(?:[pP][+-]?\d+)?|(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?|inf(?:inity)?|nan)/i;

/** strtod(3): the number at the start of `text` and the rest after it, or undefined when nothing parses. */
export function strtod(text: string): { value: number; rest: string } | undefined {
  const m = STRTOD.exec(text);
  if (!m) return undefined;
  const sign = m[1] === '-' ? -1 : 1;
  const body = m[2]!;
  let value: number;
  if (/^inf/i.test(body)) value = Infinity;
  else if (/^nan/i.test(body)) value = NaN;
  else if (/^0x/i.test(body)) value = hexFloat(body.slice(2));
  else value = Number(body);
  return { value: sign * value, rest: text.slice(m[0].length) };
}

function hexFloat(text: string): number {
  const [mantissa, exponent] = text.split(/[pP]/) as [string, string | undefined];
  const [whole, fraction = ''] = mantissa.split('.') as [string, string | undefined];
  let value = whole === '' ? 0 : parseInt(whole, 16);
  for (let i = 0; i < fraction.length; i++) value += parseInt(fraction[i]!, 16) / 16 ** (i + 1);
  return exponent === undefined ? value : value * 2 ** Number(exponent);
}

/** lib/utils_math.c's rate suffixes in bits, matched without regard to case (no two differ only in case). */
const RATE_UNITS: ReadonlyMap<string, number> = new Map([
  ['bit', 1], ['kibit', 1024], ['kbit', 1000], ['mibit', 1024 * 1024], ['mbit', 1_000_000],
  ['gibit', 1024 ** 3], ['gbit', 1e9], ['tibit', 1024 ** 4], ['tbit', 1e12],
  ['bps', 8], ['kibps', 8 * 1024], ['kbps', 8000], ['mibps', 8 * 1024 * 1024], ['mbps', 8e6],
  ['gibps', 8 * 1024 ** 3], ['gbps', 8e9], ['tibps', 8 * 1024 ** 4], ['tbps', 8e12],
]);

const U64_MAX = 2 ** 64;
const U32_MAX = 0xffffffff;

function badUnit(what: string, value: unknown, example: string): InvalidArgumentError {
  return new InvalidArgumentError(`${what} must be ${example}, got ${describeValue(value)}`);
}

/**
 * What get_rate64, get_size and get_time share: a number given as a number is
 * taken as it is (an integer from 0 to `max`); a string is strtod's number
 * (not negative, not out of range) times the scale of the unit after it, which
 * must be one of `units` (matched without regard to case), or `plain` when there is none.
 */
function scaled(value: unknown, what: string, example: string, units: ReadonlyMap<string, number>, plain: number, max: number): number {
  if (typeof value === 'number') {
    if (!Number.isInteger(value) || value < 0 || value > max) throw badUnit(what, value, example);
    return value;
  }
  if (typeof value !== 'string') throw badUnit(what, value, example);
  const parsed = strtod(value);
  if (!parsed || !(parsed.value >= 0) || parsed.value === Infinity) throw badUnit(what, value, example);
  const scale = parsed.rest === '' ? plain : units.get(parsed.rest.toLowerCase());
  if (scale === undefined) throw badUnit(what, value, example);
  return parsed.value * scale;
}

/**
 * A rate in bytes per second, read like tc's get_rate64: a number and an
 * optional unit (`bit`, `kbit`, `mbit`, `Kibit`, `Bps`, `MBps`, ...; no unit
 * means bits per second), truncated to whole bytes. A number is taken as bytes per second.
 */
export function parseRate(value: TcRate, what = 'rate'): number {
  const example = 'a rate like "1mbit", "32kbit" or "100KBps", or a number of bytes per second';
  // A number is bytes per second already; a string is in bits per second until divided.
  if (typeof value === 'number') return scaled(value, what, example, RATE_UNITS, 1, U64_MAX - 1);
  const bytes = Math.trunc(scaled(value, what, example, RATE_UNITS, 1, U64_MAX - 1) / 8);
  if (bytes >= U64_MAX) throw badUnit(what, value, example);
  return bytes;
}

/** get_size's units (case-insensitive): kb/k, mb/m, gb/g in 1024s; kbit, mbit, gbit as 1024-based bits; b for bytes. */
const SIZE_UNITS: ReadonlyMap<string, number> = new Map([
  ['kb', 1024], ['k', 1024], ['gb', 1024 ** 3], ['g', 1024 ** 3], ['gbit', 1024 ** 3 / 8],
  ['mb', 1024 * 1024], ['m', 1024 * 1024], ['mbit', (1024 * 1024) / 8], ['kbit', 1024 / 8], ['b', 1],
]);

/**
 * A size in bytes, read like tc's get_size64 (`10kb`, `1600`, `1.5k`, `2mbit`); a
 * fractional result is refused, as iproute2 refuses it. `max` bounds the result (u32 by default).
 */
export function parseSize(value: TcSize, what = 'size', max = U32_MAX): number {
  const example = `a size like "10kb", "1600b" or "1m", or a number of bytes up to ${max}`;
  const size = scaled(value, what, example, SIZE_UNITS, 1, max);
  // iproute2 stores the double in an integer and refuses it unless that kept it whole.
  if (size !== Math.floor(size) || size > max) throw badUnit(what, value, example);
  return size;
}

/** get_size_and_cell: `10kb/8` is a size and a cell size (a power of two), as tbf's burst and mtu take them. */
export function parseSizeAndCell(value: TcSize, what: string, max = U32_MAX): { size: number; cellLog?: number } {
  if (typeof value !== 'string' || !value.includes('/')) return { size: parseSize(value, what, max) };
  const slash = value.indexOf('/');
  const size = parseSize(value.slice(0, slash), what, max);
  const cellText = value.slice(slash + 1);
  const cell = /^\d+$/.test(cellText) ? Number(cellText) : NaN;
  for (let log = 0; log < 32; log++) if (2 ** log === cell) return { size, cellLog: log };
  throw new InvalidArgumentError(`${what} cell size must be a power of two after "/", like "10kb/8", got ${describeValue(value)}`);
}

const TIME_UNITS: ReadonlyMap<string, number> = new Map([
  ['s', TIME_UNITS_PER_SEC], ['sec', TIME_UNITS_PER_SEC], ['secs', TIME_UNITS_PER_SEC],
  ['ms', TIME_UNITS_PER_SEC / 1000], ['msec', TIME_UNITS_PER_SEC / 1000], ['msecs', TIME_UNITS_PER_SEC / 1000],
  ['us', 1], ['usec', 1], ['usecs', 1],
]);

/**
 * A time in microseconds, read like tc's get_time (`400ms`, `1.5s`, `50us`; no
 * unit means microseconds), truncated to whole microseconds as iproute2 stores it.
 */
export function parseTime(value: TcTime, what = 'time'): number {
  const example = 'a time like "400ms", "1s" or "50us", or a number of microseconds';
  const us = Math.trunc(scaled(value, what, example, TIME_UNITS, 1, U32_MAX));
  if (us > U32_MAX) throw badUnit(what, value, example);
  return us;
}

/** printf's %g: six significant digits, no trailing zeros. */
function printfG(value: number, precision = 6): string {
  if (value === 0) return '0';
  const exponent = Math.floor(Math.log10(Math.abs(value)));
  if (exponent < -4 || exponent >= precision) {
    const [m, e] = value.toExponential(precision - 1).split('e') as [string, string];
    const mantissa = m.includes('.') ? m.replace(/\.?0+$/, '') : m;
    const n = Number(e);
    return `${mantissa}e${n < 0 ? '-' : '+'}${String(Math.abs(n)).padStart(2, '0')}`;
  }
  const fixed = value.toFixed(Math.max(0, precision - 1 - exponent));
  return fixed.includes('.') ? fixed.replace(/\.?0+$/, '') : fixed;
}

/** C's rint(): to the nearest integer, ties to even. */
function rint(value: number): number {
  const floor = Math.floor(value);
  const diff = value - floor;
  if (diff > 0.5) return floor + 1;
  if (diff < 0.5) return floor;
  return floor % 2 === 0 ? floor : floor + 1;
}

/** sprint_size: `10Kb`, `1Mb`, `1600b`, as tc prints sizes in text and in burst strings like "10Kb/1". */
export function formatSize(bytes: number): string {
  const kilo = 1024;
  const mega = kilo * kilo;
  const giga = mega * kilo;
  if (bytes >= giga && Math.abs(giga * rint(bytes / giga) - bytes) < 1024) return `${printfG(rint(bytes / giga))}Gb`;
  if (bytes >= mega && Math.abs(mega * rint(bytes / mega) - bytes) < 1024) return `${printfG(rint(bytes / mega))}Mb`;
  if (bytes >= kilo && Math.abs(kilo * rint(bytes / kilo) - bytes) < 16) return `${printfG(rint(bytes / kilo))}Kb`;
  return `${Math.trunc(bytes)}b`;
}

/** sprint_time: `25ms`, `1.5s`, `400us`, from microseconds. */
export function formatTime(us: number): string {
  if (us >= TIME_UNITS_PER_SEC) return `${printfG(us / TIME_UNITS_PER_SEC, 3)}s`;
  if (us >= TIME_UNITS_PER_SEC / 1000) return `${printfG(us / (TIME_UNITS_PER_SEC / 1000), 3)}ms`;
  return `${Math.trunc(us)}us`;
}

/**
 * print_rate without `-iec`: bits per second in units of 1000 (`1500Kbit`,
 * `2Mbit`, `1Mbit` for 1000500 bit), as tc prints rates in text: it divides
 * while the rate is even in thousands or at least a million of the unit.
 */
export function formatRate(bytesPerSecond: number): string {
  const units = ['', 'K', 'M', 'G', 'T'];
  let rate = BigInt(bytesPerSecond) * 8n;
  let i = 0;
  for (; i < units.length - 1; i++) {
    if (rate < 1000n) break;
    if (rate % 1000n !== 0n && rate < 1_000_000n) break;
    rate /= 1000n;
  }
  return `${rate}${units[i]}bit`;
}
