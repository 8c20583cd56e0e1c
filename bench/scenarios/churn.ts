// churn: the pod cycle — set up N pods, tear them all down, wait until the
// kernel really removed their host ends — with nlkit (sync, Promise API with
// several pods in flight, worker threads) and with iproute2.
import { existsSync } from 'node:fs';
import type { Worker } from 'node:worker_threads';
import { NETNS_RUN_DIR } from '../../src/netns/names.js';
import type { RouteConnection } from '../../src/route/connection.js';
import { measure, type MeasureDefinition } from '../harness/measure.js';
import { createBenchNetns, removeBenchNamespaces, withBenchNamespaces } from '../harness/namespaces.js';
import { loadRouteApi, type Loaded, type OpenRoute } from '../harness/nlkit.js';
import type { Implementation, RunInfo, RunOutput, Scenario, ScenarioContext, ScenarioRow, Verifier } from '../harness/scenario.js';
import { perSecond } from '../harness/stats.js';
import { countLines, ipBatch, ipIn, ipJsonIn, nlkitBatch, run } from '../harness/tools.js';
import { ask, startTsWorker, type WorkerReply } from '../harness/worker.js';
import {
  encodeRawPod, loadPodApi, setupPodsFast, setupPodsPaced, setupPodsRaw, type FastSetupTimes, type PodApi, type StepSamples,
} from './churn-fast.js';
import {
  BRIDGE, BRIDGE_ADDRESS, planPods, setupPodsAsync, setupPodsSync, teardownPodsAsync, teardownPodsSync, waitUntilGone,
  type PodPlan, type SetupTimes,
} from './churn-pod.js';

export interface ChurnSizes {
  pods: number;
  /** The sustained rate of nlkit-pool-paced, pods/s. */
  pacedRate: number;
  /** Namespaces nlkit-pool-paced keeps ready. */
  pacedPool: number;
  /** Pods per nlkit-pool-paced run: enough that its p99 is not one unlucky pod of 40. */
  pacedPods: number;
  /** Pods in flight at once for nlkit-async. */
  inFlight: number;
  /** Worker threads for nlkit-workers. */
  workers: number;
}

export function churnSizes(quick: boolean, smoke = false): ChurnSizes {
  if (smoke) return { pods: 4, pacedRate: 300, pacedPool: 2, pacedPods: 4, inFlight: 2, workers: 2 };
  return { pods: quick ? 40 : 200, pacedRate: 300, pacedPool: 32, pacedPods: quick ? 400 : 1000, inFlight: 4, workers: 2 };
}

/** Makes `netns` stand in for the host: a bridge with the pods' gateway address, up. */
function addBridge(netns: string): string {
  ipBatch([
    `link add ${BRIDGE} type bridge`,
    `addr add ${BRIDGE_ADDRESS}/16 dev ${BRIDGE}`,
    `link set ${BRIDGE} up`,
  ], netns);
  return netns;
}

function hostEndCount(hostNetns: string): number {
  return countLines(ipIn(hostNetns, '-o', 'link', 'show', 'master', BRIDGE));
}

