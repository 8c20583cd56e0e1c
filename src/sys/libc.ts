// The only module in nlkit that talks to koffi. Everything above works with
// plain numbers and Buffers; every failure surfaces as a SyscallError.
import koffi from 'koffi';
import { SyscallError } from './errors.js';
import {
  AF_NETLINK, AT_FDCWD, AT_SYMLINK_FOLLOW, MNT_DETACH, MSG_DONTWAIT, O_CLOEXEC, O_CREAT, O_EXCL, O_RDONLY, O_RDWR, O_TMPFILE,
  SIOCGSKNS, SOCK_CLOEXEC, SOCK_RAW, SOL_NETLINK, SOL_SOCKET, TUNSETGROUP, TUNSETIFF, TUNSETOWNER, TUNSETPERSIST,
} from './constants.js';

const libc = koffi.load('libc.so.6');

// Pointers are declared as `void *` so Buffers pass through without copies.
const c = {
  socket: libc.func('int socket(int, int, int)'),
  bind: libc.func('int bind(int, void *, uint32_t)'),
  getsockname: libc.func('int getsockname(int, void *, void *)'),
  setsockopt: libc.func('int setsockopt(int, int, int, void *, uint32_t)'),
  getsockopt: libc.func('int getsockopt(int, int, int, void *, void *)'),
  send: libc.func('intptr_t send(int, void *, size_t, int)'),
  recv: libc.func('intptr_t recv(int, void *, size_t, int)'),
  recvmsg: libc.func('intptr_t recvmsg(int, void *, int)'),
  recvmmsg: libc.func('int recvmmsg(int, void *, unsigned int, int, void *)'),
  close: libc.func('int close(int)'),
  open: libc.func('int open(const char *, int, uint32_t)'),
  linkat: libc.func('int linkat(int, const char *, int, const char *, int)'),
  setns: libc.func('int setns(int, int)'),
  unshare: libc.func('int unshare(int)'),
  mount: libc.func('int mount(const char *, const char *, const char *, unsigned long, void *)'),
  umount2: libc.func('int umount2(const char *, int)'),
  gettid: libc.func('int gettid(void)'),
  poll: libc.func('int poll(void *, unsigned long, int)'),
  // ioctl is variadic; on Linux (x86_64 and arm64) a variadic argument is passed
  // like a named one, so two fixed prototypes cover the pointer and the integer forms.
  ioctlPointer: libc.func('ioctl', 'int', ['int', 'unsigned long', 'void *']),
  ioctlValue: libc.func('ioctl', 'int', ['int', 'unsigned long', 'unsigned long']),
};

function check(result: number, syscall: string, target?: string | number): number {
  // A number is an fd: its label is only built when there is an error to report.
  if (result < 0) throw new SyscallError(syscall, koffi.errno(), typeof target === 'number' ? `fd ${target}` : target);
  return result;
}

const intBox = Buffer.alloc(4);
const lenBox = Buffer.alloc(4);

/** Opens a close-on-exec raw netlink socket of the given protocol in the calling thread's namespace. */
export function netlinkSocket(protocol: number): number {
  return check(c.socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, protocol), 'socket', `netlink protocol ${protocol}`);
}

/** Binds a netlink socket to an automatically assigned port id and returns that port id. */
export function bindNetlink(fd: number, groups = 0): number {
  const sa = Buffer.alloc(12);
  sa.writeUInt16LE(AF_NETLINK, 0);
  sa.writeUInt32LE(groups >>> 0, 8);
  check(c.bind(fd, sa, 12), 'bind', `fd ${fd}`);
  lenBox.writeUInt32LE(12, 0);
  check(c.getsockname(fd, sa, lenBox), 'getsockname', `fd ${fd}`);
  return sa.readUInt32LE(4);
}

