// The pod of the churn scenario, done with nlkit: shared by the main thread
// (sync and Promise variants) and the worker threads.
//
// A pod: a named namespace; a veth whose peer `eth0` is born inside it, the
// host end enslaved to the bridge and up (one request); inside: lo up, the
// address on eth0, eth0 up, default route via the bridge. Torn down by
// deleting the namespace; the kernel then removes the host end itself.
import { setTimeout as sleep } from 'node:timers/promises';
import { createNetns, deleteNetns } from '../../src/netns/index.js';
import type { RouteConnection } from '../../src/route/connection.js';
import { resolveLinkIndex, resolveLinkIndexAsync } from '../../src/route/resolve.js';
import { BENCH_PREFIX } from '../harness/namespaces.js';
import type { OpenRoute } from '../harness/nlkit.js';

export const BRIDGE = 'br0';
export const BRIDGE_ADDRESS = '10.200.0.1';
export const POD_PREFIX_LENGTH = 16;
const LO_INDEX = 1;

export interface PodPlan {
  netns: string;
  /** Host end of the veth, in the host namespace. */
  hostEnd: string;
  /** Pod address with prefix, e.g. `10.200.0.2/16`. */
  address: string;
}

/** `count` pods named after `tag` (unique per run), addresses 10.200.0.2 upwards. */
export function planPods(tag: string, count: number): PodPlan[] {
  if (count > 65000) throw new RangeError(`at most 65000 pods fit in 10.200.0.0/16, asked for ${count}`);
  return Array.from({ length: count }, (_, i) => {
    const host = i + 2;
    return {
      netns: `${BENCH_PREFIX}p${tag}-${i}`,
      hostEnd: `vh${tag}x${i}`,
      address: `10.200.${host >> 8}.${host & 255}/${POD_PREFIX_LENGTH}`,
    };
  });
}

export function setupPodSync(openRoute: OpenRoute, host: RouteConnection, bridgeIndex: number, pod: PodPlan): void {
  createNetns(pod.netns);
  host.link.add({ type: 'veth', name: pod.hostEnd, master: bridgeIndex, up: true, peer: { name: 'eth0', netns: pod.netns } });
  const inside = openRoute({ netns: pod.netns });
  try {
    inside.link.set(LO_INDEX, { up: true });
    const eth0 = resolveLinkIndex(inside, 'eth0');
    inside.addr.add({ dev: eth0, address: pod.address });
    inside.link.set(eth0, { up: true });
    inside.route.add({ dst: 'default', gateway: BRIDGE_ADDRESS });
  } finally {
    inside.close();
  }
}

export async function setupPodAsync(openRoute: OpenRoute, host: RouteConnection, bridgeIndex: number, pod: PodPlan): Promise<void> {
  createNetns(pod.netns);
  await host.link.addAsync({ type: 'veth', name: pod.hostEnd, master: bridgeIndex, up: true, peer: { name: 'eth0', netns: pod.netns } });
  const inside = openRoute({ netns: pod.netns });
  try {
    await inside.link.setAsync(LO_INDEX, { up: true });
    const eth0 = await resolveLinkIndexAsync(inside, 'eth0');
    await inside.addr.addAsync({ dev: eth0, address: pod.address });
    await inside.link.setAsync(eth0, { up: true });
    await inside.route.addAsync({ dst: 'default', gateway: BRIDGE_ADDRESS });
  } finally {
    inside.close();
  }
}

/** Polls `remaining()` every millisecond until it reports 0; throws after `timeoutMs`. */
export async function waitUntilGone(remaining: () => number | Promise<number>, what: string, timeoutMs = 60_000): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  for (;;) {
    const left = await remaining();
    if (left === 0) return;
    if (performance.now() > deadline) throw new Error(`${left} ${what} still present after ${timeoutMs} ms`);
    await sleep(1);
  }
}

/** Tears pods down by deleting their namespaces, then waits until the kernel removed every host end. */
export async function teardownPodsSync(host: RouteConnection, bridgeIndex: number, pods: readonly PodPlan[]): Promise<void> {
  for (const pod of pods) deleteNetns(pod.netns);
  await waitUntilGone(() => host.link.list({ master: bridgeIndex }).length, 'host ends');
}

export async function teardownPodsAsync(host: RouteConnection, bridgeIndex: number, pods: readonly PodPlan[]): Promise<void> {
  for (const pod of pods) deleteNetns(pod.netns);
  await waitUntilGone(async () => (await host.link.listAsync({ master: bridgeIndex })).length, 'host ends');
}

export interface SetupTimes {
  /** Wall time of the whole setup phase, ms. */
  ms: number;
  /** Per-pod setup time, ms. */
  latencies: number[];
}

/** Sets the pods up one after another with the sync API. */
export function setupPodsSync(openRoute: OpenRoute, host: RouteConnection, bridgeIndex: number, pods: readonly PodPlan[]): SetupTimes {
  const latencies: number[] = [];
  const t0 = performance.now();
  for (const pod of pods) {
    const p0 = performance.now();
    setupPodSync(openRoute, host, bridgeIndex, pod);
    latencies.push(performance.now() - p0);
  }
  return { ms: performance.now() - t0, latencies };
}

/**
 * Sets the pods up with `inFlight` pods in progress at once through the
 * Promise API, each lane with its own host connection so lanes do not queue
 * behind one socket.
 */
export async function setupPodsAsync(openRoute: OpenRoute, hosts: readonly RouteConnection[], bridgeIndex: number, pods: readonly PodPlan[]): Promise<SetupTimes> {
  const latencies: number[] = [];
  let next = 0;
  let failed = false;
  const t0 = performance.now();
  const lanes = await Promise.allSettled(hosts.map(async (host) => {
    // A failed lane stops the others, so nothing keeps creating pods after the run gave up.
    while (next < pods.length && !failed) {
      const pod = pods[next++]!;
      const p0 = performance.now();
      try {
        await setupPodAsync(openRoute, host, bridgeIndex, pod);
      } catch (error) {
        failed = true;
        throw error;
      }
      latencies.push(performance.now() - p0);
    }
  }));
  const ms = performance.now() - t0;
  const failure = lanes.find((lane): lane is PromiseRejectedResult => lane.status === 'rejected');
  if (failure) throw failure.reason;
  return { ms, latencies };
}
