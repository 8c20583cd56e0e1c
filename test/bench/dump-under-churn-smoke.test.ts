// Runs the real dump-under-churn scenario with a few dumps on small tables
// while its churners run: proves the plumbing end to end (namespaces,
// churner processes, attempt counting, rows), measures nothing.
import { readdirSync, readFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import t from 'tap';
import { BENCH_PREFIX } from '../../bench/harness/namespaces.js';
import { extraBudgets } from '../../bench/scenarios/dump-under-churn.js';
import { runSuite } from '../../bench/suite.js';
import { listNetns } from '../../src/netns/index.js';
import { requireRoot } from '../helpers/netns.js';

const TABLES = ['addrs', 'links', 'routes'];
const METRICS = ['ok', 'first-intr', 'attempts', 'attempts-p99', 'attempts-max', 'p50', 'p90', 'p99', 'max', 'incomplete', 'churn'];

/** Processes whose command line names one of this process's bench namespaces (the churners and their ip). */
function benchProcesses(): string[] {
  const found: string[] = [];
  for (const pid of readdirSync('/proc').filter((p) => /^\d+$/.test(p))) {
    try {
      const cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8').replace(/\0/g, ' ');
      if (cmdline.includes(BENCH_PREFIX)) found.push(`${pid}: ${cmdline}`);
    } catch {
      // Exited meanwhile.
    }
  }
  return found;
}

t.test('NLKB_DUMP_BUDGETS lists whole milliseconds', async (t) => {
  t.same(extraBudgets(undefined), []);
  t.same(extraBudgets(' '), []);
  t.same(extraBudgets('0, 50,250'), [0, 50, 250]);
  t.throws(() => extraBudgets('50,fast'), /"fast" is not a budget/);
  t.throws(() => extraBudgets('-1'), /not a budget/);
});

t.test('dump-under-churn smoke run: every table, every metric, verified, nothing left behind', async (t) => {
  if (!requireRoot(t)) return;
  const log: string[] = [];
  const started = performance.now();
  const report = await runSuite({ quick: true, smoke: true, runs: 1, warmup: 0, scenarios: ['dump-under-churn'] }, (m) => log.push(`${Math.round(performance.now() - started)} ms: ${m}`));
  t.comment(log.join('\n'));
  t.same(listNetns().filter((n) => n.startsWith(BENCH_PREFIX)), [], 'no bench namespace left behind');
  // The churners were killed (SIGKILL to their process group); give the reaper a moment.
  for (let i = 0; i < 40 && benchProcesses().length > 0; i++) await sleep(50);
  t.same(benchProcesses(), [], 'no churner process left behind');
  for (const table of TABLES) t.ok(log.some((m) => m.includes(`dump-under-churn: ${table}: making the table`)), `${table} measured`);

  const rows = report.scenarios;
  t.notOk(rows.some((r) => r.skipped !== undefined), `not skipped: ${rows.find((r) => r.skipped)?.skipped}`);
  t.same(rows.map((r) => r.name), TABLES.flatMap((table) => METRICS.map((m) => `dump-under-churn.${table}.${m}`)));
  for (const row of rows) {
    t.ok(row.verified, `${row.name} verified: ${JSON.stringify(row.verification)}`);
    t.match(row.verification, { 'nlkit-sync': true, 'nlkit-async': true }, `${row.name}: both nlkit implementations ran`);
    t.same(row.errors, {}, `${row.name} without errors`);
  }
  const row = (table: string, metric: string) => rows.find((r) => r.name === `dump-under-churn.${table}.${metric}`)!;
  for (const table of TABLES) {
    for (const impl of ['nlkit-sync', 'nlkit-async', 'ip-json']) {
      const ok = row(table, 'ok').results[impl]!;
      t.ok(ok >= 0 && ok <= 100, `${table} ${impl}: success rate ${ok} is a percentage`);
      t.ok(row(table, 'max').results[impl]! > 0, `${table} ${impl}: latency measured`);
    }
    for (const impl of ['nlkit-sync', 'nlkit-async']) t.ok(row(table, 'attempts').results[impl]! >= 1, `${table} ${impl}: attempts counted`);
    t.match(row(table, 'attempts').notApplicable, { 'ip-json': /one attempt/ }, 'ip has no attempts to count');
  }
});
