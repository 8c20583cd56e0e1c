// Running `nlkit` in-process (runCli) and `ip` side by side on one namespace.
import { execFileSync, spawnSync } from 'node:child_process';
import { runCli } from '../../src/cli/main.js';

export interface CliRun {
  status: number;
  stdout: string;
  stderr: string;
}

/** `nlkit ARGS` run in this process, output captured. */
export async function nlkit(args: readonly string[], stdin?: string): Promise<CliRun> {
  let stdout = '';
  let stderr = '';
  const status = await runCli(args, {
    stdout: (t) => void (stdout += t),
    stderr: (t) => void (stderr += t),
    ...(stdin !== undefined ? { readStdin: () => stdin } : {}),
  });
  return { status, stdout, stderr };
}

/** `ip ARGS`, never throwing: status and output. */
export function ipRun(args: readonly string[], stdin?: string): CliRun {
  const r = spawnSync('ip', args, { encoding: 'utf8', ...(stdin !== undefined ? { input: stdin } : {}) });
  return { status: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

/** `ip ARGS` stdout, throwing on failure. */
export function ipOut(...args: string[]): string {
  return execFileSync('ip', args, { encoding: 'utf8' });
}
