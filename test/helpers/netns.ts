// Throwaway namespaces for tests: unique names, removed on teardown even when
// the test fails, and on process exit or a fatal signal as a last resort.
import { execFileSync } from 'node:child_process';
import { onExit } from 'signal-exit';
import type { Test } from 'tap';
import { createNetns, deleteNetns, netnsExists } from '../../src/netns/index.js';

const live = new Set<string>();
let counter = 0;

function removeAll(): void {
  for (const name of live) {
    try {
      if (netnsExists(name)) deleteNetns(name);
    } catch {
      // best effort at exit
    }
    live.delete(name);
  }
}
// On exit, and on the signals tap sends a test process it gives up on
// (SIGALRM at its timeout, then SIGTERM/SIGKILL), which end a process without
// its 'exit' event: signal-exit runs the callback and lets the signal go on.
onExit(removeAll);

export const isRoot = process.getuid?.() === 0;

/** A fresh namespace name unique to this process. */
export function uniqueNetnsName(tag = 'ns'): string {
  return `nlkt-${tag}-${process.pid}-${++counter}`;
}

/** Creates `count` namespaces for the test and deletes them when it ends. */
export function testNetns(t: Test, count = 1, tag = 'ns'): string[] {
  const names: string[] = [];
  for (let i = 0; i < count; i++) {
    const name = uniqueNetnsName(tag);
    createNetns(name);
    live.add(name);
    names.push(name);
  }
  t.teardown(() => {
    for (const name of names) {
      if (netnsExists(name)) deleteNetns(name);
      live.delete(name);
    }
  });
  return names;
}

/** Runs `ip -n NS ARGS` and returns stdout (tests only: nlkit itself never forks). */
export function ip(netns: string, ...args: string[]): string {
  return execFileSync('ip', ['-n', netns, ...args], { encoding: 'utf8' });
}

/** `ip -n NS -j ARGS` parsed. */
export function ipJson<T = any>(netns: string, ...args: string[]): T {
  const out = ip(netns, '-j', ...args).trim();
  return (out === '' ? [] : JSON.parse(out)) as T;
}

/** Fails the test (rather than hanging) when not root; kernel tests need CAP_NET_ADMIN and CAP_SYS_ADMIN. */
export function requireRoot(t: Test): boolean {
  if (!isRoot) {
    t.plan(0, 'needs root (CAP_NET_ADMIN, CAP_SYS_ADMIN) to create network namespaces');
    return false;
  }
  return true;
}
