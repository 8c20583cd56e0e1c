// The consumers of the events scenario, each in a child process of its own
// (one per implementation, kept for every run): an nlkit monitor without or
// with a view, or `ip -j monitor` read through a pipe. Only the consumer's
// own work is charged to it: its process's CPU (every thread, from
// getrusage) between the run's begin and end markers, plus ip's process for
// `ip-monitor`. The scenario's process (markers, the writer's IPC, the
// harness's forced garbage collections) is charged to nobody.
import { spawn, type ChildProcess } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { Session } from 'node:inspector';
import { createInterface } from 'node:readline';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Monitor, MonitorEvent, NetworkView } from '../../src/monitor/index.js';
import type { RouteConnection } from '../../src/route/connection.js';
import { loadRouteApi } from '../harness/nlkit.js';
import { schedstatCpuNs } from './events-writer.js';

/** The environment variable that names the bench namespace a consumer process watches. */
export const CONSUMER_NETNS_VARIABLE = 'NLKIT_EVENTS_CONSUMER_NETNS';
/** The environment variable that names the consumer a process runs. */
export const CONSUMER_KIND_VARIABLE = 'NLKIT_EVENTS_CONSUMER_KIND';

/**
 * A directory: each consumer process writes a CPU profile of every run's
 * measured window there (`events-<consumer>-<pid>-<n>.cpuprofile`).
 */
export const CONSUMER_PROFILE_VARIABLE = 'NLKIT_EVENTS_CPU_PROF';

/** The consumers the scenario compares. */
export type ConsumerKind = 'nlkit' | 'nlkit-resync' | 'ip-monitor';

/** The groups every consumer subscribes to: `ip monitor link address route`. */
export const GROUPS = ['link', 'address', 'route'] as const;
/** The idle link whose MTU changes frame a run. */
export const MARK = 'mark0';
/** Longest wait for the initial listing of a view-keeping monitor. */
const SYNC_TIMEOUT_MS = 30_000;
/** Longest wait for a resynchronising monitor's view to match a fresh dump once the writer stopped. */
const VIEW_SETTLE_MS = 3_000;

/** A clock every process of the machine reads alike, in ms (the epoch, with the monotonic clock's resolution). */
export function clockMs(): number {
  return performance.timeOrigin + performance.now();
}

/**
 * What a consumer counts, by index: a count costs an array increment, the
 * same for every consumer (a key built per event and looked up in a record
 * cost a sixth of the nlkit consumer's CPU, and as much for ip's reader).
 */
const COUNT_KEYS = ['link:new', 'link:del', 'address:new', 'address:del', 'route:new', 'route:del', 'json'] as const;
/** Indexes into COUNT_KEYS: a kind's `new` slot, plus `deleted` for its `del` one. */
const SLOT = { link: 0, address: 2, route: 4, deleted: 1, json: 6 } as const;

/** What a consumer saw of one run, sent back when the scenario stops it. */
export interface ConsumerReport {
  /** Notifications between the markers, by `kind:action` (`json` for ip's JSON lines). */
  counts: Record<string, number>;
  events: number;
  /** Events a view-keeping monitor made up (inferred or resync differences) between the markers. */
  synthesized: number;
  overruns: number;
  /** CPU ns the consumer used from seeing the begin marker to seeing the end marker. */
  cpuNs: number;
  /** {@link clockMs} when the batch holding the last counted event was handed over; NaN when none. */
  lastAt: number;
  /** Why it could not go on; undefined while healthy. */
  failure?: string;
  /** nlkit-resync: where the final view differs from a fresh dump (undefined: it matches). */
  viewDifference?: string;
  /** ip-monitor: whether ip printed JSON lines or text. */
  mode?: string;
}

/** Messages from the scenario. */
export interface ConsumerRequest {
  id: number;
  cmd: 'start' | 'mark' | 'stop';
  phase?: 'begin' | 'end';
  mtu?: number;
}

/** Unsolicited message to the scenario: the consumer saw a marker of this phase. */
export interface MarkerSeen {
  marker: 'begin' | 'end';
}

const profileDir = process.env[CONSUMER_PROFILE_VARIABLE];
let profiler: Session | undefined;
let profiles = 0;

