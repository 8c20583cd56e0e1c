// The soak: lanes of pod cycles against nlkit's public API, faults mixed in
// at random (seeded), every error sorted by class, and the process's fds,
// namespaces, leftover links and memory compared from start to end.
import { setImmediate as immediate, setTimeout as sleep } from 'node:timers/promises';
import { openRoute, type RouteConnection } from '../../src/index.js';
import { Churner } from './churner.js';
import { Cycle, planPod, type Mode, type SoakShared } from './cycle.js';
import { FAULTS, type Fault } from './faults/index.js';
import { FAILURE_WINDOW, type SoakOptions } from './options.js';
import { setupPod, teardownPod, verifyPod } from './pod.js';
import { SeededRandom } from './random.js';
import { memoryAfterGc, openFds, soakNamespaces, type Snapshot } from './resources.js';
import { missedTargets } from './targets.js';
import { Tally } from './tally.js';
import { Watchdog } from './watchdog.js';
import { BRIDGE, createWorld, removeWorld, soakPrefix } from './world.js';

/** How long the kernel may take to remove the last host ends after the last cycle. */
const FINAL_TEARDOWN_MS = 60_000;
/** Lanes check the backlog of host ends awaiting teardown this often (cycles per lane). */
const THROTTLE_EVERY = 16;

export interface SoakReport {
  options: SoakOptions;
  prefix: string;
  completedCycles: number;
  /** Wall time of the cycles, without setup and the final wait for the kernel. */
  seconds: number;
  cyclesPerSecond: number;
  modes: Record<Mode, number>;
  /**
   * Before anything was made; when the cycles start; after the warm-up
   * (the RSS baseline); when they ended (world still up); after cleanup.
   */
  before: Snapshot;
  start: Snapshot;
  warm: Snapshot;
  end: Snapshot;
  after: Snapshot;
  checkpoints: Snapshot[];
  /** Links other than lo and the bridge left in the soak's host namespace once the kernel finished. */
  hostLinksLeft: string[];
  /** From the warm-up baseline to the end. */
  rssGrowthMiB: number;
  tally: Tally;
  stoppedEarly?: string;
  /** Targets missed; empty when the soak passed. */
  missed: string[];
}

export interface SoakHooks {
  progress?(line: string): void;
  /** Stops the soak after the cycles in progress (Ctrl-C). */
  signal?: AbortSignal;
}

/** Each cycle draws from its own seed, so its choices do not depend on how the lanes interleave. */
function cycleSeed(seed: number, index: number): number {
  return (seed ^ Math.imul(index + 1, 0x9e3779b1)) >>> 0;
}

function pickFault(rng: SeededRandom): Fault {
  const total = FAULTS.reduce((sum, f) => sum + f.weight, 0);
  let at = rng.next() * total;
  for (const fault of FAULTS) {
    at -= fault.weight;
    if (at < 0) return fault;
  }
  return FAULTS[FAULTS.length - 1]!;
}

function hostLinkNames(monitor: RouteConnection): string[] {
  return monitor.link.list().map((l) => l.name).filter((name) => name !== 'lo' && name !== BRIDGE);
}

