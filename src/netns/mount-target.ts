// A named namespace is a file under /run/netns with the namespace bind-mounted
// onto it. Creating that file allocates an inode, which on a disk filesystem
// can be the dearest part of naming a namespace: ext4 without a journal (as
// /run is on some VMs) skips every inode deleted in the last seconds, so while
// namespaces churn each creation scans past hundreds of them (a fifth of a
// millisecond measured). An unnamed file (O_TMPFILE) opened ahead of time, by
// a namespace pool's worker, moves that off the pod's critical path: naming
// the namespace then only links the file and mounts onto it. The unnamed file
// vanishes with its fd if it is never linked, so nothing outlives a crash.
import { createLog } from '../netlink/logger.js';
import { SyscallError } from '../sys/errors.js';
import * as libc from '../sys/libc.js';
import { NetnsExistsError } from './errors.js';
import { mountNetnsAt, nameNetns, prepareRunDir } from './lifecycle.js';
import { NETNS_RUN_DIR, netnsPath } from './names.js';

const log = createLog('nlkit:netns');

/**
 * Opens an unnamed mount target in /run/netns for {@link nameNetnsOnto}; the
 * caller owns the fd. Throws a SyscallError where the filesystem has no
 * O_TMPFILE (EOPNOTSUPP, or EISDIR on kernels without it).
 * @internal
 */
export function openMountTarget(): number {
  prepareRunDir();
  return libc.openUnnamedFile(NETNS_RUN_DIR);
}

/**
 * Names the namespace held open by `nsFd` as `ip netns attach` would, using
 * `targetFd` (from {@link openMountTarget}) as the file under /run/netns. The
 * target fd stays the caller's to close. NetnsExistsError when the name is
 * taken; if the target cannot be linked for any other reason (another mount
 * over /run/netns since it was opened: EXDEV), the file is created as
 * {@link nameNetns} does.
 * @internal
 */
export function nameNetnsOnto(name: string, nsFd: number, targetFd: number): void {
  const path = netnsPath(name);
  try {
    libc.linkOpenFile(targetFd, path);
  } catch (error) {
    if (error instanceof SyscallError && error.code === 'EEXIST') throw new NetnsExistsError(name, path);
    log('linking a prepared mount target for %s failed (%s); creating one', name, (error as Error).message);
    nameNetns(name, nsFd);
    return;
  }
  mountNetnsAt(path, nsFd);
  log('named %s (fd %d, prepared target)', name, nsFd);
}
