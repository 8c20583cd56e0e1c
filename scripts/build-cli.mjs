// After tsc: bundles the `nlkit` command (src/cli/bin.ts) with esbuild into
// dist/cli/nlkit.js and its chunks, dist/cli/chunks/*.js, which bin/nlkit
// loads. One file per code path instead of ~200 modules: a command that talks
// rtnetlink starts ~110 ms of CPU faster than through tsc's output, and the
// chunks keep `-V`, help and `netns add|del` from loading the rtnetlink code
// (docs/performance.md, "The nlkit command").
//
// The package's dependencies (koffi, debug) stay imports, resolved from
// node_modules as before. The CNI agent (`nlkit cni-agent`, a daemon whose
// start-up does not matter) stays the tsc build's dist/cni/agent/, so its
// pod pool finds its worker file next to it.
//
// Usage: node scripts/build-cli.mjs [--outdir DIR]; NLKIT_CLI_SOURCEMAP=1
// writes source maps too (used with `node --enable-source-maps bin/nlkit`).
// esbuild is the project's devDependency; where it is not installed (a path
// install, see scripts/prepare.mjs) the `esbuild` on PATH, which prepare
// provides through `npm exec`.
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const at = process.argv.indexOf('--outdir');
const outdir = at > 0 ? resolve(process.argv[at + 1] ?? '') : join(root, 'dist', 'cli');
/** Imported by src/cli/main.ts and left to the tsc build (dist/cni/agent/index.js), relative to dist/cli/nlkit.js. */
const AGENT = '../cni/agent/index.js';

const local = join(root, 'node_modules', '.bin', 'esbuild');
const esbuild = existsSync(local) ? local : 'esbuild';
const dependencies = Object.keys(JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).dependencies ?? {});
const metafile = join(outdir, 'nlkit.meta.json');

rmSync(join(outdir, 'chunks'), { recursive: true, force: true });
execFileSync(esbuild, [
  join(root, 'src', 'cli', 'bin.ts'),
  '--bundle', '--splitting', '--format=esm', '--platform=node', '--target=node20',
  `--tsconfig=${join(root, 'tsconfig.build.json')}`,
  ...dependencies.map((name) => `--external:${name}`),
  `--external:${AGENT}`,
  `--outdir=${outdir}`, '--entry-names=nlkit', '--chunk-names=chunks/[name]-[hash]',
  `--metafile=${metafile}`, '--log-level=warning',
  ...(process.env.NLKIT_CLI_SOURCEMAP === '1' ? ['--sourcemap'] : []),
], { cwd: root, stdio: 'inherit' });

// The only relative import esbuild leaves is the agent's, and only in nlkit.js, where it reaches dist/cni/agent/.
const outputs = JSON.parse(readFileSync(metafile, 'utf8')).outputs;
rmSync(metafile);
for (const [file, output] of Object.entries(outputs)) {
  for (const { path, external } of output.imports) {
    if (!external || !path.startsWith('.')) continue;
    if (path !== AGENT || resolve(root, file) !== join(outdir, 'nlkit.js')) throw new Error(`build-cli: ${file} imports ${path}, which the bundle cannot reach`);
  }
}
if (at < 0 && !existsSync(join(outdir, AGENT))) throw new Error(`build-cli: ${join(outdir, AGENT)} is missing; run tsc -p tsconfig.build.json first`);