export async function runSoak(options: SoakOptions, hooks: SoakHooks = {}): Promise<SoakReport> {
  const progress = hooks.progress ?? (() => undefined);
  const prefix = soakPrefix();
  const tally = new Tally();
  let stoppedEarly: string | undefined;
  const onRejection = (reason: unknown) => tally.fail('unhandled rejection', '-', -1, reason);
  const onUncaught = (error: unknown) => {
    tally.fail('uncaught exception', '-', -1, error);
    stoppedEarly ??= 'uncaught exception';
  };
  process.on('unhandledRejection', onRejection);
  process.on('uncaughtException', onUncaught);

  const t0 = performance.now();
  let completed = 0;
  let monitor: RouteConnection | undefined;
  const snapshot = (): Snapshot => ({
    cycles: completed,
    seconds: (performance.now() - t0) / 1000,
    fds: openFds(),
    namespaces: soakNamespaces(prefix).length,
    hostLinks: monitor && !monitor.socket.isClosed ? hostLinkNames(monitor).length : 0,
    ...memoryAfterGc(),
  });

  const before = snapshot();
  let start = before;
  let warm: Snapshot | undefined;
  let end = before;
  let watchdog: Watchdog | undefined;
  let churner: Churner | undefined;
  const hosts: RouteConnection[] = [];
  const modes: Record<Mode, number> = { sync: 0, async: 0 };
  const checkpoints: Snapshot[] = [];
  let hostLinksLeft: string[] = [];
  let seconds = 0;
  try {
    const world = createWorld(prefix);
    watchdog = new Watchdog(prefix, options.watchdogMs);
    churner = new Churner(world.churnNetns);
    watchdog.watchChurner(churner.pid, churner.dir);
    monitor = openRoute({ netns: world.hostNetns });
    for (let lane = 0; lane < options.lanes; lane++) hosts.push(openRoute({ netns: world.hostNetns }));
    const dog = watchdog;
    const shared: SoakShared = { world, tally, churner, beat: (step) => dog.beat(step) };
    const bridgeIndex = world.bridgeIndex;
    let next = 0;
    let failuresAtWindow = 0;
    let cyclesT0 = performance.now();

    // Namespace teardown is the kernel's slowest work; lanes wait when too many pods are still being torn down.
    const throttle = async (host: RouteConnection) => {
      shared.beat('count host ends awaiting teardown');
      let pending = host.link.list({ master: bridgeIndex }).length;
      if (pending <= options.maxPendingHostEnds) return;
      tally.note('throttle: lanes waited for the kernel to tear pods down');
      while (pending > options.maxPendingHostEnds / 2) {
        await sleep(5);
        shared.beat('wait for the kernel to tear pods down');
        pending = host.link.list({ master: bridgeIndex }).length;
      }
    };

    const runCycle = async (index: number, lane: number, host: RouteConnection) => {
      const rng = new SeededRandom(cycleSeed(options.seed, index));
      const mode: Mode = rng.chance(options.asyncShare) ? 'async' : 'sync';
      const fault = rng.chance(options.faultRate) ? pickFault(rng) : undefined;
      const c = new Cycle(index, lane, mode, fault?.name ?? 'none', planPod(prefix, index), host, rng, shared);
      modes[mode]++;
      tally.ran(c.fault);
      try {
        const inside = await setupPod(c);
        if (fault) await fault.run(c, inside);
        else if (rng.chance(options.verifyShare)) await verifyPod(c, inside);
        teardownPod(c);
      } catch (error) {
        tally.cycleFailed(c.fault, index, error);
        try {
          teardownPod(c);
        } catch (cleanupError) {
          tally.cycleFailed(c.fault, index, cleanupError);
        }
      }
    };

    const checkpoint = () => {
      const s = snapshot();
      checkpoints.push(s);
      const rate = s.cycles / ((performance.now() - cyclesT0) / 1000);
      progress(
        `${String(s.cycles).padStart(7)} cycles  ${rate.toFixed(0).padStart(4)}/s  fds ${s.fds}  namespaces ${s.namespaces}  ` +
          `host links ${s.hostLinks}  rss ${s.rssMiB.toFixed(1)} MiB  heap ${s.heapUsedMiB.toFixed(1)} MiB  failures ${tally.failures}`,
      );
    };

    const runLane = async (lane: number, host: RouteConnection) => {
      let sinceThrottle = 0;
      while (stoppedEarly === undefined) {
        if (hooks.signal?.aborted) {
          stoppedEarly ??= 'interrupted';
          break;
        }
        const index = next++;
        if (index >= options.cycles) break;
        if (++sinceThrottle >= THROTTLE_EVERY) {
          sinceThrottle = 0;
          await throttle(host);
        }
        await runCycle(index, lane, host);
        completed++;
        if (completed === options.warmupCycles) {
          warm = snapshot();
          progress(`warm-up done after ${completed} cycles: rss ${warm.rssMiB.toFixed(1)} MiB (the RSS baseline), fds ${warm.fds}`);
        }
        if (completed % options.checkpointEvery === 0) checkpoint();
        if (completed % FAILURE_WINDOW === 0) {
          if (tally.failures - failuresAtWindow > options.maxFailuresPerWindow) {
            stoppedEarly ??= `${tally.failures - failuresAtWindow} failures in the last ${FAILURE_WINDOW} cycles`;
          }
          failuresAtWindow = tally.failures;
        }
        // Sync cycles never wait on the event loop; let the other lanes' replies in.
        await immediate();
      }
    };

    start = snapshot();
    if (options.warmupCycles === 0) warm = start;
    progress(`seed ${options.seed}; ${options.cycles} cycles in ${options.lanes} lanes; namespaces ${prefix}*; ` +
      `start: fds ${start.fds}, rss ${start.rssMiB.toFixed(1)} MiB`);
    cyclesT0 = performance.now();
    const lanes = await Promise.allSettled(hosts.map((host, lane) => runLane(lane, host)));
    seconds = (performance.now() - cyclesT0) / 1000;
    for (const lane of lanes) if (lane.status === 'rejected') tally.fail('untyped error', 'lane', -1, lane.reason);
    for (const fault of FAULTS) for (const problem of fault.conclude?.(tally) ?? []) tally.fail('check failed', fault.name, -1, problem);

    // Wait out the kernel's teardown of the last pods, then count what is left.
    watchdog.beat('final wait for the kernel to tear pods down');
    const deadline = performance.now() + FINAL_TEARDOWN_MS;
    while (monitor.link.list({ master: bridgeIndex }).length > 0 && performance.now() < deadline) await sleep(10);
    hostLinksLeft = hostLinkNames(monitor);
    // Unhandled rejections are reported once the microtask queue drains.
    await sleep(50);
    end = snapshot();
  } finally {
    for (const host of hosts) host.close();
    monitor?.close();
    await churner?.stop();
    await watchdog?.stop();
    removeWorld(prefix);
    process.off('unhandledRejection', onRejection);
    process.off('uncaughtException', onUncaught);
  }
  const after = snapshot();
  const baseline = warm ?? end;
  const report: SoakReport = {
    options, prefix, completedCycles: completed, seconds, cyclesPerSecond: seconds > 0 ? completed / seconds : 0, modes,
    before, start, warm: baseline, end, after, checkpoints, hostLinksLeft, rssGrowthMiB: end.rssMiB - baseline.rssMiB,
    tally, ...(stoppedEarly === undefined ? {} : { stoppedEarly }), missed: [],
  };
  report.missed = missedTargets(report);
  return report;
}
