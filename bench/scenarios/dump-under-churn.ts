// dump-under-churn: how often a dump of addresses, links or routes comes back
// consistent while another process (the churner: `ip -batch` in a loop)
// changes that table as fast as it can. The kernel flags a dump
// NLM_F_DUMP_INTR when its table changed between two of its parts (each at
// most ~32 KB); nlkit retries such dumps with backoff within
// dumpRetryBudgetMs, `ip` prints "Dump was interrupted and may be
// inconsistent" and the result anyway. Sizes the dump retry defaults.
import { spawnSync } from 'node:child_process';
import { DumpInterruptedError } from '../../src/netlink/socket-errors.js';
import type { NetlinkSocket, Request } from '../../src/netlink/socket.js';
import type { NamespacedSocketOptions } from '../../src/netns/socket.js';
import type { RouteConnection } from '../../src/route/connection.js';
import { measure } from '../harness/measure.js';
import { withBenchNamespaces } from '../harness/namespaces.js';
import { loadRouteApi, type Loaded, type OpenRoute } from '../harness/nlkit.js';
import type { Implementation, MetricSpec, RunInfo, RunOutput, Scenario, ScenarioContext, ScenarioRow } from '../harness/scenario.js';
import { ipBatch, ToolError } from '../harness/tools.js';
import { Churner, wallClockMs } from './dump-churner.js';

export interface DumpChurnSizes {
  /** Dumps per nlkit implementation and table, spread over the measured runs. */
  dumps: number;
  /** Dumps by `ip` per table: a process each, ~10x slower, so fewer. */
  ipDumps: number;
  /** Static /32 addresses, spread over 4 links; a cycle adds and deletes `churnAddresses` more. */
  addresses: number;
  churnAddresses: number;
  /** Static veth pairs; a cycle creates and deletes `churnPairs` more. */
  vethPairs: number;
  churnPairs: number;
  /** Static IPv4 /32 and IPv6 /128 routes; a cycle adds and deletes the churn counts more of each. */
  routes: number;
  routes6: number;
  churnRoutes: number;
  churnRoutes6: number;
}

/**
 * Tables big enough that a dump spans several parts (of 32 KB: 2000
 * addresses ≈ 5, 100 veth links ≈ 6, 3000 routes ≈ 11), so the churn has
 * gaps to land in. --quick dumps less, on the same tables.
 */
export function dumpChurnSizes(quick: boolean, smoke: boolean): DumpChurnSizes {
  if (smoke) return { dumps: 3, ipDumps: 2, addresses: 200, churnAddresses: 50, vethPairs: 4, churnPairs: 2, routes: 200, routes6: 100, churnRoutes: 50, churnRoutes6: 25 };
  return {
    dumps: quick ? 200 : 1000,
    ipDumps: quick ? 30 : 200,
    addresses: 2000, churnAddresses: 1000,
    vethPairs: 50, churnPairs: 10,
    routes: 2000, routes6: 1000, churnRoutes: 1000, churnRoutes6: 500,
  };
}

/** Extra nlkit-sync and nlkit-async variants with these dumpRetryBudgetMs values, from NLKB_DUMP_BUDGETS=50,100,... */
export function extraBudgets(env: string | undefined = process.env.NLKB_DUMP_BUDGETS): number[] {
  if (env === undefined || env.trim() === '') return [];
  return env.split(',').map((s) => {
    const n = Number(s.trim());
    if (!Number.isInteger(n) || n < 0) throw new Error(`NLKB_DUMP_BUDGETS: "${s}" is not a budget in whole ms`);
    return n;
  });
}

/** One churned table: how to fill it, how to churn it, how to dump it, and what a consistent dump holds. */
interface ChurnTable {
  key: 'addrs' | 'links' | 'routes';
  /** Untimed `ip -batch` lines making the table. */
  setup: string[];
  /** One churn cycle: every line one change, objects added then deleted again. */
  cycle: string[];
  /** Objects that never change: every consistent dump holds exactly this many of them. */
  statics: number;
  staticsIn(list: unknown[]): number;
  staticsInIp(json: unknown[]): number;
  list(rt: RouteConnection): unknown[];
  listAsync(rt: RouteConnection): Promise<unknown[]>;
  /** `ip -j` arguments dumping the same table. */
  ipArgs: string[];
  description: string;
}

