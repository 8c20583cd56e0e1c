// The two plugin clients the runtime may start, C and Perl, written into a
// test's temp dir: tests that drive the agent through a client run once per
// kind, so each behaviour is proven of both.
import { execFileSync } from 'node:child_process';
import { chmodSync, writeFileSync } from 'node:fs';
import type { Test } from 'tap';
import { buildCClient } from '../helpers/c-client.js';
import { perlClientScript, type ClientScriptOptions } from '../../src/cni/agent/client-script.js';

export type ClientKind = 'c' | 'perl';

function compilerWorks(): boolean {
  try {
    execFileSync('cc', ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

const HAS_CC = compilerWorks();

/** Every client kind this machine can build: both, unless it has no C compiler (then only Perl; client.test.ts fails on it). */
export const CLIENT_KINDS: readonly ClientKind[] = HAS_CC ? ['c', 'perl'] : ['perl'];

/** The kind `npm run build` writes on this machine. */
export const DEFAULT_CLIENT_KIND: ClientKind = HAS_CC ? 'c' : 'perl';

/** Writes the `kind` client for `options.plugin` at `path` (mode 0755). */
export function writeClient(kind: ClientKind, path: string, options: ClientScriptOptions): string {
  if (kind === 'c') {
    buildCClient({ ...options, output: path });
  } else {
    writeFileSync(path, perlClientScript(options));
    chmodSync(path, 0o755);
  }
  return path;
}

/** Runs `body` as one subtest per client kind, named after it. */
export function perClient(t: Test, name: string, body: (t: Test, kind: ClientKind) => Promise<void>): void {
  for (const kind of CLIENT_KINDS) void t.test(`[${kind} client] ${name}`, (t) => body(t, kind));
}
