// Every benchmark works only inside namespaces it created, named
// nlkb-<pid>-..., and removes them when it ends, on Ctrl-C, or on a crash.
// Cleanup scans /run/netns for the prefix, so namespaces made by worker
// threads (same pid) are removed too.
import { deleteNetns, createNetns, listNetns } from '../../src/netns/index.js';

export const BENCH_PREFIX = `nlkb-${process.pid}-`;

let counter = 0;

/** A fresh namespace name owned by this bench process, e.g. `nlkb-4242-churn-host-1`. */
export function benchNetnsName(tag: string): string {
  return `${BENCH_PREFIX}${tag}-${++counter}`;
}

export function createBenchNetns(tag: string): string {
  const name = benchNetnsName(tag);
  createNetns(name);
  return name;
}

/** Deletes the bench namespaces that still exist; returns how many it removed. */
export function removeBenchNamespaces(names?: readonly string[]): number {
  const present = new Set(listNetns());
  const targets = (names ?? [...present].filter((n) => n.startsWith(BENCH_PREFIX))).filter((n) => present.has(n));
  for (const name of targets) {
    if (!name.startsWith(BENCH_PREFIX)) throw new Error(`refusing to delete namespace "${name}": not created by this bench`);
    try {
      deleteNetns(name);
    } catch {
      // Best effort: keep removing the others.
    }
  }
  return targets.length;
}

let installed = false;

/**
 * Removes every namespace of this process on exit, Ctrl-C and SIGTERM.
 * Signal handlers exit with 128+signal, as a shell would report.
 */
export function installCleanupHandlers(): void {
  if (installed) return;
  installed = true;
  process.on('exit', () => removeBenchNamespaces());
  for (const [signal, code] of [['SIGINT', 130], ['SIGTERM', 143]] as const) {
    process.on(signal, () => {
      process.stderr.write(`\n${signal}: removing bench namespaces\n`);
      removeBenchNamespaces();
      process.exit(code);
    });
  }
}

/** Runs `fn` with fresh namespaces and deletes them afterwards, also when it throws. */
export async function withBenchNamespaces<T>(tags: readonly string[], fn: (names: string[]) => Promise<T> | T): Promise<T> {
  const names: string[] = [];
  try {
    for (const tag of tags) names.push(createBenchNetns(tag));
    return await fn(names);
  } finally {
    removeBenchNamespaces(names);
  }
}
