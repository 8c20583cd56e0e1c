// A child `ip -batch` process that adds and deletes addresses in the churn
// namespace as fast as it can, so dumps of that table get NLM_F_DUMP_INTR.
// It is stopped (SIGSTOP) outside the dump fault, so it costs no CPU the
// rest of the time. The loop ends by itself when the soak's process or the
// churn namespace is gone. (nlkit never starts processes; the soak may.)
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CHURN_DEVICE } from './world.js';

const CHURNED = 256;

export class Churner {
  private readonly child: ChildProcess;
  /** Holds the batch file; removed by stop(). */
  readonly dir: string;
  /** Faults that want churn right now; the churner runs while this is above 0. */
  private wanted = 0;
  private exited: Promise<void>;

  constructor(netns: string) {
    this.dir = mkdtempSync(join(tmpdir(), 'nlkit-soak-'));
    const batch = join(this.dir, 'churn.batch');
    const lines: string[] = [];
    for (let i = 0; i < CHURNED; i++) lines.push(`address add 10.96.${i >> 8}.${i & 255}/32 dev ${CHURN_DEVICE}`);
    for (let i = 0; i < CHURNED; i++) lines.push(`address del 10.96.${i >> 8}.${i & 255}/32 dev ${CHURN_DEVICE}`);
    writeFileSync(batch, `${lines.join('\n')}\n`);
    const script = `while kill -0 ${process.pid} 2>/dev/null && [ -e /run/netns/${netns} ]; do ip -n ${netns} -force -batch ${batch} >/dev/null 2>&1; done`;
    // Its own process group, so one signal reaches both sh and the running ip.
    this.child = spawn('sh', ['-c', script], { detached: true, stdio: 'ignore' });
    this.exited = new Promise((resolve) => this.child.once('exit', () => resolve()));
    this.signal('SIGSTOP');
  }

  get pid(): number {
    return this.child.pid ?? 0;
  }

  private signal(signal: NodeJS.Signals): void {
    if (this.child.exitCode !== null || this.child.signalCode !== null || !this.child.pid) return;
    try {
      process.kill(-this.child.pid, signal);
    } catch {
      // Already gone.
    }
  }

  /** Starts churning unless another fault already made it; pair with pause(). */
  resume(): void {
    if (this.wanted++ === 0) this.signal('SIGCONT');
  }

  pause(): void {
    if (--this.wanted === 0) this.signal('SIGSTOP');
  }

  /** Ends the churner's process group and removes its batch file. */
  async stop(): Promise<void> {
    this.signal('SIGTERM');
    this.signal('SIGCONT');
    const timer = setTimeout(() => this.signal('SIGKILL'), 2000);
    await this.exited;
    clearTimeout(timer);
    rmSync(this.dir, { recursive: true, force: true });
  }

  /** For exit handlers: no waiting. */
  killNow(): void {
    this.signal('SIGKILL');
    rmSync(this.dir, { recursive: true, force: true });
  }
}
