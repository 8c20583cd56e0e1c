import { CLONE_NEWNET } from '../generated/sched.js';
import { InvalidArgumentError } from '../netlink/addresses.js';
import * as libc from '../sys/libc.js';
import { openNetns, type NetnsHandle, type NetnsRef } from './reference.js';

/** Test seam: runs right after the thread entered the target namespace. */
export const switchHooks: { afterEnter?: () => void } = {};

/** The thread could not get back to its original namespace: continuing would act in the wrong one. */
export class NetnsRestoreError extends Error {
  /** Always `'NetnsRestoreError'`. */
  override readonly name = 'NetnsRestoreError';
  /** @param cause - The error setns(2) or open(2) raised while switching back. */
  constructor(
    /** The error setns(2) or open(2) raised while switching back (usually a SyscallError). */
    override readonly cause: unknown,
  ) {
    super(`could not return the thread to its original network namespace: ${(cause as Error)?.message ?? cause}`);
  }
}

/**
 * Runs `fn` synchronously with the calling thread inside `ns`, and always
 * returns the thread to its original namespace in `finally`. `fn` must not be
 * async: the switch covers only the synchronous section, because libuv's and
 * Koffi's worker threads never follow the main thread's namespace.
 */
export function withNetns<T>(ns: NetnsRef | NetnsHandle, fn: () => T): T {
  checkSynchronous(fn);
  const target = isHandle(ns) ? ns : openNetns(ns);
  try {
    const original = libc.openReadOnly('/proc/thread-self/ns/net');
    try {
      libc.setns(target.fd, CLONE_NEWNET, target.label);
      try {
        switchHooks.afterEnter?.();
        const result = fn();
        if (isThenable(result)) {
          // The callback started async work that will finish outside the
          // namespace. Its rejection is the caller's error below, so it must
          // not also surface as an unhandled rejection.
          result.then(undefined, () => undefined);
          throw new InvalidArgumentError(
            'withNetns: the callback returned a Promise; only synchronous code runs inside the namespace ' +
              '(open a socket inside it with openRoute({ netns }) and use the Async methods instead)',
          );
        }
        return result;
      } finally {
        try {
          libc.setns(original, CLONE_NEWNET, 'original namespace');
        } catch (error) {
          // eslint-disable-next-line no-unsafe-finally
          throw new NetnsRestoreError(error);
        }
      }
    } finally {
      libc.close(original);
    }
  } finally {
    if (target !== ns) target.close();
  }
}

const ASYNC_KINDS = new Set(['AsyncFunction', 'AsyncGeneratorFunction', 'GeneratorFunction']);

/** Refuses, before anything runs, callbacks whose body would run after withNetns returned. */
function checkSynchronous(fn: unknown): void {
  if (typeof fn !== 'function') throw new InvalidArgumentError(`withNetns: the callback must be a function, got ${fn === null ? 'null' : typeof fn}`);
  const kind = (fn as { constructor?: { name?: string } }).constructor?.name;
  if (kind !== undefined && ASYNC_KINDS.has(kind)) {
    throw new InvalidArgumentError(
      `withNetns: the callback is ${kind === 'AsyncFunction' ? 'an async function' : `a ${kind}`}; only synchronous code runs inside the ` +
        'namespace, since the thread returns to its own namespace before any await resumes. Use openRoute({ netns }) and the Async methods instead',
    );
  }
}

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return (typeof value === 'object' || typeof value === 'function') && value !== null && typeof (value as { then?: unknown }).then === 'function';
}

function isHandle(ns: NetnsRef | NetnsHandle): ns is NetnsHandle {
  return typeof ns === 'object' && ns !== null && 'fd' in ns && typeof (ns as NetnsHandle).close === 'function' && 'label' in ns;
}
