// events: how fast change notifications are decoded, and how many are lost,
// while one writer (a child process on nlkit's sync API, the fastest single
// writer) adds and deletes links, addresses and routes in a bench namespace
// as fast as it can. nlkit's monitor without and with a view (resync), and
// `ip -j monitor` read through a pipe line by line. Every run is framed by
// marker changes (the MTU of an idle ifb link), so each consumer counts
// exactly the notifications of the writer's cycle, however late it reads.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Monitor, MonitorEvent, NetworkView } from '../../src/monitor/index.js';
import type { RouteConnection } from '../../src/route/connection.js';
import { measure } from '../harness/measure.js';
import { withBenchNamespaces } from '../harness/namespaces.js';
import { loadRouteApi, type Loaded, type OpenRoute } from '../harness/nlkit.js';
import type { Implementation, MetricSpec, RunInfo, RunOutput, Scenario, ScenarioContext, ScenarioRow, Verifier } from '../harness/scenario.js';
import { perSecond } from '../harness/stats.js';
import { ipBatch, ipIn, ToolError } from '../harness/tools.js';
import { ask, startTsProcess, type ChildPeer } from '../harness/worker.js';
import {
  cycleChanges, schedstatCpuNs, WRITER_ADDRESS_PREFIX, WRITER_DEVICE, WRITER_LINK_PREFIX, WRITER_NETNS_VARIABLE, WRITER_ROUTE4_PREFIX, WRITER_ROUTE6_PREFIX, type WriterCycle,
} from './events-writer.js';

