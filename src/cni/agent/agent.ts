// The resident agent: a unix socket server that runs plugin calls in-process,
// so a call costs the client's start and the work, not a Node.js start and
// the loading of nlkit. The loaded and compiled code is what it keeps across
// calls; the state that must outlive it (host-local's allocations, the
// nftables rules) is on disk and in the kernel, so a restart loses nothing.
import { lstatSync, chmodSync, unlinkSync } from 'node:fs';
import { createServer, type Server, type Socket } from 'node:net';
import { InvalidArgumentError } from '../../index.js';
import type { RunCniOptions } from '../call.js';
import { peekStdinString } from '../config.js';
import { CniError, CniErrorCode } from '../errors.js';
import { isPluginName, PLUGIN_NAMES, runPlugin } from '../plugins.js';
import { CniCache } from './cache.js';
import { replayDelQueue, type ReplayOutcome } from './del-queue.js';
import { LATEST_VERSION } from '../spec/versions.js';
import { NetworkLocks, type LockMode, type Release } from './network-lock.js';
import { DEFAULT_LIMITS, encodeAnswer, parseRequest, type AgentRequest, type RequestLimits } from './protocol.js';
import { checkSocketPath, claimSocketPath, DEFAULT_AGENT_SOCKET } from './socket-path.js';

/** A network lock asked for, taken or given back, in the order it happened (for logs and tests). */
export interface AgentLockEvent {
  event: 'waiting' | 'acquired' | 'released';
  network: string;
  command: string;
  containerId: string;
  mode: LockMode;
}

export interface CniAgentOptions {
  /** Default /run/nlkit/cni.sock; its directory is made 0700 when missing. */
  socketPath?: string;
  /** Passed to every call (the namespace that plays the host, in-process IPAM). */
  runOptions?: RunCniOptions;
  /** How long a client may take to send its whole request; default 10 s. */
  requestTimeoutMs?: number;
  /** Size limits of a request. */
  limits?: Partial<RequestLimits>;
  /** Called for every network lock asked for, taken and given back. */
  onLock?: (event: AgentLockEvent) => void;
  /** Called with a line for each call and each refused request. */
  log?: (message: string) => void;
  /**
   * The durable DEL queue the clients write to when neither an agent nor
   * Node.js is there (del-queue.ts); replayed before the first call is served
   * and again every `delQueueRescanMs`. None by default (the daemon's default
   * is /var/lib/nlkit/cni/del-queue).
   */
  delQueueDir?: string;
  /** How often the queue is looked at again after the start; default 10 s. */
  delQueueRescanMs?: number;
  /**
   * Keep connections, bridges checked and host-local's allocations between
   * calls (docs/cni.md, "What the agent keeps"); default true.
   */
  cache?: boolean;
}

/** A running agent. */
export interface CniAgent {
  readonly socketPath: string;
  /** Calls running now. */
  readonly inFlight: number;
  /** Calls answered since start, refused requests included. */
  readonly answered: number;
  /** Settles once the DEL queue found at the start has been replayed (calls wait for it). */
  readonly ready: Promise<ReplayOutcome>;
  /** Looks at the DEL queue now and replays what it holds. */
  replayDelQueue(): Promise<ReplayOutcome>;
  /** Stops accepting, lets running calls finish, removes the socket. */
  close(): Promise<void>;
}

// Which lock each command takes: GC alone, ADD/DEL/CHECK together, the rest none.
const LOCK_MODE: Readonly<Record<string, LockMode>> = { ADD: 'shared', DEL: 'shared', CHECK: 'shared', GC: 'exclusive' };

function refusal(error: CniError): Buffer {
  return encodeAnswer(`${JSON.stringify(error.toResult(LATEST_VERSION))}\n`, 1);
}

