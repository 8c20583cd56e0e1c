// The results document: machine, options, rows. Written as latest.json plus
// a timestamped copy, with the ratio chart as latest.svg beside them.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { MachineInfo } from './machine.js';
import type { ScenarioRow } from './scenario.js';
import { renderRatioChart } from './svg.js';

export interface BenchReport {
  machine: MachineInfo;
  startedAt: string;
  finishedAt: string;
  options: { quick: boolean; runs: number; warmup: number; scenarios: string[] };
  scenarios: ScenarioRow[];
}

/** `2025-11-23T11:09:00.123Z` → `2025-11-23T11-09-00.123Z`: an ISO stamp that is a valid file name everywhere. */
export function timestampFileName(date: Date): string {
  return `${date.toISOString().replace(/:/g, '-')}.json`;
}

export interface WrittenFiles {
  latest: string;
  stamped: string;
  svg: string;
}

export function writeReport(report: BenchReport, outDir: string): WrittenFiles {
  mkdirSync(outDir, { recursive: true });
  const json = `${JSON.stringify(report, null, 2)}\n`;
  const files = {
    latest: join(outDir, 'latest.json'),
    stamped: join(outDir, timestampFileName(new Date(report.startedAt))),
    svg: join(outDir, 'latest.svg'),
  };
  writeFileSync(files.latest, json);
  writeFileSync(files.stamped, json);
  writeFileSync(files.svg, renderRatioChart(report));
  return files;
}