/** Starts profiling the measured window when asked to (the profiler's own cost is then charged to it). */
function startProfile(): void {
  if (profileDir === undefined) return;
  if (!profiler) {
    profiler = new Session();
    profiler.connect();
    profiler.post('Profiler.enable');
    profiler.post('Profiler.setSamplingInterval', { interval: 200 });
  }
  profiler.post('Profiler.start');
}

function stopProfile(): void {
  if (profileDir === undefined || !profiler) return;
  const name = `${profileDir}/events-${process.env[CONSUMER_KIND_VARIABLE]}-${process.pid}-${++profiles}.cpuprofile`;
  profiler.post('Profiler.stop', (error, result) => {
    if (!error) writeFileSync(name, JSON.stringify(result.profile));
  });
}

/** The notifications between a begin and an end marker, and the CPU between them. */
class Tally {
  readonly beginMarks = new Set<number>();
  readonly endMarks = new Set<number>();
  started = false;
  ended = false;
  readonly counts: number[] = COUNT_KEYS.map(() => 0);
  events = 0;
  synthesized = 0;
  overruns = 0;
  lastAt = NaN;
  private cpu0 = 0;
  cpuNs = 0;

  constructor(private readonly cpuNow: () => number) {}

  marker(mtu: number): void {
    if (!this.started) {
      if (!this.beginMarks.has(mtu)) return;
      this.started = true;
      startProfile();
      this.cpu0 = this.cpuNow();
      process.send!({ marker: 'begin' } satisfies MarkerSeen);
    } else if (!this.ended && this.endMarks.has(mtu)) {
      this.ended = true;
      this.cpuNs = this.cpuNow() - this.cpu0;
      stopProfile();
      process.send!({ marker: 'end' } satisfies MarkerSeen);
    }
  }

  private stamping = false;
  /** Takes the time once per batch, after its last event (a clock read per event cost as much as the count). */
  private readonly stamp = (): void => {
    this.stamping = false;
    this.lastAt = clockMs();
  };

  /** Counts an event of slot `slot` (see {@link COUNT_KEYS}). */
  count(slot: number): void {
    if (!this.started || this.ended) return;
    this.events++;
    this.counts[slot]!++;
    this.later();
  }

  synthesize(): void {
    if (!this.started || this.ended) return;
    this.synthesized++;
    this.later();
  }

  private later(): void {
    if (this.stamping) return;
    this.stamping = true;
    queueMicrotask(this.stamp);
  }

  report(): ConsumerReport {
    const counts: Record<string, number> = {};
    COUNT_KEYS.forEach((key, slot) => {
      if (this.counts[slot]! > 0) counts[key] = this.counts[slot]!;
    });
    return { counts, events: this.events, synthesized: this.synthesized, overruns: this.overruns, cpuNs: this.cpuNs, lastAt: this.lastAt };
  }
}

/** CPU ns this process used so far, every thread (getrusage). */
function ownCpuNs(): number {
  const { user, system } = process.cpuUsage();
  return (user + system) * 1000;
}

/** One run's consumer inside the child process. */
interface Running {
  tally: Tally;
  failure(): string | undefined;
  stop(): Promise<Partial<ConsumerReport>>;
}

/** Whether an event is about one of the {@link GROUPS}' objects. */
export function objectKind(event: MonitorEvent): event is Extract<MonitorEvent, { kind: 'link' | 'address' | 'route' }> {
  return event.kind === 'link' || event.kind === 'address' || event.kind === 'route';
}

type MonitorApi = typeof import('../../src/monitor/index.js');
type ViewApi = typeof import('../../src/monitor/view.js');

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

