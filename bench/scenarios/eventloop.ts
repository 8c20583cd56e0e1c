// eventloop: how late the event loop runs while links (veth deletion blocks
// ~15 ms inside the kernel) and namespaces are deleted — through the Promise
// API, the sync API, and `ip` forked asynchronously.
import { execFile } from 'node:child_process';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { setImmediate as yieldToLoop } from 'node:timers/promises';
import { promisify } from 'node:util';
import { deleteNetns } from '../../src/netns/index.js';
import type { RouteConnection } from '../../src/route/connection.js';
import { measure } from '../harness/measure.js';
import { BENCH_PREFIX, withBenchNamespaces } from '../harness/namespaces.js';
import { loadRouteApi, type Loaded, type OpenRoute } from '../harness/nlkit.js';
import type { Implementation, RunInfo, RunOutput, Scenario, ScenarioContext, ScenarioRow, Verifier } from '../harness/scenario.js';
import { perSecond } from '../harness/stats.js';
import { countMatching } from './bulk.js';
import { ipBatch, ipIn } from '../harness/tools.js';
import { waitUntilGone } from './churn-pod.js';

const execFileAsync = promisify(execFile);

export interface EventLoopSizes {
  /** veth pairs deleted with RTM_DELLINK. */
  links: number;
  /** Namespaces (each holding a veth peer) deleted, then waited for. */
  namespaces: number;
}

export function eventLoopSizes(quick: boolean): EventLoopSizes {
  return quick ? { links: 20, namespaces: 20 } : { links: 60, namespaces: 60 };
}

interface Batch {
  links: string[];
  namespaces: string[];
  /** Prefix of the host ends whose peers live in `namespaces`. */
  hostEndPrefix: string;
}

let batchCounter = 0;

/** Untimed: veth pairs in `netns`, and namespaces each holding the peer of a veth in `netns`. */
function createBatch(netns: string, sizes: EventLoopSizes): Batch {
  const tag = (++batchCounter).toString(36);
  const links = Array.from({ length: sizes.links }, (_, i) => `el${tag}x${i}`);
  const namespaces = Array.from({ length: sizes.namespaces }, (_, i) => `${BENCH_PREFIX}e${tag}-${i}`);
  const hostEndPrefix = `eh${tag}x`;
  ipBatch(namespaces.map((ns) => `netns add ${ns}`));
  ipBatch([
    ...links.map((name, i) => `link add ${name} type veth peer name ep${tag}x${i}`),
    ...namespaces.map((ns, i) => `link add ${hostEndPrefix}${i} type veth peer name eth0 netns ${ns}`),
  ], netns);
  return { links, namespaces, hostEndPrefix };
}

function verifyGone(verify: Verifier, netns: string, batch: Batch): void {
  const text = ipIn(netns, '-o', 'link', 'show');
  const left = batch.links.filter((l) => text.includes(` ${l}@`)).length + countMatching(text, ` ${batch.hostEndPrefix}`);
  verify.check(left === 0, `${left} links still present after the deletions`);
}

/** Runs `work` while sampling the event loop's delay every millisecond. */
async function observed(count: number, work: () => Promise<void>): Promise<RunOutput> {
  const histogram = monitorEventLoopDelay({ resolution: 1 });
  histogram.enable();
  const t0 = performance.now();
  await work();
  const ms = performance.now() - t0;
  histogram.disable();
  return {
    metrics: {
      p50: histogram.percentile(50) / 1e6,
      p99: histogram.percentile(99) / 1e6,
      max: histogram.max / 1e6,
      rate: perSecond(count, ms),
    },
  };
}

