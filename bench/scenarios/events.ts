// events: how fast change notifications are decoded, and how many are lost,
// while one writer (a child process on nlkit's sync API, the fastest single
// writer) adds and deletes links, addresses and routes in a bench namespace
// as fast as it can. nlkit's monitor without and with a view (resync), and
// `ip -j monitor` read through a pipe line by line, each consumer in a child
// process of its own (events-consumer.ts). Every run is framed by marker
// changes (the MTU of an idle ifb link), so each consumer counts exactly the
// notifications of the writer's cycle, however late it reads, and its CPU
// between them.
import { spawnSync } from 'node:child_process';
import type { RouteConnection } from '../../src/route/connection.js';
import { measure } from '../harness/measure.js';
import { withBenchNamespaces } from '../harness/namespaces.js';
import { loadRouteApi, type Loaded, type OpenRoute } from '../harness/nlkit.js';
import type { Implementation, MetricSpec, RunInfo, RunOutput, Scenario, ScenarioContext, ScenarioRow, Verifier } from '../harness/scenario.js';
import { perSecond } from '../harness/stats.js';
import { ipBatch, ipIn, ToolError } from '../harness/tools.js';
import { ask, startTsProcess, type ChildPeer, type WorkerReply } from '../harness/worker.js';
import {
  cycleChanges, WRITER_ADDRESS_PREFIX, WRITER_DEVICE, WRITER_LINK_PREFIX, WRITER_NETNS_VARIABLE, WRITER_ROUTE4_PREFIX, WRITER_ROUTE6_PREFIX, type WriterCycle,
} from './events-writer.js';
import {
  CONSUMER_KIND_VARIABLE, CONSUMER_NETNS_VARIABLE, GROUPS, MARK, clockMs, objectKind, type ConsumerKind, type ConsumerReport, type MarkerSeen,
} from './events-consumer.js';

/** The sizes of the events scenario: one writer cycle per run. */
export interface EventsSizes {
  /** What the writer adds and deletes in one run. */
  cycle: WriterCycle;
  /** An untimed cycle before each run's, for the freshly opened monitor or ip. */
  warm: WriterCycle;
}

/**
 * A cycle per run, sized so the writer's burst outlasts ip's receive queue
 * (about 2,800 notifications) several times over. Link creation and deletion
 * is slow in the kernel (ms each), so links are few and the burst is
 * addresses and routes.
 */
export function eventsSizes(quick: boolean, smoke: boolean): EventsSizes {
  if (smoke) return { cycle: { links: 1, addresses: 20, routes4: 20, routes6: 20 }, warm: { links: 0, addresses: 5, routes4: 5, routes6: 5 } };
  const warm = { links: 1, addresses: 1000, routes4: 1000, routes6: 1000 };
  return quick
    ? { cycle: { links: 2, addresses: 1000, routes4: 1000, routes6: 1000 }, warm }
    : { cycle: { links: 4, addresses: 3000, routes4: 3000, routes6: 3000 }, warm };
}

/** How long a marker may go unseen before it is sent again (it may have been dropped with an overrun). */
const MARK_RESEND_MS = 100;
/** Longest wait for a consumer to see a marker: a lagging one drains its whole backlog first. */
const MARK_TIMEOUT_MS = 30_000;

type MonitorApi = typeof import('../../src/monitor/index.js');

/** nlkit's monitor module, or why it cannot be loaded. */
async function loadMonitorApi(): Promise<Loaded<MonitorApi>> {
  try {
    return { api: await import('../../src/monitor/index.js') };
  } catch (error) {
    return { unavailable: `monitor not available: ${(error as Error).message.split('\n')[0]}` };
  }
}

/** Notifications of one cycle by `kind:action`, from what the writer does. */
export function expectedNotifications(cycle: WriterCycle): Record<string, number> {
  // An IPv4 address also brings (and takes) its local route in table local.
  const routes = cycle.addresses + cycle.routes4 + cycle.routes6;
  return {
    'link:new': cycle.links, 'link:del': cycle.links,
    'address:new': cycle.addresses, 'address:del': cycle.addresses,
    'route:new': routes, 'route:del': routes,
  };
}

function total(counts: Record<string, number>): number {
  return Object.values(counts).reduce((a, b) => a + b, 0);
}

