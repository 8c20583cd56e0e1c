// Namespaces made ahead of time, off the event loop: creating a pod then costs
// a bind mount (its name) instead of an unshare on the critical path. Pooled
// namespaces are held by open fds only, never by a name, so nothing of the
// pool outlives the process: closing an fd (or exiting) frees its namespace.
import { Worker } from 'node:worker_threads';
import { InvalidArgumentError } from '../netlink/addresses.js';
import { describeValue } from '../netlink/checks.js';
import { createLog } from '../netlink/logger.js';
import * as libc from '../sys/libc.js';
import type { PoolWorkerData, PoolWorkerReply, PoolWorkerRequest } from './pool-worker.js';
import { RefillGate } from './refill-gate.js';

const log = createLog('nlkit:pool');
/** How long close() lets the worker finish its batch before terminating it. */
const STOP_TIMEOUT_MS = 5_000;

/** Options of {@link openNamespacePool}. */
export interface NamespacePoolOptions {
  /** Namespaces kept ready, 1 to 1024; default 8. */
  size?: number;
  /** Worker restarts in a row (without a namespace made in between) before the pool gives up; default 5. */
  maxRestarts?: number;
}

/** A namespace taken from a pool: an open nsfs fd the taker now owns and must close. */
export interface PooledNamespace {
  /** The open namespace fd (usable with setns(2), as IFLA_NET_NS_FD, or `{ fd }` where a NetnsRef is taken). */
  readonly fd: number;
  /**
   * An unnamed file in /run/netns (O_TMPFILE) made ahead for naming the
   * namespace (`nameNetnsOnto`), or undefined where the filesystem has none.
   * The taker owns it too, and closes it once the namespace is named (or not).
   */
  readonly mountTarget: number | undefined;
  /** Always true: the worker brought the namespace's `lo` up; nothing else is in it. */
  readonly loopbackUp: true;
}

/** A namespace made and ready: its fd and its mount target (-1 for none). */
interface ReadyNamespace {
  fd: number;
  target: number;
}

/** The pool stopped: closed, or its worker failed `maxRestarts` times in a row. */
export class NamespacePoolClosedError extends Error {
  /** Always `'NamespacePoolClosedError'`. */
  override readonly name = 'NamespacePoolClosedError';
}

/**
 * The worker's module. Run from the TypeScript sources (tests, benchmarks
 * under tsx), a worker does not inherit tsx's loader: it registers it first.
 */
function startPoolWorker(data: PoolWorkerData): Worker {
  if (!import.meta.url.endsWith('.ts')) return new Worker(new URL('./pool-worker.js', import.meta.url), { workerData: data });
  const entry = new URL('./pool-worker.ts', import.meta.url).href;
  const tsx = import.meta.resolve('tsx/esm/api');
  return new Worker(`import(${JSON.stringify(tsx)}).then((tsx) => { tsx.register(); return import(${JSON.stringify(entry)}); });`, { eval: true, workerData: data });
}

/**
 * Keeps up to `size` fresh, unnamed network namespaces ready, made by a
 * worker thread and refilled in the background as they are taken. Give it to
 * {@link createPod} as `spec.pool`; when the pool is empty, createPod makes
 * the namespace itself. `close()` frees the namespaces still held.
 */
export class NamespacePool {
  /** Namespaces ready to take. */
  private readonly ready: ReadyNamespace[] = [];
  private requested = 0;
  private worker: Worker | undefined;
  private restarts = 0;
  /** The namespace the workers return to (see PoolWorkerData.original); opened with the first worker, closed by close(). */
  private originalNetns = -1;
  /** The delayed restart after a worker exit, if one is pending. */
  private restartTimer: NodeJS.Timeout | undefined;
  private closed = false;
  private closing: Promise<void> = Promise.resolve();
  private failure: Error | undefined;
  private waiters: { count: number; resolve: () => void; reject: (error: Error) => void }[] = [];
  private readonly size: number;
  private readonly maxRestarts: number;
  private handedOut = 0;
  /** Keeps the worker from making namespaces while pods are being made. */
  private readonly gate = new RefillGate();

