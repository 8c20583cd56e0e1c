// The namespace pool's worker thread: unshare(CLONE_NEWNET) moves only the
// calling thread, so this thread makes each namespace, opens it, and returns
// to its own namespace, while the event loop never pays for the unshare. The
// fd is process-wide: the pool on the main thread owns it from the message on.
import { parentPort } from 'node:worker_threads';
import { CLONE_NEWNET } from '../generated/sched.js';
import * as libc from '../sys/libc.js';

/** A request from the pool: make this many namespaces, or stop. */
export type PoolWorkerRequest = { make: number } | { stop: true };

/** One reply per namespace made, or the error that stopped the worker. */
export type PoolWorkerReply = { fd: number } | { error: string };

if (parentPort) {
  const port = parentPort;
  port.on('message', (request: PoolWorkerRequest) => {
    if ('stop' in request) {
      port.close();
      return;
    }
    // Opened per batch, not kept: fds are the process's, and a worker that is
    // terminated never runs code that would close one it kept.
    const original = libc.openReadOnly('/proc/thread-self/ns/net');
    try {
      for (let i = 0; i < request.make; i++) {
        try {
          libc.unshare(CLONE_NEWNET);
        } catch (error) {
          port.postMessage({ error: `unshare(CLONE_NEWNET): ${(error as Error).message}` } satisfies PoolWorkerReply);
          return;
        }
        let fd: number;
        try {
          fd = libc.openReadOnly('/proc/thread-self/ns/net');
        } finally {
          try {
            libc.setns(original, CLONE_NEWNET, 'original namespace');
          } catch (error) {
            // A thread stuck in a pod's namespace must not make more: end it, the pool starts another.
            port.postMessage({ error: `could not return to the original namespace: ${(error as Error).message}` } satisfies PoolWorkerReply);
            process.exit(1);
          }
        }
        port.postMessage({ fd } satisfies PoolWorkerReply);
      }
    } finally {
      libc.close(original);
    }
  });
}
