// Writing into directories a container runtime reads while we write: every
// file is written under a temporary name in its final directory and renamed
// over the old one, so a runtime execs or parses either the old file or the
// new one, never half of one.
import { chmodSync, copyFileSync, existsSync, lstatSync, mkdirSync, readdirSync, readFileSync, realpathSync, renameSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { CniInstallError } from './errors.js';

// A hidden name without the final extension: runtimes load only *.conf,
// *.conflist and *.json from the configuration directory, so a half-written
// temporary file is never read as a network.
function tmpName(path: string): string {
  return join(dirname(path), `.${basename(path)}.nlkit-tmp-${process.pid}`);
}

/**
 * Writes `content` to `path` with `mode` (tmp + fsync'd write + rename);
 * nothing is written when the file already holds exactly that with that
 * mode. Returns whether it wrote.
 */
export function writeFileAtomic(path: string, content: string | Buffer, mode: number): boolean {
  const bytes = typeof content === 'string' ? Buffer.from(content) : content;
  try {
    if ((statSync(path).mode & 0o7777) === mode && readFileSync(path).equals(bytes)) return false;
  } catch {
    // missing or unreadable: write it
  }
  const tmp = tmpName(path);
  try {
    writeFileSync(tmp, bytes, { mode, flush: true });
    chmodSync(tmp, mode);
    renameSync(tmp, path);
  } catch (error) {
    rmSync(tmp, { force: true });
    throw error;
  }
  return true;
}

/** How to start the copied Node.js: its dynamic loader, with the copied libraries first. */
export interface NodeRuntime {
  /** argv before the script: [loader, '--library-path', libDir, node]. */
  command: string[];
  /** The files copied (relative to the runtime directory). */
  files: string[];
}

const SHARED_OBJECT = /\.so(\.\d+)*$/;
const LOADER = /^ld-(linux|musl)[^/]*\.so(\.\d+)*$/;

/** The executable and shared libraries this process has mapped (its Node.js and what that needs). */
function mappedObjects(): { executable: string; libraries: string[] } {
  const executable = realpathSync(process.execPath);
  const libraries = new Set<string>();
  for (const line of readFileSync('/proc/self/maps', 'utf8').split('\n')) {
    const path = / (\/\S+)$/.exec(line)?.[1];
    if (path && path !== executable && SHARED_OBJECT.test(basename(path))) libraries.add(path);
  }
  return { executable, libraries: [...libraries] };
}

/** The names a loader looks a library up by: its own and those of the symlinks beside it that point to it (the SONAME). */
function namesOf(library: string): string[] {
  const names = new Set([basename(library)]);
  const dir = dirname(library);
  for (const entry of readdirSync(dir)) {
    const path = join(dir, entry);
    try {
      if (lstatSync(path).isSymbolicLink() && realpathSync(path) === library) names.add(entry);
    } catch {
      // a dangling link
    }
  }
  return [...names];
}

/**
 * Copies the Node.js running this program, its shared libraries and its
 * dynamic loader into `dir` (`dir/node`, `dir/lib/`), so a host without
 * Node.js (or with another C library) can run the plugins standalone. The
 * directory is built beside its final name and renamed into place; one that
 * is already complete (its `manifest` lists the same files) is left alone.
 */
export function copyNodeRuntime(dir: string): NodeRuntime {
  const { executable, libraries } = mappedObjects();
  const loader = libraries.find((lib) => LOADER.test(basename(lib)));
  if (!loader) throw new CniInstallError('EINVAL', `cannot copy this Node.js: no dynamic loader among its libraries (${libraries.join(', ') || 'none'}); leave NLKIT_CNI_RUNTIME_DIR unset to use node from the host's PATH`);
  const copies: [string, string][] = [[executable, 'node'], ...libraries.map((lib): [string, string] => [lib, `lib/${basename(lib)}`])];
  // Other names of a library (libstdc++.so.6 for libstdc++.so.6.0.30): symlinks beside the copy.
  const aliases = libraries.flatMap((lib) => namesOf(lib).filter((name) => name !== basename(lib)).map((name): [string, string] => [basename(lib), `lib/${name}`]));
  const manifest = `${[...copies.map(([from, to]) => `${to} ${statSync(from).size} ${from}`), ...aliases.map(([target, to]) => `${to} -> ${target}`)].join('\n')}\n`;
  const command = [join(dir, 'lib', basename(loader)), '--library-path', join(dir, 'lib'), join(dir, 'node')];
  const files = [...copies, ...aliases].map(([, to]) => to);
  const manifestPath = join(dir, 'manifest');
  if (existsSync(manifestPath) && readFileSync(manifestPath, 'utf8') === manifest) return { command, files };
  const tmp = `${dir}.nlkit-tmp-${process.pid}`;
  const old = `${dir}.nlkit-old-${process.pid}`;
  rmSync(tmp, { recursive: true, force: true });
  try {
    mkdirSync(join(tmp, 'lib'), { recursive: true, mode: 0o755 });
    for (const [from, to] of copies) {
      copyFileSync(from, join(tmp, to));
      chmodSync(join(tmp, to), 0o755);
    }
    for (const [target, to] of aliases) symlinkSync(target, join(tmp, to));
    writeFileSync(join(tmp, 'manifest'), manifest, { mode: 0o644 });
    // A directory cannot be renamed over a non-empty one: move the old one
    // aside first (a standalone call in between finds no copy and tries the
    // next command, `node` on PATH, as when there was none).
    if (existsSync(dir)) renameSync(dir, old);
    renameSync(tmp, dir);
  } finally {
    rmSync(tmp, { recursive: true, force: true });
    rmSync(old, { recursive: true, force: true });
  }
  return { command, files };
}