function sameCounts(a: Record<string, number>, b: Record<string, number>): boolean {
  const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
  return [...keys].every((k) => (a[k] ?? 0) === (b[k] ?? 0));
}

function describeCounts(counts: Record<string, number>): string {
  return Object.entries(counts).filter(([, n]) => n > 0).map(([k, n]) => `${k} ${n}`).join(', ');
}

let markerCounter = 0;
/** A fresh marker MTU (ifb takes 68..65535; 1000..1999 never repeats within a run). */
function nextMarker(): number {
  return 1000 + (markerCounter++ % 1000);
}

/** A consumer process, and which markers it has reported seeing in the current run. */
interface ConsumerPeer {
  peer: ChildPeer;
  seen: { begin: boolean; end: boolean };
  /** Resolves the current marker wait early. */
  wake: (() => void) | undefined;
  exited: string | undefined;
}

function startConsumer(kind: ConsumerKind, netns: string): ConsumerPeer {
  const peer = startTsProcess(new URL('./events-consumer.ts', import.meta.url), { [CONSUMER_NETNS_VARIABLE]: netns, [CONSUMER_KIND_VARIABLE]: kind });
  const consumer: ConsumerPeer = { peer, seen: { begin: false, end: false }, wake: undefined, exited: undefined };
  peer.on('message', (message: Partial<MarkerSeen>) => {
    if (message.marker === undefined) return;
    consumer.seen[message.marker] = true;
    consumer.wake?.();
  });
  peer.on('exit', (code: number | null, signal: string | null) => {
    consumer.exited = `the ${kind} consumer process exited (${signal ?? code})`;
    consumer.wake?.();
  });
  return consumer;
}

/** Waits up to `ms` for the consumer to report a marker (or exit). */
function waitForMarker(consumer: ConsumerPeer, phase: 'begin' | 'end', ms: number): Promise<void> {
  if (consumer.seen[phase] || consumer.exited !== undefined) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    function done(): void {
      clearTimeout(timer);
      consumer.wake = undefined;
      resolve();
    }
    consumer.wake = done;
  });
}

/** Changes the marker link's MTU until the consumer reports seeing one of the values sent. */
async function sendMarker(rt: RouteConnection, consumer: ConsumerPeer, phase: 'begin' | 'end'): Promise<void> {
  const deadline = performance.now() + MARK_TIMEOUT_MS;
  while (!consumer.seen[phase]) {
    if (consumer.exited !== undefined) throw new Error(`${phase} marker: ${consumer.exited}`);
    if (performance.now() > deadline) throw new Error(`${phase} marker not seen within ${MARK_TIMEOUT_MS} ms`);
    const mtu = nextMarker();
    // The consumer knows the value before the kernel announces it.
    await ask(consumer.peer, { cmd: 'mark', phase, mtu });
    rt.link.set(MARK, { mtu });
    await waitForMarker(consumer, phase, MARK_RESEND_MS);
  }
}

/** What every implementation shares: the namespace, the writer, the marker connection, what a cycle should produce. */
interface EventsWorld {
  netns: string;
  writer: ChildPeer;
  rt: RouteConnection;
  cycle: WriterCycle;
  warm: WriterCycle;
  expected: Record<string, number>;
}

/** The writer's changes are all undone: no cycle link, address or route is left (checked with `ip`). */
function verifyRestored(verify: Verifier, netns: string): void {
  const leftLinks = ipIn(netns, '-o', 'link', 'show').split('\n').filter((l) => l.includes(`: ${WRITER_LINK_PREFIX}`)).length;
  verify.check(leftLinks === 0, `${leftLinks} writer links left after the cycle`);
  const addrs = ipIn(netns, '-o', 'addr', 'show', 'dev', WRITER_DEVICE).split('\n').filter((l) => l.includes(` ${WRITER_ADDRESS_PREFIX}`)).length;
  verify.check(addrs === 0, `${addrs} writer addresses left after the cycle`);
  const routes = ipIn(netns, '-o', 'route', 'show', 'table', 'all').split('\n').filter((l) => l.startsWith(WRITER_ROUTE4_PREFIX)).length
    + ipIn(netns, '-o', '-6', 'route', 'show', 'table', 'all').split('\n').filter((l) => l.startsWith(WRITER_ROUTE6_PREFIX)).length;
  verify.check(routes === 0, `${routes} writer routes left after the cycle`);
}

