// npm's `prepare` step: builds dist/ from src/.
//
// npm runs it after `npm install` in a clone, before `npm pack` and
// `npm publish`, and when nlkit is installed from git (in a temporary clone
// where npm has installed the devDependencies first). A path install,
// `npm install /path/to/clone`, links the clone into the project and runs
// `prepare` there without installing anything into it: neither the compiler
// nor nlkit's own runtime dependencies (which a linked package resolves from
// the clone) would be found. In that case this script installs the runtime
// dependencies from the lockfile and borrows the locked TypeScript through
// `npm exec`, rather than installing every development tool into the clone;
// the same for esbuild, which bundles the `nlkit` command (build-cli.mjs).
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const localTsc = fileURLToPath(new URL('../node_modules/typescript/bin/tsc', import.meta.url));
const localEsbuild = fileURLToPath(new URL('../node_modules/.bin/esbuild', import.meta.url));
const npm = process.env.npm_execpath ? [process.execPath, process.env.npm_execpath] : ['npm'];

// A global or prefixed install of the consumer must not turn the clone's own
// dependency install into a global one.
const env = { ...process.env };
for (const key of ['npm_config_global', 'npm_config_location', 'npm_config_prefix', 'npm_config_omit', 'npm_config_include']) delete env[key];

function run(command, args) {
  execFileSync(command, args, { cwd: root, stdio: 'inherit', env });
}

/** The version package-lock.json pins for a development tool, else `fallback`. */
function locked(name, fallback) {
  const lock = JSON.parse(readFileSync(new URL('../package-lock.json', import.meta.url), 'utf8'));
  return lock.packages?.[`node_modules/${name}`]?.version ?? fallback;
}

run(process.execPath, [fileURLToPath(new URL('clean-dist.mjs', import.meta.url))]);
if (existsSync(localTsc)) {
  run(process.execPath, [localTsc, '-p', 'tsconfig.build.json']);
} else {
  console.error(`nlkit: building dist/ in ${root}: installing its runtime dependencies, compiling with typescript@${locked('typescript', '5')}`);
  // --ignore-scripts: this very script is the clone's prepare.
  run(npm[0], [...npm.slice(1), 'ci', '--omit=dev', '--ignore-scripts', '--no-audit', '--no-fund']);
  run(npm[0], [...npm.slice(1), 'exec', '--yes', `--package=typescript@${locked('typescript', '5')}`, '--', 'tsc', '-p', 'tsconfig.build.json']);
}
// dist/cni/ as a CNI_PATH directory (the plugin executables), as `npm run build` leaves it.
run(process.execPath, [fileURLToPath(new URL('build-cni.mjs', import.meta.url))]);
// dist/cli/nlkit.cjs and its code cache, the bundled command bin/nlkit runs (with esbuild from npm exec, on PATH, when it is not installed).
const buildCli = [process.execPath, fileURLToPath(new URL('build-cli.mjs', import.meta.url))];
if (existsSync(localEsbuild)) run(buildCli[0], buildCli.slice(1));
else run(npm[0], [...npm.slice(1), 'exec', '--yes', `--package=esbuild@${locked('esbuild', '0')}`, '--', ...buildCli]);
