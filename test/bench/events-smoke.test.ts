// Runs the real events scenario with a tiny writer cycle: proves the plumbing
// end to end (namespace, writer worker, markers, the three consumers, view
// check, rows), measures nothing.
import t from 'tap';
import { cycleChanges } from '../../bench/scenarios/events-writer.js';
import { eventsSizes, expectedNotifications } from '../../bench/scenarios/events.js';
import { runSmoke } from '../helpers/bench-smoke.js';
import { requireRoot } from '../helpers/netns.js';

const METRICS = ['rate', 'cpu', 'lost', 'lag', 'overruns', 'synthesized', 'writer'];
const IMPLEMENTATIONS = ['nlkit', 'nlkit-resync', 'ip-monitor'];

t.test('expected notifications: one per change, and a local route with each IPv4 address', async (t) => {
  const cycle = { links: 2, addresses: 10, routes4: 5, routes6: 3 };
  const expected = expectedNotifications(cycle);
  t.same(expected, { 'link:new': 2, 'link:del': 2, 'address:new': 10, 'address:del': 10, 'route:new': 18, 'route:del': 18 });
  t.equal(Object.values(expected).reduce((a, b) => a + b, 0), cycleChanges(cycle) + 2 * cycle.addresses);
  for (const [quick, smoke] of [[false, false], [true, false], [true, true]] as const) {
    const { cycle: c } = eventsSizes(quick, smoke);
    t.ok(c.links >= 1 && c.addresses > 0 && c.routes4 > 0 && c.routes6 > 0, `sizes quick=${quick} smoke=${smoke}`);
  }
  t.ok(cycleChanges(eventsSizes(true, false).cycle) < cycleChanges(eventsSizes(false, false).cycle), '--quick is smaller');
});

t.test('events smoke run: every metric, every consumer, verified, nothing left behind', async (t) => {
  if (!requireRoot(t)) return;
  const { rows, log } = await runSmoke(t, 'events');
  for (const impl of IMPLEMENTATIONS) t.ok(log.some((m) => m.includes(`events: run 1/1 ${impl}`)), `${impl} measured`);

  t.same(rows.map((r) => r.name), METRICS.map((m) => `events.${m}`));
  for (const row of rows) {
    t.match(row, { scenario: 'events', unit: String, better: /^(higher|lower)$/, description: String });
    t.ok(row.verified, `${row.name} verified: ${JSON.stringify(row.verification)}`);
    t.same(row.errors, {}, `${row.name} without errors`);
    t.same(Object.keys(row.results).sort(), [...IMPLEMENTATIONS].sort(), `${row.name}: a column per implementation`);
    t.equal(row.runs.length, row.metric === 'synthesized' ? 1 : 3, `${row.name}: one measured run per implementation that reports it`);
  }
  const row = (metric: string) => rows.find((r) => r.name === `events.${metric}`)!;
  const expected = Object.values(expectedNotifications(eventsSizes(true, true).cycle)).reduce((a, b) => a + b, 0);
  for (const impl of IMPLEMENTATIONS) {
    t.ok(row('rate').results[impl]! > 0, `${impl}: decoding rate measured`);
    t.ok(row('cpu').results[impl]! > 0, `${impl}: CPU rate measured`);
    t.ok(row('writer').results[impl]! > 0, `${impl}: writer rate measured`);
    const lost = row('lost').results[impl]!;
    t.ok(lost >= 0 && lost <= expected, `${impl}: lost ${lost} within 0..${expected}`);
    t.ok(row('lag').results[impl]! >= 0, `${impl}: lag measured`);
  }
  if (row('overruns').results.nlkit === 0) t.equal(row('lost').results.nlkit, 0, 'nlkit without overrun loses nothing');
  t.ok(row('synthesized').results['nlkit-resync']! >= 0, 'nlkit-resync counts synthesized events');
  t.match(row('synthesized').notApplicable, { nlkit: /no view/, 'ip-monitor': /no view/ });
  t.ok(row('rate').ratios['nlkit/ip-monitor']! > 0, 'rate ratio nlkit/ip-monitor');
  t.ok(row('cpu').ratios['nlkit/ip-monitor']! > 0, 'cpu ratio nlkit/ip-monitor');
  t.same(row('overruns').ratios, {}, 'overruns has no ratios');
});
