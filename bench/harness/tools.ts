// The baselines: iproute2 and nft run as child processes (bench code only;
// nlkit itself never forks).
import { spawnSync } from 'node:child_process';

export class ToolError extends Error {
  override readonly name = 'ToolError';
}

/** Runs a command, feeding `input` on stdin; returns stdout. Throws with stderr on failure. */
export function run(command: string, args: readonly string[], input?: string): string {
  const result = spawnSync(command, args, {
    input,
    encoding: 'utf8',
    maxBuffer: 1 << 30,
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  if (result.error) throw new ToolError(`${command} ${args.join(' ')}: ${result.error.message}`);
  if (result.status !== 0) {
    const stderr = (result.stderr ?? '').trim().split('\n').slice(0, 5).join(' | ');
    throw new ToolError(`${command} ${args.slice(0, 8).join(' ')}${args.length > 8 ? ' …' : ''} exited ${result.status}: ${stderr}`);
  }
  return result.stdout;
}

/** `ip ARGS`, one process per call: what shell-based orchestration does. */
export function ip(...args: string[]): string {
  return run('ip', args);
}

/** `ip -n NS ARGS`. */
export function ipIn(netns: string, ...args: string[]): string {
  return run('ip', ['-n', netns, ...args]);
}

/** `ip -n NS -j ARGS`, parsed. */
export function ipJsonIn<T = any>(netns: string, ...args: string[]): T {
  const out = ipIn(netns, '-j', ...args).trim();
  return (out === '' ? [] : JSON.parse(out)) as T;
}

/** One `ip [-n NS] -batch -` process executing every line. */
export function ipBatch(lines: readonly string[], netns?: string): void {
  if (lines.length === 0) return;
  run('ip', [...(netns ? ['-n', netns] : []), '-batch', '-'], `${lines.join('\n')}\n`);
}

/** `nlkit [-n NETNS] -batch -` with `lines` on stdin: the command as a user runs it (bin/nlkit, dist/ when built). */
export function nlkitBatch(lines: readonly string[], netns?: string): void {
  const bin = new URL('../../bin/nlkit', import.meta.url).pathname;
  run(process.execPath, [bin, ...(netns ? ['-n', netns] : []), '-batch', '-'], lines.join('\n') + '\n');
}

/** Lines of output, without the empty last one. */
export function countLines(text: string): number {
  if (text === '') return 0;
  return text.endsWith('\n') ? text.split('\n').length - 1 : text.split('\n').length;
}

export function hasCommand(command: string): boolean {
  const result = spawnSync(command, ['--version'], { encoding: 'utf8' });
  return !result.error;
}

/**
 * `nft ARGS` inside a namespace. nft has no `-n`; `ip netns exec` enters the
 * namespace and execs nft in the same process, so this costs one process and
 * two execs.
 */
export function nftIn(netns: string, args: readonly string[], input?: string): string {
  return run('ip', ['netns', 'exec', netns, 'nft', ...args], input);
}