/** The sizes of the events scenario: one writer cycle per run. */
export interface EventsSizes {
  /** What the writer adds and deletes in one run. */
  cycle: WriterCycle;
  /** An untimed cycle before each run's: the consumer's code is optimized again after the harness's full GC. */
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

/** The groups every consumer subscribes to: `ip monitor link address route`. */
const GROUPS = ['link', 'address', 'route'] as const;
/** The idle link whose MTU changes frame a run. */
const MARK = 'mark0';
/** How long a marker may go unseen before it is sent again (it may have been dropped with an overrun). */
const MARK_RESEND_MS = 100;
/** Longest wait for a consumer to see a marker: a lagging one drains its whole backlog first. */
const MARK_TIMEOUT_MS = 30_000;
/** Longest wait for a resynchronising monitor's view to match a fresh dump once the writer stopped. */
const VIEW_SETTLE_MS = 3_000;

type MonitorApi = typeof import('../../src/monitor/index.js');
type ViewApi = typeof import('../../src/monitor/view.js');

/** nlkit's monitor module (and its view helpers), or why it cannot be loaded. */
async function loadMonitorApi(): Promise<Loaded<{ monitor: MonitorApi; view: ViewApi }>> {
  try {
    return { api: { monitor: await import('../../src/monitor/index.js'), view: await import('../../src/monitor/view.js') } };
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

/**
 * What one consumer saw of one run: the notifications between a begin and an
 * end marker, counted by `kind:action`.
 */
class Tally {
  readonly beginMarks = new Set<number>();
  readonly endMarks = new Set<number>();
  started = false;
  ended = false;
  readonly counts: Record<string, number> = {};
  events = 0;
  /** Events a view-keeping monitor made up (inferred or resync differences) between the markers. */
  synthesized = 0;
  overruns = 0;
  lastAt = NaN;

  marker(mtu: number): void {
    if (!this.started) this.started = this.beginMarks.has(mtu);
    else if (!this.ended) this.ended = this.endMarks.has(mtu);
  }

  count(key: string): void {
    if (!this.started || this.ended) return;
    this.events++;
    this.counts[key] = (this.counts[key] ?? 0) + 1;
    this.lastAt = performance.now();
  }

  synthesize(): void {
    if (!this.started || this.ended) return;
    this.synthesized++;
    this.lastAt = performance.now();
  }
}

/** Changes the marker link's MTU until the consumer reports seeing one of the values sent. */
async function sendMarker(rt: RouteConnection, marks: Set<number>, seen: () => boolean, what: string, failed: () => string | undefined): Promise<void> {
  const deadline = performance.now() + MARK_TIMEOUT_MS;
  while (!seen()) {
    const failure = failed();
    if (failure !== undefined) throw new Error(`${what} marker: ${failure}`);
    if (performance.now() > deadline) throw new Error(`${what} marker not seen within ${MARK_TIMEOUT_MS} ms`);
    const mtu = nextMarker();
    marks.add(mtu);
    rt.link.set(MARK, { mtu });
    const resend = performance.now() + MARK_RESEND_MS;
    while (!seen() && performance.now() < resend && failed() === undefined) await sleep(1);
  }
}

/** One consumer of notifications, started before and stopped after each run. */
interface Consumer {
  tally: Tally;
  /** Why it cannot go on (ip exited, the monitor reported an error); undefined while healthy. */
  failure(): string | undefined;
  /** CPU ns used so far by a process the consumer runs besides this one (ip); 0 when none. */
  externalCpuNs(): number;
  stop(): Promise<void>;
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
 * Runs one framed cycle against a started consumer: begin marker, the
 * writer's cycle in its worker, end marker; then the figures.
 */
async function observeCycle(world: EventsWorld, consumer: Consumer, info: RunInfo): Promise<{ output: RunOutput; tally: Tally }> {
  const { tally } = consumer;
  try {
    // Untimed and uncounted (before the begin marker): after the harness's
    // full GC freed the last run's objects, V8 discarded the code optimized
    // for them; this cycle lets every consumer reach its steady state again.
    await ask(world.writer, { cmd: 'cycle', cycle: world.warm });
    await sendMarker(world.rt, tally.beginMarks, () => tally.started, 'begin', () => consumer.failure());
    const cpu0 = process.cpuUsage();
    const external0 = consumer.externalCpuNs();
    const t0 = performance.now();
    const { ms } = await ask<{ id: number; ms: number }>(world.writer, { cmd: 'cycle', cycle: world.cycle });
    const writerEnd = performance.now();
    await sendMarker(world.rt, tally.endMarks, () => tally.ended, 'end', () => consumer.failure());
    const cpu = process.cpuUsage(cpu0);
    // This process (every thread; the writer is a process of its own), plus ip's process when there is one.
    const consumerCpuNs = (cpu.user + cpu.system) * 1000 + (consumer.externalCpuNs() - external0);
    const expected = total(world.expected);
    const metrics: Record<string, number> = {
      lost: expected - tally.events,
      overruns: tally.overruns,
      writer: perSecond(expected, ms),
    };
    if (tally.events > 0) {
      metrics.rate = perSecond(tally.events, tally.lastAt - t0);
      if (consumerCpuNs > 0) metrics.cpu = perSecond(tally.events, consumerCpuNs / 1e6);
      metrics.lag = Math.max(0, tally.lastAt - writerEnd);
    }
    info.verify.check(tally.events <= expected, `${tally.events} events counted, the writer caused only ${expected}`);
    return { output: { metrics }, tally };
  } finally {
    await consumer.stop();
  }
}

function objectKind(event: MonitorEvent): event is Extract<MonitorEvent, { kind: 'link' | 'address' | 'route' }> {
  return event.kind === 'link' || event.kind === 'address' || event.kind === 'route';
}

/** An nlkit monitor counting into a tally from its `'event'` listener. */
function startNlkitConsumer(api: MonitorApi, netns: string, list: boolean): { consumer: Consumer; monitor: Monitor; synced: () => boolean } {
  const tally = new Tally();
  const monitor = api.openMonitor({ netns, groups: [...GROUPS], list });
  let error: string | undefined;
  let synced = false;
  monitor.on('error', (e) => {
    error ??= `${e.name}: ${e.message}`;
  });
  monitor.on('event', (event) => {
    if (event.kind === 'overrun') {
      tally.overruns++;
      return;
    }
    if (event.kind === 'synced') {
      synced = true;
      return;
    }
    if (!objectKind(event)) return;
    if (event.kind === 'link' && event.link.name === MARK) {
      if (event.action === 'new') tally.marker(event.link.mtu);
      return;
    }
    if (event.initial) return;
    if (event.inferred || event.resync) tally.synthesize();
    else tally.count(`${event.kind}:${event.action}`);
  });
  return {
    monitor,
    synced: () => synced,
    consumer: {
      tally,
      failure: () => error ?? (monitor.isOpen ? undefined : 'the monitor closed'),
      externalCpuNs: () => 0,
      async stop() {
        monitor.close();
      },
    },
  };
}

function nlkitImplementation(world: () => EventsWorld, api: Loaded<{ monitor: MonitorApi; view: ViewApi }>): Implementation {
  return {
    name: 'nlkit',
    ...(api.unavailable !== undefined ? { notApplicable: api.unavailable } : {}),
    metricNotApplicable: { synthesized: 'keeps no view, so it infers nothing' },
    async run(info: RunInfo) {
      const w = world();
      const { consumer } = startNlkitConsumer(api.api!.monitor, w.netns, false);
      const { output, tally } = await observeCycle(w, consumer, info);
      if (tally.overruns === 0) {
        info.verify.check(sameCounts(tally.counts, w.expected), `no overrun, yet saw ${describeCounts(tally.counts)}; expected ${describeCounts(w.expected)}`);
      }
      verifyRestored(info.verify, w.netns);
      return output;
    },
  };
}

/** Where a view differs from the kernel's tables (a fresh dump), or undefined when it matches. */
function viewDifference(view: NetworkView, rt: RouteConnection, helpers: ViewApi): string | undefined {
  const fresh = {
    link: rt.link.list(),
    address: [...rt.addr.list({ family: 4 }), ...rt.addr.list({ family: 6 })],
    route: [...rt.route.list({ family: 4, table: 'all' }), ...rt.route.list({ family: 6, table: 'all' })],
  };
  for (const kind of GROUPS) {
    const mine = view.mapOf(kind) as Map<string, unknown>;
    const theirs = new Map<string, unknown>((fresh[kind] as never[]).map((object) => [helpers.objectKey(kind, object), object]));
    for (const [key, object] of theirs) {
      if (!mine.has(key)) return `${kind} ${key} is in the kernel, not in the view`;
      if (helpers.fingerprint(mine.get(key)) !== helpers.fingerprint(object)) return `${kind} ${key} differs: view ${helpers.fingerprint(mine.get(key)).slice(0, 300)} kernel ${helpers.fingerprint(object).slice(0, 300)}`;
    }
    for (const key of mine.keys()) if (!theirs.has(key)) return `${kind} ${key} is in the view, not in the kernel`;
  }
  return undefined;
}

function nlkitResyncImplementation(world: () => EventsWorld, api: Loaded<{ monitor: MonitorApi; view: ViewApi }>): Implementation {
  return {
    name: 'nlkit-resync',
    ...(api.unavailable !== undefined ? { notApplicable: api.unavailable } : {}),
    async run(info: RunInfo) {
      const w = world();
      const { consumer, monitor, synced } = startNlkitConsumer(api.api!.monitor, w.netns, true);
      try {
        // The initial listing is set-up, not measured.
        const deadline = performance.now() + MARK_TIMEOUT_MS;
        while (!synced()) {
          const failure = consumer.failure();
          if (failure !== undefined) throw new Error(`initial listing: ${failure}`);
          if (performance.now() > deadline) throw new Error(`no synced event within ${MARK_TIMEOUT_MS} ms`);
          await sleep(1);
        }
      } catch (error) {
        await consumer.stop();
        throw error;
      }
      // Kept open past observeCycle's stop to compare the final view: stop() is deferred.
      const stop = consumer.stop;
      consumer.stop = async () => undefined;
      try {
        const { output, tally } = await observeCycle(w, consumer, info);
        output.metrics.synthesized = tally.synthesized;
        // Deductions may still be dumping; the kernel no longer changes, so the view must settle on it.
        let difference = viewDifference(monitor.view!, w.rt, api.api!.view);
        for (const deadline = performance.now() + VIEW_SETTLE_MS; difference !== undefined && performance.now() < deadline;) {
          await sleep(20);
          difference = viewDifference(monitor.view!, w.rt, api.api!.view);
        }
        info.verify.check(difference === undefined, `the final view differs from a fresh dump: ${difference}`);
        verifyRestored(info.verify, w.netns);
        return output;
      } finally {
        await stop();
      }
    },
  };
}

/**
 * `ip -n NS -j monitor link address route`, its stdout read line by line.
 * A line that is JSON is parsed; iproute2 up to at least 6.1 ignores -j for
 * monitor and prints text, where an event is a line that does not start with
 * blanks (continuations do) and is classified by its shape.
 */
function startIpConsumer(netns: string): Consumer & { mode: () => string } {
  const tally = new Tally();
  const child: ChildProcess = spawn('ip', ['-n', netns, '-j', 'monitor', ...GROUPS], { stdio: ['ignore', 'pipe', 'pipe'] });
  let exited: string | undefined;
  let stderr = '';
  let json = 0;
  let text = 0;
  const closed = new Promise<void>((resolve) => child.once('close', () => resolve()));
  child.once('exit', (code, signal) => {
    exited = `ip monitor exited (${signal ?? code}): ${stderr.trim().split('\n')[0] ?? ''}`;
  });
  child.once('error', (error) => {
    exited = `ip monitor: ${error.message}`;
  });
  child.stderr!.setEncoding('utf8');
  child.stderr!.on('data', (chunk: string) => {
    stderr += chunk;
    tally.overruns += chunk.split('No buffer space available').length - 1;
    if (stderr.length > 1 << 16) stderr = stderr.slice(-4096);
  });
  createInterface({ input: child.stdout!, crlfDelay: Infinity }).on('line', (line) => {
    const first = line.charCodeAt(0);
    if (first === 0x7b /* { */ || first === 0x5b /* [ */) {
      json++;
      const object = JSON.parse(line) as Record<string, unknown> | Record<string, unknown>[];
      for (const o of Array.isArray(object) ? object : [object]) {
        if (o.ifname === MARK && typeof o.mtu === 'number' && o.deleted === undefined) tally.marker(o.mtu);
        else tally.count('json');
      }
      return;
    }
    if (line === '' || first === 0x20 || first === 0x09) return;
    text++;
    const deleted = line.startsWith('Deleted ');
    const body = deleted ? line.slice(8) : line;
    const link = /^\d+: ([^:\s]+): <[^>]*> mtu (\d+)/.exec(body);
    if (link) {
      if (link[1] === MARK) {
        if (!deleted) tally.marker(Number(link[2]));
        return;
      }
      tally.count(`link:${deleted ? 'del' : 'new'}`);
    } else if (/^\d+: \S+\s+inet6? /.test(body)) {
      tally.count(`address:${deleted ? 'del' : 'new'}`);
    } else {
      tally.count(`route:${deleted ? 'del' : 'new'}`);
    }
  });
  return {
    tally,
    failure: () => exited,
    externalCpuNs: () => (child.pid === undefined ? NaN : schedstatCpuNs(child.pid)),
    mode: () => (json > 0 ? 'json' : text > 0 ? 'text' : 'none'),
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      await closed;
    },
  };
}

/** What `ip -j monitor` printed in the last run: JSON lines or text. */
let ipOutputMode = 'none';

function ipMonitorImplementation(world: () => EventsWorld): Implementation {
  return {
    name: 'ip-monitor',
    metricNotApplicable: { synthesized: 'keeps no view, so it infers nothing' },
    async run(info: RunInfo) {
      const w = world();
      const consumer = startIpConsumer(w.netns);
      const { output, tally } = await observeCycle(w, consumer, info);
      ipOutputMode = consumer.mode();
      if (tally.overruns === 0) {
        const counts = ipOutputMode === 'json' ? { json: total(w.expected) } : w.expected;
        info.verify.check(sameCounts(tally.counts, counts), `no "No buffer space available", yet saw ${describeCounts(tally.counts)}; expected ${describeCounts(counts)}`);
      }
      verifyRestored(info.verify, w.netns);
      return output;
    },
  };
}

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
          const calibrated = await calibrate(api.api.monitor, netns!, writer, cycle);
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
          implementations: [nlkitImplementation(() => world, api), nlkitResyncImplementation(() => world, api), ipMonitorImplementation(() => world)],
          ratioPairs: [['nlkit', 'ip-monitor'], ['nlkit-resync', 'ip-monitor']],
          pauseMs: 50,
          notes: [
            `writer: a child process on nlkit's sync API (a process of its own, so none of its CPU, garbage collection included, is charged to a consumer), the fastest single writer tried: \`ip -n NS -batch FILE\` with the same lines made about 6,000 changes/s, nlkit about 15,000-40,000 (ip sends and awaits one request per line, nlkit packs addresses and routes many to a send with addMany / deleteMany); one cycle per run: ${cycle.links} ifb links created then deleted one by one, ${cycle.addresses} IPv4 /32 addresses added then deleted on a veth (each with its local route), ${cycle.routes4} IPv4 /32 and ${cycle.routes6} IPv6 /128 routes added then deleted: ${cycleChanges(cycle)} changes, ${total(expected)} notifications (${describeCounts(expected)})`,
            `expected notifications counted from the writer's changes and checked by an untimed calibration cycle read by a quiet monitor; every run is framed by MTU changes of the idle ifb ${MARK} (resent every ${MARK_RESEND_MS} ms until seen, in case an overrun dropped one), which no count includes`,
            'nlkit: openMonitor({ netns, groups: [link, address, route] }) (resync off, default 32 MiB receive buffer), one \'event\' listener counting by kind; verified: with no overrun, exactly the expected count of every kind and action',
            'nlkit-resync: the same with list: true (a view, resync on); the initial listing is done before the run; only events announced by the kernel count as decoded (initial, inferred and resync ones do not; see synthesized), so its lost also counts any notification it folded into a dump (an IPv4 address deletion or a device going down makes it dump the routes when the view holds routes the kernel may drop silently; notifications that arrive meanwhile are held, then delivered as themselves); verified: the final view equals a fresh dump of links, addresses and routes (keys and contents without counters)',
            `ip-monitor: \`ip -n NS -j monitor link address route\` (its receive queue: 1 MiB requested, doubled by the kernel), stdout through a pipe and readline, each JSON line JSON.parse'd; iproute2 6.1 ignores -j for monitor and prints text, so its events are counted as lines not starting with blanks, classified by shape and not parsed further (less work than JSON.parse); overruns = "No buffer space available" on its stderr; lost = expected − counted; verified like nlkit`,
            'rate = events counted / (last event − writer start): with no loss it cannot exceed the writer\'s rate, and a consumer that drops notifications finishes early; cpu = events counted / CPU time the consumer used from the writer\'s start to the end marker (getrusage of this process, plus schedstat of ip), the decoding rate the target is about; lag = how long after the writer\'s last change the consumer handed over its last event',
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
