// Runs one real bench scenario at smoke sizes (one run, no warm-up): proves
// its plumbing end to end and that it leaves no namespace or process behind.
// Measures nothing.
import { readdirSync, readFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Test } from 'tap';
import { BENCH_PREFIX } from '../../bench/harness/namespaces.js';
import type { ScenarioRow } from '../../bench/harness/scenario.js';
import { runSuite } from '../../bench/suite.js';
import { listNetns } from '../../src/netns/index.js';

/** Processes whose command line names one of this process's bench namespaces (ip monitors, churners, their ip). */
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

/**
 * Runs `scenario` at smoke sizes; checks that no bench namespace and no
 * process naming one is left, and that no row was skipped. Returns the rows
 * and the progress log.
 */
export async function runSmoke(t: Test, scenario: string): Promise<{ rows: ScenarioRow[]; log: string[] }> {
  const log: string[] = [];
  const started = performance.now();
  const report = await runSuite({ quick: true, smoke: true, runs: 1, warmup: 0, scenarios: [scenario] }, (m) => log.push(`${Math.round(performance.now() - started)} ms: ${m}`));
  t.comment(log.join('\n'));
  t.same(listNetns().filter((n) => n.startsWith(BENCH_PREFIX)), [], 'no bench namespace left behind');
  // Killed helpers (SIGKILL to their process group) take a moment to be reaped.
  for (let i = 0; i < 40 && benchProcesses().length > 0; i++) await sleep(50);
  t.same(benchProcesses(), [], 'no bench process left behind');
  const rows = report.scenarios;
  t.notOk(rows.some((r) => r.skipped !== undefined), `not skipped: ${rows.find((r) => r.skipped)?.skipped}`);
  return { rows, log };
}