/** Checks, with `ip`, that the pods exist and are wired: host ends up on the bridge, a sample of pods fully configured. */
export function verifyPodsUp(verify: Verifier, hostNetns: string, pods: readonly PodPlan[]): void {
  const ends = ipJsonIn<{ ifname: string; flags: string[] }[]>(hostNetns, 'link', 'show', 'master', BRIDGE);
  verify.check(ends.length === pods.length, `${ends.length} host ends on ${BRIDGE} in ${hostNetns}, expected ${pods.length}`);
  const down = ends.filter((l) => !l.flags.includes('UP') || !l.flags.includes('LOWER_UP'));
  verify.check(down.length === 0, `host ends not up with carrier: ${down.slice(0, 3).map((l) => l.ifname).join(', ')}`);
  const sample = [...new Set([0, pods.length >> 1, pods.length - 1])].map((i) => pods[i]!).filter(Boolean);
  for (const pod of sample) {
    const lo = ipJsonIn<{ flags: string[] }[]>(pod.netns, 'link', 'show', 'lo');
    verify.check(lo[0]?.flags.includes('UP') === true, `lo is not up in ${pod.netns}`);
    const eth0 = ipJsonIn<{ flags: string[]; addr_info: { local: string; prefixlen: number }[] }[]>(pod.netns, 'addr', 'show', 'dev', 'eth0');
    const want = pod.address.split('/')[0];
    verify.check(eth0[0]?.flags.includes('LOWER_UP') === true, `eth0 in ${pod.netns} has no carrier`);
    verify.check(eth0[0]?.addr_info.some((a) => a.local === want) === true, `eth0 in ${pod.netns} lacks ${pod.address}`);
    const route = ipJsonIn<{ gateway?: string; dev?: string }[]>(pod.netns, 'route', 'show', 'default');
    verify.check(route[0]?.gateway === BRIDGE_ADDRESS && route[0]?.dev === 'eth0', `default route in ${pod.netns}: ${JSON.stringify(route)}`);
  }
}

export function verifyPodsGone(verify: Verifier, hostNetns: string, pods: readonly PodPlan[]): void {
  const left = pods.filter((p) => existsSync(`${NETNS_RUN_DIR}/${p.netns}`));
  verify.check(left.length === 0, `${left.length} pod namespaces still exist after teardown`);
  const ends = hostEndCount(hostNetns);
  verify.check(ends === 0, `${ends} host ends still on ${BRIDGE} after teardown`);
}

function output(pods: number, setup: SetupTimes | FastSetupTimes | { ms: number }, teardownMs: number): RunOutput {
  const steps: Partial<StepSamples> = 'steps' in setup ? setup.steps : {};
  return {
    metrics: { setup: perSecond(pods, setup.ms), cycle: perSecond(pods, setup.ms + teardownMs) },
    ...('latencies' in setup ? { samples: { latency: setup.latencies, ...steps } } : {}),
  };
}

/**
 * The end of every run: checks with ip that the pods are up, times
 * `teardown` (until the kernel removed the host ends), checks they are gone.
 */
async function verifiedCycle(
  verify: Verifier, hostNetns: string, pods: readonly PodPlan[], setup: SetupTimes | FastSetupTimes | { ms: number }, teardown: () => Promise<void>,
): Promise<RunOutput> {
  verifyPodsUp(verify, hostNetns, pods);
  const t1 = performance.now();
  await teardown();
  const teardownMs = performance.now() - t1;
  verifyPodsGone(verify, hostNetns, pods);
  return output(pods.length, setup, teardownMs);
}

/** The step rows, for implementations that do not time steps. */
const NO_STEPS = {
  'step-namespace': 'steps are timed for the fast path, the pool and the floor only',
  'step-veth': 'steps are timed for the fast path, the pool and the floor only',
  'step-inside': 'steps are timed for the fast path, the pool and the floor only',
};

let runCounter = 0;
/** A short tag unique to one run, so names never collide with a pod still being destroyed. */
function runTag(): string {
  return (++runCounter).toString(36);
}

function ipLinkAddLine(pod: PodPlan): string {
  return `link add ${pod.hostEnd} master ${BRIDGE} up type veth peer name eth0 netns ${pod.netns}`;
}

function podInsideLines(pod: PodPlan): string[] {
  return ['link set lo up', `addr add ${pod.address} dev eth0`, 'link set eth0 up', `route add default via ${BRIDGE_ADDRESS}`];
}

async function waitHostEndsGoneByIp(hostNetns: string): Promise<void> {
  await waitUntilGone(() => hostEndCount(hostNetns), 'host ends');
}

