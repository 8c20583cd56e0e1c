// An error as iproute2 would report it: one line on stderr and ip's exit status.
// nlkit's errors are told apart by name (each class fixes its `name`), so
// reporting one does not load the library's modules: start-up stays small.
import type { NetlinkBatchError, NetlinkError } from '../netlink/index.js';
import { CliUsageError } from './args.js';
import type { CliContext } from './context.js';
import { strerror } from './strerror.js';

/** The line ip prints for a refused request: the extended ack when there is one, perror's words otherwise. */
export function kernelErrorLine(error: NetlinkError): string {
  const message = error.extack.message;
  if (message) return `Error: ${message}${message.endsWith('.') ? '' : '.'}`;
  return `RTNETLINK answers: ${strerror(error.errno)}`;
}

/** Prints `error` as ip would and returns the exit status ip gives it. */
export function reportError(ctx: CliContext, error: unknown): number {
  const line = (text: string) => ctx.io.stderr(`${text}\n`);
  if (error instanceof CliUsageError) {
    line(error.message);
    return error.status;
  }
  const name = error instanceof Error ? error.name : '';
  if (name === 'NetlinkBatchError') {
    const first = (error as NetlinkBatchError).failures[0]?.error;
    line(first ? kernelErrorLine(first) : `Error: ${(error as Error).message}`);
    return 2;
  }
  if (name === 'NetlinkError') {
    line(kernelErrorLine(error as NetlinkError));
    return 2;
  }
  if (name === 'LinkNotFoundError') {
    const link = (error as Error & { link: unknown }).link;
    // An index reached the kernel (a word such as `if7`, which ip reads as ifindex 7): ip prints the kernel's answer.
    if (typeof link === 'number') {
      line('RTNETLINK answers: No such device');
      return 2;
    }
    line(`Cannot find device "${link}"`);
    return 1;
  }
  if (name === 'NetnsNotFoundError') {
    line(`Cannot open network namespace "${(error as Error & { netns: string }).netns}": No such file or directory`);
    return 255;
  }
  // SyscallError (src/index.ts exports it; its module is not a barrel the CLI may import).
  if (name === 'SyscallError') {
    const e = error as Error & { syscall: string; errno: number };
    line(`Error: ${e.syscall}: ${strerror(e.errno)}`);
    return 1;
  }
  if (name === 'InvalidArgumentError') {
    line(`Error: ${(error as Error).message}`);
    return 1;
  }
  line(`Error: ${error instanceof Error ? error.message : String(error)}`);
  return 1;
}
