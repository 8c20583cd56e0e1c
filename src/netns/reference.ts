import { statSync } from 'node:fs';
import { InvalidArgumentError } from '../netlink/addresses.js';
import { SyscallError } from '../sys/errors.js';
import * as libc from '../sys/libc.js';
import { NetnsNotFoundError } from './errors.js';
import { NETNS_RUN_DIR, netnsPath } from './names.js';

/**
 * A network namespace, named the ways `ip` accepts: a name under /run/netns
 * (`'pod1'` or `{ name }`), a path to an nsfs file, a process id, or an open fd.
 */
export type NetnsRef = string | { name: string } | { path: string } | { pid: number } | { fd: number };

/** An open namespace fd. `close()` releases it unless the caller supplied the fd. */
export interface NetnsHandle {
  readonly fd: number;
  /** Human-readable origin, for errors and logs. */
  readonly label: string;
  close(): void;
}

export function describeNetns(ref: NetnsRef): string {
  if (typeof ref === 'string') return `netns ${ref}`;
  if ('name' in ref) return `netns ${ref.name}`;
  if ('path' in ref) return `netns path ${ref.path}`;
  if ('pid' in ref) return `netns of pid ${ref.pid}`;
  return `netns fd ${ref.fd}`;
}

function openPath(path: string, label: string, name?: string): NetnsHandle {
  let fd: number;
  try {
    fd = libc.openReadOnly(path);
  } catch (error) {
    if (error instanceof SyscallError && error.code === 'ENOENT') {
      if (name !== undefined) throw new NetnsNotFoundError(name, `${NETNS_RUN_DIR}/${name}`);
    }
    throw error;
  }
  let closed = false;
  return {
    fd,
    label,
    close() {
      if (!closed) {
        closed = true;
        libc.close(fd);
      }
    },
  };
}

/** Opens a namespace; the handle must be closed by the caller. */
export function openNetns(ref: NetnsRef): NetnsHandle {
  if (typeof ref === 'string') return openPath(netnsPath(ref), `netns ${ref}`, ref);
  if (ref === null || typeof ref !== 'object') throw new InvalidArgumentError(`a namespace reference must be a name, { name }, { path }, { pid } or { fd }; got ${String(ref)}`);
  if ('name' in ref) return openPath(netnsPath(ref.name), `netns ${ref.name}`, ref.name);
  if ('path' in ref) {
    if (typeof ref.path !== 'string' || ref.path === '') throw new InvalidArgumentError('namespace path must be a non-empty string');
    return openPath(ref.path, `netns path ${ref.path}`);
  }
  if ('pid' in ref) {
    if (!Number.isInteger(ref.pid) || ref.pid <= 0) throw new InvalidArgumentError(`pid must be a positive integer, got ${ref.pid}`);
    return openPath(`/proc/${ref.pid}/ns/net`, `netns of pid ${ref.pid}`);
  }
  if ('fd' in ref) {
    if (!Number.isInteger(ref.fd) || ref.fd < 0) throw new InvalidArgumentError(`fd must be a non-negative integer, got ${ref.fd}`);
    // The caller owns this fd; closing the handle must not close it.
    return { fd: ref.fd, label: `netns fd ${ref.fd}`, close() {} };
  }
  throw new InvalidArgumentError('a namespace reference needs one of name, path, pid or fd');
}

/** The inode that identifies a namespace (what `ip netns identify` compares). */
export function netnsInode(ref: NetnsRef | 'current'): number {
  if (ref === 'current') return statSync('/proc/thread-self/ns/net').ino;
  const handle = openNetns(ref);
  try {
    return statSync(`/proc/self/fd/${handle.fd}`).ino;
  } finally {
    handle.close();
  }
}
