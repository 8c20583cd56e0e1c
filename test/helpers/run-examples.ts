// Runs documentation snippets and example scripts as a user would run them,
// each in a throwaway world: a fresh network namespace (so an example that
// configures "this namespace" touches nothing of the host) and a private mount
// namespace with its own empty /run/netns (so named namespaces an example
// creates are invisible to the host and die with it even if it forgets them).
// What the example leaves in that /run/netns is reported, so a test can insist
// that examples clean up after themselves.
import { execFile } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { root } from './typecheck-examples.js';

export interface ExampleRun {
  /** Exit status of the example (null when killed by a signal or the timeout). */
  status: number | null;
  stdout: string;
  stderr: string;
  /** Named namespaces the example left in its /run/netns. */
  leftNamespaces: string[];
}

const marker = '@@nlkit-left-namespaces:';
const tsxLoader = join(root, 'node_modules', 'tsx', 'dist', 'esm', 'index.mjs');

/**
 * A directory under .tap/ where snippets are written as modules that import
 * 'nlkit' from this checkout's source: src/ built by esbuild into one module
 * (plus the namespace pool's worker, which pool.ts loads from beside it) and
 * mapped by tsconfig paths, which tsx honours. One file instead of ~400
 * source modules through tsx's loader makes each snippet process start about
 * twice as fast; the code is the same source, bundled as a user's bundler would.
 */
export async function snippetDirectory(name: string): Promise<string> {
  const dir = join(root, '.tap', name);
  mkdirSync(dir, { recursive: true });
  const { build } = await import('esbuild');
  await build({
    entryPoints: { nlkit: join(root, 'src', 'index.ts'), 'pool-worker': join(root, 'src', 'pod', 'pool-worker.ts') },
    outdir: dir,
    bundle: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    // Resolved from node_modules at run time, as an installed nlkit resolves them.
    external: ['koffi', 'debug', 'tsx'],
    logLevel: 'error',
  });
  writeFileSync(join(dir, 'tsconfig.json'), JSON.stringify({
    extends: '../../tsconfig.json',
    compilerOptions: { noEmit: true, rootDir: '../..', paths: { nlkit: ['./nlkit.js'] } },
  }));
  return dir;
}

/** Runs a TypeScript or JavaScript file with tsx inside a throwaway world. */
export function runExample(file: string, tsconfig: string, timeoutMs = 60_000): Promise<ExampleRun> {
  mkdirSync('/run/netns', { recursive: true });
  const script = [
    'mount -t tmpfs nlkit-example /run/netns || exit 97',
    `node --import=${JSON.stringify(tsxLoader)} "$0"`,
    'status=$?',
    `printf '\\n${marker}%s\\n' "$(ls /run/netns | tr '\\n' ' ')"`,
    'exit $status',
  ].join('\n');
  const env: NodeJS.ProcessEnv = { ...process.env, TSX_TSCONFIG_PATH: tsconfig, NODE_OPTIONS: '' };
  delete env.DEBUG;
  return new Promise((resolve) => {
    execFile('unshare', ['--mount', '--propagation', 'private', '--net', '--', 'sh', '-c', script, file],
      { cwd: root, env, encoding: 'utf8', timeout: timeoutMs, maxBuffer: 16 << 20 },
      (error, stdout, stderr) => {
        const at = stdout.lastIndexOf(marker);
        const left = at < 0 ? '' : stdout.slice(at + marker.length).trim();
        resolve({
          status: error ? (typeof error.code === 'number' ? error.code : null) : 0,
          stdout: at < 0 ? stdout : stdout.slice(0, at).replace(/\n$/, ''),
          stderr,
          leftNamespaces: left ? left.split(/\s+/) : [],
        });
      });
  });
}

/** Runs `tasks` with at most `limit` in flight. */
export async function inBatches<T, R>(items: readonly T[], limit: number, task: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const i = next++;
      results[i] = await task(items[i]!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}
