import { parseArgs } from 'node:util';
import { freshSeed } from './random.js';

export interface SoakOptions {
  cycles: number;
  seed: number;
  /** Pods in progress at once, each lane with its own host connection. */
  lanes: number;
  /** Share of cycles that use the Promise API (the others use the sync API). */
  asyncShare: number;
  /** Share of cycles that inject a fault. */
  faultRate: number;
  /** Share of plain cycles that list links, addresses and routes and check them. */
  verifyShare: number;
  /** No progress for this long is a hang. */
  watchdogMs: number;
  /** Host ends still waiting for the kernel's teardown before lanes pause. */
  maxPendingHostEnds: number;
  /** Progress lines and snapshots this often (in cycles). */
  checkpointEvery: number;
  /**
   * Stop early when more than this many of the last `FAILURE_WINDOW` cycles
   * failed: the run is broken, not finding a rare problem.
   */
  maxFailuresPerWindow: number;
  /**
   * Cycles after which the RSS baseline is taken: the first cycles grow the
   * process once (JIT code, V8's young generation sizing up, thread arenas).
   * Fds and namespaces are compared from cycle 0.
   */
  warmupCycles: number;
  /** RSS growth allowed from the baseline to the end, MiB. */
  rssBudgetMiB: number;
}

export const DEFAULT_OPTIONS: SoakOptions = {
  cycles: 100_000,
  seed: 0,
  lanes: 4,
  asyncShare: 0.5,
  faultRate: 0.2,
  verifyShare: 0.3,
  watchdogMs: 30_000,
  maxPendingHostEnds: 256,
  checkpointEvery: 10_000,
  maxFailuresPerWindow: 100,
  warmupCycles: 2000,
  rssBudgetMiB: 20,
};

/** Cycles over which maxFailuresPerWindow is counted. */
export const FAILURE_WINDOW = 200;

export class UsageError extends Error {
  override readonly name = 'UsageError';
}

export const USAGE = `usage: npm run soak -- [--cycles N] [--seed N] [--lanes N] [--async-share F] [--fault-rate F]
                        [--verify-share F] [--watchdog-ms N] [--checkpoint-every N]

  --cycles N          pod cycles (default 100000)
  --seed N            seed of the fault sequence (default: fresh, printed)
  --lanes N           pods in progress at once (default 4)
  --async-share F     share of cycles using the Promise API (default 0.5)
  --fault-rate F      share of cycles injecting a fault (default 0.2)
  --verify-share F    share of plain cycles that list and check the pod (default 0.3)
  --watchdog-ms N     no progress for this long is a hang (default 30000)
  --checkpoint-every N  progress line every N cycles (default cycles/10)
  --warmup N          cycles before the RSS baseline (default min(2000, cycles/10))

Run with node --expose-gc for RSS after a full gc (the soak sets the flag itself otherwise).`;

function number(value: string | undefined, option: string, min: number, max: number, integer: boolean): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isFinite(n) || n < min || n > max || (integer && !Number.isInteger(n))) {
    throw new UsageError(`${option} must be ${integer ? 'an integer' : 'a number'} from ${min} to ${max}, got "${value}"`);
  }
  return n;
}

export function parseSoakArgs(argv: readonly string[]): SoakOptions & { help: boolean } {
  let values;
  try {
    ({ values } = parseArgs({
      args: [...argv],
      options: {
        cycles: { type: 'string' },
        seed: { type: 'string' },
        lanes: { type: 'string' },
        'async-share': { type: 'string' },
        'fault-rate': { type: 'string' },
        'verify-share': { type: 'string' },
        'watchdog-ms': { type: 'string' },
        'checkpoint-every': { type: 'string' },
        warmup: { type: 'string' },
        help: { type: 'boolean', short: 'h', default: false },
      },
      allowPositionals: false,
      strict: true,
    }));
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  const cycles = number(values.cycles, '--cycles', 1, 10_000_000, true) ?? DEFAULT_OPTIONS.cycles;
  return {
    ...DEFAULT_OPTIONS,
    cycles,
    seed: number(values.seed, '--seed', 0, 0xffffffff, true) ?? freshSeed(),
    lanes: number(values.lanes, '--lanes', 1, 64, true) ?? DEFAULT_OPTIONS.lanes,
    asyncShare: number(values['async-share'], '--async-share', 0, 1, false) ?? DEFAULT_OPTIONS.asyncShare,
    faultRate: number(values['fault-rate'], '--fault-rate', 0, 1, false) ?? DEFAULT_OPTIONS.faultRate,
    verifyShare: number(values['verify-share'], '--verify-share', 0, 1, false) ?? DEFAULT_OPTIONS.verifyShare,
    watchdogMs: number(values['watchdog-ms'], '--watchdog-ms', 1000, 3_600_000, true) ?? DEFAULT_OPTIONS.watchdogMs,
    checkpointEvery: number(values['checkpoint-every'], '--checkpoint-every', 1, 10_000_000, true) ?? Math.max(1, Math.round(cycles / 10)),
    warmupCycles: number(values.warmup, '--warmup', 0, cycles, true) ?? Math.min(DEFAULT_OPTIONS.warmupCycles, Math.floor(cycles / 10)),
    help: values.help ?? false,
  };
}
