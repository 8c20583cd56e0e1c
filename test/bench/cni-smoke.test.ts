// Runs the real cni scenario at smoke sizes (one pod serial, two at a time):
// proves the plumbing end to end for the three implementations and the three
// conflists, with whichever driver is there (cnitool or the bench's own),
// and that nothing is left behind. Measures nothing.
import t from 'tap';
import { runSmoke } from '../helpers/bench-smoke.js';
import { requireRoot } from '../helpers/netns.js';

t.test('cni smoke run: every conflist and mode, verified, nothing left behind', async (t) => {
  if (!requireRoot(t)) return;
  const { rows, log } = await runSmoke(t, 'cni');
  for (const impl of ['nlkit-agent', 'nlkit-standalone', 'reference']) t.ok(log.some((m) => m.includes(`cni: run 1/1 ${impl}`)), `${impl} measured`);
  const names = rows.map((r) => r.name);
  for (const conf of ['bridge', 'masq', 'chain']) {
    for (const key of ['serial.add-p50', 'serial.del-p99', 'parallel.add-p50', 'parallel.del-p50', 'cpu']) t.ok(names.includes(`cni.${conf}.${key}`), `row cni.${conf}.${key}`);
  }
  for (const row of rows.filter((r) => r.name !== 'cni.driver-p50')) {
    t.equal(row.verification['nlkit-agent'], true, `${row.name}: the agent verified`);
    t.equal(row.verification.reference, true, `${row.name}: the reference verified`);
    // CPU time comes in 10 ms ticks: a smoke run's few calls may round to 0.
    const floor = row.name.endsWith('.cpu') ? 0 : Number.MIN_VALUE;
    t.ok((row.results['nlkit-agent'] ?? -1) >= floor, `${row.name}: the agent has a figure`);
    t.ok((row.results.reference ?? -1) >= floor, `${row.name}: the reference has a figure`);
  }
  const bridge = rows.find((r) => r.name === 'cni.bridge.serial.add-p50')!;
  t.equal(bridge.verification['nlkit-standalone'], true, 'standalone verified on the bridge conflist');
  t.ok(bridge.ratios['nlkit-agent/reference'] > 0, 'ratio agent/reference');
  t.match(bridge.notes.join(' '), /Driver: /, 'the notes say which driver ran');
});
