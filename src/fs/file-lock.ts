// Whole-file locks for the layers above sys (the CNI host-local store shares
// its data directory with the reference plugin through one): flock(2) from
// src/sys, with per-path queueing and the API's argument checks.
import { closeSync, openSync, constants as fsConstants } from 'node:fs';
import { InvalidArgumentError } from '../netlink/addresses.js';
import { SyscallError } from '../sys/errors.js';
import { lockFile, tryLockFile, type FileLockMode } from '../sys/flock.js';
import { jsonOf, textOf } from '../netlink/checks.js';

export type { FileLockMode };

/** How withFileLock opens and locks its file. */
export interface FileLockOptions {
  /** `exclusive` (default) or `shared`. */
  mode?: FileLockMode;
  /** Permission bits for the lock file when it has to be created (before the umask); default 0o600. */
  createMode?: number;
}

// One waiting flock per path and process: each wait holds a Koffi worker thread,
// and calls in this process queue here instead of filling the worker pool.
const queues = new Map<string, Promise<unknown>>();

/**
 * Runs `body` while holding a flock(2) lock on the file at `path` (created,
 * empty, when missing), then releases it, also when `body` throws. Processes
 * that flock the same file (any language) and other calls in this process are
 * kept out for the duration. Calls in this process for the same path run one
 * after another (shared ones too), each on a fresh open file description.
 * Refuses a bad argument with InvalidArgumentError; a failed open or flock
 * rejects with SyscallError.
 */
export async function withFileLock<T>(path: string, body: () => T | Promise<T>, options: FileLockOptions = {}): Promise<T> {
  if (typeof path !== 'string' || path === '' || path.includes('\0')) throw new InvalidArgumentError(`path: the lock file must be a non-empty path, got ${typeof path === 'string' ? jsonOf(path) : textOf(path)}`);
  if (typeof body !== 'function') throw new InvalidArgumentError('body: withFileLock needs a function to run under the lock');
  if (typeof options !== 'object' || options === null || Array.isArray(options)) throw new InvalidArgumentError('options must be an object { mode, createMode }');
  const mode = options.mode ?? 'exclusive';
  if (mode !== 'exclusive' && mode !== 'shared') throw new InvalidArgumentError(`mode: a file lock mode must be 'exclusive' or 'shared', got ${textOf(mode)}`);
  const createMode = options.createMode ?? 0o600;
  if (!Number.isInteger(createMode) || createMode < 0 || createMode > 0o7777) throw new InvalidArgumentError(`createMode must be permission bits (0 to 0o7777), got ${textOf(createMode)}`);

  const previous = queues.get(path) ?? Promise.resolve();
  const run = previous.then(() => locked(path, body, mode, createMode), () => locked(path, body, mode, createMode));
  const tail = run.catch(() => undefined);
  queues.set(path, tail);
  void tail.then(() => {
    if (queues.get(path) === tail) queues.delete(path);
  });
  return run;
}

async function locked<T>(path: string, body: () => T | Promise<T>, mode: FileLockMode, createMode: number): Promise<T> {
  let fd: number;
  try {
    // libuv opens every file close-on-exec, so a child process cannot inherit the lock.
    fd = openSync(path, fsConstants.O_RDONLY | fsConstants.O_CREAT, createMode);
  } catch (error) {
    const e = error as NodeJS.ErrnoException;
    throw new SyscallError('open', typeof e.errno === 'number' ? -e.errno : 0, path);
  }
  try {
    if (!tryLockFile(fd, mode)) await lockFile(fd, mode);
    return await body();
  } finally {
    // Closing the only descriptor of this open file description drops the lock.
    closeSync(fd);
  }
}
