// Runs the real dump-under-churn scenario with a few dumps on small tables
// while its churners run: proves the plumbing end to end (namespaces,
// churner processes, attempt counting, rows), measures nothing.
import t from 'tap';
import { extraBudgets } from '../../bench/scenarios/dump-under-churn.js';
import { runSmoke } from '../helpers/bench-smoke.js';
import { requireRoot } from '../helpers/netns.js';

const TABLES = ['addrs', 'links', 'routes'];
const METRICS = ['ok', 'first-intr', 'attempts', 'attempts-p99', 'attempts-max', 'p50', 'p90', 'p99', 'max', 'incomplete', 'churn'];

t.test('NLKB_DUMP_BUDGETS lists whole milliseconds', async (t) => {
  t.same(extraBudgets(undefined), []);
  t.same(extraBudgets(' '), []);
  t.same(extraBudgets('0, 50,250'), [0, 50, 250]);
  t.throws(() => extraBudgets('50,fast'), /"fast" is not a budget/);
  t.throws(() => extraBudgets('-1'), /not a budget/);
});

t.test('dump-under-churn smoke run: every table, every metric, verified, nothing left behind', async (t) => {
  if (!requireRoot(t)) return;
  const { rows, log } = await runSmoke(t, 'dump-under-churn');
  for (const table of TABLES) t.ok(log.some((m) => m.includes(`dump-under-churn: ${table}: making the table`)), `${table} measured`);

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