function ipForkImplementation(hostNetns: string, sizes: ChurnSizes): Implementation {
  return {
    name: 'ip-fork',
    async run({ verify }: RunInfo) {
      const pods = planPods(runTag(), sizes.pods);
      const latencies: number[] = [];
      const t0 = performance.now();
      for (const pod of pods) {
        const p0 = performance.now();
        run('ip', ['netns', 'add', pod.netns]);
        run('ip', ['-n', hostNetns, ...ipLinkAddLine(pod).split(' ')]);
        for (const line of podInsideLines(pod)) run('ip', ['-n', pod.netns, ...line.split(' ')]);
        latencies.push(performance.now() - p0);
      }
      const setupMs = performance.now() - t0;
      return verifiedCycle(verify, hostNetns, pods, { ms: setupMs, latencies }, async () => {
        for (const pod of pods) run('ip', ['netns', 'delete', pod.netns]);
        await waitHostEndsGoneByIp(hostNetns);
      });
    },
  };
}

function ipBatchImplementation(hostNetns: string, sizes: ChurnSizes): Implementation {
  return {
    name: 'ip-batch',
    metricNotApplicable: {
      p50: 'the host side of all pods runs in one batch process, so a pod has no setup time of its own',
      p99: 'the host side of all pods runs in one batch process, so a pod has no setup time of its own',
    },
    async run({ verify }: RunInfo) {
      const pods = planPods(runTag(), sizes.pods);
      const t0 = performance.now();
      // Not one batch: under -n, ip moves itself into a private mount namespace,
      // where a `netns add` bind mount would never reach /run/netns.
      ipBatch(pods.map((pod) => `netns add ${pod.netns}`));
      ipBatch(pods.map(ipLinkAddLine), hostNetns);
      for (const pod of pods) ipBatch(podInsideLines(pod), pod.netns);
      const setupMs = performance.now() - t0;
      return verifiedCycle(verify, hostNetns, pods, { ms: setupMs }, async () => {
        ipBatch(pods.map((pod) => `netns delete ${pod.netns}`));
        await waitHostEndsGoneByIp(hostNetns);
      });
    },
  };
}

/**
 * The same lines as ip-batch, through the nlkit command: one `nlkit -batch -`
 * process for the whole set-up (a line's own `-n NS` picks its namespace, an
 * nlkit extension), one for the namespace deletes.
 */
function cliBatchImplementation(hostNetns: string, sizes: ChurnSizes): Implementation {
  return {
    name: 'cli-batch',
    metricNotApplicable: {
      p50: 'every pod is set up by one batch process, so a pod has no setup time of its own',
      p99: 'every pod is set up by one batch process, so a pod has no setup time of its own',
    },
    async run({ verify }: RunInfo) {
      const pods = planPods(runTag(), sizes.pods);
      const t0 = performance.now();
      nlkitBatch([
        ...pods.map((pod) => `netns add ${pod.netns}`),
        ...pods.map((pod) => `-n ${hostNetns} ${ipLinkAddLine(pod)}`),
        ...pods.flatMap((pod) => podInsideLines(pod).map((line) => `-n ${pod.netns} ${line}`)),
      ]);
      const setupMs = performance.now() - t0;
      return verifiedCycle(verify, hostNetns, pods, { ms: setupMs }, async () => {
        nlkitBatch(pods.map((pod) => `netns delete ${pod.netns}`));
        await waitHostEndsGoneByIp(hostNetns);
      });
    },
  };
}

function nlkitSyncImplementation(hostNetns: string, sizes: ChurnSizes, route: Loaded<OpenRoute>): Implementation {
  let host: RouteConnection | undefined;
  let bridgeIndex = 0;
  return {
    name: 'nlkit',
    ...(route.unavailable !== undefined ? { notApplicable: route.unavailable } : {}),
    prepare() {
      host = route.api!({ netns: hostNetns });
      bridgeIndex = host.link.get(BRIDGE).index;
    },
    async run({ verify }: RunInfo) {
      const pods = planPods(runTag(), sizes.pods);
      const setup = setupPodsSync(route.api!, host!, bridgeIndex, pods);
      return verifiedCycle(verify, hostNetns, pods, setup, () => teardownPodsSync(host!, bridgeIndex, pods));
    },
    dispose() {
      host?.close();
    },
  };
}

