// The churner of dump-under-churn: another process changing one table of a
// bench namespace as fast as it can while the scenario dumps it. A bash loop
// runs `ip -force -n NS -batch CYCLE` again and again (one cycle adds objects
// and deletes them again, so the table keeps its size) and logs the wall-clock
// time each cycle finished. Batches from a file rather than one endless
// `ip -batch -` on a pipe, because ip reads a pipe 4 KB ahead and the pipe
// holds 64 KB more, which would blur any count of what was applied when.
import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

/**
 * The loop stops by itself once the namespace is gone or the bench process
 * died (kill -0), so neither a crash nor a SIGKILL of the bench leaves it
 * spinning; EPOCHREALTIME is bash's wall clock in µs, read without a fork.
 */
const LOOP = `
ns=$1; cycle=$2; log=$3; parent=$4
while [ -e "/run/netns/$ns" ] && kill -0 "$parent" 2>/dev/null; do
  ip -force -n "$ns" -batch "$cycle"
  printf '%s\\n' "$EPOCHREALTIME" >> "$log"
done
`;

/** Longest wait for the first cycle, so a churner that cannot run is reported instead of measured. */
const FIRST_CYCLE_TIMEOUT_MS = 20_000;

/** Now, on the wall clock the churner logs with, in ms. */
export function wallClockMs(): number {
  return performance.timeOrigin + performance.now();
}

export interface ChurnWindow {
  /** Changes per second over the whole cycles that finished in the window; NaN when none did. */
  rate: number;
  /** Cycles that finished in the window. */
  cycles: number;
}

export class Churner {
  private readonly dir: string;
  private readonly logFile: string;
  private readonly errorFile: string;
  private child: ChildProcess | undefined;
  private exited: Promise<void> = Promise.resolve();
  private readonly killOnExit = (): void => {
    if (this.child?.pid !== undefined) this.kill();
  };

  /**
   * @param netns the bench namespace whose table is churned
   * @param cycle `ip -batch` lines of one cycle; each line is one change
   */
  constructor(
    readonly netns: string,
    cycle: readonly string[],
  ) {
    this.changesPerCycle = cycle.length;
    this.dir = mkdtempSync(join(tmpdir(), 'nlkb-churner-'));
    this.logFile = join(this.dir, 'cycles');
    this.errorFile = join(this.dir, 'stderr');
    writeFileSync(join(this.dir, 'cycle'), `${cycle.join('\n')}\n`);
    writeFileSync(this.logFile, '');
  }

  readonly changesPerCycle: number;

  /** Starts the loop and waits until its first cycle completed. */
  async start(): Promise<void> {
    const stderr = openSync(this.errorFile, 'w');
    try {
      this.child = spawn('bash', ['-c', LOOP, 'churner', this.netns, join(this.dir, 'cycle'), this.logFile, String(process.pid)], {
        // Its own process group, so stop() takes ip down with the loop.
        detached: true,
        stdio: ['ignore', 'ignore', stderr],
        env: { ...process.env, LC_ALL: 'C' },
      });
    } finally {
      closeSync(stderr);
    }
    const child = this.child;
    this.exited = new Promise((resolve) => child.once('exit', () => resolve()));
    process.on('exit', this.killOnExit);
    const deadline = performance.now() + FIRST_CYCLE_TIMEOUT_MS;
    while (this.stamps().length === 0) {
      if (child.exitCode !== null || child.signalCode !== null) throw new Error(`churner in ${this.netns} exited before its first cycle: ${this.errors() || 'no message'}`);
      if (performance.now() > deadline) throw new Error(`churner in ${this.netns} finished no cycle in ${FIRST_CYCLE_TIMEOUT_MS} ms`);
      await sleep(10);
    }
  }

  /** Wall-clock ms at which each cycle finished, oldest first. */
  stamps(): number[] {
    return readFileSync(this.logFile, 'utf8').split('\n').filter((l) => l !== '').map((l) => Number(l) * 1000);
  }

  /**
   * The churn achieved between two wall-clock times, over the whole cycles
   * that finished in between (from the first such cycle's end to the last's);
   * when only one finished, from the end of the cycle before it.
   */
  window(from: number, to: number): ChurnWindow {
    const stamps = this.stamps();
    const inside = stamps.filter((s) => s > from && s <= to);
    const cycles = inside.length;
    const before = stamps.filter((s) => s <= from).pop();
    const [start, counted] = cycles >= 2 ? [inside[0]!, cycles - 1] : [before, cycles];
    if (start === undefined || counted === 0) return { rate: NaN, cycles };
    return { rate: (counted * this.changesPerCycle * 1000) / (inside[cycles - 1]! - start), cycles };
  }

  /** What ip printed on stderr: with -force, a line per failed command. */
  errors(): string {
    try {
      return readFileSync(this.errorFile, 'utf8').trim();
    } catch {
      return '';
    }
  }

  private kill(): void {
    try {
      process.kill(-this.child!.pid!, 'SIGKILL');
    } catch {
      // Already gone.
    }
  }

  /** Stops the loop and the ip it runs, and removes the files. */
  async stop(): Promise<void> {
    if (this.child?.pid !== undefined && this.child.exitCode === null && this.child.signalCode === null) this.kill();
    await this.exited;
    process.off('exit', this.killOnExit);
    rmSync(this.dir, { recursive: true, force: true });
  }
}
