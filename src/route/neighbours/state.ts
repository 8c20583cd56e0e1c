import {
  NTF_EXT_LEARNED, NTF_MASTER, NTF_OFFLOADED, NTF_PROXY, NTF_ROUTER, NTF_SELF, NTF_STICKY, NTF_USE,
  NUD_DELAY, NUD_FAILED, NUD_INCOMPLETE, NUD_NOARP, NUD_NONE, NUD_PERMANENT, NUD_PROBE, NUD_REACHABLE, NUD_STALE,
} from '../../generated/neighbour.js';
import { InvalidArgumentError } from '../../netlink/addresses.js';
import { jsonOf } from '../../netlink/checks.js';

/** A neighbour (NUD) state in `ip neigh`'s words: `nud permanent`, `nud stale`, ... */
export type NeighbourState = 'permanent' | 'noarp' | 'reachable' | 'stale' | 'none' | 'incomplete' | 'delay' | 'probe' | 'failed';

const STATE_VALUES = new Map<NeighbourState, number>([
  ['permanent', NUD_PERMANENT], ['noarp', NUD_NOARP], ['reachable', NUD_REACHABLE], ['stale', NUD_STALE],
  ['none', NUD_NONE], ['incomplete', NUD_INCOMPLETE], ['delay', NUD_DELAY], ['probe', NUD_PROBE], ['failed', NUD_FAILED],
]);

// Bit order of iproute2's print_neigh_state, which is the order of the NUD_* bits.
const STATE_ORDER: readonly (readonly [number, string])[] = [
  [NUD_INCOMPLETE, 'INCOMPLETE'], [NUD_REACHABLE, 'REACHABLE'], [NUD_STALE, 'STALE'], [NUD_DELAY, 'DELAY'],
  [NUD_PROBE, 'PROBE'], [NUD_FAILED, 'FAILED'], [NUD_NOARP, 'NOARP'], [NUD_PERMANENT, 'PERMANENT'],
];

/** The set NUD bits as `ip neigh` prints them, e.g. ['PERMANENT']; [] for NUD_NONE. */
export function neighbourStateNames(state: number): string[] {
  const names: string[] = [];
  for (const [bit, name] of STATE_ORDER) if (state & bit) names.push(name);
  return names;
}

/** A state name as `nud NAME` takes it. */
export function parseNeighbourState(value: unknown, what = 'state'): number {
  const state = typeof value === 'string' ? STATE_VALUES.get(value as NeighbourState) : undefined;
  if (state === undefined) {
    throw new InvalidArgumentError(`${what} must be one of ${[...STATE_VALUES.keys()].join(', ')}; got ${jsonOf(value)}`);
  }
  return state;
}

/**
 * The states a filter selects, as a mask; NUD_NONE (0) is represented by
 * STATE_NONE_BIT because no bit of the kernel's byte stands for it (the same
 * trick as iproute2's 0x100).
 */
export const STATE_NONE_BIT = 0x100;

export function parseStateFilter(value: unknown, what = 'state'): number {
  if (value === 'all') return 0xff | STATE_NONE_BIT;
  const list = Array.isArray(value) ? value : [value];
  if (list.length === 0) throw new InvalidArgumentError(`${what} must name at least one state`);
  let mask = 0;
  for (const item of list) {
    const state = parseNeighbourState(item, what);
    mask |= state === NUD_NONE ? STATE_NONE_BIT : state;
  }
  return mask;
}

export function matchesStateMask(state: number, mask: number): boolean {
  return state === NUD_NONE ? (mask & STATE_NONE_BIT) !== 0 : (state & mask) !== 0;
}

// NTF_* bit order; names as in linux/neighbour.h.
const FLAG_ORDER: readonly (readonly [number, string])[] = [
  [NTF_USE, 'USE'], [NTF_SELF, 'SELF'], [NTF_MASTER, 'MASTER'], [NTF_PROXY, 'PROXY'], [NTF_EXT_LEARNED, 'EXT_LEARNED'],
  [NTF_OFFLOADED, 'OFFLOADED'], [NTF_STICKY, 'STICKY'], [NTF_ROUTER, 'ROUTER'],
];

/** ndm_flags bits by their NTF_* names, e.g. ['PROXY'] or ['ROUTER']. */
export function neighbourFlagNames(flags: number): string[] {
  const names: string[] = [];
  for (const [bit, name] of FLAG_ORDER) if (flags & bit) names.push(name);
  return names;
}