function nlkitAsyncImplementation(hostNetns: string, sizes: ChurnSizes, route: Loaded<OpenRoute>): Implementation {
  let hosts: RouteConnection[] = [];
  let bridgeIndex = 0;
  return {
    name: 'nlkit-async',
    ...(route.unavailable !== undefined ? { notApplicable: route.unavailable } : {}),
    prepare() {
      hosts = Array.from({ length: sizes.inFlight }, () => route.api!({ netns: hostNetns }));
      bridgeIndex = hosts[0]!.link.get(BRIDGE).index;
    },
    async run({ verify }: RunInfo) {
      const pods = planPods(runTag(), sizes.pods);
      const setup = await setupPodsAsync(route.api!, hosts, bridgeIndex, pods);
      return verifiedCycle(verify, hostNetns, pods, setup, () => teardownPodsAsync(hosts[0]!, bridgeIndex, pods));
    },
    dispose() {
      for (const host of hosts) host.close();
    },
  };
}

function nlkitWorkersImplementation(sizes: ChurnSizes, route: Loaded<OpenRoute>): Implementation {
  const workers: { worker: Worker; hostNetns: string }[] = [];
  return {
    name: 'nlkit-workers',
    ...(route.unavailable !== undefined ? { notApplicable: route.unavailable } : {}),
    async prepare() {
      for (let w = 0; w < sizes.workers; w++) {
        const hostNetns = addBridge(createBenchNetns(`churn-w${w}`));
        const worker = startTsWorker(new URL('./churn-worker.ts', import.meta.url), { hostNetns });
        workers.push({ worker, hostNetns });
        // Fails here, untimed, if the worker cannot load nlkit.
        await ask(worker, { cmd: 'ping' });
      }
    },
    async run({ verify }: RunInfo) {
      const tag = runTag();
      const share = Math.ceil(sizes.pods / workers.length);
      const plans = workers.map((_, w) => planPods(`${tag}w${w}`, Math.min(share, sizes.pods - w * share)));
      const t0 = performance.now();
      const setups = await Promise.all(workers.map(({ worker }, w) => ask<WorkerReply & FastSetupTimes>(worker, { cmd: 'setup', pods: plans[w] })));
      const setupMs = performance.now() - t0;
      workers.forEach(({ hostNetns }, w) => verifyPodsUp(verify, hostNetns, plans[w]!));
      const t1 = performance.now();
      await Promise.all(workers.map(({ worker }) => ask(worker, { cmd: 'teardown' })));
      const teardownMs = performance.now() - t1;
      workers.forEach(({ hostNetns }, w) => verifyPodsGone(verify, hostNetns, plans[w]!));
      const steps: StepSamples = {
        namespace: setups.flatMap((s) => s.steps.namespace), veth: setups.flatMap((s) => s.steps.veth), inside: setups.flatMap((s) => s.steps.inside),
      };
      return output(sizes.pods, { ms: setupMs, latencies: setups.flatMap((s) => s.latencies), steps }, teardownMs);
    },
    async dispose() {
      for (const { worker } of workers) {
        await ask(worker, { cmd: 'close' }).catch(() => undefined);
        await worker.terminate();
      }
      removeBenchNamespaces(workers.map((w) => w.hostNetns));
    },
  };
}

/** Which implementations time the steps, and which take namespaces from a pool at a pace. */
const TIMES_STEPS = new Set(['nlkit-pod', 'nlkit-pool', 'nlkit-workers', 'raw-floor']);
const PACED = new Set(['nlkit-pool-paced', 'nlkit-pool-paced-no-ll']);

function withRowsNotApplicable(implementations: Implementation[]): Implementation[] {
  return implementations.map((impl) => ({
    ...impl,
    metricNotApplicable: {
      ...(TIMES_STEPS.has(impl.name) || PACED.has(impl.name) ? {} : NO_STEPS),
      ...(PACED.has(impl.name) ? {} : {
        'from-pool': 'only the paced pool rows take namespaces from a pool that may run dry',
        pace: 'only the paced pool rows are paced',
      }),
      ...impl.metricNotApplicable,
    },
  }));
}

