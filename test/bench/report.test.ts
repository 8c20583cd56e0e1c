import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t from 'tap';
import { measure, pooledValue, rotation } from '../../bench/harness/measure.js';
import { timestampFileName, writeReport, type BenchReport } from '../../bench/harness/report.js';
import { skippedRow, type Implementation, type ScenarioContext } from '../../bench/harness/scenario.js';
import { escapeXml, renderRatioChart } from '../../bench/harness/svg.js';
import { renderTable } from '../../bench/harness/table.js';

const ctx = (runs: number, warmup: number): ScenarioContext => ({ quick: true, smoke: false, runs, warmup, progress: () => {} });

/** An implementation returning the given figures run after run, recording when it ran. */
function scripted(name: string, rates: number[], calls: string[], extra: Partial<Implementation> = {}): Implementation {
  let i = 0;
  return {
    name,
    run() {
      calls.push(name);
      const rate = rates[i++]!;
      return { metrics: { rate, ms: 1000 / rate }, samples: { latency: [rate, rate * 2] } };
    },
    ...extra,
  };
}

t.test('rotation alternates the order round by round', async (t) => {
  t.same(rotation(['a', 'b'], 0), ['a', 'b']);
  t.same(rotation(['a', 'b'], 1), ['b', 'a']);
  t.same(rotation(['a', 'b', 'c'], 4), ['b', 'c', 'a']);
  t.same(rotation([], 3), []);
});

t.test('measure: warm-up discarded, implementations alternate, medians and ratios', async (t) => {
  const calls: string[] = [];
  const rows = await measure(ctx(3, 1), {
    scenario: 'demo',
    metrics: [
      { key: 'rate', unit: 'ops/s', better: 'higher', description: 'rate' },
      { key: 'ms', unit: 'ms', better: 'lower', description: 'time' },
      { key: 'p50', unit: 'x', better: 'higher', description: 'pooled', fromSamples: { sample: 'latency', percentile: 50 } },
    ],
    implementations: [
      // Warm-up figures (first) are wild so a leak into the median would show.
      scripted('nlkit', [1e9, 300, 100, 200], calls),
      scripted('ip-fork', [1e-9, 10, 30, 20], calls),
      { name: 'ip-batch', notApplicable: 'cannot express this', run: () => { throw new Error('must not run'); } },
    ],
    notes: ['a note'],
  });
  t.same(calls, ['nlkit', 'ip-fork', 'ip-fork', 'nlkit', 'nlkit', 'ip-fork', 'ip-fork', 'nlkit']);
  const [rate, ms, pooled] = rows;
  t.equal(rate!.name, 'demo.rate');
  t.same(rate!.results, { nlkit: 200, 'ip-fork': 20, 'ip-batch': null });
  t.same(rate!.ratios, { 'nlkit/ip-fork': 10 }, 'no ratio against an n/a baseline');
  t.equal(rate!.notApplicable['ip-batch'], 'cannot express this');
  t.equal(rate!.verified, true);
  t.same(rate!.runs.filter((r) => r.implementation === 'nlkit').map((r) => [r.round, r.value]), [[0, 300], [1, 100], [2, 200]]);
  t.same(rate!.notes, ['a note']);
  // Lower is better: the ratio still reads "nlkit is 10x better".
  t.equal(ms!.ratios['nlkit/ip-fork'], 10);
  // Pooled samples of the measured runs: nlkit [300,600,100,200,200,400] → p50 = 250.
  t.equal(pooled!.results.nlkit, 250);
});

