// The C client (client.c): the same executable as the Perl client, compiled
// on the host with its C compiler, one binary per plugin with the plugin's
// name and paths baked in like the Perl script's (a runtime may start it under
// any name, through a symlink or a copy). The settings go in through a
// generated header (`cc -include`), so the C source itself is never
// generated and stays a file a reader can compile and check on its own.
import { execFileSync } from 'node:child_process';
import { chmodSync, mkdtempSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { SUPPORTED_VERSIONS } from '../spec/versions.js';
import { CLIENT_MAX_ANSWER_BYTES, CLIENT_SEND_TIMEOUT_S, clientSettings, type ClientScriptOptions } from './client-settings.js';
import { DEL_QUEUE_VARIABLE } from './del-queue.js';
import { AGENT_SOCKET_VARIABLE } from './socket-path.js';

/**
 * client.c in this package: src/ ships in the package, and this module sits
 * at the same depth in dist/ and src/, so the path holds for both.
 */
export const C_CLIENT_SOURCE = fileURLToPath(new URL('../../../src/cni/agent/client.c', import.meta.url));

/**
 * The flags the client is compiled with. It compiles without a warning here
 * (the tests add -Werror); the build does not, so that a newer compiler's
 * new warning does not cost a host the C client.
 */
export const C_CLIENT_FLAGS: readonly string[] = ['-std=c99', '-O2', '-Wall', '-Wextra'];

/**
 * Linked statically when the C library allows it (glibc's libc.a comes with
 * libc6-dev on Debian): no dynamic loader at start, about 0.2 ms of CPU less
 * per call here (0.47 against 0.65 ms for a VERSION through the agent);
 * dynamically otherwise. The client calls nothing that needs glibc's
 * dynamic parts (NSS, iconv, dlopen).
 */
const LINKS: readonly (readonly string[])[] = [['-static'], []];

/** The compiler failed (or is not there); `output` is what it printed. */
export class CClientBuildError extends Error {
  override readonly name = 'CClientBuildError';
  constructor(message: string, readonly output: string) {
    super(output ? `${message}\n${output}` : message);
  }
}

/** A C string literal of `value`'s UTF-8 bytes: printable ASCII as it is, the rest (and `"`, `\`, `?` of trigraphs) in octal. */
function cString(value: string): string {
  let text = '"';
  for (const byte of Buffer.from(value, 'utf8')) {
    const c = String.fromCharCode(byte);
    text += byte >= 0x20 && byte < 0x7f && c !== '"' && c !== '\\' && c !== '?' ? c : `\\${byte.toString(8).padStart(3, '0')}`;
  }
  return `${text}"`;
}

/** The header client.c is compiled with: the plugin and everything the Perl client has baked in. */
export function cClientConfigHeader(options: ClientScriptOptions): string {
  const s = clientSettings(options);
  const commands = s.nodeCommands.map((argv) => `${argv.map(cString).join(', ')}, 0,`).join('\n  ');
  return `/* Written by nlkit (src/cni/agent/c-client.ts) for ${s.plugin}; compiled into client.c with -include. */
#define NLKIT_PLUGIN ${cString(s.plugin)}
#define NLKIT_AGENT_SOCKET_VARIABLE ${cString(AGENT_SOCKET_VARIABLE)}
#define NLKIT_DEFAULT_SOCKET ${cString(s.socketPath)}
#define NLKIT_DEL_QUEUE_VARIABLE ${cString(DEL_QUEUE_VARIABLE)}
#define NLKIT_DEFAULT_DEL_QUEUE ${cString(s.delQueueDir)}
${s.entry === undefined ? '/* no NLKIT_ENTRY: <the executable\'s directory>/bin/<plugin>.js */' : `#define NLKIT_ENTRY ${cString(s.entry)}`}
#define NLKIT_SEND_TIMEOUT_S ${CLIENT_SEND_TIMEOUT_S}
#define NLKIT_ANSWER_TIMEOUT_S ${s.answerTimeoutSeconds}
#define NLKIT_MAX_ANSWER_BYTES ${CLIENT_MAX_ANSWER_BYTES}u
#define NLKIT_SUPPORTED_VERSIONS ${cString(SUPPORTED_VERSIONS.map((v) => `"${v}"`).join(','))}
/* Each standalone command's argv, 0-terminated; an empty argv ends the list. */
static const char *const nlkit_node_commands[] = {
  ${commands}
  0,
};
`;
}

export interface CClientBuildOptions extends ClientScriptOptions {
  /** Where the executable goes (written beside it and renamed into place, mode 0755). */
  output: string;
  /** The compiler; default `cc` on PATH. */
  cc?: string;
}

/**
 * Compiles the client for one plugin. Throws CClientBuildError when the
 * compiler is missing or fails, leaving nothing at `output`'s path.
 */
export function buildCClient(options: CClientBuildOptions): void {
  const header = cClientConfigHeader(options);
  const cc = options.cc ?? 'cc';
  const work = mkdtempSync(join(tmpdir(), 'nlkit-c-client-'));
  const temporary = join(dirname(options.output), `.${options.plugin}.nlkit-cc-${process.pid}`);
  try {
    const headerPath = join(work, 'config.h');
    writeFileSync(headerPath, header);
    for (const [i, link] of LINKS.entries()) {
      try {
        execFileSync(cc, [...C_CLIENT_FLAGS, ...link, '-include', headerPath, C_CLIENT_SOURCE, '-o', temporary], { stdio: ['ignore', 'pipe', 'pipe'], timeout: 120_000 });
        break;
      } catch (error) {
        const e = error as NodeJS.ErrnoException & { stderr?: Buffer; stdout?: Buffer };
        if (e.code === 'ENOENT') throw new CClientBuildError(`no C compiler: ${cc} not found`, '');
        if (i === LINKS.length - 1) throw new CClientBuildError(`${cc} failed to compile ${C_CLIENT_SOURCE}`, `${e.stdout?.toString() ?? ''}${e.stderr?.toString() ?? ''}`.trim());
      }
    }
    chmodSync(temporary, 0o755);
    renameSync(temporary, options.output);
  } finally {
    rmSync(work, { recursive: true, force: true });
    rmSync(temporary, { force: true });
  }
}