/** A host connection and the bridge's index, opened untimed before the runs. */
function hostOf(hostNetns: string, route: Loaded<OpenRoute>): { host: RouteConnection; bridgeIndex: number } {
  const host = route.api!({ netns: hostNetns });
  return { host, bridgeIndex: host.link.get(BRIDGE).index };
}

function nlkitPodImplementation(hostNetns: string, sizes: ChurnSizes, route: Loaded<OpenRoute>, pod: { api?: PodApi; unavailable?: string }): Implementation {
  let state: { host: RouteConnection; bridgeIndex: number } | undefined;
  const unavailable = route.unavailable ?? pod.unavailable;
  return {
    name: 'nlkit-pod',
    ...(unavailable !== undefined ? { notApplicable: unavailable } : {}),
    prepare() {
      state = hostOf(hostNetns, route);
    },
    async run({ verify }: RunInfo) {
      const { host, bridgeIndex } = state!;
      const pods = planPods(runTag(), sizes.pods);
      const setup = setupPodsFast(pod.api!, host, bridgeIndex, pods);
      return verifiedCycle(verify, hostNetns, pods, setup, () => teardownPodsSync(host, bridgeIndex, pods));
    },
    dispose() {
      state?.host.close();
    },
  };
}

function nlkitPoolImplementation(hostNetns: string, sizes: ChurnSizes, route: Loaded<OpenRoute>, pod: { api?: PodApi; unavailable?: string }): Implementation {
  let state: { host: RouteConnection; bridgeIndex: number } | undefined;
  let pool: import('../../src/pod/pool.js').NamespacePool | undefined;
  const unavailable = route.unavailable ?? pod.unavailable;
  return {
    name: 'nlkit-pool',
    ...(unavailable !== undefined ? { notApplicable: unavailable } : {}),
    prepare() {
      state = hostOf(hostNetns, route);
      pool = pod.api!.openNamespacePool({ size: sizes.pods });
    },
    async run({ verify }: RunInfo) {
      const { host, bridgeIndex } = state!;
      // The pool fills while the host is idle: between bursts, untimed.
      await pool!.whenReady();
      const pods = planPods(runTag(), sizes.pods);
      const setup = setupPodsFast(pod.api!, host, bridgeIndex, pods, pool);
      return verifiedCycle(verify, hostNetns, pods, setup, () => teardownPodsSync(host, bridgeIndex, pods));
    },
    async dispose() {
      await pool?.close();
      state?.host.close();
    },
  };
}

function nlkitPoolPacedImplementation(hostNetns: string, sizes: ChurnSizes, route: Loaded<OpenRoute>, pod: { api?: PodApi; unavailable?: string }, ipv6LinkLocal: boolean): Implementation {
  let state: { host: RouteConnection; bridgeIndex: number } | undefined;
  let pool: import('../../src/pod/pool.js').NamespacePool | undefined;
  const unavailable = route.unavailable ?? pod.unavailable;
  return {
    name: ipv6LinkLocal ? 'nlkit-pool-paced' : 'nlkit-pool-paced-no-ll',
    ...(unavailable !== undefined ? { notApplicable: unavailable } : {}),
    metricNotApplicable: { ...NO_STEPS, setup: `paced at ${sizes.pacedRate} pods/s: its setup rate is the pace, not a capacity`, cycle: `paced at ${sizes.pacedRate} pods/s: its cycle rate is the pace, not a capacity` },
    prepare() {
      state = hostOf(hostNetns, route);
      pool = pod.api!.openNamespacePool({ size: sizes.pacedPool });
    },
    async run({ verify }: RunInfo) {
      const { host, bridgeIndex } = state!;
      await pool!.whenReady();
      const pods = planPods(runTag(), sizes.pacedPods);
      const setup = await setupPodsPaced(pod.api!, host, bridgeIndex, pods, pool!, sizes.pacedRate, ipv6LinkLocal);
      const out = await verifiedCycle(verify, hostNetns, pods, setup, () => teardownPodsSync(host, bridgeIndex, pods));
      out.metrics['from-pool'] = setup.fromPool / pods.length;
      // Reported, not asserted: a loaded machine may not keep the pace.
      out.metrics.pace = perSecond(pods.length, setup.ms);
      return out;
    },
    async dispose() {
      await pool?.close();
      state?.host.close();
    },
  };
}

