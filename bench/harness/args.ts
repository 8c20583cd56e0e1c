import { parseArgs } from 'node:util';

export interface BenchOptions {
  quick: boolean;
  /** Scenario names to run, in suite order; every scenario when absent. */
  scenarios: string[];
  /** Measured runs per implementation (after the warm-up). */
  runs: number;
  /** Warm-up runs per implementation, results discarded. */
  warmup: number;
  /** Directory for latest.json, the timestamped copy and latest.svg. */
  outDir: string;
  help: boolean;
}

export class UsageError extends Error {
  override readonly name = 'UsageError';
}

export const USAGE = `usage: npm run bench -- [--quick] [--scenario NAME[,NAME...]]... [--runs N] [--warmup N] [--out DIR]

  --quick          small sizes and 3 runs: the whole suite in under 2 minutes
  --scenario NAME  run only these scenarios (repeatable, or a comma list)
  --runs N         measured runs per implementation (default 5, quick 3)
  --warmup N       warm-up runs per implementation (default 1)
  --out DIR        where results go (default bench/results)

Profile with: node --cpu-prof --cpu-prof-dir=/tmp/prof --import=tsx bench/run.ts --scenario rtt`;

function positiveInteger(value: string | undefined, option: string, min: number): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < min) throw new UsageError(`${option} must be an integer >= ${min}, got "${value}"`);
  return n;
}

/** Parses the bench command line; unknown options and scenario names are refused with the usage text. */
export function parseBenchArgs(argv: readonly string[], known: readonly string[], defaultOutDir: string): BenchOptions {
  let parsed;
  try {
    parsed = parseArgs({
      args: [...argv],
      options: {
        quick: { type: 'boolean', default: false },
        scenario: { type: 'string', multiple: true },
        runs: { type: 'string' },
        warmup: { type: 'string' },
        out: { type: 'string' },
        help: { type: 'boolean', short: 'h', default: false },
      },
      allowPositionals: false,
      strict: true,
    });
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  const v = parsed.values;
  const requested = (v.scenario ?? []).flatMap((s) => s.split(',')).map((s) => s.trim()).filter((s) => s !== '');
  const unknown = requested.filter((s) => !known.includes(s));
  if (unknown.length) throw new UsageError(`unknown scenario ${unknown.map((s) => `"${s}"`).join(', ')}; known: ${known.join(', ')}`);
  const quick = v.quick ?? false;
  return {
    quick,
    // Suite order, not command-line order, so results always read the same way.
    scenarios: requested.length ? known.filter((s) => requested.includes(s)) : [...known],
    runs: positiveInteger(v.runs, '--runs', 1) ?? (quick ? 3 : 5),
    warmup: positiveInteger(v.warmup, '--warmup', 0) ?? 1,
    outDir: v.out ?? defaultOutDir,
    help: v.help ?? false,
  };
}