export function setIntOption(fd: number, level: number, option: number, value: number): void {
  intBox.writeInt32LE(value, 0);
  check(c.setsockopt(fd, level, option, intBox, 4), 'setsockopt', `fd ${fd} level ${level} option ${option}`);
}

export function getIntOption(fd: number, level: number, option: number): number {
  lenBox.writeUInt32LE(4, 0);
  check(c.getsockopt(fd, level, option, intBox, lenBox), 'getsockopt', `fd ${fd} level ${level} option ${option}`);
  return intBox.readInt32LE(0);
}

/** Sets a socket buffer size, trying the root-only FORCE variant first so rmem_max does not cap it. */
export function setBufferSize(fd: number, forceOption: number, option: number, bytes: number): void {
  try {
    setIntOption(fd, SOL_SOCKET, forceOption, bytes);
  } catch {
    setIntOption(fd, SOL_SOCKET, option, bytes);
  }
}

/** send(2) of `length` bytes from the start of `buf`; returns the byte count sent. */
export function send(fd: number, buf: Buffer, length: number): number {
  return check(c.send(fd, buf, length, 0), 'send', fd);
}

/**
 * send(2) on a Koffi worker thread, for requests the kernel may take long to
 * process (rtnetlink does its work inside the send call).
 */
export function sendAsync(fd: number, buf: Buffer, length: number): Promise<number> {
  return new Promise((resolve, reject) => {
    c.send.async(fd, buf, length, 0, (err: unknown, result: number) => {
      if (err) return reject(err);
      // Koffi carries the worker's errno back with the completion.
      if (result < 0) return reject(new SyscallError('send', koffi.errno(), `fd ${fd}`));
      resolve(result);
    });
  });
}

/**
 * recv(2) into `buf`. Returns the datagram's full length (MSG_TRUNC semantics),
 * which exceeds `buf.length` when the datagram did not fit, or -1 when
 * `dontWait` is set and nothing is queued.
 */
export function recv(fd: number, buf: Buffer, flags: number): number {
  const n = c.recv(fd, buf, buf.length, flags);
  if (n < 0) {
    const errno = koffi.errno();
    if (errno === 11 && (flags & MSG_DONTWAIT) !== 0) return -1;
    throw new SyscallError('recv', errno, `fd ${fd}`);
  }
  return n;
}

export function close(fd: number): void {
  check(c.close(fd), 'close', fd);
}

/** close(2) whose failure is of no use to the caller (an fd being dropped on a path that has an error of its own to report). */
export function closeQuietly(fd: number): void {
  c.close(fd);
}

/** Opens a path read-only and close-on-exec (namespace files, /proc entries). */
export function openReadOnly(path: string): number {
  return check(c.open(path, O_RDONLY | O_CLOEXEC, 0), 'open', path);
}

/** Creates an empty file exclusively (the bind-mount target of a named namespace). */
export function createExclusive(path: string): number {
  return check(c.open(path, O_RDONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0), 'open', path);
}

/**
 * Opens an unnamed, empty file in `directory` (O_TMPFILE): its inode is
 * allocated now, its name given later by {@link linkOpenFile}, and it vanishes
 * with its fd if it never gets one.
 */
export function openUnnamedFile(directory: string): number {
  // O_TMPFILE needs write access; mode 0 as ip netns gives its mount points.
  return check(c.open(directory, O_TMPFILE | O_RDWR | O_CLOEXEC, 0), 'open O_TMPFILE', directory);
}

/** Gives the open file `fd` the name `path` (linkat(2)); EEXIST when the name is taken. */
export function linkOpenFile(fd: number, path: string): void {
  check(c.linkat(AT_FDCWD, `/proc/self/fd/${fd}`, AT_FDCWD, path, AT_SYMLINK_FOLLOW), 'linkat', path);
}

export function setns(fd: number, nstype: number, target?: string): void {
  check(c.setns(fd, nstype), 'setns', target ?? `fd ${fd}`);
}