  /** @internal Use {@link openNamespacePool}. */
  constructor(options: NamespacePoolOptions = {}) {
    if (options === null || typeof options !== 'object') throw new InvalidArgumentError(`openNamespacePool: options must be an object like { size: 8 }, got ${describeValue(options)}`);
    for (const key of Object.keys(options)) if (key !== 'size' && key !== 'maxRestarts') throw new InvalidArgumentError(`openNamespacePool: unknown option "${key}" (known: size, maxRestarts)`);
    this.size = checkCount(options.size, 'size', 8, 1024);
    this.maxRestarts = checkCount(options.maxRestarts, 'maxRestarts', 5, 1000);
    this.gate.setEmpty(true);
    this.refill();
  }

  /** Namespaces ready to take now. */
  get available(): number {
    return this.ready.length;
  }

  /** Namespaces the pool handed out since it was opened. */
  get taken(): number {
    return this.handedOut;
  }

  /** Whether the pool still makes namespaces. */
  get isOpen(): boolean {
    return !this.closed && this.failure === undefined;
  }

  /**
   * Takes a ready namespace, or undefined when none is (the caller makes one
   * itself); the pool refills in the background. The caller owns both fds
   * (`fd` and `mountTarget`) and must close them.
   */
  take(): PooledNamespace | undefined {
    const made = this.ready.pop();
    if (this.ready.length === 0) this.gate.setEmpty(true);
    if (made === undefined) {
      this.refill();
      return undefined;
    }
    this.handedOut++;
    this.refill();
    return { fd: made.fd, mountTarget: made.target < 0 ? undefined : made.target, loopbackUp: true };
  }

  /**
   * @internal createPod calls this when it starts a pod, and {@link resumeRefill}
   * when it is done: the worker makes no namespace meanwhile, nor in a short
   * grace after, since a namespace being made slows a pod being made — unless
   * the pool is empty (see RefillGate).
   */
  pauseRefill(): void {
    this.gate.pause();
  }

  /** @internal The end of what {@link pauseRefill} started; exactly one per call. */
  resumeRefill(): void {
    this.gate.resume();
  }

  /** Resolves once `count` namespaces (default: the pool's size) are ready; rejects if the pool stops first. */
  whenReady(count = this.size): Promise<void> {
    let wanted: number;
    try {
      wanted = checkCount(count, 'count', this.size, this.size);
    } catch (error) {
      return Promise.reject(error);
    }
    if (this.ready.length >= wanted) return Promise.resolve();
    if (this.closed || this.failure) return Promise.reject(this.stoppedError());
    return new Promise((resolve, reject) => {
      this.waiters.push({ count: wanted, resolve, reject });
      this.holdProcessWhileAwaited();
    });
  }

  /**
   * Stops the worker and frees every namespace still held, including those
   * it was making. Idempotent; never throws.
   */
  async close(): Promise<void> {
    if (this.closed) return this.closing;
    this.closed = true;
    // Ends a worker waiting at the gate: it stops making and reads the stop message.
    this.gate.stop();
    for (const made of this.ready.splice(0)) closeReady(made);
    this.settleWaiters();
    const worker = this.worker;
    if (!worker) {
      this.closeOriginal();
      return;
    }
    // Stopped by message, after the batch it is making: its replies arrive
    // (and their fds are closed) before it exits. Terminated only if stuck.
    this.closing = new Promise<void>((resolve) => {
      const timer = setTimeout(() => void worker.terminate(), STOP_TIMEOUT_MS);
      worker.once('exit', () => {
        clearTimeout(timer);
        this.worker = undefined;
        this.closeOriginal();
        resolve();
      });
    });
    worker.postMessage({ stop: true } satisfies PoolWorkerRequest);
    return this.closing;
  }

  /** @internal Test seam: ends the worker as a crash would. */
  crashWorker(): Promise<number> {
    return this.worker?.terminate() ?? Promise.resolve(0);
  }

  private stoppedError(): Error {
    return this.failure ?? new NamespacePoolClosedError('the namespace pool is closed');
  }

