import { ERRNO_NAMES } from '../generated/errno.js';

/** Name of an errno value (`EEXIST`), or `E<number>` when the value is unknown. */
export function errnoName(errno: number): string {
  return ERRNO_NAMES[errno] ?? `E${errno}`;
}

const EPERM = 1;
const EACCES = 13;

/** Namespace and mount calls need CAP_SYS_ADMIN; everything netlink changes needs CAP_NET_ADMIN. */
const CAPABILITY_OF: Record<string, string> = {
  setns: 'CAP_SYS_ADMIN (entering a network namespace)',
  unshare: 'CAP_SYS_ADMIN (creating a network namespace)',
  mount: 'CAP_SYS_ADMIN (mounts under /run/netns)',
  umount2: 'CAP_SYS_ADMIN (mounts under /run/netns)',
  setsockopt: 'CAP_NET_ADMIN (SO_RCVBUFFORCE/SO_SNDBUFFORCE above the sysctl limits)',
  ioctl: 'CAP_NET_ADMIN',
};

/** What to grant when a call is refused for lack of privilege; empty otherwise. */
export function permissionHint(syscall: string, errno: number): string {
  if (errno !== EPERM && errno !== EACCES) return '';
  const capability = CAPABILITY_OF[syscall];
  return capability ? ` (needs ${capability}; run as root or grant the capability)` : '';
}

/** A failed system call: which call, on what, and the errno it set. */
export class SyscallError extends Error {
  /** Always `'SyscallError'`. */
  override readonly name = 'SyscallError';
  /** errno name, e.g. `ENOENT`; same convention as Node's own `err.code`. */
  readonly code: string;
  constructor(
    /** The libc function that failed, e.g. `setns`, `mount`, `sendmsg`. */
    readonly syscall: string,
    /** The positive errno value the call set (2 for ENOENT); `code` is its name. */
    readonly errno: number,
    /** What the call was applied to (a path, a namespace name, an fd). */
    readonly target?: string,
  ) {
    super(`${syscall}${target === undefined ? '' : ` ${target}`} failed: ${errnoName(errno)}${permissionHint(syscall, errno)}`);
    this.code = errnoName(errno);
  }
}