/** An nlkit monitor counting into a tally from its `'event'` listener; with `list`, after its initial listing. */
async function startNlkit(netns: string, list: boolean): Promise<Running> {
  const monitorApi: MonitorApi = await import('../../src/monitor/index.js');
  const tally = new Tally(ownCpuNs);
  const monitor: Monitor = monitorApi.openMonitor({ netns, groups: [...GROUPS], list });
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
    else tally.count(SLOT[event.kind] + (event.action === 'del' ? SLOT.deleted : 0));
  });
  const failure = (): string | undefined => error ?? (monitor.isOpen ? undefined : 'the monitor closed');
  if (list) {
    // The initial listing is set-up, not measured.
    const deadline = performance.now() + SYNC_TIMEOUT_MS;
    while (!synced) {
      if (failure() !== undefined || performance.now() > deadline) {
        monitor.close();
        throw new Error(`initial listing: ${failure() ?? `no synced event within ${SYNC_TIMEOUT_MS} ms`}`);
      }
      await sleep(1);
    }
  }
  return {
    tally,
    failure,
    async stop() {
      try {
        if (!list) return {};
        // Deductions may still be dumping; the kernel no longer changes, so the view must settle on it.
        const viewApi: ViewApi = await import('../../src/monitor/view.js');
        const route = await loadRouteApi();
        if (route.unavailable !== undefined) return { viewDifference: route.unavailable };
        const rt = route.api({ netns });
        try {
          let difference = viewDifference(monitor.view!, rt, viewApi);
          for (const deadline = performance.now() + VIEW_SETTLE_MS; difference !== undefined && performance.now() < deadline;) {
            await sleep(20);
            difference = viewDifference(monitor.view!, rt, viewApi);
          }
          return difference === undefined ? {} : { viewDifference: difference };
        } finally {
          rt.close();
        }
      } finally {
        monitor.close();
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
function startIp(netns: string): Running {
  const child: ChildProcess = spawn('ip', ['-n', netns, '-j', 'monitor', ...GROUPS], { stdio: ['ignore', 'pipe', 'pipe'] });
  const ipCpuNs = (): number => (child.pid === undefined ? NaN : schedstatCpuNs(child.pid));
  // ip is single-threaded: its schedstat is its whole CPU time.
  const tally = new Tally(() => ownCpuNs() + ipCpuNs());
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
        else tally.count(SLOT.json);
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
      tally.count(SLOT.link + (deleted ? SLOT.deleted : 0));
    } else if (/^\d+: \S+\s+inet6? /.test(body)) {
      tally.count(SLOT.address + (deleted ? SLOT.deleted : 0));
    } else {
      tally.count(SLOT.route + (deleted ? SLOT.deleted : 0));
    }
  });
  return {
    tally,
    failure: () => exited,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      await closed;
      return { mode: json > 0 ? 'json' : text > 0 ? 'text' : 'none' };
    },
  };
}

// Only when started as a consumer process (the scenario imports the types and helpers above).
const consumerNetns = process.env[CONSUMER_NETNS_VARIABLE];
const consumerKind = process.env[CONSUMER_KIND_VARIABLE] as ConsumerKind | undefined;
if (process.send !== undefined && consumerNetns !== undefined && consumerKind !== undefined) {
  const netns = consumerNetns;
  let running: Running | undefined;

  const handle = async (request: ConsumerRequest): Promise<Record<string, unknown>> => {
    switch (request.cmd) {
      case 'start':
        if (running) throw new Error('a consumer is already running');
        running = consumerKind === 'ip-monitor' ? startIp(netns) : await startNlkit(netns, consumerKind === 'nlkit-resync');
        return {};
      case 'mark': {
        if (!running) throw new Error('no consumer is running');
        const failure = running.failure();
        if (failure !== undefined) throw new Error(failure);
        (request.phase === 'begin' ? running.tally.beginMarks : running.tally.endMarks).add(request.mtu!);
        return {};
      }
      case 'stop': {
        if (!running) throw new Error('no consumer is running');
        const stopping = running;
        running = undefined;
        const failure = stopping.failure();
        const extra = await stopping.stop();
        return { ...stopping.tally.report(), ...extra, ...(failure !== undefined ? { failure } : {}) };
      }
    }
  };

  process.on('message', (request: ConsumerRequest) => {
    handle(request).then(
      (reply) => process.send!({ ...reply, id: request.id }),
      (error: Error) => process.send!({ id: request.id, error: `${error.name}: ${error.message}` }),
    );
  });
  // The scenario closing the channel (or dying), or terminating this process: stop ip (if running) first.
  const shutdown = (): void => {
    if (!running) process.exit(0);
    void running.stop().finally(() => process.exit(0));
    running = undefined;
  };
  process.on('disconnect', shutdown);
  process.on('SIGTERM', shutdown);
}
