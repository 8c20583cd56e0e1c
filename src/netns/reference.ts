import { statSync } from 'node:fs';
import { InvalidArgumentError } from '../netlink/addresses.js';
import { describeValue, requireInteger, requireNonEmptyString } from '../netlink/checks.js';
import { SyscallError } from '../sys/errors.js';
import * as libc from '../sys/libc.js';
import { NetnsNotFoundError } from './errors.js';
import { NETNS_RUN_DIR, netnsPath, validateNetnsName } from './names.js';

/**
 * A network namespace, named the ways `ip` accepts: a name under /run/netns
 * (`'pod1'` or `{ name }`), a path to an nsfs file, a process id, or an open fd.
 */
export type NetnsRef =
  | string
  | {
    /** Name under /run/netns, as in `ip netns exec NAME`. */
    name: string;
  }
  | {
    /** Path to an nsfs file, e.g. `/proc/1234/ns/net` or a bind mount of one. */
    path: string;
  }
  | {
    /** Process whose namespace is meant (`/proc/PID/ns/net`), as in `ip link set ... netns PID`. */
    pid: number;
  }
  | {
    /** An already open namespace fd; it stays owned by the caller and is never closed here. */
    fd: number;
  };

/** An open namespace fd. `close()` releases it unless the caller supplied the fd. */
export interface NetnsHandle {
  /** The open nsfs file descriptor, usable with setns(2) or as IFLA_NET_NS_FD. */
  readonly fd: number;
  /** Human-readable origin, for errors and logs. */
  readonly label: string;
  /** Closes the fd if this handle opened it; idempotent, and a no-op for a caller-supplied `{ fd }`. */
  close(): void;
}

const REF_FORMS = "a namespace reference (a name like 'pod1', { name }, { path }, { pid } or { fd })";

/**
 * Checks the shape of a namespace reference (or an open NetnsHandle, which
 * has an fd) without opening anything; the message names `what`.
 */
export function validateNetnsRef(ref: unknown, what = 'netns'): NetnsRef {
  if (typeof ref === 'string') {
    validateNetnsName(ref, what);
    return ref;
  }
  if (ref === null || typeof ref !== 'object' || Array.isArray(ref)) {
    throw new InvalidArgumentError(`${what} must be ${REF_FORMS}, got ${describeValue(ref)}`);
  }
  const object = ref as Record<string, unknown>;
  if ('name' in object) validateNetnsName(object.name, `${what}.name`);
  else if ('path' in object) {
    // A path goes to open(2) as a C string: a NUL would silently cut it short.
    if (requireNonEmptyString(object.path, `${what}.path`).includes('\0')) throw new InvalidArgumentError(`${what}.path must not contain NUL bytes`);
  }
  else if ('pid' in object) {
    const pid = object.pid;
    if (typeof pid !== 'number' || !Number.isInteger(pid) || pid < 1 || pid > 0x7fffffff) throw new InvalidArgumentError(`${what}.pid must be a positive integer, got ${describeValue(pid)}`);
  } else if ('fd' in object) requireInteger(object.fd, `${what}.fd`, 0, 0x7fffffff);
  else throw new InvalidArgumentError(`${what} must be ${REF_FORMS}, got an object with none of these fields`);
  return ref as NetnsRef;
}

/** How a namespace reference reads in messages; never throws, whatever it is given. */
export function describeNetns(ref: NetnsRef): string {
  if (typeof ref === 'string') return `netns ${ref}`;
  if (ref === null || typeof ref !== 'object') return `netns ${describeValue(ref)}`;
  if ('name' in ref) return `netns ${ref.name}`;
  if ('path' in ref) return `netns path ${ref.path}`;
  if ('pid' in ref) return `netns of pid ${ref.pid}`;
  if ('fd' in ref) return `netns fd ${ref.fd}`;
  return 'netns (unknown reference)';
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
  return ownedNetnsHandle(fd, label);
}

/**
 * A handle that owns `fd` (an open nsfs file, e.g. one a namespace pool
 * made) and closes it once, on the first `close()`.
 * @internal
 */
export function ownedNetnsHandle(fd: number, label: string): NetnsHandle {
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
export function openNetns(ref: NetnsRef, what = 'netns'): NetnsHandle {
  validateNetnsRef(ref, what);
  if (typeof ref === 'string') return openPath(netnsPath(ref), `netns ${ref}`, ref);
  if ('name' in ref) return openPath(netnsPath(ref.name), `netns ${ref.name}`, ref.name);
  if ('path' in ref) return openPath(ref.path, `netns path ${ref.path}`);
  if ('pid' in ref) return openPath(`/proc/${ref.pid}/ns/net`, `netns of pid ${ref.pid}`);
  // The caller owns this fd; closing the handle must not close it.
  return { fd: ref.fd, label: `netns fd ${ref.fd}`, close() {} };
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
