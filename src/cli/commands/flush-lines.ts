// What ip's flushes (addresses, neighbours, routes, the route cache) print
// under -s, and how many rounds they go: the same lines in each of its
// do_*flush loops.

/** ip's rounds of a flush: ipaddress.c's max_flush_loops and ipneigh.c's MAX_ROUNDS (a route flush has no limit in ip; nlkit stops there too). */
export const FLUSH_ROUNDS = 10;

/** The line after the last round, once a dump finds nothing more to delete. */
export function flushCompleteLine(rounds: number): string {
  return `*** Flush is complete after ${rounds} round${rounds > 1 ? 's' : ''} ***\n`;
}

/** What a flush prints when its dump finds nothing: before any round, "Nothing to flush." */
export function flushDoneLine(rounds: number): string {
  return rounds === 0 ? 'Nothing to flush.\n' : flushCompleteLine(rounds);
}

/** The line after round `round` (from 0) deleted `count` objects. */
export function flushRoundLine(round: number, count: number, objects: 'entries' | 'addresses'): string {
  return `\n*** Round ${round + 1}, deleting ${count} ${objects} ***\n`;
}