export function unshare(flags: number): void {
  check(c.unshare(flags), 'unshare', `flags 0x${flags.toString(16)}`);
}

export function mount(source: string | null, target: string, fstype: string | null, flags: number): void {
  check(c.mount(source, target, fstype, flags, null), 'mount', target);
}

export function umountDetach(target: string): void {
  check(c.umount2(target, MNT_DETACH), 'umount2', target);
}

export function gettid(): number {
  return c.gettid();
}

const POLLIN = 0x1;
const EINTR = 4;
/** pollfd entries reused across calls (poll runs on this thread only); grown when more fds are asked for. */
let pollBox = Buffer.alloc(16);
const oneFd: number[] = [0];

/**
 * Blocks the calling thread until `fd` is readable or `timeoutMs` passes
 * (negative: no limit); returns false on timeout. Error and hang-up
 * conditions count as readable so that the following recv reports them.
 */
export function pollReadable(fd: number, timeoutMs: number): boolean {
  oneFd[0] = fd;
  return pollAnyReadable(oneFd, timeoutMs);
}

/**
 * Blocks until any of `fds` is readable or `timeoutMs` passes (negative: no
 * limit); returns false on timeout. For a monitor's two sockets.
 */
export function pollAnyReadable(fds: readonly number[], timeoutMs: number): boolean {
  if (fds.length === 0) return false;
  if (pollBox.length < 8 * fds.length) pollBox = Buffer.alloc(8 * fds.length);
  const box = pollBox;
  const deadline = timeoutMs < 0 ? Infinity : Date.now() + timeoutMs;
  for (;;) {
    for (let i = 0; i < fds.length; i++) {
      box.writeInt32LE(fds[i]!, 8 * i);
      box.writeInt16LE(POLLIN, 8 * i + 4);
      box.writeInt16LE(0, 8 * i + 6);
    }
    const wait = deadline === Infinity ? -1 : Math.max(0, Math.min(0x7fffffff, deadline - Date.now()));
    const n = c.poll(box, fds.length, wait);
    if (n > 0) return true;
    if (n === 0) return false;
    const errno = koffi.errno();
    if (errno !== EINTR) throw new SyscallError('poll', errno, fds.length === 1 ? `fd ${fds[0]}` : `fds ${fds.join(', ')}`);
  }
}

/** A readiness watch on the libuv loop; `close()` stops it at once (before the fd may be closed). */
export interface ReadableWatch {
  close(): void;
}

/**
 * Calls `onReadable` once, on the event loop, when `fd` becomes readable.
 * The watch must be closed before the fd is: libuv aborts the process when a
 * closed fd number is reused by another watch.
 */
export function watchReadable(fd: number, onReadable: () => void): ReadableWatch {
  let closed = false;
  const handle = koffi.node.poll(fd, { readable: true }, () => {
    if (closed) return;
    closed = true;
    handle.close();
    onReadable();
  });
  return {
    close() {
      if (closed) return;
      closed = true;
      handle.close();
    },
  };
}

/** NETLINK_LISTEN_ALL_NSID: the option, and the control message type carrying the source nsid. */
const NETLINK_LISTEN_ALL_NSID = 8;
/** struct msghdr, struct iovec and one cmsghdr + int, as laid out on 64-bit Linux. */
const MSGHDR_SIZE = 56;
const CMSG_HEADER_SIZE = 16;
const CONTROL_SIZE = 64;

// Synchronous calls on one thread: the headers can be shared.
const recvmsgBoxes = { msg: Buffer.alloc(MSGHDR_SIZE), iov: Buffer.alloc(16), control: Buffer.alloc(CONTROL_SIZE) };

/** A datagram read with recvmsg(2): its full length and the nsid of the namespace it came from, if the kernel said. */
export interface ReceivedDatagram {
  /** The datagram's full length (MSG_TRUNC semantics), or -1 when nothing was queued. */
  length: number;
  /** The source namespace's id in the receiver's namespace (NETLINK_LISTEN_ALL_NSID), when given. */
  nsid?: number;
}

