// `npm run fuzz [-- --cases N] [--seed S] [--from N] [--case N]`: the decoder
// fuzz of test/fuzz/decoders.test.ts at length. The first cases truncate every
// captured message at every offset (three ways), the rest damage them at
// random; a million cases by default, with a random seed unless one is given.
// `--case N` replays one case (with `--seed`) and prints what it did.
import { randomInt } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { DecoderFuzz, FuzzFailure } from './harness.js';
import { loadTargets } from './targets.js';
import { startWatchdog } from './watchdog.js';

const USAGE = 'usage: npm run fuzz -- [--cases N (default 1000000)] [--seed S (default random)] [--from N (default 0)] [--case N]';
const MAX_REPORTED = 20;

function parseArgs(argv: string[]): { cases: number; seed: number; from: number; only?: number } {
  const options: { cases: number; seed: number; from: number; only?: number } = { cases: 1_000_000, seed: randomInt(2 ** 31), from: 0 };
  for (let i = 0; i < argv.length; i += 2) {
    const value = Number(argv[i + 1]);
    if (!Number.isSafeInteger(value) || value < 0) throw new Error(`${argv[i]} needs a non-negative integer\n${USAGE}`);
    switch (argv[i]) {
      case '--cases': options.cases = value; break;
      case '--seed': options.seed = value; break;
      case '--from': options.from = value; break;
      case '--case': options.only = value; break;
      default: throw new Error(`unknown option ${argv[i]}\n${USAGE}`);
    }
  }
  return options;
}

async function main(): Promise<number> {
  let options;
  try {
    options = parseArgs(process.argv.slice(2));
  } catch (error) {
    process.stderr.write(`${(error as Error).message}\n`);
    return 2;
  }
  const fixtures = fileURLToPath(new URL('../../fixtures', import.meta.url));
  const fuzz = new DecoderFuzz(loadTargets(fixtures), options.seed);
  const from = options.only ?? options.from;
  const count = options.only === undefined ? options.cases : 1;
  process.stderr.write(
    `fuzz: seed ${options.seed}, cases ${from}..${from + count - 1} over ${fuzz.targets.length} messages `
    + `(cases below ${fuzz.truncations} truncate, the rest damage at random)\n`,
  );
  const watchdog = startWatchdog(options.seed);
  const start = performance.now();
  let lastReport = start;
  let failures = 0;
  try {
    for (let n = from; n < from + count; n++) {
      watchdog.at(n);
      try {
        fuzz.run(n);
      } catch (error) {
        if (!(error instanceof FuzzFailure)) throw error;
        failures++;
        if (failures <= MAX_REPORTED) process.stderr.write(`\n${error.message}\n`);
      }
      const now = performance.now();
      if (now - lastReport > 5000) {
        lastReport = now;
        const done = n - from + 1;
        process.stderr.write(`fuzz: ${done} cases, ${Math.round(done / ((now - start) / 1000))}/s, ${failures} failures\n`);
      }
    }
  } finally {
    watchdog.at(-1);
    await watchdog.stop();
  }
  const seconds = (performance.now() - start) / 1000;
  const { cases, decoded, typedErrors } = fuzz.stats;
  process.stdout.write(
    `fuzz: ${cases} cases in ${seconds.toFixed(1)} s (seed ${options.seed}): ${decoded} decodes, ${typedErrors} typed errors, `
    + `${failures} failures${failures > MAX_REPORTED ? ` (first ${MAX_REPORTED} shown)` : ''}\n`,
  );
  if (options.only !== undefined && failures === 0) process.stdout.write(`case ${options.only} passes: ${fuzz.last.target}, ${fuzz.last.mutation}\n`);
  return failures ? 1 : 0;
}

process.exitCode = await main();
