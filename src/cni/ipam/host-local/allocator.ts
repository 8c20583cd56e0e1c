// Handing out one address of a range set, as host-local does: round-robin from
// the address after last_reserved_ip.<index> (or from the first range's start
// when that address is not in the set), through the ranges in order and back
// around, skipping each range's gateway and every address that already has a
// file. A crash-looping container therefore does not get the same address back
// until the whole set has been used. Runs under the store's lock.
import { allocationError } from './errors.js';
import { formatAddress, nextIp, sameIp, type Ip } from './ip.js';
import { rangeCapacity, rangeContains, type Range } from './range.js';
import { formatRangeSet, rangeFor, type RangeSet } from './range-set.js';
import type { DiskStore } from './store.js';

/** An address given to a container, with the range it came from. */
export interface Reservation {
  ip: Ip;
  range: Range;
  /** The file that records it. */
  file: string;
}

/**
 * Candidate addresses in host-local's order (its RangeIter): starts right
 * after `last` when the set hands out `last`, else at the first range's start,
 * and stops on coming back to the first candidate.
 */
export function* candidates(set: RangeSet, last: Ip | undefined): Generator<{ ip: Ip; range: Range }> {
  let index = 0;
  let current: Ip | undefined;
  let start: Ip | undefined;
  const lastIndex = last === undefined ? -1 : set.findIndex((r) => rangeContains(r, last));
  if (lastIndex >= 0) {
    index = lastIndex;
    current = last;
  }
  for (;;) {
    let range = set[index]!;
    if (current === undefined) {
      current = range.rangeStart;
      start = current;
    } else {
      if (sameIp(current, range.rangeEnd)) {
        index = (index + 1) % set.length;
        range = set[index]!;
        current = range.rangeStart;
      } else {
        current = nextIp(current);
      }
      if (start === undefined) start = current;
      else if (sameIp(current, start)) return;
    }
    if (sameIp(current, range.gateway)) continue;
    yield { ip: current, range };
  }
}

/**
 * Reserves an address of set `index` for the attachment: `requested` when
 * given (it must be in the set and not its gateway), else the next free one.
 */
export function allocate(store: DiskStore, set: RangeSet, index: number, containerId: string, ifname: string, requested?: Ip): Reservation {
  if (requested) {
    const range = rangeFor(set, requested);
    if (!range) throw allocationError(`${formatAddress(requested)} not in range set ${formatRangeSet(set)}`);
    if (sameIp(requested, range.gateway)) throw allocationError(`requested ip ${formatAddress(requested)} is subnet's gateway`);
    if (!store.reserve(requested, containerId, ifname, index)) {
      throw allocationError(`requested IP address ${formatAddress(requested)} is not available in range set ${formatRangeSet(set)}`);
    }
    return { ip: requested, range, file: formatAddress(requested) };
  }

  // The specification forbids a second ADD for one attachment; host-local refuses it per set.
  const held = store.allocations().find((a) => a.containerId === containerId && (a.ifname === ifname || a.ifname === undefined) && rangeFor(set, a.ip));
  if (held) throw allocationError(`${held.file} has been allocated to ${containerId}, duplicate allocation is not allowed`);

  for (const { ip, range } of candidates(set, store.lastReserved(index))) {
    if (store.reserve(ip, containerId, ifname, index)) return { ip, range, file: formatAddress(ip) };
  }
  throw allocationError(`no IP addresses available in range set: ${formatRangeSet(set)}`);
}

/** How many addresses of the set are still free (counted, not walked, so a /64 costs nothing). */
export function freeAddresses(store: DiskStore, set: RangeSet): bigint {
  const capacity = set.reduce((sum, r) => sum + rangeCapacity(r), 0n);
  const taken = store.allocations().filter((a) => {
    const range = rangeFor(set, a.ip);
    return range !== undefined && !sameIp(a.ip, range.gateway);
  }).length;
  return capacity - BigInt(taken);
}