t.test('pooled statistics: percentiles, mean and sum over every measured run\'s samples', async (t) => {
  t.equal(pooledValue([4, 1, 3, 2], { sample: 's', percentile: 100 }), 4);
  t.equal(pooledValue([0, 100, 100, 100], { sample: 's', statistic: 'mean' }), 75);
  t.equal(pooledValue([1, 0, 2], { sample: 's', statistic: 'sum' }), 3);
  t.ok(Number.isNaN(pooledValue([], { sample: 's', statistic: 'sum' })), 'no samples, no figure');
  let run = 0;
  const rows = await measure(ctx(2, 1), {
    scenario: 'demo',
    metrics: [
      { key: 'ok', unit: '%', better: 'higher', description: 'success rate', fromSamples: { sample: 'ok', statistic: 'mean' } },
      { key: 'failed', unit: 'n', better: 'lower', description: 'failures', fromSamples: { sample: 'failed', statistic: 'sum' } },
    ],
    implementations: [{
      name: 'nlkit',
      run() {
        // The warm-up's samples (all failures) must not count.
        const ok = [[0, 0], [100, 100, 0], [100]][run++]!;
        return { metrics: {}, samples: { ok, failed: ok.map((v) => (v === 0 ? 1 : 0)) } };
      },
    }],
  });
  t.equal(rows[0]!.results.nlkit, 75);
  t.equal(rows[1]!.results.nlkit, 1);
});

t.test('measure: failed checks mark a row unverified; a throwing implementation reports no figure', async (t) => {
  const rows = await measure(ctx(2, 0), {
    scenario: 'demo',
    metrics: [{ key: 'rate', unit: 'ops/s', better: 'higher', description: 'rate' }],
    implementations: [
      { name: 'nlkit', run: ({ verify, round }) => { verify.check(round === 0, 'state drifted'); return { metrics: { rate: 5 } }; } },
      { name: 'ip-fork', run: ({ round }) => { if (round === 1) throw new Error('ip exploded'); return { metrics: { rate: 1 } }; } },
      { name: 'ip-batch', prepare: () => { throw new Error('no ip'); }, run: () => ({ metrics: { rate: 1 } }) },
    ],
  });
  const row = rows[0]!;
  t.equal(row.verified, false);
  t.equal(row.verification.nlkit, 'round 1: state drifted');
  t.equal(row.results.nlkit, 5);
  t.equal(row.results['ip-fork'], null);
  t.match(row.errors['ip-fork'], /ip exploded/);
  t.match(row.errors['ip-batch'], /prepare: Error: no ip/);
  t.same(row.ratios, {});
});

t.test('measure disposes every prepared implementation, also after a failure', async (t) => {
  const disposed: string[] = [];
  await measure(ctx(1, 0), {
    scenario: 'demo',
    metrics: [{ key: 'rate', unit: 'ops/s', better: 'higher', description: 'rate' }],
    implementations: [
      { name: 'a', run: () => { throw new Error('boom'); }, dispose: () => void disposed.push('a') },
      { name: 'b', run: () => ({ metrics: { rate: 1 } }), dispose: () => void disposed.push('b') },
    ],
  });
  t.same(disposed, ['a', 'b']);
});

async function sampleReport(): Promise<BenchReport> {
  const rows = await measure(ctx(1, 0), {
    scenario: 'churn',
    metrics: [{ key: 'cycle', unit: 'pods/s', better: 'higher', description: 'pods per second' }],
    implementations: [
      { name: 'nlkit', run: () => ({ metrics: { cycle: 400 } }) },
      { name: 'ip-fork', run: () => ({ metrics: { cycle: 40 } }) },
      { name: 'ip-batch', run: () => ({ metrics: { cycle: 800 } }) },
    ],
  });
  return {
    machine: { kernel: '6.18.0', cpus: 2, cpuModel: 'test cpu', node: 'v20.0.0', iproute2: '6.1.0', loadAverage: [0.5, 0.4, 0.3] },
    startedAt: '2025-01-02T03:04:05.678Z',
    finishedAt: '2025-01-02T03:05:00.000Z',
    options: { quick: true, runs: 1, warmup: 0, scenarios: ['churn', 'nft'] },
    scenarios: [...rows, skippedRow('nft', 'nftables API not available <&>')],
  };
}