/**
 * Runs one framed cycle against a consumer process: start its consumer, an
 * untimed warm-up cycle, begin marker, the writer's cycle, end marker; then
 * its report and the figures.
 */
async function observeCycle(world: EventsWorld, consumer: ConsumerPeer, info: RunInfo): Promise<{ output: RunOutput; report: ConsumerReport }> {
  consumer.seen = { begin: false, end: false };
  await ask(consumer.peer, { cmd: 'start' });
  let report: ConsumerReport | undefined;
  let t0 = NaN;
  let writerEnd = NaN;
  let ms = NaN;
  try {
    // Untimed and uncounted (before the begin marker): a fresh monitor's (or
    // ip's) first notifications are not what a long-running consumer pays.
    await ask(world.writer, { cmd: 'cycle', cycle: world.warm });
    await sendMarker(world.rt, consumer, 'begin');
    t0 = clockMs();
    ({ ms } = await ask<{ id: number; ms: number }>(world.writer, { cmd: 'cycle', cycle: world.cycle }));
    writerEnd = clockMs();
    await sendMarker(world.rt, consumer, 'end');
    report = await ask<ConsumerReport & WorkerReply>(consumer.peer, { cmd: 'stop' });
  } finally {
    if (report === undefined) await ask(consumer.peer, { cmd: 'stop' }).catch(() => undefined);
  }
  if (report.failure !== undefined) throw new Error(report.failure);
  const expected = total(world.expected);
  const metrics: Record<string, number> = {
    lost: expected - report.events,
    overruns: report.overruns,
    writer: perSecond(expected, ms),
  };
  if (report.events > 0) {
    metrics.rate = perSecond(report.events, report.lastAt - t0);
    if (report.cpuNs > 0) metrics.cpu = perSecond(report.events, report.cpuNs / 1e6);
    metrics.lag = Math.max(0, report.lastAt - writerEnd);
  }
  info.verify.check(report.events <= expected, `${report.events} events counted, the writer caused only ${expected}`);
  return { output: { metrics }, report };
}

/** One implementation: a consumer process of `kind`, started before the first run and kept for every run. */
function consumerImplementation(kind: ConsumerKind, world: () => EventsWorld, unavailable: string | undefined): Implementation {
  let consumer: ConsumerPeer | undefined;
  return {
    name: kind,
    ...(unavailable !== undefined ? { notApplicable: unavailable } : {}),
    ...(kind === 'nlkit-resync' ? {} : { metricNotApplicable: { synthesized: 'keeps no view, so it infers nothing' } }),
    prepare() {
      consumer = startConsumer(kind, world().netns);
    },
    async run(info: RunInfo) {
      const w = world();
      const { output, report } = await observeCycle(w, consumer!, info);
      if (kind === 'nlkit-resync') {
        output.metrics.synthesized = report.synthesized;
        info.verify.check(report.viewDifference === undefined, `the final view differs from a fresh dump: ${report.viewDifference}`);
      } else if (report.overruns === 0) {
        if (kind === 'ip-monitor') ipOutputMode = report.mode ?? 'none';
        const counts = kind === 'ip-monitor' && ipOutputMode === 'json' ? { json: total(w.expected) } : w.expected;
        info.verify.check(sameCounts(report.counts, counts), `no overrun, yet saw ${describeCounts(report.counts)}; expected ${describeCounts(counts)}`);
      }
      if (kind === 'ip-monitor') ipOutputMode = report.mode ?? 'none';
      verifyRestored(info.verify, w.netns);
      return output;
    },
    async dispose() {
      await consumer?.peer.terminate();
    },
  };
}

/** What `ip -j monitor` printed in the last run: JSON lines or text. */
let ipOutputMode = 'none';

