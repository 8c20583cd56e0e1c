// A hang inside a decoder blocks the thread that runs it, so a second thread
// watches the case counter and, when it stops moving, names the case and
// ends the process (its report cannot wait for the blocked thread).
import { Worker } from 'node:worker_threads';

const WATCHER = `
const { writeSync } = require('node:fs');
const { workerData } = require('node:worker_threads');
const current = new Int32Array(workerData.counter);
let last = -1;
let since = Date.now();
setInterval(() => {
  const now = Atomics.load(current, 0);
  if (now !== last || now < 0) {
    last = now;
    since = Date.now();
    return;
  }
  if (Date.now() - since < workerData.stallMs) return;
  writeSync(2, 'fuzz: case ' + now + ' (seed ' + workerData.seed + ') made no progress for ' + workerData.stallMs + ' ms: a hang.'
    + ' Replay: npm run fuzz -- --seed ' + workerData.seed + ' --case ' + now + '\\n');
  process.kill(process.pid, 'SIGKILL');
}, 500);
`;

export interface Watchdog {
  /** Records that case `n` is running (-1: none). */
  at(n: number): void;
  stop(): Promise<void>;
}

export function startWatchdog(seed: number, stallMs = 30_000): Watchdog {
  const counter = new SharedArrayBuffer(4);
  const current = new Int32Array(counter);
  current[0] = -1;
  const worker = new Worker(WATCHER, { eval: true, workerData: { counter, seed, stallMs } });
  worker.unref();
  return {
    at: (n) => Atomics.store(current, 0, n),
    stop: async () => {
      await worker.terminate();
    },
  };
}
