import { mkdirSync, readdirSync, unlinkSync, existsSync } from 'node:fs';
import { CLONE_NEWNET } from '../generated/sched.js';
import { MS_BIND, MS_REC, MS_SHARED } from '../generated/mount.js';
import { SyscallError } from '../sys/errors.js';
import * as libc from '../sys/libc.js';
import { NetnsExistsError, NetnsNotFoundError } from './errors.js';
import { NETNS_RUN_DIR, netnsPath, validateNetnsName } from './names.js';
import { createLog } from '../netlink/logger.js';

const log = createLog('nlkit:netns');

let runDirShared = false;

/**
 * Makes /run/netns a shared mount point, as `ip netns add` does, so that
 * namespace mounts propagate to other mount namespaces (and `ip netns exec`
 * children see them). Done once per thread (the mount is the process's).
 * @internal
 */
export function prepareRunDir(): void {
  if (runDirShared) return;
  mkdirSync(NETNS_RUN_DIR, { recursive: true, mode: 0o755 });
  try {
    libc.mount('', NETNS_RUN_DIR, 'none', MS_SHARED | MS_REC);
  } catch (error) {
    if (!(error instanceof SyscallError && error.code === 'EINVAL')) throw error;
    // Not a mount point yet: bind it onto itself, then mark it shared.
    libc.mount(NETNS_RUN_DIR, NETNS_RUN_DIR, 'none', MS_BIND | MS_REC);
    libc.mount('', NETNS_RUN_DIR, 'none', MS_SHARED | MS_REC);
  }
  runDirShared = true;
}

/**
 * Creates a named network namespace exactly as `ip netns add NAME` does: an
 * empty file under /run/netns with the new namespace bind-mounted onto it.
 * The calling thread is back in its own namespace when this returns or throws.
 */
export function createNetns(name: string): void {
  createNetnsWithin(name, () => undefined);
}

/**
 * {@link createNetns}, running `inside` while the thread is in the new
 * namespace (after the bind mount): a socket opened there belongs to it
 * without a second trip in. If `inside` throws, the namespace is removed again.
 * @internal
 */
export function createNetnsWithin<T>(name: string, inside: () => T): T {
  const path = netnsPath(name);
  createMountTarget(name, path);
  let mounted = false;
  let result: T;
  try {
    const original = libc.openReadOnly('/proc/thread-self/ns/net');
    try {
      libc.unshare(CLONE_NEWNET);
      try {
        libc.mount('/proc/thread-self/ns/net', path, 'none', MS_BIND);
        mounted = true;
        result = inside();
      } finally {
        libc.setns(original, CLONE_NEWNET, 'original namespace');
      }
    } finally {
      libc.close(original);
    }
  } catch (error) {
    // Leave nothing half-made behind: no stray file, no mount.
    if (mounted) libc.umountDetach(path);
    unlinkSync(path);
    throw error;
  }
  log('created %s', name);
  return result;
}

/**
 * Gives a name to a namespace held open by `fd` (one made without a name,
 * e.g. by a namespace pool), as `ip netns attach NAME PID` does: the bind
 * mount under /run/netns that `ip netns` and every nlkit call by name use.
 * @internal
 */
export function nameNetns(name: string, fd: number): void {
  const path = netnsPath(name);
  createMountTarget(name, path);
  mountNetnsAt(path, fd);
  log('named %s (fd %d)', name, fd);
}

/**
 * Bind-mounts the namespace held open by `fd` onto the mount target at
 * `path`, removing the target if the mount fails.
 * @internal
 */
export function mountNetnsAt(path: string, fd: number): void {
  try {
    libc.mount(`/proc/self/fd/${fd}`, path, 'none', MS_BIND);
  } catch (error) {
    unlinkSync(path);
    throw error;
  }
}

/** The empty file a namespace is bind-mounted onto; NetnsExistsError when the name is taken. */
function createMountTarget(name: string, path: string): void {
  prepareRunDir();
  try {
    libc.close(libc.createExclusive(path));
  } catch (error) {
    if (error instanceof SyscallError && error.code === 'EEXIST') throw new NetnsExistsError(name, path);
    throw error;
  }
}

/**
 * Deletes a named namespace as `ip netns delete` does (lazy unmount, then
 * unlink). The kernel destroys the namespace, and its devices, once nothing
 * else holds it: this returns before that happens.
 */
export function deleteNetns(name: string): void {
  const path = netnsPath(name);
  try {
    libc.umountDetach(path);
  } catch (error) {
    if (error instanceof SyscallError && error.code === 'ENOENT') throw new NetnsNotFoundError(name, path);
    // EINVAL: the file exists but nothing is mounted on it (a half-made namespace); still unlink it.
    if (!(error instanceof SyscallError && error.code === 'EINVAL')) throw error;
  }
  try {
    unlinkSync(path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  log('deleted %s', name);
}

/** Names of the namespaces under /run/netns, as `ip netns list` shows them (sorted). */
export function listNetns(): string[] {
  if (!existsSync(NETNS_RUN_DIR)) return [];
  return readdirSync(NETNS_RUN_DIR).sort();
}

/**
 * Whether `/run/netns/NAME` exists, i.e. `ip netns list` would show the name.
 * Only checks the file; it does not verify that a namespace is mounted on it.
 * @throws InvalidArgumentError when the name is not a valid namespace name.
 */
export function netnsExists(name: string): boolean {
  return existsSync(`${NETNS_RUN_DIR}/${validateNetnsName(name)}`);
}
