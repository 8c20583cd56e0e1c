// What both plugin clients (the Perl script, client-script.ts, and the C
// program, c-client.ts) are generated from: the options a caller gives, checked
// once, with their defaults, and the bounds every client applies to the agent.
import { InvalidArgumentError } from '../../index.js';
import { DEFAULT_DEL_QUEUE } from './del-queue.js';
import { DEFAULT_AGENT_SOCKET } from './socket-path.js';

export interface ClientScriptOptions {
  /** The plugin name the agent knows (the executable's name). */
  plugin: string;
  /**
   * The standalone command, run when no agent answers, before the entry
   * point: each candidate interpreter is tried in order (default `node` on
   * PATH, then `nodePath`).
   */
  nodeCommands?: string[][];
  /** The standalone entry point; default `<this script's directory>/bin/<plugin>.js`, symlinks followed. */
  entry?: string;
  /** The agent's socket when NLKIT_CNI_AGENT_SOCKET is unset; default /run/nlkit/cni.sock. */
  socketPath?: string;
  /** The DEL queue when NLKIT_CNI_DEL_QUEUE is unset; default /var/lib/nlkit/cni/del-queue. */
  delQueueDir?: string;
  /**
   * How long the client waits for the agent's answer once the request is
   * sent, in whole seconds (default `CLIENT_ANSWER_TIMEOUT_S`); then an ADD
   * fails with code 11 and anything else runs standalone.
   */
  answerTimeoutSeconds?: number;
}

/** The options with their defaults, checked: what both clients are generated from. */
export interface ClientSettings {
  plugin: string;
  nodeCommands: string[][];
  entry: string | undefined;
  socketPath: string;
  delQueueDir: string;
  answerTimeoutSeconds: number;
}

/**
 * How long a client waits for the agent to accept the connection and take
 * the whole request. The agent reads every request at once and refuses one
 * not complete within its own 10 s, so an agent that is not reading by then
 * is wedged: the call ends as when the agent closes without an answer.
 */
export const CLIENT_SEND_TIMEOUT_S = 10;

/**
 * How long a client waits for the answer by default. A call through the
 * agent takes milliseconds, a delegated IPAM plugin (dhcp) seconds; kubelet
 * gives a whole sandbox start 2 minutes, so a call still unanswered after
 * one is not coming back in time for it either.
 */
export const CLIENT_ANSWER_TIMEOUT_S = 60;

/** Larger answers are not the agent's (a plugin prints a result of kilobytes). */
export const CLIENT_MAX_ANSWER_BYTES = 64 * 1024 * 1024;

const PLUGIN_NAME = /^[a-z0-9][a-z0-9._-]*$/;

/** Checks the options and fills in the defaults. */
export function clientSettings(options: ClientScriptOptions): ClientSettings {
  if (typeof options !== 'object' || options === null) throw new InvalidArgumentError('options must be an object');
  const { plugin } = options;
  if (typeof plugin !== 'string' || !PLUGIN_NAME.test(plugin)) throw new InvalidArgumentError(`plugin must be a plugin name such as nlkit-bridge, not ${JSON.stringify(plugin)}`);
  const commands = options.nodeCommands ?? [['node']];
  if (!Array.isArray(commands) || commands.length === 0 || !commands.every((c) => Array.isArray(c) && c.length > 0 && c.length <= 32 && c.every((a) => typeof a === 'string' && a !== '' && !a.includes('\0')))) {
    throw new InvalidArgumentError('nodeCommands must be a non-empty list of argv lists of 1 to 32 non-empty strings');
  }
  if (options.entry !== undefined && (typeof options.entry !== 'string' || options.entry === '' || options.entry.includes('\0'))) throw new InvalidArgumentError('entry must be a path');
  for (const key of ['socketPath', 'delQueueDir'] as const) {
    const value = options[key];
    if (value !== undefined && (typeof value !== 'string' || !value.startsWith('/') || value.includes('\0'))) throw new InvalidArgumentError(`${key} must be an absolute path`);
  }
  const timeout = options.answerTimeoutSeconds ?? CLIENT_ANSWER_TIMEOUT_S;
  if (!Number.isSafeInteger(timeout) || timeout < 1 || timeout > 86_400) throw new InvalidArgumentError('answerTimeoutSeconds must be a whole number of seconds from 1 to 86400');
  return {
    plugin, nodeCommands: commands, entry: options.entry, socketPath: options.socketPath ?? DEFAULT_AGENT_SOCKET, delQueueDir: options.delQueueDir ?? DEFAULT_DEL_QUEUE, answerTimeoutSeconds: timeout,
  };
}
