// Runs the real rtt scenario with a handful of requests inside its own
// namespace: proves the suite's plumbing end to end, measures nothing.
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t from 'tap';
import { BENCH_PREFIX } from '../../bench/harness/namespaces.js';
import { writeReport } from '../../bench/harness/report.js';
import { runSuite } from '../../bench/suite.js';
import { listNetns } from '../../src/netns/index.js';
import { requireRoot } from '../helpers/netns.js';

t.test('rtt smoke run writes a verified result of the documented shape', async (t) => {
  if (!requireRoot(t)) return;
  const log: string[] = [];
  const report = await runSuite({ quick: true, smoke: true, runs: 1, warmup: 0, scenarios: ['rtt'] }, (m) => log.push(m));
  t.same(listNetns().filter((n) => n.startsWith(BENCH_PREFIX)), [], 'no bench namespace left behind');
  t.ok(log.some((m) => m.includes('rtt: run 1/1 raw-syscall')), 'progress reported');

  const dir = mkdtempSync(join(tmpdir(), 'nlkb-smoke-'));
  const json = JSON.parse(readFileSync(writeReport(report, dir).latest, 'utf8'));
  t.match(json.machine, { kernel: String, cpus: Number, node: process.version, iproute2: String });
  const rows = json.scenarios as any[];
  t.same(rows.map((r) => r.name), ['rtt.rate', 'rtt.latency']);
  const rate = rows[0];
  t.match(rate, { scenario: 'rtt', unit: 'req/s', better: 'higher', verified: true });
  for (const impl of ['nlkit-socket', 'raw-syscall', 'ip-fork']) {
    t.ok(rate.results[impl] > 0, `${impl} has a rate`);
    t.equal(rate.verification[impl], true, `${impl} verified`);
  }
  // nlkit (the link service) either ran or says why not.
  t.ok(rate.results.nlkit > 0 || typeof rate.notApplicable.nlkit === 'string', 'nlkit ran or is n/a with a reason');
  t.ok(rate.ratios['nlkit-socket/raw-syscall'] > 0);
  t.equal(rate.runs.filter((r: any) => r.implementation === 'raw-syscall').length, 1);
});
