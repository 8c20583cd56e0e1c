// Statements that stand alone, one kernel expression each, printed as nft's
// JSON prints them: counter, limit, quota, log. Used in rules, and (stateless,
// counter values left out) as the statements of sets and their elements.
import type { CounterExpression } from '../../expressions/counter.js';
import type { LimitExpression } from '../../expressions/limit.js';
import type { LogExpression } from '../../expressions/log.js';
import type { QuotaExpression } from '../../expressions/quota.js';
import type { Expression } from '../../expressions/types.js';
import type { NftJsonStatement, NftJsonValue } from '../schema.js';
import { NftJsonUnsupportedError } from './errors.js';
import { connlimitJson } from './expressions/connlimit.js';
import { flagsJson } from './values.js';

const DATA_UNITS = ['bytes', 'kbytes', 'mbytes'];

/** A byte count in the largest unit that divides it, as nft prints rates and quotas: 10485760 is 10 mbytes. */
export function byteUnits(bytes: number): [number, string] {
  let value = bytes;
  let unit = 0;
  while (value !== 0 && unit < DATA_UNITS.length - 1 && value % 1024 === 0) {
    value /= 1024;
    unit++;
  }
  return [value, DATA_UNITS[unit]!];
}

const TIME_UNITS: Record<number, string> = { 1: 'second', 60: 'minute', 3600: 'hour', 86400: 'day', 604800: 'week' };

export function perUnit(seconds: number, what: string): string {
  const unit = TIME_UNITS[seconds];
  if (unit === undefined) throw new NftJsonUnsupportedError(`a limit per ${seconds} seconds has no unit nft names`, what);
  return unit;
}

export function counterJson(e: CounterExpression, stateless = false): NftJsonStatement {
  return { counter: stateless ? null : { packets: e.packets, bytes: e.bytes } };
}

export function limitJson(e: LimitExpression, what: string): NftJsonStatement {
  const out: { [k: string]: NftJsonValue } = {};
  if (e.type === 'bytes') {
    const [rate, rateUnit] = byteUnits(e.rate);
    const [burst, burstUnit] = byteUnits(e.burst);
    // nft's key order: inv before the units.
    Object.assign(out, { rate, burst, per: perUnit(e.unit, what), ...(e.invert ? { inv: true } : {}), rate_unit: rateUnit, burst_unit: burstUnit });
  } else if (e.type === 'packets') {
    Object.assign(out, { rate: e.rate, burst: e.burst, per: perUnit(e.unit, what), ...(e.invert ? { inv: true } : {}) });
  } else {
    throw new NftJsonUnsupportedError(`limit type ${e.type} is not one nft names`, what);
  }
  return { limit: out };
}

export function quotaJson(e: QuotaExpression, stateless = false): NftJsonStatement {
  const [val, valUnit] = byteUnits(e.bytes);
  const out: { [k: string]: NftJsonValue } = { val, val_unit: valUnit };
  // nft's key order: inv before what was used.
  if (e.over) out.inv = true;
  if (!stateless && e.consumed > 0) {
    const [used, usedUnit] = byteUnits(e.consumed);
    Object.assign(out, { used, used_unit: usedUnit });
  }
  return { quota: out };
}

const ALL_LOG_FLAGS = ['tcp sequence', 'tcp options', 'ip options', 'skuid', 'ether'];

export function logJson(e: LogExpression, what: string): NftJsonStatement {
  const out: { [k: string]: NftJsonValue } = {};
  if (e.prefix !== undefined) out.prefix = e.prefix;
  if (e.group !== undefined) out.group = e.group;
  if (e.snaplen !== undefined) out.snaplen = e.snaplen;
  if (e.qthreshold !== undefined) out['queue-threshold'] = e.qthreshold;
  // nft leaves out the default level, warn.
  if (e.level !== undefined && e.level !== 'warn') {
    if (typeof e.level === 'number') throw new NftJsonUnsupportedError(`log level ${e.level} is not one nft names`, what);
    out.level = e.level;
  }
  const flags = e.flags ?? [];
  if (flags.some((x) => x.startsWith('0x'))) throw new NftJsonUnsupportedError(`log flags ${flags.join(',')} include bits nft does not name`, what);
  if (ALL_LOG_FLAGS.every((x) => flags.includes(x as never))) out.flags = 'all';
  else if (flags.length) out.flags = flagsJson(flags);
  return { log: Object.keys(out).length ? out : null };
}

/** The statement of a stateful expression in a set or element (`counter`, `limit`, `quota`), as nft prints it there. */
export function statefulJson(e: Expression, what: string, stateless: boolean): NftJsonStatement {
  switch (e.kind) {
    case 'counter': return counterJson(e, stateless);
    case 'limit': return limitJson(e, what);
    case 'quota': return quotaJson(e, stateless);
    default:
      if (e.kind === 'connlimit') return connlimitJson(e);
      throw new NftJsonUnsupportedError(`a ${e.kind === 'unknown' ? e.name : e.kind} expression in a set is not one nlkit prints`, what);
  }
}
