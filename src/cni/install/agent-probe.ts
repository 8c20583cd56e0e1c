// The DaemonSet's probes: asks the agent itself, over its socket, never the
// standalone fallback the plugin executables have (that would answer for a
// dead agent). `--status` sends the conflist's STATUS (readiness: the agent
// can serve ADD); without it a VERSION call (liveness: the agent answers).
import { readFileSync } from 'node:fs';
import { connect } from 'node:net';
import { decodeAnswer, encodeRequest } from '../agent/protocol.js';

// The agent's default (DEFAULT_AGENT_SOCKET; test/cni/install.test.ts holds them equal), not imported: the probe loads no more than node:net.
export const PROBE_DEFAULT_SOCKET = '/run/nlkit/cni.sock';

export interface ProbeOptions {
  socketPath?: string;
  /** A conflist: STATUS for its first plugin; none: VERSION. */
  conflistPath?: string;
  timeoutMs?: number;
}

/** The request a probe sends. */
export function probeRequest(options: ProbeOptions): Buffer {
  if (options.conflistPath === undefined) {
    return encodeRequest({ plugin: 'nlkit-bridge', env: { CNI_COMMAND: 'VERSION' }, stdin: Buffer.from('{"cniVersion":"1.1.0"}') });
  }
  const list = JSON.parse(readFileSync(options.conflistPath, 'utf8')) as { cniVersion: string; name: string; plugins: Record<string, unknown>[] };
  const first = list.plugins[0]!;
  const config = { cniVersion: list.cniVersion, name: list.name, ...first };
  return encodeRequest({ plugin: String(first.type), env: { CNI_COMMAND: 'STATUS', CNI_PATH: '/opt/cni/bin' }, stdin: Buffer.from(JSON.stringify(config)) });
}

/** Sends the probe; resolves with '' when the agent answered with exit 0, else what went wrong. */
export function probeAgent(options: ProbeOptions = {}): Promise<string> {
  const socketPath = options.socketPath ?? PROBE_DEFAULT_SOCKET;
  let request: Buffer;
  try {
    request = probeRequest(options);
  } catch (error) {
    return Promise.resolve(`cannot read ${options.conflistPath}: ${(error as Error).message}`);
  }
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    const socket = connect(socketPath);
    socket.setTimeout(options.timeoutMs ?? 5000, () => socket.destroy(new Error('no answer in time')));
    socket.on('connect', () => socket.end(request));
    socket.on('data', (chunk: Buffer) => chunks.push(chunk));
    socket.on('error', (error) => resolve(`${socketPath}: ${error.message}`));
    socket.on('close', () => {
      const answer = decodeAnswer(Buffer.concat(chunks));
      if (answer === undefined) resolve(`${socketPath}: no complete answer`);
      else resolve(answer.exitCode === 0 ? '' : `exit ${answer.exitCode}: ${answer.stdout.trim()}`);
    });
  });
}

/** `probe.js [--socket PATH] [--status CONFLIST]`: exit 0 when the agent answers (and STATUS succeeds). */
export async function runProbe(argv: readonly string[]): Promise<number> {
  const options: ProbeOptions = {};
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--socket' && i + 1 < argv.length) options.socketPath = argv[++i]!;
    else if (argv[i] === '--status' && i + 1 < argv.length) options.conflistPath = argv[++i]!;
    else {
      process.stderr.write('usage: node dist/cni/install/probe.js [--socket PATH] [--status CONFLIST]\n');
      return 2;
    }
  }
  const failure = await probeAgent(options);
  if (failure !== '') process.stderr.write(`nlkit CNI agent probe: ${failure}\n`);
  return failure === '' ? 0 : 1;
}