/**
 * recvmsg(2) into `buf` with room for control messages, for sockets with
 * NETLINK_LISTEN_ALL_NSID: the kernel tells each notification's namespace in
 * a control message. `buf` must stay alive for the call (it is passed by address).
 */
export function recvWithNsid(fd: number, buf: Buffer, flags: number): ReceivedDatagram {
  const { msg, iov, control } = recvmsgBoxes;
  control.fill(0);
  iov.writeBigUInt64LE(koffi.address(buf), 0);
  iov.writeBigUInt64LE(BigInt(buf.length), 8);
  msg.writeBigUInt64LE(koffi.address(iov), 16);
  msg.writeBigUInt64LE(1n, 24);
  msg.writeBigUInt64LE(koffi.address(control), 32);
  msg.writeBigUInt64LE(BigInt(CONTROL_SIZE), 40);
  const n = Number(c.recvmsg(fd, msg, flags));
  if (n < 0) {
    const errno = koffi.errno();
    if (errno === 11 && (flags & MSG_DONTWAIT) !== 0) return { length: -1 };
    throw new SyscallError('recvmsg', errno, `fd ${fd}`);
  }
  const controlLength = Number(msg.readBigUInt64LE(40));
  let nsid: number | undefined;
  for (let at = 0; at + CMSG_HEADER_SIZE <= controlLength && at + CMSG_HEADER_SIZE <= CONTROL_SIZE;) {
    const length = Number(control.readBigUInt64LE(at));
    if (length < CMSG_HEADER_SIZE) break;
    if (control.readInt32LE(at + 8) === SOL_NETLINK && control.readInt32LE(at + 12) === NETLINK_LISTEN_ALL_NSID && length >= CMSG_HEADER_SIZE + 4) {
      nsid = control.readInt32LE(at + CMSG_HEADER_SIZE);
    }
    at += (length + 7) & ~7;
  }
  return nsid === undefined ? { length: n } : { length: n, nsid };
}

/** struct mmsghdr: a msghdr and the received length, padded to 64 bytes on 64-bit Linux. */
const MMSGHDR_SIZE = 64;
/** MSG_TRUNC in a received message's msg_flags: the datagram was longer than its slot. */
const MSG_FLAG_TRUNC = 0x20;

/** Where recvmmsg puts datagrams: `slots` buffers of `slotSize` bytes, and the headers describing them. */
export interface DatagramBatch {
  /** The slots, one after the other: datagram i starts at i * slotSize. */
  readonly buffer: Buffer;
  readonly slotSize: number;
  readonly slots: number;
  /** The mmsghdr array, pointing at the slots. */
  readonly headers: Buffer;
  /** The iovec array behind the headers (kept alive with them). */
  readonly iovecs: Buffer;
}

/** Allocates a batch of `slots` datagram buffers of `slotSize` bytes for {@link recvBatch}. */
export function datagramBatch(slots: number, slotSize: number): DatagramBatch {
  const buffer = Buffer.alloc(slots * slotSize);
  const headers = Buffer.alloc(slots * MMSGHDR_SIZE);
  const iovecs = Buffer.alloc(slots * 16);
  const base = koffi.address(buffer);
  const iovBase = koffi.address(iovecs);
  for (let i = 0; i < slots; i++) {
    iovecs.writeBigUInt64LE(base + BigInt(i * slotSize), 16 * i);
    iovecs.writeBigUInt64LE(BigInt(slotSize), 16 * i + 8);
    headers.writeBigUInt64LE(iovBase + BigInt(16 * i), MMSGHDR_SIZE * i + 16);
    headers.writeBigUInt64LE(1n, MMSGHDR_SIZE * i + 24);
  }
  return { buffer, slotSize, slots, headers, iovecs };
}

