// `npm run soak`: pod cycles with faults injected against nlkit's public API,
// in namespaces of its own; see bench/soak/run.ts. Exits non-zero when a
// target is missed: leaked fds or namespaces, links left behind, RSS growth
// over budget, any error that is not nlkit's, an unhandled rejection, a hang.
import { parseSoakArgs, USAGE, UsageError, type SoakOptions } from './soak/options.js';
import { renderReport } from './soak/report.js';
import { runSoak } from './soak/run.js';
import { removeWorld, soakPrefix } from './soak/world.js';

async function main(): Promise<number> {
  let options: SoakOptions & { help: boolean };
  try {
    options = parseSoakArgs(process.argv.slice(2));
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    process.stderr.write(`${error.message}\n\n${USAGE}\n`);
    return 2;
  }
  if (options.help) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  if (process.getuid?.() !== 0) {
    process.stderr.write('the soak needs root (CAP_NET_ADMIN and CAP_SYS_ADMIN) to create its throwaway network namespaces\n');
    return 1;
  }
  // First Ctrl-C / SIGTERM: finish the cycles in progress, clean up, report.
  // A second one: remove the namespaces now and leave.
  const abort = new AbortController();
  for (const [signal, code] of [['SIGINT', 130], ['SIGTERM', 143]] as const) {
    process.on(signal, () => {
      if (!abort.signal.aborted) {
        process.stderr.write(`\n${signal}: stopping after the cycles in progress (again to quit at once)\n`);
        abort.abort();
        return;
      }
      removeWorld(soakPrefix());
      process.exit(code);
    });
  }
  process.on('exit', () => removeWorld(soakPrefix()));
  process.stderr.write(`soak seed ${options.seed} (replay with --seed ${options.seed})\n`);
  const started = performance.now();
  const report = await runSoak(options, {
    signal: abort.signal,
    progress: (line) => process.stderr.write(`[${((performance.now() - started) / 1000).toFixed(1).padStart(7)}s] ${line}\n`),
  });
  process.stdout.write(renderReport(report));
  if (abort.signal.aborted) return 130;
  return report.missed.length ? 1 : 0;
}

process.exitCode = await main();
