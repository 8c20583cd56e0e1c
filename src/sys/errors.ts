import { ERRNO_NAMES } from '../generated/errno.js';

/** Name of an errno value (`EEXIST`), or `E<number>` when the value is unknown. */
export function errnoName(errno: number): string {
  return ERRNO_NAMES[errno] ?? `E${errno}`;
}

/** A failed system call: which call, on what, and the errno it set. */
export class SyscallError extends Error {
  override readonly name = 'SyscallError';
  /** errno name, e.g. `ENOENT`; same convention as Node's own `err.code`. */
  readonly code: string;
  constructor(
    readonly syscall: string,
    readonly errno: number,
    /** What the call was applied to (a path, a namespace name, an fd). */
    readonly target?: string,
  ) {
    super(`${syscall}${target === undefined ? '' : ` ${target}`} failed: ${errnoName(errno)}`);
    this.code = errnoName(errno);
  }
}
