// A test's own /etc/iproute2: its name files in a temp directory that nlkit
// reads (useIproute2ConfigDir), and `ip` run in a private mount namespace
// with that directory bind-mounted over /etc/iproute2, so the host's files
// are never touched.
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Test } from 'tap';
import { useIproute2ConfigDir } from '../../src/route/iproute2-databases.js';

/** rt_tables as iproute2 ships it. */
export const STOCK_TABLES = '255\tlocal\n254\tmain\n253\tdefault\n0\tunspec\n';

/** Writes `files` (paths relative to the directory) and points nlkit at them until the test ends. */
export function useTestIproute2Conf(t: Test, files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'nlkit-iproute2-'));
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(join(dir, name, '..'), { recursive: true });
    writeFileSync(join(dir, name), text);
  }
  useIproute2ConfigDir(dir);
  t.teardown(() => {
    useIproute2ConfigDir();
    rmSync(dir, { recursive: true, force: true });
  });
  return dir;
}

/** `ip ARGS` with `dir` over /etc/iproute2, never throwing: status and output. */
export function ipWithConf(dir: string, args: readonly string[]): { status: number; stdout: string; stderr: string } {
  const r = spawnSync('unshare', ['--mount', '--propagation', 'private', '--', 'sh', '-c', 'mount --bind "$0" /etc/iproute2 && exec ip "$@"', dir, ...args], { encoding: 'utf8' });
  return { status: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}
