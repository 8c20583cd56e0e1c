// What a leak would show: open fds, the soak's namespaces under /run/netns,
// links left in the soak's host namespace, and resident memory.
import { readdirSync } from 'node:fs';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { listNetns } from '../../src/index.js';

// `npm run soak` may run without --expose-gc; V8 installs gc() in a fresh
// context once the flag is set at run time.
const gc: () => void = (globalThis as { gc?: () => void }).gc ?? (() => {
  setFlagsFromString('--expose-gc');
  return runInNewContext('gc') as () => void;
})();

export function openFds(): number {
  // The directory handle readdir opens is in the listing too; it is there at every count.
  return readdirSync('/proc/self/fd').length;
}

export function soakNamespaces(prefix: string): string[] {
  return listNetns().filter((name) => name.startsWith(prefix));
}

/** Resident set size and V8 heap in use, MiB, after a full garbage collection (twice: the first frees what finalizers hold). */
export function memoryAfterGc(): { rssMiB: number; heapUsedMiB: number } {
  gc();
  gc();
  const usage = process.memoryUsage();
  return { rssMiB: usage.rss / (1 << 20), heapUsedMiB: usage.heapUsed / (1 << 20) };
}

export interface Snapshot {
  /** Cycles done when it was taken. */
  cycles: number;
  seconds: number;
  fds: number;
  namespaces: number;
  /** Links in the soak's host namespace besides lo and the bridge (pod host ends not yet torn down). */
  hostLinks: number;
  rssMiB: number;
  /** V8 heap in use after the same gc: a leak of JavaScript objects shows here first. */
  heapUsedMiB: number;
}
