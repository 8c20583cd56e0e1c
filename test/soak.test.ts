// A short soak (the full one is `npm run soak`): pod cycles through the
// public API, sync and Promise calls mixed, with every fault injected
// (namespace deleted under an open socket, close mid-request, tiny receive
// buffers, dumps under churn, EPERM, re-creation under the same names).
// Targets: no fd or namespace leaked, no link left behind, only nlkit's
// typed errors, no unhandled rejection, no hang (the watchdog kills a hung
// run, which fails this file).
import t from 'tap';
import { FAULTS } from '../bench/soak/faults/index.js';
import { DEFAULT_OPTIONS } from '../bench/soak/options.js';
import { freshSeed } from '../bench/soak/random.js';
import { renderReport } from '../bench/soak/report.js';
import { runSoak } from '../bench/soak/run.js';
import { requireRoot } from './helpers/netns.js';

/** The class each fault exists to provoke; a run in which it never appears did not inject the fault. */
const PROVOKED: Record<string, string[]> = {
  'netns deleted under an open socket': ['NetnsNotFoundError'],
  'close mid-request': ['SocketClosedError'],
  'tiny receive buffer': ['ReceiveOverrunError', 'NetlinkBatchError'],
  'EPERM (owned nf_tables table)': ['NetlinkError', 'NetlinkBatchError'],
};

t.test('short soak: 300 pod cycles with faults, nothing leaked, only typed errors', async (t) => {
  if (!requireRoot(t)) return;
  const seed = Number(process.env.NLKIT_SOAK_SEED ?? freshSeed());
  const report = await runSoak({
    ...DEFAULT_OPTIONS,
    cycles: 300,
    seed,
    // Faults in half the cycles, so each of them runs a few dozen times.
    faultRate: 0.5,
    watchdogMs: 20_000,
    checkpointEvery: 100,
    warmupCycles: 0,
    // RSS over a few hundred cycles is mostly warm-up; the full soak judges it.
    rssBudgetMiB: Number.POSITIVE_INFINITY,
  });
  const text = renderReport(report);
  t.comment(`seed ${seed} (rerun with NLKIT_SOAK_SEED=${seed})`);
  t.equal(report.completedCycles, 300, 'every cycle ran');
  t.equal(report.end.fds, report.start.fds, 'no fd leaked by the cycles');
  t.equal(report.after.fds, report.before.fds, 'no fd left after the soak cleaned up');
  t.equal(report.end.namespaces - report.start.namespaces, 0, 'no pod namespace left under /run/netns');
  t.equal(report.after.namespaces, 0, "none of the soak's namespaces left after cleanup");
  t.same(report.hostLinksLeft, [], 'no link left in the host namespace');
  t.same(Object.fromEntries(report.tally.failureCounts), {}, 'only typed errors, no unhandled rejection, every check held');
  for (const fault of FAULTS) t.ok((report.tally.runs.get(fault.name) ?? 0) > 0, `fault injected: ${fault.name}`);
  for (const [fault, classes] of Object.entries(PROVOKED)) {
    const seen = report.tally.errors.get(fault);
    t.ok(classes.some((c) => (seen?.get(c) ?? 0) > 0), `${fault}: provoked ${classes.join(' or ')}`);
  }
  t.same(report.missed, [], 'every target met');
  if (report.missed.length || t.counts.fail) t.comment(text);
});
