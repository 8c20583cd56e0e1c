// A range set: the ranges one address per ADD comes from (one entry of
// `ranges`). Its ranges share a family and must not overlap; its position in
// `ranges` names its round-robin file, last_reserved_ip.<index>.
import { configError } from './errors.js';
import type { Ip } from './ip.js';
import { canonicalRange, formatRange, rangeContains, rangesOverlap, type Range, type RangeInput } from './range.js';

export type RangeSet = readonly Range[];

/** Canonicalises every range of the set (`index` only names the set in messages). */
export function canonicalRangeSet(inputs: readonly RangeInput[], index: number): RangeSet {
  const prefix = `invalid range set ${index}`;
  if (inputs.length === 0) throw configError(`${prefix}: empty range set`);
  const set = inputs.map((input) => {
    try {
      return canonicalRange(input);
    } catch (error) {
      if (error instanceof Error) error.message = `${prefix}: ${error.message}`;
      throw error;
    }
  });
  if (set.some((r) => r.subnet.ip.family !== set[0]!.subnet.ip.family)) throw configError(`${prefix}: mixed address families`);
  for (let i = 0; i < set.length; i++) {
    for (let j = i + 1; j < set.length; j++) {
      if (rangesOverlap(set[i]!, set[j]!)) throw configError(`${prefix}: subnets ${formatRange(set[i]!)} and ${formatRange(set[j]!)} overlap`);
    }
  }
  return set;
}

/** The range of the set that hands out `ip`, if any. */
export function rangeFor(set: RangeSet, ip: Ip): Range | undefined {
  return set.find((r) => rangeContains(r, ip));
}

export function rangeSetsOverlap(a: RangeSet, b: RangeSet): boolean {
  return a.some((r) => b.some((s) => rangesOverlap(r, s)));
}

/** `start-end,start-end`, as host-local names a range set in its messages. */
export function formatRangeSet(set: RangeSet): string {
  return set.map(formatRange).join(',');
}

export function familyOf(set: RangeSet): 4 | 6 {
  return set[0]!.subnet.ip.family;
}
