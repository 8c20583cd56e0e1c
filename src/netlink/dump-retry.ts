// Retrying dumps the kernel flags inconsistent (NLM_F_DUMP_INTR). A flag
// means the table changed between two parts of one dump; a change usually
// comes from a writer in a burst, so the first retries go at once and later
// ones back off, with jitter so that two dumpers (or a dumper and a periodic
// writer) do not stay in step.

/** Retries made without waiting: most interruptions are one change. */
const IMMEDIATE_RETRIES = 2;
const FIRST_DELAY_MS = 0.5;
const MAX_DELAY_MS = 25;

/** Delay before attempt `attempt + 1`, in ms (fractional). */
export function dumpRetryDelayMs(attempt: number): number {
  if (attempt <= IMMEDIATE_RETRIES) return 0;
  const ceiling = Math.min(MAX_DELAY_MS, FIRST_DELAY_MS * 2 ** (attempt - IMMEDIATE_RETRIES - 1));
  // "Equal jitter": at least half the ceiling, so the backoff still grows.
  return ceiling / 2 + Math.random() * (ceiling / 2);
}

const sleeper = new Int32Array(new SharedArrayBuffer(4));

/** Blocks the calling thread (a synchronous dump's retry already blocks it). */
export function sleepSync(ms: number): void {
  if (ms > 0) Atomics.wait(sleeper, 0, 0, ms);
}

export function sleepAsync(ms: number): Promise<void> {
  return ms > 0 ? new Promise((resolve) => setTimeout(resolve, ms)) : Promise.resolve();
}

const inconsistent = new WeakSet<readonly unknown[]>();

/** Marks a dump result that is returned although the kernel flagged it inconsistent. */
export function markInconsistentDump<T extends readonly unknown[]>(result: T): T {
  inconsistent.add(result);
  return result;
}

/**
 * True for a list returned although the kernel kept flagging its dump as
 * inconsistent (only with `inconsistentDumps: 'return'`): objects added or
 * removed while it was read may be missing or stale in it.
 */
export function isInconsistentDump(result: readonly unknown[]): boolean {
  return inconsistent.has(result);
}

/** Carries the inconsistency mark from a dump result to a list derived from it (filtered, mapped). */
export function keepDumpMark<T extends readonly unknown[]>(from: readonly unknown[], to: T): T {
  if (inconsistent.has(from)) inconsistent.add(to);
  return to;
}

/** A list derived from a dump result (filtered, selected), keeping its inconsistency mark. */
export function deriveFromDump<T, U>(dumped: T[], derive: (list: T[]) => U[]): U[] {
  return keepDumpMark(dumped, derive(dumped));
}
