// Worker threads that run the TypeScript sources directly: the worker's first
// module registers tsx's loader, then imports the real entry point.
import { Worker } from 'node:worker_threads';

// The ESM entry of tsx's API (a require() resolution would give the CJS one).
const tsxApi = import.meta.resolve('tsx/esm/api');

/** Starts a worker running the TypeScript module `entry`, with `workerData`. */
export function startTsWorker(entry: URL, workerData: unknown): Worker {
  const bootstrap = `import(${JSON.stringify(tsxApi)}).then((tsx) => { tsx.register(); return import(${JSON.stringify(entry.href)}); });`;
  return new Worker(bootstrap, { eval: true, workerData });
}

export interface WorkerReply {
  id: number;
  error?: string;
  [key: string]: unknown;
}

let nextId = 0;

/** Posts `message` with a fresh id and resolves with the reply carrying the same id (rejects on `error`). */
export function ask<T extends WorkerReply>(worker: Worker, message: Record<string, unknown>): Promise<T> {
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
