// After tsc: makes dist/cni/ usable as a CNI_PATH directory as it is, and
// writes the agent's launcher, dist/cni/agent.js.
//
// Each plugin gets an executable named as runtimes look it up (no extension):
// the agent's client, which forwards the call to the resident agent and,
// when none answers, runs dist/cni/bin/<plugin>.js with Node.js. Which one
// (docs/cni.md, "The executable: dist/cni/<plugin>"), NLKIT_CNI_LAUNCHER
// forcing it:
//   c     the C client (src/cni/agent/client.c) compiled here with `cc`, one
//         binary per plugin: the default when cc works;
//   perl  the Perl client (src/cni/agent/client-script.ts): the default when
//         cc is missing or fails, and for `npm pack`/`npm publish`, whose
//         dist/ runs on other machines (a binary is built for this one's
//         architecture and C library);
//   node  the plain Node.js launcher (no agent): the default with neither.
//
// The standalone entry points dist/cni/bin/<plugin>.js are then bundled with
// esbuild (nlkit's own modules only; koffi and debug stay imports from
// node_modules; what the three share is one chunk in bin/chunks/): a
// standalone call no longer resolves and loads the whole library module by
// module. NLKIT_CNI_BUNDLE=0 keeps tsc's output.
//
// Launchers are written like bin/nlkit: no import statement, no import.meta,
// so they load as ES modules or as CommonJS alike; the relative import()
// resolves from the file itself.
import { chmodSync, existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';

const plugins = ['nlkit-bridge', 'nlkit-portmap', 'nlkit-bandwidth'];

const forced = process.env.NLKIT_CNI_LAUNCHER || undefined;
if (forced !== undefined && !['c', 'perl', 'node'].includes(forced)) throw new Error(`build-cni: NLKIT_CNI_LAUNCHER must be c, perl or node, not ${JSON.stringify(forced)}`);
const portable = process.env.npm_command === 'pack' || process.env.npm_command === 'publish';
const scriptLauncher = existsSync('/usr/bin/perl') ? 'perl' : 'node';

const dist = (path) => new URL(`../dist/cni/${path}`, import.meta.url);
for (const path of ['agent/main.js', 'agent/client-script.js', 'agent/c-client.js', ...plugins.map((name) => `bin/${name}.js`)]) {
  if (!existsSync(dist(path))) throw new Error(`build-cni: ${dist(path).pathname} is missing; run tsc -p tsconfig.build.json first`);
}
const { perlClientScript } = await import(dist('agent/client-script.js').href);
const { cClientConfigHeader } = await import(dist('agent/c-client.js').href);
const { compileCClient } = await import(new URL('./compile-c-client.mjs', import.meta.url).href);

// The Node.js this build ran with first: CNI runtimes often start plugins with
// a PATH that has no node on it. `node` on PATH when that one has gone.
const nodeCommands = [[process.execPath], ['node']];

function write(path, text) {
  writeFileSync(dist(path), text);
  chmodSync(dist(path), 0o755);
}

/** The C clients, or why not (the compiler's own words): a forced `c` fails the build, the default falls back. */
function buildC() {
  try {
    for (const name of plugins) compileCClient({ header: cClientConfigHeader({ plugin: name, nodeCommands }), output: dist(name).pathname });
    return undefined;
  } catch (error) {
    if (forced === 'c') throw error;
    return error.message;
  }
}

let launcher = forced ?? (portable ? scriptLauncher : 'c');
if (launcher === 'c') {
  const why = buildC();
  if (why !== undefined) {
    launcher = scriptLauncher;
    process.stderr.write(`build-cni: the C client was not built (${why.split('\n')[0]}); writing the ${launcher === 'perl' ? 'Perl client' : 'Node.js launcher'} instead\n`);
  }
}
if (launcher !== 'c') for (const name of plugins) {
  write(name, launcher === 'perl'
    ? perlClientScript({ plugin: name, nodeCommands })
    : `#!/usr/bin/env node\n// The ${name} CNI plugin: put this directory on CNI_PATH.\nimport('./bin/${name}.js');\n`);
}
write('agent.js', "#!/usr/bin/env node\n// The nlkit CNI agent: `node dist/cni/agent.js [--socket PATH]` (docs/cni.md).\nimport('./agent/main.js');\n");

// esbuild is a devDependency: a build without it (an install that skipped
// them) keeps tsc's files, which work the same, only start slower.
const esbuild = process.env.NLKIT_CNI_BUNDLE === '0' ? undefined : await import('esbuild').catch((error) => {
  process.stderr.write(`build-cni: esbuild not available (${error.message}); the standalone plugins stay unbundled\n`);
  return undefined;
});
if (esbuild) {
  // One build of the three entries with code splitting: what they share is
  // one chunk (bin/chunks/), so dist/ holds nlkit's code once, not three times.
  const entries = plugins.map((name) => dist(`bin/${name}.js`).pathname);
  const banner = "// nlkit's CNI plugins, standalone: bundled by scripts/build-cni.mjs (esbuild).";
  // Run again on a dist/ it bundled already (without tsc first): nothing to do.
  if (!entries.every((entry) => readFileSync(entry, 'utf8').startsWith(banner))) await esbuild.build({
    entryPoints: entries,
    outdir: dist('bin').pathname,
    allowOverwrite: true,
    bundle: true,
    splitting: true,
    chunkNames: 'chunks/[name]-[hash]',
    platform: 'node',
    format: 'esm',
    target: 'node20',
    packages: 'external',
    minifySyntax: true,
    legalComments: 'none',
    logLevel: 'warning',
    banner: { js: banner },
  });
  // tsc's maps describe the unbundled files.
  for (const entry of entries) rmSync(`${entry}.map`, { force: true });
}
