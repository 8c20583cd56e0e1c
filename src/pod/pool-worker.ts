// The namespace pool's worker thread: unshare(CLONE_NEWNET) moves only the
// calling thread, so this thread makes each namespace, brings its loopback
// up, opens it, and returns to its own namespace, then opens the unnamed file
// the namespace will be named by (see netns/mount-target.ts), while the event
// loop never pays for any of it. The fds are process-wide: the pool on the
// main thread owns them from the message on.
//
// Making a namespace takes kernel locks a pod needs too (the RTNL lock, to
// register the new loopback device, among others), so it runs only while no
// pod is being made, or when the pool ran empty: see RefillGate.
import { parentPort, workerData } from 'node:worker_threads';
import { CLONE_NEWNET } from '../generated/sched.js';
import { NETLINK_ROUTE } from '../generated/netlink.js';
import { NetlinkSocket } from '../netlink/socket.js';
import { linkOperation } from '../route/links/operation.js';
import { openMountTarget } from '../netns/mount-target.js';
import * as libc from '../sys/libc.js';
import { LOOPBACK_INDEX, upRequest } from './link-state.js';
import { RefillGate } from './refill-gate.js';

/** What the pool gives the worker when it starts it. */
export interface PoolWorkerData {
  /** The gate's shared memory (see RefillGate). */
  gate: SharedArrayBuffer;
  /**
   * An fd of the namespace the worker returns to after making each one,
   * owned by the pool: a worker that is terminated (a crash, or close()
   * giving up on it) runs no code that could close an fd of its own.
   */
  original: number;
}

/** A request from the pool: make this many namespaces, or stop. */
export type PoolWorkerRequest = { make: number } | { stop: true };

/**
 * One reply per namespace made — its fd, and an unnamed mount target to name
 * it by (absent where the filesystem cannot make one) — or the error that
 * stopped the worker.
 */
export type PoolWorkerReply = { fd: number; target?: number } | { error: string };

const loopbackUp = upRequest(LOOPBACK_INDEX);
const loopbackUpOperation = linkOperation('set link', 'lo up in a pooled namespace');

/**
 * Makes one namespace with lo up and returns its fd, or throws with nothing
 * left open. Either way the thread is left inside it: the caller returns it
 * to its own namespace. Lo is brought up here, off the pod's critical path,
 * because bringing a loopback up is real kernel work (its 127.0.0.1 and ::1
 * with their routes) under the RTNL lock.
 */
function makeNamespace(): number {
  libc.unshare(CLONE_NEWNET);
  const socket = NetlinkSocket.openForFewReplies(NETLINK_ROUTE);
  try {
    socket.execute(loopbackUp, loopbackUpOperation);
  } finally {
    socket.close();
  }
  return libc.openReadOnly('/proc/thread-self/ns/net');
}

/** Whether /run/netns takes unnamed files; once it did not, the worker stops trying. */
let targetsWork = true;

/** A mount target for the next namespace, or undefined (createPod then creates the file itself). */
function prepareTarget(): number | undefined {
  if (!targetsWork) return undefined;
  try {
    return openMountTarget();
  } catch {
    targetsWork = false;
    return undefined;
  }
}

if (parentPort) {
  const port = parentPort;
  const { original } = workerData as PoolWorkerData;
  const gate = new RefillGate((workerData as PoolWorkerData).gate);
  port.on('message', (request: PoolWorkerRequest) => {
    if ('stop' in request) {
      port.close();
      return;
    }
    for (let i = 0; i < request.make; i++) {
      if (!gate.waitUntilIdle()) return;
      let fd: number;
      try {
        fd = makeNamespace();
      } catch (error) {
        port.postMessage({ error: `making a namespace: ${(error as Error).message}` } satisfies PoolWorkerReply);
        return;
      } finally {
        try {
          libc.setns(original, CLONE_NEWNET, 'original namespace');
        } catch (error) {
          // A thread stuck in a pod's namespace must not make more: end it, the pool starts another.
          port.postMessage({ error: `could not return to the original namespace: ${(error as Error).message}` } satisfies PoolWorkerReply);
          process.exit(1);
        }
      }
      const target = prepareTarget();
      port.postMessage((target === undefined ? { fd } : { fd, target }) satisfies PoolWorkerReply);
    }
  });
}
