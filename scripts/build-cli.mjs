// After tsc: bundles the `nlkit` command (src/cli/bin.ts) with esbuild into
// one CommonJS file, dist/cli/nlkit.cjs, and writes V8's code cache for it,
// dist/cli/nlkit.cjs.cache; bin/nlkit runs it through tsc's
// dist/cli/bundle-runner.cjs. One file instead of ~200 modules, compiled from
// the cache instead of from source: a command that talks rtnetlink starts
// ~140 ms of CPU faster than through tsc's output (docs/performance.md, "The
// nlkit command").
//
// The package's dependencies (koffi, debug) stay require()s, resolved from
// node_modules as before. The CNI agent (`nlkit cni-agent`, a daemon whose
// start-up does not matter) runs from the tsc build's dist/cni/agent/, so its
// pod pool finds its worker file next to it; bin/nlkit sends it there.
//
// The cache is V8's compiled code of the bundle's top level and of `nlkit -V`
// run once here; V8 refuses it in a process of another V8 version or other
// flags (the bundle is then compiled as without it), so the build must run on
// the Node.js that runs the command, as npm's install and prepare steps do.
//
// Usage: node scripts/build-cli.mjs [--outdir DIR]; NLKIT_CLI_SOURCEMAP=1
// writes a source map too (used with `node --enable-source-maps bin/nlkit`,
// which then requires the bundle instead of using the cache).
// esbuild is the project's devDependency; where it is not installed (a path
// install, see scripts/prepare.mjs) the `esbuild` on PATH, which prepare
// provides through `npm exec`.
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const at = process.argv.indexOf('--outdir');
const outdir = at > 0 ? resolve(process.argv[at + 1] ?? '') : join(root, 'dist', 'cli');
/** Imported by src/cli/main.ts and left to the tsc build (dist/cni/agent/index.js), relative to dist/cli/nlkit.cjs. */
const AGENT = '../cni/agent/index.js';

const local = join(root, 'node_modules', '.bin', 'esbuild');
const esbuild = existsSync(local) ? local : 'esbuild';
const dependencies = Object.keys(JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).dependencies ?? {});
const metafile = join(outdir, 'nlkit.meta.json');

const bundle = join(outdir, 'nlkit.cjs');
// The ES-module build's layout (nlkit.js and its chunks) before this one.
for (const old of ['chunks', 'nlkit.js']) rmSync(join(outdir, old), { recursive: true, force: true });
execFileSync(esbuild, [
  join(root, 'src', 'cli', 'bin.ts'),
  '--bundle', '--format=cjs', '--platform=node', '--target=node20', '--charset=ascii',
  `--tsconfig=${join(root, 'tsconfig.build.json')}`,
  ...dependencies.map((name) => `--external:${name}`),
  `--external:${AGENT}`,
  // import.meta.url (the logger's createRequire) as the bundle's own URL. The banner
  // comes before esbuild's "use strict", so it carries the directive itself: the
  // sources are ES modules, strict throughout.
  '--define:import.meta.url=__nlkitBundleUrl',
  '--banner:js="use strict"; var __nlkitBundleUrl = require("node:url").pathToFileURL(__filename).href;',
  `--outfile=${bundle}`, `--metafile=${metafile}`, '--log-level=warning',
  ...(process.env.NLKIT_CLI_SOURCEMAP === '1' ? ['--sourcemap'] : []),
], { cwd: root, stdio: 'inherit' });

if (!readFileSync(bundle, 'latin1').startsWith('"use strict";')) throw new Error(`build-cli: ${bundle} does not start with "use strict"; it would run in sloppy mode`);

// The only relative import esbuild leaves is the agent's, which reaches dist/cni/agent/ (bin/nlkit runs cni-agent from there).
const outputs = JSON.parse(readFileSync(metafile, 'utf8')).outputs;
rmSync(metafile);
for (const [file, output] of Object.entries(outputs)) {
  for (const { path, external } of output.imports) {
    if (!external || !path.startsWith('.')) continue;
    if (path !== AGENT) throw new Error(`build-cli: ${file} imports ${path}, which the bundle cannot reach`);
  }
}
if (at < 0 && !existsSync(join(outdir, AGENT))) throw new Error(`build-cli: ${join(outdir, AGENT)} is missing; run tsc -p tsconfig.build.json first`);

// The code cache: `nlkit -V` run once by tsc's bundle runner, which writes what V8 compiled.
const runner = join(root, 'dist', 'cli', 'bundle-runner.cjs');
if (!existsSync(runner)) throw new Error(`build-cli: ${runner} is missing; run tsc -p tsconfig.build.json first`);
const version = execFileSync(process.execPath, ['-e', `require(${JSON.stringify(runner)}).writeBundleCache(${JSON.stringify(outdir)}, ['-V'])`], { encoding: 'utf8' });
if (!version.startsWith('nlkit')) throw new Error(`build-cli: the bundle's -V printed ${JSON.stringify(version)}`);