const ADDRESS_LINKS = ['a0', 'b0', 'a1', 'b1'];

function v4(prefix: string, i: number): string {
  return `${prefix}.${(i >> 8) & 255}.${i & 255}`;
}

function addressTable(s: DumpChurnSizes): ChurnTable {
  const on = (i: number) => ADDRESS_LINKS[i % ADDRESS_LINKS.length]!;
  // Scope host puts an address at the head of its link's list (the kernel
  // files IPv4 addresses after the last one of the same or a wider scope), so
  // deleting churned ones shifts the static ones a resumed dump skips to.
  const churn = Array.from({ length: s.churnAddresses }, (_, i) => `${v4('10.101', i)}/32 dev ${on(i)} scope host`);
  return {
    key: 'addrs',
    setup: [
      'link add a0 type veth peer name b0', 'link add a1 type veth peer name b1',
      ...ADDRESS_LINKS.map((l) => `link set ${l} up`),
      ...Array.from({ length: s.addresses }, (_, i) => `addr add ${v4('10.100', i)}/32 dev ${on(i)}`),
    ],
    cycle: [...churn.map((a) => `addr add ${a}`), ...churn.map((a) => `addr del ${a}`)],
    statics: s.addresses,
    staticsIn: (list) => (list as { address: string }[]).filter((a) => a.address.startsWith('10.100.')).length,
    staticsInIp: (json) => (json as { addr_info?: { local?: string }[] }[]).reduce(
      (n, link) => n + (link.addr_info ?? []).filter((a) => a.local?.startsWith('10.100.')).length, 0),
    list: (rt) => rt.addr.list(),
    listAsync: (rt) => rt.addr.listAsync(),
    ipArgs: ['addr', 'show'],
    description: `${s.addresses} static IPv4 /32 addresses on 4 veth links; a churn cycle adds ${s.churnAddresses} more (scope host, so each goes to the head of its link's list) on the same links and deletes them; nlkit: rt.addr.list() / listAsync() (IPv4 and IPv6); ip: \`ip -j addr show\``,
  };
}

function linkTable(s: DumpChurnSizes): ChurnTable {
  const churn = Array.from({ length: s.churnPairs }, (_, i) => i);
  return {
    key: 'links',
    setup: Array.from({ length: s.vethPairs }, (_, i) => `link add ds${i} type veth peer name dp${i}`),
    cycle: [...churn.map((i) => `link add dc${i} type veth peer name dq${i}`), ...churn.map((i) => `link del dc${i}`)],
    statics: s.vethPairs * 2,
    staticsIn: (list) => (list as { name: string }[]).filter((l) => /^d[sp]\d/.test(l.name)).length,
    staticsInIp: (json) => (json as { ifname: string }[]).filter((l) => /^d[sp]\d/.test(l.ifname)).length,
    list: (rt) => rt.link.list(),
    listAsync: (rt) => rt.link.listAsync(),
    ipArgs: ['link', 'show'],
    description: `${s.vethPairs} static veth pairs; a churn cycle creates ${s.churnPairs} more pairs and deletes them (one change = one pair created or deleted); nlkit: rt.link.list() / listAsync(); ip: \`ip -j link show\``,
  };
}

function routeTable(s: DumpChurnSizes): ChurnTable {
  const v6 = (net: number, i: number) => `2001:db8:${net}::${i.toString(16)}`;
  const churn = [
    ...Array.from({ length: s.churnRoutes }, (_, i) => `${v4('198.19', i)}/32 dev rA`),
    ...Array.from({ length: s.churnRoutes6 }, (_, i) => `${v6(2, i)}/128 dev rA`),
  ];
  const ours = (dst: string | undefined) => dst !== undefined && (dst.startsWith('198.18.') || dst.startsWith('2001:db8:1::'));
  return {
    key: 'routes',
    setup: [
      'link add rA type veth peer name rB', 'link set rA up', 'link set rB up',
      ...Array.from({ length: s.routes }, (_, i) => `route add ${v4('198.18', i)}/32 dev rA`),
      ...Array.from({ length: s.routes6 }, (_, i) => `route add ${v6(1, i)}/128 dev rA`),
    ],
    cycle: [...churn.map((r) => `route add ${r}`), ...churn.map((r) => `route del ${r}`)],
    statics: s.routes + s.routes6,
    staticsIn: (list) => (list as { dst?: string }[]).filter((r) => ours(r.dst)).length,
    staticsInIp: (json) => (json as { dst?: string }[]).filter((r) => ours(r.dst)).length,
    list: (rt) => rt.route.list({ table: 'all' }),
    listAsync: (rt) => rt.route.listAsync({ table: 'all' }),
    ipArgs: ['route', 'show', 'table', 'all'],
    description: `${s.routes} static IPv4 /32 and ${s.routes6} IPv6 /128 routes on a veth; a churn cycle adds ${s.churnRoutes} IPv4 and ${s.churnRoutes6} IPv6 routes more and deletes them; nlkit: rt.route.list({ table: 'all' }) / listAsync() (both families, every table, one dump); ip: \`ip -j route show table all\` (the same dump)`,
  };
}

