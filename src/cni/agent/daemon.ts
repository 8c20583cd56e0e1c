// The agent as a foreground daemon (`node dist/cni/agent.js`, `nlkit
// cni-agent`): an init system or a DaemonSet runs it, SIGTERM or SIGINT stop
// it gracefully.
import { startCniAgent } from './agent.js';
import { DEFAULT_DEL_QUEUE, DEL_QUEUE_VARIABLE } from './del-queue.js';
import { AGENT_SOCKET_VARIABLE, DEFAULT_AGENT_SOCKET } from './socket-path.js';

export const AGENT_USAGE = `usage: nlkit cni-agent [--socket PATH] [--del-queue DIR] [--quiet]

Serves the nlkit CNI plugins (nlkit-bridge ...) over a root-only unix socket,
so a plugin call does not pay a Node.js start. Default socket:
$${AGENT_SOCKET_VARIABLE}, else ${DEFAULT_AGENT_SOCKET}. Replays the DELs the
plugins queued while neither the agent nor Node.js was there before serving
(default queue: $${DEL_QUEUE_VARIABLE}, else ${DEFAULT_DEL_QUEUE}). Stops on
SIGTERM or SIGINT after the calls in flight.`;

interface DaemonIo {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
}

const STDIO: DaemonIo = { stdout: (text) => process.stdout.write(text), stderr: (text) => process.stderr.write(text) };

/**
 * Runs the agent until SIGTERM or SIGINT; resolves with the exit code (0 after
 * a graceful stop, 1 when it cannot start, 2 for a usage error).
 */
export async function runCniAgentDaemon(argv: readonly string[], env: Readonly<Record<string, string | undefined>> = process.env, io: DaemonIo = STDIO): Promise<number> {
  let socketPath = env[AGENT_SOCKET_VARIABLE] || DEFAULT_AGENT_SOCKET;
  let delQueueDir = env[DEL_QUEUE_VARIABLE] || DEFAULT_DEL_QUEUE;
  let quiet = false;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--socket' && i + 1 < argv.length) socketPath = argv[++i]!;
    else if (arg.startsWith('--socket=')) socketPath = arg.slice('--socket='.length);
    else if (arg === '--del-queue' && i + 1 < argv.length) delQueueDir = argv[++i]!;
    else if (arg.startsWith('--del-queue=')) delQueueDir = arg.slice('--del-queue='.length);
    else if (arg === '--quiet') quiet = true;
    else if (arg === '-h' || arg === '--help') {
      io.stdout(`${AGENT_USAGE}\n`);
      return 0;
    } else {
      io.stderr(`nlkit cni-agent: unknown argument ${JSON.stringify(arg)}\n${AGENT_USAGE}\n`);
      return 2;
    }
  }
  const stamp = () => new Date().toISOString();
  let agent;
  try {
    agent = await startCniAgent({ socketPath, delQueueDir, log: quiet ? undefined : (message) => io.stderr(`${stamp()} ${message}\n`) });
  } catch (error) {
    io.stderr(`nlkit cni-agent: ${(error as Error).message}\n`);
    return 1;
  }
  io.stderr(`${stamp()} nlkit CNI agent listening on ${agent.socketPath}\n`);
  // Each concurrent DEL's veth delete holds a thread of libuv's pool for the kernel's 15-20 ms (docs/cni.md).
  if (!env.UV_THREADPOOL_SIZE) io.stderr(`${stamp()} UV_THREADPOOL_SIZE is not set: libuv's 4 threads let 4 veth deletes run at once; start the agent with UV_THREADPOOL_SIZE=16\n`);
  const queued = await agent.ready;
  if (queued.replayed + queued.failed > 0) io.stderr(`${stamp()} DEL queue ${delQueueDir}: ${queued.replayed} replayed, ${queued.failed} failed\n`);
  const signal = await new Promise<NodeJS.Signals>((resolve) => {
    process.once('SIGTERM', () => resolve('SIGTERM'));
    process.once('SIGINT', () => resolve('SIGINT'));
  });
  io.stderr(`${stamp()} ${signal}: finishing ${agent.inFlight} calls in flight\n`);
  await agent.close();
  io.stderr(`${stamp()} stopped\n`);
  return 0;
}