function checkOptions(options: CniAgentOptions): void {
  if (typeof options !== 'object' || options === null) throw new InvalidArgumentError('options must be an object');
  const timeout = options.requestTimeoutMs;
  if (timeout !== undefined && (typeof timeout !== 'number' || !Number.isFinite(timeout) || timeout <= 0)) throw new InvalidArgumentError('requestTimeoutMs must be a positive number');
  for (const [key, value] of Object.entries(options.limits ?? {})) {
    if (!(key in DEFAULT_LIMITS)) throw new InvalidArgumentError(`limits.${key} is not a limit (maxHeaderBytes, maxStdinBytes)`);
    if (typeof value !== 'number' || !Number.isSafeInteger(value) || value <= 0) throw new InvalidArgumentError(`limits.${key} must be a positive integer`);
  }
  for (const key of ['delQueueRescanMs'] as const) {
    const value = options[key];
    if (value !== undefined && (typeof value !== 'number' || !Number.isFinite(value) || value <= 0)) throw new InvalidArgumentError(`${key} must be a positive number`);
  }
  if (options.delQueueDir !== undefined && (typeof options.delQueueDir !== 'string' || !options.delQueueDir.startsWith('/'))) throw new InvalidArgumentError('delQueueDir must be an absolute path');
  for (const key of ['onLock', 'log'] as const) {
    if (options[key] !== undefined && typeof options[key] !== 'function') throw new InvalidArgumentError(`${key} must be a function`);
  }
}

/**
 * Starts the agent on `options.socketPath`. Refuses (CniAgentRunningError)
 * when a live agent answers there and replaces a stale socket file. The
 * socket is 0600 in a 0700 directory: only root reaches it.
 */