export function churnTables(sizes: DumpChurnSizes): ChurnTable[] {
  return [addressTable(sizes), linkTable(sizes), routeTable(sizes)];
}

/**
 * Counts the attempts of every dump made through `rt`: the socket encodes
 * the request once per attempt, so the dump request handed to it is wrapped
 * with a counting `encode`. Instrumentation of this bench only.
 */
function countDumpAttempts(rt: RouteConnection): { take(): number } {
  const socket = rt.socket;
  let attempts = 0;
  const counted = (request: Request): Request => ({
    ...request,
    encode(writer) {
      attempts++;
      request.encode(writer);
    },
  });
  const dump = socket.dump.bind(socket);
  const dumpAsync = socket.dumpAsync.bind(socket);
  socket.dump = ((request, op, decode) => dump(counted(request), op, decode)) as NetlinkSocket['dump'];
  socket.dumpAsync = ((request, op, decode) => dumpAsync(counted(request), op, decode)) as NetlinkSocket['dumpAsync'];
  return {
    take() {
      const n = attempts;
      attempts = 0;
      return n;
    },
  };
}

/** Per-dump samples of one run, pooled across runs by the metrics. */
class DumpSamples {
  readonly ok: number[] = [];
  readonly firstInterrupted: number[] = [];
  readonly attempts: number[] = [];
  readonly latency: number[] = [];
  readonly incomplete: number[] = [];

  add(sample: { ok: boolean; firstInterrupted: boolean; attempts?: number; ms: number; incomplete: boolean }): void {
    this.ok.push(sample.ok ? 100 : 0);
    this.firstInterrupted.push(sample.firstInterrupted ? 100 : 0);
    if (sample.attempts !== undefined) this.attempts.push(sample.attempts);
    this.latency.push(sample.ms);
    this.incomplete.push(sample.incomplete ? 1 : 0);
  }

  output(table: ChurnTable, churner: Churner, from: number): RunOutput {
    const churn = churner.window(from, wallClockMs()).rate;
    return {
      // A run shorter than one churn cycle has no rate of its own: left out, not zero.
      metrics: Number.isFinite(churn) ? { [`${table.key}.churn`]: churn } : {},
      samples: { ok: this.ok, firstInterrupted: this.firstInterrupted, attempts: this.attempts, latency: this.latency, incomplete: this.incomplete },
    };
  }
}

/** Dumps per measured run, and per warm-up run (discarded: a few, to warm the JIT and the sockets). */
interface RunPlan {
  perRun: number;
  warmupDumps: number;
}

function runPlan(dumps: number, runs: number): RunPlan {
  const perRun = Math.max(1, Math.ceil(dumps / runs));
  return { perRun, warmupDumps: Math.min(perRun, 20) };
}

function dumpsThisRun(plan: RunPlan, info: RunInfo): number {
  return info.warmup ? plan.warmupDumps : plan.perRun;
}

