// The C client (client.c): the same executable as the Perl client, compiled
// on the host with its C compiler, one binary per plugin with the plugin's
// name and paths baked in like the Perl script's (a runtime may start it under
// any name, through a symlink or a copy). The settings go in through a
// generated header (`cc -include`), so the C source itself is never
// generated and stays a file a reader can compile and check on its own.
// What runs the compiler is build tooling (scripts/compile-c-client.mjs),
// not the library: nothing under src/ starts a process to do nlkit's work.
import { SUPPORTED_VERSIONS } from '../spec/versions.js';
import { CLIENT_MAX_ANSWER_BYTES, CLIENT_SEND_TIMEOUT_S, clientSettings, type ClientScriptOptions } from './client-settings.js';
import { DEL_QUEUE_VARIABLE } from './del-queue.js';
import { AGENT_SOCKET_VARIABLE } from './socket-path.js';

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

