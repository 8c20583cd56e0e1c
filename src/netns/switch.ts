import { CLONE_NEWNET } from '../generated/sched.js';
import * as libc from '../sys/libc.js';
import { openNetns, type NetnsHandle, type NetnsRef } from './reference.js';

/** Test seam: runs right after the thread entered the target namespace. */
export const switchHooks: { afterEnter?: () => void } = {};

/** The thread could not get back to its original namespace: continuing would act in the wrong one. */
export class NetnsRestoreError extends Error {
  override readonly name = 'NetnsRestoreError';
  constructor(override readonly cause: unknown) {
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
  const target = isHandle(ns) ? ns : openNetns(ns);
  try {
    const original = libc.openReadOnly('/proc/thread-self/ns/net');
    try {
      libc.setns(target.fd, CLONE_NEWNET, target.label);
      try {
        switchHooks.afterEnter?.();
        const result = fn();
        if (result instanceof Promise) throw new TypeError('withNetns runs synchronous code only; the namespace would not follow an await');
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

function isHandle(ns: NetnsRef | NetnsHandle): ns is NetnsHandle {
  return typeof ns === 'object' && ns !== null && 'fd' in ns && typeof (ns as NetnsHandle).close === 'function' && 'label' in ns;
}
