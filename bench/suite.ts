// The scenarios of `npm run bench`, in the order they run and print, and the
// loop that runs them into a report.
import { setTimeout as sleep } from 'node:timers/promises';
import { machineInfo } from './harness/machine.js';
import { removeBenchNamespaces } from './harness/namespaces.js';
import type { BenchReport } from './harness/report.js';
import { skippedRow, type Scenario, type ScenarioRow } from './harness/scenario.js';
import { addrs } from './scenarios/addrs.js';
import { churn } from './scenarios/churn.js';
import { cliStartup } from './scenarios/cli-startup.js';
import { cni } from './scenarios/cni.js';
import { dump } from './scenarios/dump.js';
import { dumpUnderChurn } from './scenarios/dump-under-churn.js';
import { eventloop } from './scenarios/eventloop.js';
import { events } from './scenarios/events.js';
import { nft } from './scenarios/nft.js';
import { nftRuleset } from './scenarios/nft-ruleset.js';
import { routes } from './scenarios/routes.js';
import { rtt } from './scenarios/rtt.js';

export const suite: Scenario[] = [rtt, churn, routes, addrs, dump, dumpUnderChurn, nft, nftRuleset, eventloop, events, cliStartup, cni];

export const scenarioNames = suite.map((s) => s.name);

export const scenarioTitles: Record<string, string> = Object.fromEntries(suite.map((s) => [s.name, s.title]));

/**
 * Pause between scenarios: the kernel destroys deleted namespaces in the
 * background, and on two cores that work would otherwise bleed into the next
 * scenario's first runs.
 */
const SETTLE_MS = 1000;

export interface SuiteOptions {
  quick: boolean;
  runs: number;
  warmup: number;
  scenarios: string[];
  /** Minimal sizes, for the smoke test: proves the plumbing, measures nothing. */
  smoke?: boolean;
}

/**
 * Runs the chosen scenarios one after another. A scenario that throws is
 * reported as a skipped row saying why, and the others still run.
 */
export async function runSuite(options: SuiteOptions, log: (message: string) => void): Promise<BenchReport> {
  const startedAt = new Date().toISOString();
  const machine = machineInfo();
  log(`kernel ${machine.kernel}, ${machine.cpus} CPUs, node ${machine.node}, iproute2 ${machine.iproute2}${machine.nft ? `, nft ${machine.nft}` : ''}, load average ${machine.loadAverage.join(' ')}`);
  const rows: ScenarioRow[] = [];
  const chosen = suite.filter((s) => options.scenarios.includes(s.name));
  for (const [i, scenario] of chosen.entries()) {
    if (i > 0 && !options.smoke) await sleep(SETTLE_MS);
    log(`== ${scenario.name}: ${scenario.title}`);
    try {
      rows.push(...(await scenario.run({ quick: options.quick, smoke: options.smoke ?? false, runs: options.runs, warmup: options.warmup, progress: log })));
    } catch (error) {
      log(`${scenario.name} failed: ${(error as Error).stack ?? error}`);
      rows.push(skippedRow(scenario.name, `failed: ${(error as Error).message ?? error}`));
    }
    const leftover = removeBenchNamespaces();
    if (leftover) log(`${scenario.name} left ${leftover} namespaces behind; removed`);
  }
  return {
    machine,
    startedAt,
    finishedAt: new Date().toISOString(),
    options: { quick: options.quick, runs: options.runs, warmup: options.warmup, scenarios: options.scenarios },
    scenarios: rows,
  };
}
