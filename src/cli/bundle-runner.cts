// Runs the bundled `nlkit` command, dist/cli/nlkit.cjs (one CommonJS file,
// written by scripts/build-cli.mjs), with V8's code cache for it,
// dist/cli/nlkit.cjs.cache, made by the same build. Node 20 keeps no compile
// cache of its own (`module.enableCompileCache` is Node 22), so without one
// every start of the command parses and compiles what it runs; with it V8
// takes the compiled code from the cache. This is ~30 ms of the ~75 ms nlkit
// adds to Node's start for a command that talks rtnetlink
// (docs/performance.md, "The nlkit command").
//
// A cache made by another V8 version or with other V8 flags is refused by V8
// itself (checked against the source and the flags) and the bundle is
// compiled as without one; nothing is written at run time.
import { readFileSync, writeFileSync } from 'node:fs';
import Module from 'node:module';
import { dirname, join } from 'node:path';
import { Script } from 'node:vm';

const BUNDLE = 'nlkit.cjs';
const CACHE = 'nlkit.cjs.cache';

type ModuleFactory = (exports: unknown, require: NodeJS.Require, module: unknown, filename: string, dirname: string) => void;

function compile(file: string, source: string, cache: Buffer | undefined): Script {
  // The wrapper Node's CommonJS loader puts around a module, so the bundle runs as if required.
  const wrapped = `(function (exports, require, module, __filename, __dirname) {${source}\n})`;
  return new Script(wrapped, { filename: file, ...(cache ? { cachedData: cache } : {}) });
}

function evaluate(script: Script, file: string): void {
  const module = new Module(file);
  module.filename = file;
  const require = Module.createRequire(file);
  const factory = script.runInThisContext() as ModuleFactory;
  factory.call(module.exports, module.exports, require, module, file, dirname(file));
}

/** The file's bytes, or undefined when it does not exist. */
function readIfThere(file: string): Buffer | undefined {
  try {
    return readFileSync(file);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}

/**
 * Runs the command bundled next to this file (dist/cli) on process.argv;
 * false when there is no bundle (a build by tsc alone), for bin/nlkit to
 * fall back. Under --enable-source-maps the bundle is required instead, as
 * Node applies source maps to what its own loader compiled.
 */
export function runBundle(dir = __dirname): boolean {
  const file = join(dir, BUNDLE);
  const source = readIfThere(file);
  if (!source) return false;
  if (process.sourceMapsEnabled) {
    require(file);
    return true;
  }
  // esbuild writes ASCII only (its default charset): latin1 is the same text, decoded cheaper.
  evaluate(compile(file, source.toString('latin1'), readIfThere(join(dir, CACHE))), file);
  return true;
}

/** Whether V8 takes the code cache in `dir` for its bundle in this process (false without one): for tests and diagnostics. */
export function bundleCacheAccepted(dir = __dirname): boolean {
  const file = join(dir, BUNDLE);
  const cache = readIfThere(join(dir, CACHE));
  return cache !== undefined && compile(file, readFileSync(file, 'latin1'), cache).cachedDataRejected === false;
}

/**
 * Build step (scripts/build-cli.mjs): runs the command in `dir` once as
 * `nlkit ARGS...` and, when it is done, writes V8's cache of the code
 * compiled by then: the bundle's top level and what the command ran.
 */
export function writeBundleCache(dir: string, args: readonly string[]): void {
  const file = join(dir, BUNDLE);
  const script = compile(file, readFileSync(file, 'latin1'), undefined);
  process.argv = [process.argv[0]!, file, ...args];
  evaluate(script, file);
  process.once('beforeExit', () => writeFileSync(join(dir, CACHE), script.createCachedData()));
}