function rawFloorImplementation(hostNetns: string, sizes: ChurnSizes, route: Loaded<OpenRoute>): Implementation {
  let state: { host: RouteConnection; bridgeIndex: number } | undefined;
  return {
    name: 'raw-floor',
    ...(route.unavailable !== undefined ? { notApplicable: route.unavailable } : {}),
    prepare() {
      state = hostOf(hostNetns, route);
    },
    async run({ verify }: RunInfo) {
      const { host, bridgeIndex } = state!;
      const pods = planPods(runTag(), sizes.pods);
      // Encoded before the clock starts: the floor measures system calls and the kernel only.
      const raws = pods.map((p) => encodeRawPod(p, bridgeIndex));
      const setup = setupPodsRaw(host.socket.fd, raws);
      return verifiedCycle(verify, hostNetns, pods, setup, () => teardownPodsSync(host, bridgeIndex, pods));
    },
    dispose() {
      state?.host.close();
    },
  };
}

export function churnDefinition(hostNetns: string, sizes: ChurnSizes, route: Loaded<OpenRoute>, pod: { api?: PodApi; unavailable?: string }): MeasureDefinition {
  return {
    scenario: 'churn',
    metrics: [
      { key: 'cycle', unit: 'pods/s', better: 'higher', description: 'pods set up and torn down (until the kernel removed the host ends) per second' },
      { key: 'setup', unit: 'pods/s', better: 'higher', description: 'pods set up per second' },
      { key: 'p50', unit: 'ms', better: 'lower', description: 'median setup time of one pod', fromSamples: { sample: 'latency', percentile: 50 } },
      { key: 'p99', unit: 'ms', better: 'lower', description: '99th percentile setup time of one pod', fromSamples: { sample: 'latency', percentile: 99 } },
      { key: 'step-namespace', unit: 'ms', better: 'lower', description: 'median time of the namespace step: made (unshare, bind mount, a socket inside) or, with a pool, named (bind mount, a socket inside)', fromSamples: { sample: 'namespace', percentile: 50 } },
      { key: 'step-veth', unit: 'ms', better: 'lower', description: 'median time of the veth request (pair made, peer in the pod, host end enslaved and up)', fromSamples: { sample: 'veth', percentile: 50 } },
      { key: 'step-inside', unit: 'ms', better: 'lower', description: 'median time of the send inside the pod (lo up, address, eth0 up, default route) and its acks', fromSamples: { sample: 'inside', percentile: 50 } },
      { key: 'from-pool', unit: 'share', better: 'higher', description: 'share of the paced pods whose namespace came from the pool (the rest were made on the spot)', noRatios: true },
      { key: 'pace', unit: 'pods/s', better: 'higher', description: `pods per second the paced row kept (asked: ${sizes.pacedRate})`, noRatios: true },
    ],
    ratioPairs: [
      ['nlkit', 'ip-batch'], ['nlkit', 'ip-fork'], ['nlkit-pod', 'raw-floor'], ['nlkit-pool', 'raw-floor'], ['nlkit-pod', 'nlkit'],
      ['nlkit-workers', 'nlkit-pod'], ['nlkit-async', 'nlkit'], ['nlkit-pool-paced', 'raw-floor'], ['nlkit-pool-paced-no-ll', 'nlkit-pool-paced'], ['cli-batch', 'ip-batch'],
    ],
    implementations: withRowsNotApplicable([
      nlkitSyncImplementation(hostNetns, sizes, route),
      nlkitAsyncImplementation(hostNetns, sizes, route),
      nlkitPodImplementation(hostNetns, sizes, route, pod),
      nlkitPoolImplementation(hostNetns, sizes, route, pod),
      nlkitPoolPacedImplementation(hostNetns, sizes, route, pod, true),
      nlkitPoolPacedImplementation(hostNetns, sizes, route, pod, false),
      nlkitWorkersImplementation(sizes, route),
      rawFloorImplementation(hostNetns, sizes, route),
      ipForkImplementation(hostNetns, sizes),
      ipBatchImplementation(hostNetns, sizes),
      cliBatchImplementation(hostNetns, sizes),
    ]),
    pauseMs: 100,
    notes: [
      `${sizes.pods} pods per run; the "host" is a bench namespace holding bridge ${BRIDGE} (${BRIDGE_ADDRESS}/16), never the real host`,
      'every implementation creates the veth with one request: host end enslaved and up, peer eth0 born in the pod (`ip link add vhN master br0 up type veth peer name eth0 netns POD`); the kernel refuses to bring the peer up in that request (ENOTCONN), so eth0 up is a step of its own',
      'ip-fork: one `ip` process per step (netns add, link add, lo up, addr add, eth0 up, route add; netns delete per pod); polls `ip -o link show master br0` until the host ends are gone',
      'ip-batch: one `ip -batch -` for every pod\'s netns add (it cannot share the next batch: under -n, ip works in a private mount namespace where netns add would not persist), one `ip -n HOST -batch -` for every pod\'s link add, one `ip -n POD -batch -` per pod for the 4 steps inside, one `ip -batch -` for all netns deletes; polls like ip-fork',
      `nlkit: the plain sync API as the README showed it before the fast path (name lookups included), one pod after another; nlkit-async: the same with the Promise API, ${sizes.inFlight} pods in flight, each lane with its own host socket`,
      `nlkit-pod: createPod, one pod after another (namespace made with its socket opened inside, one echoed veth request, one send of 4 requests inside); nlkit-pool: the same with a NamespacePool of ${sizes.pods} filled between runs (untimed), so each pod's namespace is only named; nlkit-pool-paced: createPod with a pool of ${sizes.pacedPool} at a sustained ${sizes.pacedRate} pods/s, ${sizes.pacedPods} pods per run (the worker refills in the gaps between pods), p50/p99 are its per-pod latencies; nlkit-pool-paced-no-ll: the same with ipv6LinkLocal: false (no IPv6 link-local address on either veth end, so no DAD, MLD or router solicitation flooded by the bridge into every other pod: docs/pods.md); nlkit-workers: ${sizes.workers} worker threads, each with its own host namespace, bridge and sockets, doing its share of the pods with createPod`,
      'cli-batch: the ip-batch lines through the nlkit command (bin/nlkit, dist/ when built), Node\'s start-up included: one `nlkit -batch -` process for every pod\'s netns add, link add and 4 steps inside (each line naming its namespace with `-n NS`, which ip -batch lacks), one for all netns deletes; polls like ip-fork',
      'raw-floor: the same pod as nlkit-pod with every request encoded before the clock starts and sent straight through src/sys (open, unshare, mount, socket, setns; send/recv of the encoded bytes with the namespace fd patched in; eth0 assumed to be ifindex 2): what a C program would do',
      'step-*: per-pod medians of the steps: namespace (made, or named from the pool, with a socket inside), veth (the request with its ack), inside (the 4 requests in one send with their acks, plus closing the pod\'s socket); nlkit-workers pools the steps of all its threads',
      'teardown deletes the pod namespaces, then polls a link dump of the bridge\'s ports every 1 ms until empty; p50/p99 pool the per-pod setup times of all measured runs',
    ],
  };
}

export const churn: Scenario = {
  name: 'churn',
  title: 'the pod cycle: namespace, veth into it, bridge, address, route; then teardown',
  async run(ctx: ScenarioContext): Promise<ScenarioRow[]> {
    const sizes = churnSizes(ctx.quick, ctx.smoke);
    const route = await loadRouteApi();
    const pod = await loadPodApi();
    return withBenchNamespaces(['churn-host'], ([host]) => measure(ctx, churnDefinition(addBridge(host!), sizes, route, pod)));
  },
};
