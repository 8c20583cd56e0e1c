// An error as iproute2 would report it: one line on stderr and ip's exit status.
import { InvalidArgumentError, NetlinkBatchError, NetlinkError } from '../netlink/index.js';
import { NetnsNotFoundError } from '../netns/index.js';
import { LinkNotFoundError } from '../route/index.js';
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
  if (error instanceof NetlinkBatchError) {
    const first = error.errors.find((e): e is NetlinkError => e instanceof NetlinkError);
    line(first ? kernelErrorLine(first) : `Error: ${error.message}`);
    return 2;
  }
  if (error instanceof NetlinkError) {
    line(kernelErrorLine(error));
    return 2;
  }
  if (error instanceof LinkNotFoundError) {
    line(`Cannot find device "${error.link}"`);
    return 1;
  }
  if (error instanceof NetnsNotFoundError) {
    line(`Cannot open network namespace "${error.netns}": No such file or directory`);
    return 255;
  }
  // SyscallError (src/index.ts exports it; its module is not a barrel the CLI may import).
  if (error instanceof Error && error.name === 'SyscallError') {
    const e = error as Error & { syscall: string; errno: number };
    line(`Error: ${e.syscall}: ${strerror(e.errno)}`);
    return 1;
  }
  if (error instanceof InvalidArgumentError) {
    line(`Error: ${error.message}`);
    return 1;
  }
  line(`Error: ${error instanceof Error ? error.message : String(error)}`);
  return 1;
}