function nlkitImplementation(name: 'nlkit-async' | 'nlkit-sync', netns: string, sizes: EventLoopSizes, route: Loaded<OpenRoute>): Implementation {
  let rt: RouteConnection | undefined;
  const remaining = async (batch: Batch) => {
    const links = name === 'nlkit-async' ? await rt!.link.listAsync() : rt!.link.list();
    return links.filter((l) => l.name.startsWith(batch.hostEndPrefix)).length;
  };
  return {
    name,
    ...(route.unavailable !== undefined ? { notApplicable: route.unavailable } : {}),
    prepare() {
      rt = route.api!({ netns });
    },
    async run({ verify }: RunInfo) {
      const batch = createBatch(netns, sizes);
      const output = await observed(sizes.links + sizes.namespaces, async () => {
        for (const link of batch.links) {
          if (name === 'nlkit-async') {
            await rt!.link.deleteAsync(link);
          } else {
            rt!.link.delete(link);
            // What a server calling the sync API per request gets at best: the loop runs between calls.
            await yieldToLoop();
          }
        }
        for (const ns of batch.namespaces) deleteNetns(ns);
        await waitUntilGone(() => remaining(batch), 'host ends of deleted namespaces');
      });
      verifyGone(verify, netns, batch);
      return output;
    },
    dispose() {
      rt?.close();
    },
  };
}

function ipForkImplementation(netns: string, sizes: EventLoopSizes): Implementation {
  const ip = (...args: string[]) => execFileAsync('ip', args, { maxBuffer: 1 << 26 });
  return {
    name: 'ip-fork',
    async run({ verify }: RunInfo) {
      const batch = createBatch(netns, sizes);
      const output = await observed(sizes.links + sizes.namespaces, async () => {
        for (const link of batch.links) await ip('-n', netns, 'link', 'del', link);
        for (const ns of batch.namespaces) await ip('netns', 'delete', ns);
        await waitUntilGone(async () => countMatching((await ip('-n', netns, '-o', 'link', 'show')).stdout, ` ${batch.hostEndPrefix}`), 'host ends of deleted namespaces');
      });
      verifyGone(verify, netns, batch);
      return output;
    },
  };
}

export const eventloop: Scenario = {
  name: 'eventloop',
  title: 'event-loop delay while links and namespaces are deleted',
  async run(ctx: ScenarioContext): Promise<ScenarioRow[]> {
    const sizes = eventLoopSizes(ctx.quick);
    const route = await loadRouteApi();
    return withBenchNamespaces(['eventloop'], ([netns]) => measure(ctx, {
      scenario: 'eventloop',
      metrics: [
        { key: 'p50', unit: 'ms', better: 'lower', description: 'median event-loop delay (perf_hooks, 1 ms resolution: an idle loop reads ~1.1 ms)' },
        { key: 'p99', unit: 'ms', better: 'lower', description: '99th percentile event-loop delay' },
        { key: 'max', unit: 'ms', better: 'lower', description: 'largest event-loop delay' },
        { key: 'rate', unit: 'deletions/s', better: 'higher', description: 'links and namespaces deleted per second (until their devices are gone)' },
      ],
      implementations: [
        nlkitImplementation('nlkit-async', netns, sizes, route),
        nlkitImplementation('nlkit-sync', netns, sizes, route),
        ipForkImplementation(netns, sizes),
      ],
      ratioPairs: [['nlkit-async', 'nlkit-sync'], ['nlkit-async', 'ip-fork']],
      pauseMs: 100,
      notes: [
        `per run: ${sizes.links} veth pairs deleted one after another with RTM_DELLINK (~15 ms each inside the kernel), then ${sizes.namespaces} namespaces deleted, waiting until the kernel removed their veth host ends`,
        'nlkit-async: rt.link.deleteAsync / listAsync (the send runs on a Koffi worker thread); nlkit-sync: rt.link.delete with the loop let run between calls (await setImmediate), the best a server calling the sync API gets; ip-fork: `ip` run with child_process.execFile (async), one process per deletion',
        'namespaces are deleted with deleteNetns in both nlkit variants (umount + unlink: returns at once)',
      ],
    }));
  },
};

