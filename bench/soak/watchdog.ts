// A hang blocks the main thread (a synchronous call that never returns), so
// no timer in the soak's process could notice it. The watchdog is a small
// child process: the soak writes its progress (a counter and the step it is
// about to take) into a file before every step; when the file stands still
// for `timeoutMs`, the watchdog prints the step, stops the churner, deletes
// the soak's namespaces and kills the soak. If the soak dies without saying
// goodbye, the watchdog cleans up the same way.
//
// Why a process and not a worker thread: a worker is a second V8 instance
// in the measured process (tens of MiB and several fds that appear after
// the start snapshot), and its idle thread slowed pod cycles down by a
// third on these machines.
import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, existsSync, openSync, rmSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const PROGRESS_BYTES = 200;

const tsxLoader = import.meta.resolve('tsx');

export class Watchdog {
  private readonly child: ChildProcess;
  private readonly file: string;
  private readonly fd: number;
  private readonly line = Buffer.alloc(PROGRESS_BYTES);
  private beats = 0;
  private readonly exited: Promise<void>;

  constructor(prefix: string, timeoutMs: number) {
    const dir = existsSync('/dev/shm') ? '/dev/shm' : tmpdir();
    this.file = join(dir, `${prefix}progress`);
    this.fd = openSync(this.file, 'w');
    this.beat('starting');
    const entry = new URL('./watchdog-process.ts', import.meta.url).pathname;
    this.child = spawn(process.execPath, ['--import', tsxLoader, entry, this.file, prefix, String(timeoutMs), String(process.pid)], {
      stdio: ['pipe', 'inherit', 'inherit'],
    });
    this.exited = new Promise((resolve) => this.child.once('exit', () => resolve()));
  }

  /** Records progress; `step` says what the soak is about to do (kept when it hangs there). */
  beat(step: string): void {
    const head = `${++this.beats} `;
    this.line.fill(0x20);
    const written = this.line.write(head, 0) + this.line.write(step, head.length, PROGRESS_BYTES - head.length - 1);
    this.line[written] = 0x0a;
    writeSync(this.fd, this.line, 0, PROGRESS_BYTES, 0);
  }

  /** The churner's process group and its directory, for the watchdog to remove if it must. */
  watchChurner(pid: number, dir: string): void {
    this.child.stdin?.write(`churner ${pid} ${dir}\n`);
  }

  /** Ends the watchdog: the soak finished and cleans up itself. */
  async stop(): Promise<void> {
    this.child.stdin?.end('bye\n');
    await this.exited;
    closeSync(this.fd);
    rmSync(this.file, { force: true });
  }
}
