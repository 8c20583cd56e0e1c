// Worker threads and child processes that run the TypeScript sources
// directly: a worker's first module registers tsx's loader, then imports the
// real entry point; a child process is started with tsx's --import.
import { fork } from 'node:child_process';
import { Worker } from 'node:worker_threads';

// The ESM entry of tsx's API (a require() resolution would give the CJS one).
const tsxApi = import.meta.resolve('tsx/esm/api');

/** Starts a worker running the TypeScript module `entry`, with `workerData`. */
export function startTsWorker(entry: URL, workerData: unknown): Worker {
  const bootstrap = `import(${JSON.stringify(tsxApi)}).then((tsx) => { tsx.register(); return import(${JSON.stringify(entry.href)}); });`;
  return new Worker(bootstrap, { eval: true, workerData });
}

/**
 * The side of a message channel `ask` needs: a Worker is one, and
 * {@link startTsProcess} returns one for a child process.
 */
export interface Peer {
  // `any`: the listener type Worker and ChildProcess declare themselves.
  on(event: 'message' | 'error' | 'exit', listener: (...args: any[]) => void): unknown;
  off(event: 'message' | 'error' | 'exit', listener: (...args: any[]) => void): unknown;
  postMessage(message: unknown): void;
}

/** A child process on the other end of a {@link Peer}; `terminate` kills it and resolves once it is gone. */
export interface ChildPeer extends Peer {
  readonly pid: number | undefined;
  terminate(): Promise<void>;
}

/**
 * Starts a child process running the TypeScript module `entry`, with
 * `environment` added to its environment: a process of its own, so nothing it
 * does (its threads, its garbage collection) is charged to this one's CPU.
 */
export function startTsProcess(entry: URL, environment: Record<string, string>): ChildPeer {
  const child = fork(new URL(entry).pathname, [], {
    execArgv: ['--import', import.meta.resolve('tsx')],
    env: { ...process.env, ...environment },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return {
    get pid() {
      return child.pid;
    },
    on(event: string, listener: (...args: any[]) => void) {
      child.on(event, listener);
      return this;
    },
    off(event: string, listener: (...args: any[]) => void) {
      child.off(event, listener);
      return this;
    },
    postMessage(message: unknown) {
      if (child.connected) child.send(message as object);
    },
    async terminate() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      await exited;
    },
  } as ChildPeer;
}

export interface WorkerReply {
  id: number;
  error?: string;
  [key: string]: unknown;
}

let nextId = 0;

/** Posts `message` with a fresh id and resolves with the reply carrying the same id (rejects on `error`). */
export function ask<T extends WorkerReply>(worker: Peer, message: Record<string, unknown>): Promise<T> {
  const id = ++nextId;
  return new Promise((resolve, reject) => {
    const onMessage = (reply: WorkerReply) => {
      if (reply.id !== id) return;
      cleanup();
      if (reply.error !== undefined) reject(new Error(reply.error));
      else resolve(reply as T);
    };
    const onError = (error: Error) => {
      cleanup();
      reject(error);
    };
    const onExit = (code: number) => {
      cleanup();
      reject(new Error(`worker exited with code ${code} before replying`));
    };
    const cleanup = () => {
      worker.off('message', onMessage);
      worker.off('error', onError);
      worker.off('exit', onExit);
    };
    worker.on('message', onMessage);
    worker.on('error', onError);
    worker.on('exit', onExit);
    worker.postMessage({ ...message, id });
  });
}