  private refill(): void {
    if (this.closed || this.failure) return;
    const missing = this.size - this.ready.length - this.requested;
    if (missing <= 0) return;
    const worker = this.worker ?? this.startWorker();
    this.requested += missing;
    worker.postMessage({ make: missing } satisfies PoolWorkerRequest);
  }

  private startWorker(): Worker {
    // The thread that opens the pool is in the namespace the worker starts in.
    if (this.originalNetns < 0) this.originalNetns = libc.openReadOnly('/proc/thread-self/ns/net');
    const worker = startPoolWorker({ gate: this.gate.buffer, original: this.originalNetns });
    worker.on('message', (reply: PoolWorkerReply) => this.onReply(worker, reply));
    worker.on('error', (error) => log('pool worker error: %s', error.message));
    worker.on('exit', (code) => this.onExit(worker, code));
    this.worker = worker;
    this.holdProcessWhileAwaited();
    return worker;
  }

  private onReply(worker: Worker, reply: PoolWorkerReply): void {
    if ('error' in reply) {
      log('pool worker: %s', reply.error);
      void worker.terminate();
      return;
    }
    this.requested = Math.max(0, this.requested - 1);
    const made: ReadyNamespace = { fd: reply.fd, target: reply.target ?? -1 };
    if (this.closed || worker !== this.worker) {
      // Made for a pool that closed meanwhile, or by a worker already replaced.
      closeReady(made);
      return;
    }
    this.restarts = 0;
    this.ready.push(made);
    this.gate.setEmpty(false);
    this.settleWaiters();
  }

  private onExit(worker: Worker, code: number): void {
    if (worker !== this.worker || this.closed) return;
    this.worker = undefined;
    // What it was making is lost with it (a namespace of a dead thread is freed by the kernel).
    this.requested = 0;
    this.restarts++;
    log('pool worker exited (%d), restart %d of %d', code, this.restarts, this.maxRestarts);
    if (this.restarts > this.maxRestarts) {
      this.failure = new NamespacePoolClosedError(`the namespace pool's worker failed ${this.restarts} times in a row; the pool stopped (createPod makes namespaces itself meanwhile)`);
      this.settleWaiters();
      return;
    }
    this.restartTimer = setTimeout(() => {
      this.restartTimer = undefined;
      this.refill();
    }, 10 * this.restarts);
    this.holdProcessWhileAwaited();
  }

  private settleWaiters(): void {
    const stopped = this.closed || this.failure !== undefined;
    this.waiters = this.waiters.filter((w) => {
      if (this.ready.length >= w.count) w.resolve();
      else if (stopped) w.reject(this.stoppedError());
      else return true;
      return false;
    });
    this.holdProcessWhileAwaited();
  }

  private closeOriginal(): void {
    if (this.originalNetns >= 0) libc.closeQuietly(this.originalNetns);
    this.originalNetns = -1;
  }

  /**
   * The pool must not keep a process alive that is otherwise done, so its
   * worker and restart timer are unref'd — except while a `whenReady()` is
   * awaited: what it waits for comes from them, and a script awaiting it after
   * a worker crash would otherwise exit with the promise unsettled.
   */
  private holdProcessWhileAwaited(): void {
    const hold = this.waiters.length > 0;
    if (hold) {
      this.worker?.ref();
      this.restartTimer?.ref();
    } else {
      this.worker?.unref();
      this.restartTimer?.unref();
    }
  }
}

function checkCount(value: unknown, what: string, fallback: number, max: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1 || value > max) throw new InvalidArgumentError(`namespace pool ${what} must be an integer from 1 to ${max}, got ${describeValue(value)}`);
  return value;
}

function closeReady(made: ReadyNamespace): void {
  libc.closeQuietly(made.fd);
  if (made.target >= 0) libc.closeQuietly(made.target);
}

/**
 * Opens a pool of `size` namespaces made ahead of time by a worker thread
 * (see {@link NamespacePool}). Await `pool.whenReady()` before a burst to
 * start it full.
 */
export function openNamespacePool(options: NamespacePoolOptions = {}): NamespacePool {
  return new NamespacePool(options);
}
