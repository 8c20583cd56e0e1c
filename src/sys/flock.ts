// flock(2): advisory whole-file locks shared with other processes (the CNI
// host-local plugin serialises its data directory with one). It loads libc
// through Koffi as libc.ts does.
import koffi from 'koffi';
import { SyscallError } from './errors.js';

const libc = koffi.load('libc.so.6');
const flockCall = libc.func('int flock(int, int)');

const LOCK_SH = 1;
const LOCK_EX = 2;
const LOCK_NB = 4;
const LOCK_UN = 8;
const EINTR = 4;
const EWOULDBLOCK = 11;

/** Which flock(2) lock to take: `exclusive` (LOCK_EX, one holder) or `shared` (LOCK_SH, many readers). */
export type FileLockMode = 'exclusive' | 'shared';

function lockOperation(mode: FileLockMode): number {
  if (mode === 'exclusive') return LOCK_EX;
  if (mode === 'shared') return LOCK_SH;
  // Callers above sys check the mode with the API's own error first; this is the last guard.
  throw new RangeError(`a file lock mode must be 'exclusive' or 'shared', got ${String(mode)}`);
}

/**
 * Takes a flock(2) lock on `fd` without waiting: true when it is held now,
 * false when another open file description holds a conflicting lock.
 */
export function tryLockFile(fd: number, mode: FileLockMode = 'exclusive'): boolean {
  const operation = lockOperation(mode) | LOCK_NB;
  for (;;) {
    if (flockCall(fd, operation) === 0) return true;
    const errno = koffi.errno();
    if (errno === EWOULDBLOCK) return false;
    if (errno !== EINTR) throw new SyscallError('flock', errno, `fd ${fd}`);
  }
}

/**
 * Takes a flock(2) lock on `fd`, waiting as long as another holder keeps it.
 * The wait runs on a Koffi worker thread so the event loop keeps running;
 * that thread stays busy until the lock comes, so callers should not queue
 * many waits at once (withFileLock lets one wait per path at a time).
 */
export function lockFile(fd: number, mode: FileLockMode = 'exclusive'): Promise<void> {
  const operation = lockOperation(mode);
  return new Promise((resolve, reject) => {
    const attempt = (): void => {
      flockCall.async(fd, operation, (err: unknown, result: number) => {
        if (err) return reject(err);
        if (result === 0) return resolve();
        // Koffi carries the worker's errno back with the completion.
        const errno = koffi.errno();
        if (errno === EINTR) return attempt();
        reject(new SyscallError('flock', errno, `fd ${fd}`));
      });
    };
    attempt();
  });
}

/** Drops the flock(2) lock on `fd` (closing the last descriptor of the open file drops it too). */
export function unlockFile(fd: number): void {
  if (flockCall(fd, LOCK_UN) < 0) throw new SyscallError('flock', koffi.errno(), `fd ${fd}`);
}
