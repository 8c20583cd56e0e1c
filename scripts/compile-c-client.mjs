// Compiles the CNI plugins' C client (src/cni/agent/client.c) with the header
// src/cni/agent/c-client.ts writes for one plugin. Build tooling, run by
// `npm run build` (build-cni.mjs), the tests and the bench: the library
// itself never starts a process to do its work.
import { execFileSync } from 'node:child_process';
import { chmodSync, mkdtempSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** client.c in this checkout (or unpacked package: src/ ships with it). */
export const C_CLIENT_SOURCE = fileURLToPath(new URL('../src/cni/agent/client.c', import.meta.url));

/**
 * The flags the client is compiled with. It compiles without a warning here
 * (the tests add -Werror); the build does not, so that a newer compiler's
 * new warning does not cost a host the C client.
 */
export const C_CLIENT_FLAGS = Object.freeze(['-std=c99', '-O2', '-Wall', '-Wextra']);

/**
 * Linked statically when the C library allows it (glibc's libc.a comes with
 * libc6-dev on Debian): no dynamic loader at start, about 0.2 ms of CPU less
 * per call here (0.47 against 0.65 ms for a VERSION through the agent);
 * dynamically otherwise. The client calls nothing that needs glibc's
 * dynamic parts (NSS, iconv, dlopen).
 */
const LINKS = [['-static'], []];

/** The compiler failed (or is not there); `output` is what it printed. */
export class CClientBuildError extends Error {
  name = 'CClientBuildError';
  /** @param {string} message @param {string} output */
  constructor(message, output) {
    super(output ? `${message}\n${output}` : message);
    this.output = output;
  }
}

/**
 * Compiles the client with `header` (cClientConfigHeader's text) into
 * `output` (written beside it and renamed into place, mode 0755). Throws
 * CClientBuildError when the compiler is missing or fails, leaving nothing
 * at `output`'s path.
 * @param {{ header: string, output: string, cc?: string }} options
 */
export function compileCClient({ header, output, cc = 'cc' }) {
  const work = mkdtempSync(join(tmpdir(), 'nlkit-c-client-'));
  const temporary = join(dirname(output), `.${basename(output)}.nlkit-cc-${process.pid}`);
  try {
    const headerPath = join(work, 'config.h');
    writeFileSync(headerPath, header);
    for (const [i, link] of LINKS.entries()) {
      try {
        execFileSync(cc, [...C_CLIENT_FLAGS, ...link, '-include', headerPath, C_CLIENT_SOURCE, '-o', temporary], { stdio: ['ignore', 'pipe', 'pipe'], timeout: 120_000 });
        break;
      } catch (error) {
        if (error.code === 'ENOENT') throw new CClientBuildError(`no C compiler: ${cc} not found`, '');
        if (i === LINKS.length - 1) throw new CClientBuildError(`${cc} failed to compile ${C_CLIENT_SOURCE}`, `${error.stdout?.toString() ?? ''}${error.stderr?.toString() ?? ''}`.trim());
      }
    }
    chmodSync(temporary, 0o755);
    renameSync(temporary, output);
  } finally {
    rmSync(work, { recursive: true, force: true });
    rmSync(temporary, { force: true });
  }
}
