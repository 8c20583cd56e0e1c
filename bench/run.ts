// `npm run bench`: nlkit versus iproute2 (and nft) on the hot paths.
// Progress goes to stderr, the table to stdout, results to bench/results/.
import { fileURLToPath } from 'node:url';
import { parseBenchArgs, USAGE, UsageError, type BenchOptions } from './harness/args.js';
import { installCleanupHandlers } from './harness/namespaces.js';
import { writeReport } from './harness/report.js';
import { renderTable } from './harness/table.js';
import { runSuite, scenarioNames, scenarioTitles } from './suite.js';

const DEFAULT_OUT_DIR = fileURLToPath(new URL('./results/', import.meta.url));

function progress(start: number): (message: string) => void {
  return (message) => process.stderr.write(`[${((performance.now() - start) / 1000).toFixed(1).padStart(6)}s] ${message}\n`);
}

async function main(): Promise<number> {
  let options: BenchOptions;
  try {
    options = parseBenchArgs(process.argv.slice(2), scenarioNames, DEFAULT_OUT_DIR);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    process.stderr.write(`${error.message}\n\n${USAGE}\n`);
    return 2;
  }
  if (options.help) {
    process.stdout.write(`${USAGE}\n\nscenarios: ${scenarioNames.join(', ')}\n`);
    return 0;
  }
  if (process.getuid?.() !== 0) {
    process.stderr.write('bench needs root (CAP_NET_ADMIN and CAP_SYS_ADMIN) to create its throwaway network namespaces\n');
    return 1;
  }
  installCleanupHandlers();
  const report = await runSuite(options, progress(performance.now()));
  const files = writeReport(report, options.outDir);
  process.stdout.write(renderTable(report.scenarios, scenarioTitles));
  process.stderr.write(`\nwrote ${files.latest}, ${files.stamped}, ${files.svg}\n`);
  return report.scenarios.some((r) => r.skipped?.startsWith('failed')) ? 1 : 0;
}

process.exitCode = await main();
