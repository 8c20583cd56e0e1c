// A churn worker thread: owns a host namespace with its own bridge and sets
// up / tears down its own pods with the pod fast path (its own sockets),
// independently of the other workers, so pods go in parallel as far as the
// kernel's locks allow.
import { parentPort, workerData } from 'node:worker_threads';
import type { RouteConnection } from '../../src/route/connection.js';
import { loadRouteApi } from '../harness/nlkit.js';
import { loadPodApi, setupPodsFast } from './churn-fast.js';
import { BRIDGE, teardownPodsSync, type PodPlan } from './churn-pod.js';

export interface ChurnWorkerData {
  /** Host namespace of this worker, with its bridge already made. */
  hostNetns: string;
}

interface Message {
  id: number;
  cmd: 'ping' | 'setup' | 'teardown' | 'close';
  pods?: PodPlan[];
}

const { hostNetns } = workerData as ChurnWorkerData;
const loaded = await loadRouteApi();
const pod = await loadPodApi();
let host: RouteConnection | undefined;
let bridgeIndex = 0;
let pods: PodPlan[] = [];

async function handle(message: Message): Promise<Record<string, unknown>> {
  if (loaded.unavailable !== undefined) throw new Error(loaded.unavailable);
  if (pod.unavailable !== undefined) throw new Error(pod.unavailable);
  const openRoute = loaded.api;
  switch (message.cmd) {
    case 'ping':
      return {};
    case 'setup': {
      host ??= openRoute({ netns: hostNetns });
      bridgeIndex ||= host.link.get(BRIDGE).index;
      pods = message.pods!;
      return { ...setupPodsFast(pod.api!, host, bridgeIndex, pods) };
    }
    case 'teardown': {
      const t0 = performance.now();
      await teardownPodsSync(host!, bridgeIndex, pods);
      return { ms: performance.now() - t0 };
    }
    case 'close':
      host?.close();
      host = undefined;
      return {};
  }
}

parentPort!.on('message', (message: Message) => {
  handle(message).then(
    (reply) => parentPort!.postMessage({ ...reply, id: message.id }),
    (error: Error) => parentPort!.postMessage({ id: message.id, error: `${error.name}: ${error.message}` }),
  );
});
parentPort!.postMessage({ id: 0, ready: true });