const METRICS: MetricSpec[] = [
  { key: 'rate', unit: 'events/s', better: 'higher', description: 'notifications of the writer\'s cycle decoded per second, from the writer\'s start to the last one the consumer handed over' },
  { key: 'cpu', unit: 'events/CPU-s', better: 'higher', description: 'notifications decoded per second of CPU the consumer used during the run: the decoding rate, whatever the writer\'s pace (nlkit: this process, every thread; ip-monitor: the ip process plus this process reading its output)' },
  { key: 'lost', unit: 'events', better: 'lower', description: 'notifications the writer caused that the consumer never delivered (expected − counted)' },
  { key: 'lag', unit: 'ms', better: 'lower', description: 'from the writer\'s last change to the consumer\'s last event of the cycle: how far behind the consumer fell' },
  { key: 'overruns', unit: 'overruns', better: 'lower', description: 'ENOBUFS the consumer saw: its receive queue overflowed and the kernel dropped notifications (nlkit: overrun events; ip: "No buffer space available" on stderr)', noRatios: true },
  { key: 'synthesized', unit: 'events', better: 'lower', description: 'events the view-keeping monitor made up instead of delivering notifications: deletions inferred from a link\'s removal, differences after a route dump or a resync', noRatios: true },
  { key: 'writer', unit: 'events/s', better: 'higher', description: 'notifications per second the writer caused (expected notifications / the cycle\'s duration in the writer)', noRatios: true },
];

/** Untimed: the writer's device, the marker link, and no IPv6 link-local addresses that would arrive mid-run. */
function prepareNamespace(netns: string): void {
  // addr_gen_mode 1: no IPv6 link-local address (nor its DAD, routes and
  // notifications seconds later) on the links brought up here.
  const sysctl = spawnSync('ip', ['netns', 'exec', netns, 'sysctl', '-qw', 'net.ipv6.conf.all.addr_gen_mode=1', 'net.ipv6.conf.default.addr_gen_mode=1'], { encoding: 'utf8' });
  if (sysctl.status !== 0) throw new ToolError(`sysctl addr_gen_mode in ${netns}: ${sysctl.stderr || sysctl.error?.message}`);
  ipBatch([`link add ${WRITER_DEVICE} type veth peer name d1`, 'link set d1 up', `link set ${WRITER_DEVICE} up`, `link add ${MARK} type ifb`], netns);
}

/**
 * One untimed cycle with a monitor nobody reads until the writer is done
 * (its 32 MiB queue holds it all): the notifications a cycle really causes.
 */
async function calibrate(api: MonitorApi, netns: string, writer: ChildPeer, cycle: WriterCycle): Promise<Record<string, number>> {
  const monitor = api.openMonitor({ netns, groups: [...GROUPS] });
  try {
    await ask(writer, { cmd: 'cycle', cycle });
    const counts: Record<string, number> = {};
    for (let events = monitor.poll(0); events.length > 0; events = monitor.poll(0)) {
      for (const event of events) {
        if (!objectKind(event) || (event.kind === 'link' && event.link.name === MARK)) continue;
        counts[`${event.kind}:${event.action}`] = (counts[`${event.kind}:${event.action}`] ?? 0) + 1;
      }
    }
    if (monitor.overrunCount > 0) throw new Error(`calibration overran ${monitor.overrunCount} times`);
    return counts;
  } finally {
    monitor.close();
  }
}