/**
 * recvmmsg(2) without blocking: reads up to `batch.slots` datagrams in one
 * system call and returns their lengths (-1 for one truncated by its slot);
 * an empty array when nothing is queued.
 */
export function recvBatch(fd: number, batch: DatagramBatch): number[] {
  // No reset of msg_flags: the kernel writes them for every datagram it returns.
  const n = c.recvmmsg(fd, batch.headers, batch.slots, MSG_DONTWAIT, null);
  if (n < 0) {
    const errno = koffi.errno();
    if (errno === 11) return [];
    throw new SyscallError('recvmmsg', errno, `fd ${fd}`);
  }
  const lengths: number[] = [];
  for (let i = 0; i < n; i++) {
    const truncated = (batch.headers.readInt32LE(MMSGHDR_SIZE * i + 48) & MSG_FLAG_TRUNC) !== 0;
    lengths.push(truncated ? -1 : batch.headers.readUInt32LE(MMSGHDR_SIZE * i + 56));
  }
  return lengths;
}

/** A readiness watch that stays armed; `close()` stops it at once (before the fd may be closed). */
export function watchReadableRepeatedly(fd: number, onReadable: () => void): ReadableWatch {
  let closed = false;
  const handle = koffi.node.poll(fd, { readable: true }, () => {
    if (!closed) onReadable();
  });
  return {
    close() {
      if (closed) return;
      closed = true;
      handle.close();
    },
  };
}

// Re-exported so callers check DONTWAIT results without importing constants twice.
export { MSG_DONTWAIT };

/** Opens /dev/net/tun read-write and close-on-exec; the fd creates devices in the calling thread's namespace. */
export function openTunDevice(): number {
  return check(c.open('/dev/net/tun', O_RDWR | O_CLOEXEC, 0), 'open', '/dev/net/tun');
}

/** sizeof(struct ifreq) and IFNAMSIZ. */
const IFREQ_LEN = 40;
const IFNAMSIZ = 16;

/**
 * TUNSETIFF: attaches `fd` to the tun/tap device `name` (IFF_* `flags` in
 * ifr_flags), creating it if absent. Returns the device's name as the kernel
 * wrote it back (a `tap%d` pattern becomes the name it chose).
 */
export function tunSetIff(fd: number, name: string, flags: number): string {
  const ifreq = Buffer.alloc(IFREQ_LEN);
  ifreq.write(name, 0, IFNAMSIZ - 1, 'utf8');
  ifreq.writeUInt16LE(flags, IFNAMSIZ);
  check(c.ioctlPointer(fd, TUNSETIFF, ifreq), 'ioctl TUNSETIFF', name);
  const end = ifreq.indexOf(0);
  return ifreq.toString('utf8', 0, end < 0 || end > IFNAMSIZ ? IFNAMSIZ : end);
}

/** TUNSETPERSIST: whether the device outlives the fds attached to it. */
export function tunSetPersist(fd: number, persist: boolean): void {
  check(c.ioctlValue(fd, TUNSETPERSIST, persist ? 1 : 0), 'ioctl TUNSETPERSIST', fd);
}

/** TUNSETOWNER: only this uid (and root) may attach to the device. */
export function tunSetOwner(fd: number, uid: number): void {
  check(c.ioctlValue(fd, TUNSETOWNER, uid), 'ioctl TUNSETOWNER', fd);
}

/** TUNSETGROUP: only this gid (and root) may attach to the device. */
export function tunSetGroup(fd: number, gid: number): void {
  check(c.ioctlValue(fd, TUNSETGROUP, gid), 'ioctl TUNSETGROUP', fd);
}

/** SIOCGSKNS: opens the network namespace a socket lives in; the caller closes the fd it returns. */
export function socketNetns(fd: number): number {
  return check(c.ioctlValue(fd, SIOCGSKNS, 0), 'ioctl SIOCGSKNS', fd);
}