function nlkitImplementation(
  name: string,
  mode: 'sync' | 'async',
  table: ChurnTable,
  netns: string,
  churner: Churner,
  plan: RunPlan,
  route: Loaded<OpenRoute>,
  options: Omit<NamespacedSocketOptions, 'netns'> = {},
): Implementation {
  let rt: RouteConnection | undefined;
  let counter: { take(): number } | undefined;
  return {
    name,
    ...(route.unavailable !== undefined ? { notApplicable: route.unavailable } : {}),
    prepare() {
      rt = route.api!({ netns, ...options });
      counter = countDumpAttempts(rt);
    },
    async run(info: RunInfo) {
      const samples = new DumpSamples();
      const from = wallClockMs();
      for (let i = 0; i < dumpsThisRun(plan, info); i++) {
        const t0 = performance.now();
        try {
          const list = mode === 'sync' ? table.list(rt!) : await table.listAsync(rt!);
          const ms = performance.now() - t0;
          const attempts = counter!.take();
          // Not a verification: the kernel itself sometimes leaves an inconsistent dump unflagged.
          samples.add({ ok: true, firstInterrupted: attempts > 1, attempts, ms, incomplete: table.staticsIn(list) !== table.statics });
        } catch (error) {
          const ms = performance.now() - t0;
          if (!(error instanceof DumpInterruptedError)) throw error;
          const attempts = counter!.take();
          info.verify.check(error.attempts === attempts, `DumpInterruptedError says ${error.attempts} attempts, ${attempts} were made`);
          samples.add({ ok: false, firstInterrupted: true, attempts, ms, incomplete: false });
        }
      }
      info.verify.check(churner.errors() === '', `the churner failed: ${churner.errors().split('\n')[0]}`);
      return samples.output(table, churner, from);
    },
    dispose() {
      rt?.close();
    },
  };
}

const INTERRUPTED = 'Dump was interrupted and may be inconsistent';

/** `ip -n NS -j ARGS`: its output parsed, and whether it warned that a dump was interrupted. */
function ipDump(netns: string, args: readonly string[]): { json: unknown[]; interrupted: boolean } {
  const result = spawnSync('ip', ['-n', netns, '-j', ...args], { encoding: 'utf8', maxBuffer: 1 << 28 });
  if (result.error) throw new ToolError(`ip -j ${args.join(' ')}: ${result.error.message}`);
  const interrupted = result.stderr.includes(INTERRUPTED);
  if (result.status !== 0 && !interrupted) throw new ToolError(`ip -n ${netns} -j ${args.join(' ')} exited ${result.status}: ${result.stderr.trim().split('\n')[0]}`);
  const text = result.stdout.trim();
  return { json: text === '' ? [] : (JSON.parse(text) as unknown[]), interrupted };
}

function ipImplementation(table: ChurnTable, netns: string, churner: Churner, plan: RunPlan): Implementation {
  const noRetries = 'ip makes one attempt and prints what it got, with a warning when the kernel flagged the dump';
  return {
    name: 'ip-json',
    metricNotApplicable: Object.fromEntries(['attempts', 'attempts-p99', 'attempts-max'].map((m) => [`${table.key}.${m}`, noRetries])),
    run(info: RunInfo) {
      const samples = new DumpSamples();
      const from = wallClockMs();
      for (let i = 0; i < dumpsThisRun(plan, info); i++) {
        const t0 = performance.now();
        const { json, interrupted } = ipDump(netns, table.ipArgs);
        const ms = performance.now() - t0;
        samples.add({ ok: !interrupted, firstInterrupted: interrupted, ms, incomplete: table.staticsInIp(json) !== table.statics });
      }
      info.verify.check(churner.errors() === '', `the churner failed: ${churner.errors().split('\n')[0]}`);
      return samples.output(table, churner, from);
    },
  };
}

function tableMetrics(key: string): MetricSpec[] {
  const m = (metric: string, spec: Omit<MetricSpec, 'key'>): MetricSpec => ({ key: `${key}.${metric}`, ...spec });
  const latency = (metric: string, percentile: number, what: string) =>
    m(metric, { unit: 'ms', better: 'lower', description: `${what} time of one dump, retries included (failed dumps too)`, fromSamples: { sample: 'latency', percentile } });
  return [
    m('ok', { unit: '%', better: 'higher', description: `dumps that returned a consistent result (nlkit: no DumpInterruptedError; ip: no "${INTERRUPTED}")`, fromSamples: { sample: 'ok', statistic: 'mean' } }),
    m('first-intr', { unit: '%', better: 'lower', description: 'dumps whose first attempt the kernel flagged NLM_F_DUMP_INTR (ip: its only attempt), so the effect of retrying shows', fromSamples: { sample: 'firstInterrupted', statistic: 'mean' }, noRatios: true }),
    m('attempts', { unit: 'attempts', better: 'lower', description: 'mean attempts per dump', fromSamples: { sample: 'attempts', statistic: 'mean' }, noRatios: true }),
    m('attempts-p99', { unit: 'attempts', better: 'lower', description: '99th percentile of attempts per dump', fromSamples: { sample: 'attempts', percentile: 99 }, noRatios: true }),
    m('attempts-max', { unit: 'attempts', better: 'lower', description: 'most attempts one dump took', fromSamples: { sample: 'attempts', percentile: 100 }, noRatios: true }),
    latency('p50', 50, 'median'),
    latency('p90', 90, '90th percentile'),
    latency('p99', 99, '99th percentile'),
    latency('max', 100, 'longest'),
    m('incomplete', { unit: 'dumps', better: 'lower', description: 'dumps handed back as a result whose static objects were not all there exactly once', fromSamples: { sample: 'incomplete', statistic: 'sum' }, noRatios: true }),
    m('churn', { unit: 'changes/s', better: 'higher', description: 'changes the churner made per second during the runs (one ip -batch line each)', noRatios: true }),
  ];
}