/** The events scenario: see the top of this file. */
export const events: Scenario = {
  name: 'events',
  title: 'change notifications decoded per second and lost while a writer churns links, addresses and routes',
  async run(ctx: ScenarioContext): Promise<ScenarioRow[]> {
    const route: Loaded<OpenRoute> = await loadRouteApi();
    if (route.unavailable !== undefined) throw new Error(`the writer needs nlkit: ${route.unavailable}`);
    const api = await loadMonitorApi();
    const { cycle, warm } = eventsSizes(ctx.quick, ctx.smoke);
    return withBenchNamespaces(['events'], async ([netns]) => {
      prepareNamespace(netns!);
      const writer = startTsProcess(new URL('./events-writer.ts', import.meta.url), { [WRITER_NETNS_VARIABLE]: netns! });
      const rt = route.api({ netns });
      try {
        await ask(writer, { cmd: 'ping' });
        const expected = expectedNotifications(cycle);
        const notes: string[] = [];
        if (api.api) {
          const calibrated = await calibrate(api.api, netns!, writer, cycle);
          if (!sameCounts(calibrated, expected)) {
            notes.push(`calibration disagreed with the count of the writer's changes (${describeCounts(expected)}); the calibrated count is expected: ${describeCounts(calibrated)}`);
            Object.assign(expected, calibrated);
          }
        }
        ctx.progress(`events: ${total(expected)} notifications per cycle (${describeCounts(expected)})`);
        const world: EventsWorld = { netns: netns!, writer, rt, cycle, warm, expected };
        const rows = await measure(ctx, {
          scenario: 'events',
          metrics: METRICS,
          implementations: [
            consumerImplementation('nlkit', () => world, api.unavailable),
            consumerImplementation('nlkit-resync', () => world, api.unavailable),
            consumerImplementation('ip-monitor', () => world, undefined),
          ],
          ratioPairs: [['nlkit', 'ip-monitor'], ['nlkit-resync', 'ip-monitor']],
          pauseMs: 50,
          notes: [
            `writer: a child process on nlkit's sync API (a process of its own, so none of its CPU, garbage collection included, is charged to a consumer), the fastest single writer tried: \`ip -n NS -batch FILE\` with the same lines made about 6,000 changes/s, nlkit about 15,000-40,000 (ip sends and awaits one request per line, nlkit packs addresses and routes many to a send with addMany / deleteMany); one cycle per run: ${cycle.links} ifb links created then deleted one by one, ${cycle.addresses} IPv4 /32 addresses added then deleted on a veth (each with its local route), ${cycle.routes4} IPv4 /32 and ${cycle.routes6} IPv6 /128 routes added then deleted: ${cycleChanges(cycle)} changes, ${total(expected)} notifications (${describeCounts(expected)})`,
            `expected notifications counted from the writer's changes and checked by an untimed calibration cycle read by a quiet monitor; every run is framed by MTU changes of the idle ifb ${MARK} (resent every ${MARK_RESEND_MS} ms until seen, in case an overrun dropped one), which no count includes`,
            'every consumer runs in a child process of its own (bench/scenarios/events-consumer.ts), started once and kept for every run, so its CPU is its own work only: not the scenario process\'s markers, IPC with the writer and forced garbage collections, which were charged to every row before and pulled the ratios towards 1',
            'nlkit: openMonitor({ netns, groups: [link, address, route] }) (resync off, default 32 MiB receive buffer) opened for each run, one \'event\' listener counting by kind; verified: with no overrun, exactly the expected count of every kind and action',
            'nlkit-resync: the same with list: true (a view, resync on); the initial listing is done before the run; only events announced by the kernel count as decoded (initial, inferred and resync ones do not; see synthesized), so its lost also counts any notification it folded into a dump (an IPv4 address deletion or a device going down makes it dump the routes when the view holds routes the kernel may drop silently; notifications that arrive meanwhile are held, then delivered as themselves); verified: the final view equals a fresh dump of links, addresses and routes (keys and contents without counters)',
            `ip-monitor: \`ip -n NS -j monitor link address route\` (its receive queue: 1 MiB requested, doubled by the kernel), started for each run, its stdout read through a pipe with readline by the consumer process, each JSON line JSON.parse'd; iproute2 6.1 ignores -j for monitor and prints text, so its events are counted as lines not starting with blanks, classified by shape and not parsed further (less work than JSON.parse); overruns = "No buffer space available" on its stderr; lost = expected − counted; verified like nlkit`,
            'rate = events counted / (last event − writer start): with no loss it cannot exceed the writer\'s rate, and a consumer that drops notifications finishes early; cpu = events counted / CPU time the consumer used from seeing the begin marker to seeing the end marker (getrusage of the consumer process, every thread; for ip-monitor plus schedstat of the ip process), the decoding rate the target is about; lag = how long after the writer\'s last change the consumer handed over its last event',
            'target: no loss at the highest rate one writer produces, and a decoding rate (cpu) at least 3x ip -j monitor\'s',
            ...notes,
          ],
        });
        if (ipOutputMode !== 'none') ctx.progress(`events: ip -j monitor printed ${ipOutputMode}`);
        return rows;
      } finally {
        rt.close();
        await ask(writer, { cmd: 'close' }).catch(() => undefined);
        await writer.terminate();
      }
    });
  },
};