export async function startCniAgent(options: CniAgentOptions = {}): Promise<CniAgent> {
  checkOptions(options);
  const socketPath = checkSocketPath(options.socketPath ?? DEFAULT_AGENT_SOCKET);
  const limits: RequestLimits = { ...DEFAULT_LIMITS, ...options.limits };
  const timeoutMs = options.requestTimeoutMs ?? 10_000;
  const cache = options.cache === false ? undefined : new CniCache();
  const runOptions = cache && !options.runOptions?.cache ? { ...options.runOptions, cache } : options.runOptions ?? {};
  const log = options.log ?? (() => {});
  const locks = new NetworkLocks();
  const connections = new Set<Socket>();
  const running = new Set<Promise<void>>();
  let answered = 0;

  async function execute(request: AgentRequest): Promise<Buffer> {
    const plugin = request.plugin;
    if (!isPluginName(plugin)) return refusal(new CniError(CniErrorCode.invalidEnvironment, `nlkit CNI agent: unknown plugin ${JSON.stringify(plugin)}`, `known: ${PLUGIN_NAMES.join(', ')}`));
    const command = request.env.CNI_COMMAND ?? '';
    const mode = LOCK_MODE[command];
    const network = mode ? peekStdinString(request.stdin, 'name') : undefined;
    let release: Release | undefined;
    const lockEvent = (event: AgentLockEvent['event']): void => {
      try {
        options.onLock?.({ event, network: network!, command, containerId: request.env.CNI_CONTAINERID ?? '', mode: mode! });
      } catch {
        // An observer's failure must not leave a network locked.
      }
    };
    if (mode && network !== undefined) {
      lockEvent('waiting');
      release = await locks.acquire(network, mode);
      lockEvent('acquired');
    }
    try {
      const { stdout, exitCode } = await runPlugin(plugin, request.env, request.stdin, runOptions);
      log(`${plugin} ${command || '-'} ${request.env.CNI_CONTAINERID ?? ''} exit ${exitCode}`);
      return encodeAnswer(stdout, exitCode);
    } catch (error) {
      // runPlugin never throws for a failed call; should it throw anyway, the client still gets an answer.
      return refusal(new CniError(CniErrorCode.internal, `nlkit CNI agent: ${(error as Error).message ?? error}`));
    } finally {
      if (release) {
        lockEvent('released');
        release();
      }
    }
  }

  const emptyQueue: ReplayOutcome = { replayed: 0, failed: 0 };
  let replaying: Promise<ReplayOutcome> = Promise.resolve(emptyQueue);
  const replay = (): Promise<ReplayOutcome> => {
    const dir = options.delQueueDir;
    if (dir === undefined) return Promise.resolve(emptyQueue);
    // One replay at a time; a request asked for meanwhile runs after it.
    replaying = replaying.then(() => replayDelQueue(dir, execute, log)).catch((error: unknown) => {
      log(`DEL queue replay failed: ${(error as Error).message}`);
      return emptyQueue;
    });
    return replaying;
  };
  // Calls wait for the queue found at the start: a DEL the runtime was told had succeeded comes first.
  let ready: Promise<ReplayOutcome> = Promise.resolve(emptyQueue);
  const call = async (request: AgentRequest): Promise<Buffer> => {
    await ready;
    return execute(request);
  };

  function serve(socket: Socket): void {
    connections.add(socket);
    const chunks: Buffer[] = [];
    let received = 0;
    let done = false;
    const finish = (answer: Buffer): void => {
      done = true;
      answered++;
      clearTimeout(timer);
      socket.removeListener('data', onData);
      socket.end(answer);
    };
    const timer = setTimeout(() => {
      if (done) return;
      log('refused a request: not complete in time');
      finish(refusal(new CniError(CniErrorCode.decodeFailure, `nlkit CNI agent: malformed request: not complete within ${timeoutMs} ms`)));
    }, timeoutMs);
    const examine = (ended: boolean): void => {
      if (done) return;
      const parsed = parseRequest(chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks), ended, limits);
      if (parsed.state === 'incomplete') return;
      if (parsed.state === 'malformed') {
        log(`refused a request: ${parsed.error.message}`);
        finish(refusal(parsed.error));
        return;
      }
      done = true;
      clearTimeout(timer);
      socket.removeListener('data', onData);
      const work = call(parsed.request).then((answer) => {
        answered++;
        socket.end(answer);
      });
      running.add(work);
      void work.finally(() => running.delete(work));
    };
    const onData = (chunk: Buffer): void => {
      chunks.push(chunk);
      received += chunk.length;
      // Beyond what any valid request can hold: refuse now rather than buffer more.
      if (received > limits.maxHeaderBytes + limits.maxStdinBytes) {
        log('refused a request: too large');
        finish(refusal(new CniError(CniErrorCode.decodeFailure, 'nlkit CNI agent: malformed request: larger than the agent accepts')));
        return;
      }
      examine(false);
    };
    socket.on('data', onData);
    socket.on('end', () => examine(true));
    // A client that went away (EPIPE, ECONNRESET) only loses its own answer.
    socket.on('error', () => {});
    socket.on('close', () => {
      clearTimeout(timer);
      connections.delete(socket);
    });
  }

  await claimSocketPath(socketPath);
  const server: Server = createServer({ allowHalfOpen: true }, serve);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    // The socket is bound inside listen(): created 0600 from the start, then chmod for umasks that allow less.
    const umask = process.umask(0o177);
    try {
      server.listen(socketPath, () => {
        server.removeListener('error', reject);
        resolve();
      });
    } finally {
      process.umask(umask);
    }
  });
  chmodSync(socketPath, 0o600);
  const inode = lstatSync(socketPath).ino;
  server.on('error', (error) => log(`socket error: ${error.message}`));
  ready = replay();
  const rescan = options.delQueueDir === undefined ? undefined : setInterval(() => void replay(), options.delQueueRescanMs ?? 10_000);
  rescan?.unref();

  let closing: Promise<void> | undefined;
  return {
    socketPath,
    get inFlight() {
      return running.size;
    },
    get answered() {
      return answered;
    },
    ready,
    replayDelQueue: replay,
    close() {
      closing ??= (async () => {
        if (rescan) clearInterval(rescan);
        const stopped = new Promise<void>((resolve) => server.close(() => resolve()));
        // Connections still sending their request get no answer; the client then falls back.
        for (const socket of connections) if (socket.listenerCount('data') > 0) socket.destroy();
        while (running.size > 0) await Promise.allSettled([...running]);
        for (const socket of connections) socket.destroy();
        await stopped;
        await replaying;
        cache?.close();
        // Another agent may have taken the path meanwhile (after a stale-socket check): leave its socket.
        try {
          if (lstatSync(socketPath).ino === inode) unlinkSync(socketPath);
        } catch {
          // already gone
        }
      })();
      return closing;
    },
  };
}