async function measureTable(ctx: ScenarioContext, table: ChurnTable, netns: string, route: Loaded<OpenRoute>, budgets: number[]): Promise<ScenarioRow[]> {
  ctx.progress(`dump-under-churn: ${table.key}: making the table (${table.setup.length} ip lines, untimed), starting the churner`);
  ipBatch(table.setup, netns);
  const churner = new Churner(netns, table.cycle);
  try {
    await churner.start();
    const sizes = dumpChurnSizes(ctx.quick, ctx.smoke);
    const plan = runPlan(sizes.dumps, ctx.runs);
    const ipPlan = runPlan(sizes.ipDumps, ctx.runs);
    return await measure(ctx, {
      scenario: 'dump-under-churn',
      metrics: tableMetrics(table.key),
      implementations: [
        nlkitImplementation('nlkit-sync', 'sync', table, netns, churner, plan, route),
        nlkitImplementation('nlkit-async', 'async', table, netns, churner, plan, route),
        ipImplementation(table, netns, churner, ipPlan),
        ...budgets.flatMap((b) => (['sync', 'async'] as const).map((mode) =>
          nlkitImplementation(`nlkit-${mode}-${b}ms`, mode, table, netns, churner, plan, route, { dumpRetryBudgetMs: b }))),
      ],
      notes: [
        `${table.key}: ${table.description}`,
        `${plan.perRun * ctx.runs} dumps per nlkit implementation and table (${plan.perRun} per run), ${ipPlan.perRun * ctx.runs} for ip (${ipPlan.perRun} per run), one after another, while the churner runs \`ip -force -n NS -batch CYCLE\` in a bash loop in its own process; churn = changes per second over the whole cycles that finished during a run`,
        'nlkit-sync / nlkit-async: default socket options (dumpRetryBudgetMs 1000, dumpRetries 1000, inconsistentDumps "throw"); attempts are counted by wrapping the dump request\'s encode (the socket encodes it once per attempt); first-intr counts dumps that needed a second attempt or failed',
        `ip-json: \`ip -n NS -j …\` + JSON.parse, one process per dump; ok = no "${INTERRUPTED}" on stderr (ip prints the result anyway)`,
        'incomplete = results handed back in which the static objects (never changed by the churner) were not all there exactly once: for ip mostly the flagged ones; for nlkit, dumps the kernel did not flag although the table changed under them (it compares a generation counter between parts only, and seemingly bumps it after the list already changed)',
        ...(budgets.length ? [`nlkit-sync-<N>ms / nlkit-async-<N>ms: opened with dumpRetryBudgetMs N (NLKB_DUMP_BUDGETS=${budgets.join(',')}; 0 = one attempt)`] : []),
      ],
    });
  } finally {
    await churner.stop();
  }
}

export const dumpUnderChurn: Scenario = {
  name: 'dump-under-churn',
  title: 'dumps of addresses, links and routes while another process churns the table',
  async run(ctx: ScenarioContext): Promise<ScenarioRow[]> {
    const route = await loadRouteApi();
    const budgets = extraBudgets();
    const rows: ScenarioRow[] = [];
    for (const table of churnTables(dumpChurnSizes(ctx.quick, ctx.smoke))) {
      rows.push(...(await withBenchNamespaces([`duc-${table.key}`], ([netns]) => measureTable(ctx, table, netns!, route, budgets))));
    }
    return rows;
  },
};
