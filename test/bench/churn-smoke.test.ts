// Runs the real churn scenario with a few pods: every implementation (plain,
// Promise, fast path, pool, paced pool, workers, the raw floor, ip) sets pods
// up and tears them down, verified with ip; measures nothing.
import t from 'tap';
import { churnSizes } from '../../bench/scenarios/churn.js';
import { runSmoke } from '../helpers/bench-smoke.js';
import { requireRoot } from '../helpers/netns.js';

const METRICS = ['cycle', 'setup', 'p50', 'p99', 'step-namespace', 'step-veth', 'step-inside', 'from-pool', 'pace'];
const IMPLEMENTATIONS = ['nlkit', 'nlkit-async', 'nlkit-pod', 'nlkit-pool', 'nlkit-pool-paced', 'nlkit-pool-paced-no-ll', 'nlkit-workers', 'raw-floor', 'ip-fork', 'ip-batch', 'cli-batch'];
const STEPPED = ['nlkit-pod', 'nlkit-pool', 'nlkit-workers', 'raw-floor'];

t.test('sizes: --quick is smaller, smoke smallest, the paced pool smaller than a burst', async (t) => {
  t.ok(churnSizes(true).pods < churnSizes(false).pods);
  t.ok(churnSizes(true, true).pods < churnSizes(true).pods);
  t.ok(churnSizes(false).pacedPool < churnSizes(false).pods);
});

t.test('churn smoke run: every implementation, every metric, verified, nothing left behind', async (t) => {
  if (!requireRoot(t)) return;
  const { rows } = await runSmoke(t, 'churn');
  t.same(rows.map((r) => r.name), METRICS.map((m) => `churn.${m}`));
  const row = (metric: string) => rows.find((r) => r.name === `churn.${metric}`)!;
  for (const r of rows) {
    t.ok(r.verified, `${r.name} verified: ${JSON.stringify(r.verification)}`);
    t.same(r.errors, {}, `${r.name} without errors`);
    t.same(Object.keys(r.results).sort(), [...IMPLEMENTATIONS].sort(), `${r.name}: a column per implementation`);
  }
  for (const impl of IMPLEMENTATIONS.filter((i) => !i.startsWith('nlkit-pool-paced'))) t.ok(row('cycle').results[impl]! > 0, `${impl}: cycle measured`);
  for (const impl of STEPPED) {
    for (const step of ['step-namespace', 'step-veth', 'step-inside']) t.ok(row(step).results[impl]! > 0, `${impl}: ${step} measured`);
  }
  for (const paced of ['nlkit-pool-paced', 'nlkit-pool-paced-no-ll']) {
    t.ok(row('p99').results[paced]! > 0, `${paced}: reports its latency`);
    t.ok(row('pace').results[paced]! > 0, `${paced}: and the pace it kept`);
    const share = row('from-pool').results[paced]!;
    t.ok(share >= 0 && share <= 1, `${paced}: share of pooled namespaces ${share} is a fraction`);
  }
  t.ok(row('p99').ratios['nlkit-pool-paced-no-ll/nlkit-pool-paced']! > 0, 'the paced rows are compared');
  t.ok(row('setup').ratios['nlkit-pod/raw-floor']! > 0, 'the fast path is compared with the floor');
  t.ok(row('setup').ratios['nlkit-pool/raw-floor']! > 0, 'the pool is compared with the floor');
  t.match(row('setup').notApplicable, { 'nlkit-pool-paced': /paced/, 'nlkit-pool-paced-no-ll': /paced/ });
});