t.test('writeReport: latest.json, a timestamped copy and latest.svg', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'nlkb-report-'));
  const report = await sampleReport();
  const files = writeReport(report, dir);
  t.equal(files.stamped, join(dir, '2025-01-02T03-04-05.678Z.json'));
  t.same(readdirSync(dir).sort(), ['2025-01-02T03-04-05.678Z.json', 'latest.json', 'latest.svg']);
  const json = JSON.parse(readFileSync(files.latest, 'utf8'));
  t.same(readFileSync(files.stamped, 'utf8'), readFileSync(files.latest, 'utf8'));
  t.same(Object.keys(json.machine).sort(), ['cpuModel', 'cpus', 'iproute2', 'kernel', 'loadAverage', 'node']);
  const churn = json.scenarios[0];
  t.match(churn, { name: 'churn.cycle', unit: 'pods/s', results: { nlkit: 400, 'ip-fork': 40, 'ip-batch': 800 }, ratios: { 'nlkit/ip-fork': 10, 'nlkit/ip-batch': 0.5 }, verified: true });
  t.ok(Array.isArray(churn.runs));
  t.match(json.scenarios[1], { name: 'nft', skipped: 'nftables API not available <&>', results: {} });
});

t.test('timestampFileName keeps the ISO stamp minus colons', async (t) => {
  t.equal(timestampFileName(new Date('2025-11-23T11:09:00.123Z')), '2025-11-23T11-09-00.123Z.json');
});

t.test('SVG: one bar per ratio, colour by side of 1x, text escaped', async (t) => {
  const svg = renderRatioChart(await sampleReport());
  t.match(svg, /^<svg xmlns="http:\/\/www.w3.org\/2000\/svg"/);
  t.ok(svg.trimEnd().endsWith('</svg>'));
  const bars = [...svg.matchAll(/<rect x="[\d.]+" y="[\d.]+" width="([\d.]+)" height="14" fill="(#[0-9a-f]+)"/g)];
  t.equal(bars.length, 2, 'two ratios, two bars');
  t.same(bars.map((b) => b[2]), ['#2e8b57', '#c0392b'], 'better green, worse red');
  t.match(svg, /nlkit \/ ip-fork/);
  t.match(svg, />10\.0x</);
  t.match(svg, /skipped: nftables API not available &lt;&amp;&gt;/);
  t.notMatch(svg, /<&>/);
  // Balanced tags: every opened text/title element is closed.
  t.equal(svg.split('<text').length, svg.split('</text>').length);
  t.equal(escapeXml(`a<b>&'"`), 'a&lt;b&gt;&amp;&apos;&quot;');
});

t.test('SVG of a report without ratios still renders', async (t) => {
  const report = await sampleReport();
  report.scenarios = [skippedRow('nft', 'x')];
  t.match(renderRatioChart(report), /skipped: x/);
});

t.test('table: values, n/a, ratios and notes', async (t) => {
  const report = await sampleReport();
  const text = renderTable(report.scenarios, { churn: 'the pod cycle' });
  t.match(text, /churn — the pod cycle/);
  t.match(text, /cycle\s+pods\/s\s+400\s+40\.0\s+800\s+yes/);
  t.match(text, /nlkit\/ip-fork 10\.0x, nlkit\/ip-batch 0\.50x/);
  t.match(text, /nft\n {2}skipped: nftables API not available/);
});

t.test('a metric restating another row gets no ratios and no bars', async (t) => {
  const rows = await measure(ctx(1, 0), {
    scenario: 'rtt',
    metrics: [
      { key: 'rate', unit: 'req/s', better: 'higher', description: 'rate' },
      { key: 'latency', unit: 'µs', better: 'lower', description: 'per request', noRatios: true },
    ],
    implementations: [
      { name: 'nlkit', run: () => ({ metrics: { rate: 100, latency: 10 } }) },
      { name: 'raw-syscall', run: () => ({ metrics: { rate: 50, latency: 20 } }) },
    ],
  });
  t.same(rows[0]!.ratios, { 'nlkit/raw-syscall': 2 });
  t.same(rows[1]!.ratios, {});
  t.equal(rows[1]!.noRatios, true);
  const report = await sampleReport();
  report.scenarios = rows;
  const svg = renderRatioChart(report);
  t.match(svg, /rtt\.rate/);
  t.notMatch(svg, /rtt\.latency/);
});
