// The bpf(2) system call, for what traffic control needs of it: loading a
// small program, pinning it, opening a pinned object, and asking a program
// fd for its type, id, tag and name. Layouts are union bpf_attr and struct
// bpf_prog_info of <linux/bpf.h>, identical on x86_64 and arm64.
import { readlinkSync } from 'node:fs';
import koffi from 'koffi';
import { SyscallError } from './errors.js';
import { close } from './libc.js';

/** bpf(2)'s number per architecture: glibc has no wrapper, so it goes through syscall(2). */
const SYSCALL_NUMBERS: Partial<Record<string, number>> = { x64: 321, arm64: 280 };

// The commands of enum bpf_cmd used here.
const BPF_MAP_CREATE = 0;
const BPF_PROG_LOAD = 5;
const BPF_OBJ_PIN = 6;
const BPF_OBJ_GET = 7;
const BPF_PROG_GET_FD_BY_ID = 13;
const BPF_OBJ_GET_INFO_BY_FD = 15;

const COMMAND_NAMES: Record<number, string> = {
  [BPF_MAP_CREATE]: 'BPF_MAP_CREATE', [BPF_PROG_LOAD]: 'BPF_PROG_LOAD', [BPF_OBJ_PIN]: 'BPF_OBJ_PIN',
  [BPF_OBJ_GET]: 'BPF_OBJ_GET', [BPF_PROG_GET_FD_BY_ID]: 'BPF_PROG_GET_FD_BY_ID', [BPF_OBJ_GET_INFO_BY_FD]: 'BPF_OBJ_GET_INFO_BY_FD',
};

/** BPF_PROG_TYPE_SCHED_CLS: a tc classifier (`tc filter ... bpf`). */
export const BPF_PROG_TYPE_SCHED_CLS = 3;
/** BPF_PROG_TYPE_SCHED_ACT: a tc action (`action bpf`). */
export const BPF_PROG_TYPE_SCHED_ACT = 4;
/** BPF_MAP_TYPE_ARRAY. */
export const BPF_MAP_TYPE_ARRAY = 2;
/** BPF_OBJ_GET flag: open the pinned object read-only. */
export const BPF_F_RDONLY = 1 << 3;
/** BPF_OBJ_GET flag: open the pinned object write-only. */
export const BPF_F_WRONLY = 1 << 4;

/** BPF_OBJ_NAME_LEN: names of programs and maps, NUL included. */
const OBJ_NAME_LEN = 16;
/** sizeof(struct bpf_insn). */
const INSN_LEN = 8;
/** EACCES and EINVAL: the verifier refused the program; the log says why. */
const EACCES = 13;
const EINVAL = 22;
/** What a call nlkit cannot make on this architecture fails with. */
const ENOSYS = 38;
const VERIFIER_LOG_SIZE = 64 * 1024;

const libc = koffi.load('libc.so.6');
// syscall(2) is variadic; on Linux (x86_64 and arm64) variadic arguments are
// passed like named ones, so one fixed prototype serves every bpf command.
const sys = libc.func('syscall', 'long', ['long', 'int', 'void *', 'uint32_t']);

function syscallNumber(): number {
  const nr = SYSCALL_NUMBERS[process.arch];
  if (nr === undefined) throw new SyscallError('bpf', ENOSYS, `on ${process.arch} (nlkit knows its syscall number only on x64 and arm64)`);
  return nr;
}

function bpf(cmd: number, attr: Buffer, target: string): number {
  const result = Number(sys(syscallNumber(), cmd, attr, attr.length));
  if (result < 0) throw new SyscallError(`bpf ${COMMAND_NAMES[cmd]}`, koffi.errno(), target);
  return result;
}

function cString(s: string): Buffer {
  return Buffer.from(`${s}\0`, 'utf8');
}

function name16(name: string, into: Buffer, at: number): void {
  into.write(name, at, OBJ_NAME_LEN - 1, 'utf8');
}

/** What {@link bpfProgLoad} loads. */
export interface BpfProgramLoad {
  /** enum bpf_prog_type, e.g. {@link BPF_PROG_TYPE_SCHED_CLS}. */
  type: number;
  /** The instructions, struct bpf_insn after struct bpf_insn (8 bytes each, host order). */
  instructions: Buffer;
  /** The license string; helpers marked GPL-only need a GPL-compatible one. */
  license: string;
  /** The program's name (at most 15 bytes: [A-Za-z0-9_.]), shown by `bpftool` and `tc`. */
  name?: string;
}

/**
 * BPF_PROG_LOAD: loads and verifies a program and returns its fd (close-on-exec).
 * When the verifier refuses it, the SyscallError's target carries the verifier log.
 */
export function bpfProgLoad(program: BpfProgramLoad): number {
  const license = cString(program.license);
  // union bpf_attr, BPF_PROG_LOAD part: up to expected_attach_type.
  const attr = Buffer.alloc(72);
  attr.writeUInt32LE(program.type, 0);
  attr.writeUInt32LE(program.instructions.length / INSN_LEN, 4);
  attr.writeBigUInt64LE(koffi.address(program.instructions), 8);
  attr.writeBigUInt64LE(koffi.address(license), 16);
  if (program.name) name16(program.name, attr, 48);
  const target = `program ${JSON.stringify(program.name ?? '')}`;
  try {
    return bpf(BPF_PROG_LOAD, attr, target);
  } catch (e) {
    if (!(e instanceof SyscallError) || (e.errno !== EACCES && e.errno !== EINVAL)) throw e;
    // Again with the verifier's log, which is the only way to learn what it disliked.
    const log = Buffer.alloc(VERIFIER_LOG_SIZE);
    attr.writeUInt32LE(1, 24);
    attr.writeUInt32LE(log.length, 28);
    attr.writeBigUInt64LE(koffi.address(log), 32);
    const fd = Number(sys(syscallNumber(), BPF_PROG_LOAD, attr, attr.length));
    if (fd >= 0) return fd;
    const errno = koffi.errno();
    const text = log.toString('utf8', 0, Math.max(0, log.indexOf(0))).trim();
    throw new SyscallError('bpf BPF_PROG_LOAD', errno, text ? `${target} (verifier: ${text.replace(/\s*\n\s*/g, '; ')})` : target);
  }
}

/** BPF_OBJ_PIN: pins the program or map behind `fd` at `path` on a bpf filesystem. */
export function bpfObjPin(fd: number, path: string): void {
  const pathname = cString(path);
  const attr = Buffer.alloc(16);
  attr.writeBigUInt64LE(koffi.address(pathname), 0);
  attr.writeUInt32LE(fd, 8);
  bpf(BPF_OBJ_PIN, attr, path);
}

/** BPF_OBJ_GET: opens the object pinned at `path` (flags 0, {@link BPF_F_RDONLY} or {@link BPF_F_WRONLY}); returns its fd. */
export function bpfObjGet(path: string, flags = 0): number {
  const pathname = cString(path);
  const attr = Buffer.alloc(16);
  attr.writeBigUInt64LE(koffi.address(pathname), 0);
  attr.writeUInt32LE(flags, 12);
  return bpf(BPF_OBJ_GET, attr, path);
}

/** BPF_PROG_GET_FD_BY_ID: opens the loaded program with this id (needs CAP_SYS_ADMIN); returns its fd. */
export function bpfProgGetFdById(id: number): number {
  const attr = Buffer.alloc(12);
  attr.writeUInt32LE(id, 0);
  return bpf(BPF_PROG_GET_FD_BY_ID, attr, `program id ${id}`);
}

/** BPF_MAP_CREATE of a plain map (no flags, no name); returns its fd. */
export function bpfMapCreate(type: number, keySize: number, valueSize: number, maxEntries: number): number {
  const attr = Buffer.alloc(20);
  attr.writeUInt32LE(type, 0);
  attr.writeUInt32LE(keySize, 4);
  attr.writeUInt32LE(valueSize, 8);
  attr.writeUInt32LE(maxEntries, 12);
  return bpf(BPF_MAP_CREATE, attr, `map type ${type}`);
}

/** What the kernel says of a loaded program (the head of struct bpf_prog_info). */
export interface BpfProgInfo {
  /** enum bpf_prog_type. */
  type: number;
  /** The program's id, unique while it is loaded (`tc` prints it as `id`). */
  id: number;
  /** The hash of its instructions, 16 hex digits (`tc` prints it as `tag`). */
  tag: string;
  /** The name it was loaded with; empty when none. */
  name: string;
  /** Whether the JIT compiled it (jited_prog_len is not 0). */
  jited: boolean;
  /** When it was loaded, in nanoseconds since boot (CLOCK_BOOTTIME). */
  loadTime: bigint;
  /** The uid that loaded it. */
  createdByUid: number;
}

/** struct bpf_prog_info up to and including name[16]. */
const PROG_INFO_LEN = 80;

/** BPF_OBJ_GET_INFO_BY_FD on a program fd (see {@link bpfObjectType} to know it is one). */
export function bpfProgInfo(fd: number): BpfProgInfo {
  const info = Buffer.alloc(PROG_INFO_LEN);
  const attr = Buffer.alloc(16);
  attr.writeUInt32LE(fd, 0);
  attr.writeUInt32LE(info.length, 4);
  attr.writeBigUInt64LE(koffi.address(info), 8);
  bpf(BPF_OBJ_GET_INFO_BY_FD, attr, `fd ${fd}`);
  const end = info.indexOf(0, 64);
  return {
    type: info.readUInt32LE(0),
    id: info.readUInt32LE(4),
    tag: info.toString('hex', 8, 16),
    name: info.toString('utf8', 64, end < 0 || end > 64 + OBJ_NAME_LEN ? 64 + OBJ_NAME_LEN : end),
    jited: info.readUInt32LE(16) !== 0,
    loadTime: info.readBigUInt64LE(40),
    createdByUid: info.readUInt32LE(48),
  };
}

/**
 * What kind of bpf object an fd refers to: 'prog', 'map', 'link', ... (the
 * kernel names its anonymous inodes `bpf-prog`, `bpf-map`, `bpf_link`), or
 * undefined when the fd is no bpf object. BPF_OBJ_GET_INFO_BY_FD would answer
 * for any of them, each with its own struct, so this is asked first.
 */
export function bpfObjectType(fd: number): string | undefined {
  let link: string;
  try {
    link = readlinkSync(`/proc/self/fd/${fd}`);
  } catch (e) {
    // Node reports libuv's negative errno.
    throw new SyscallError('readlink', Math.abs((e as NodeJS.ErrnoException).errno ?? EINVAL), `/proc/self/fd/${fd}`);
  }
  const m = /^anon_inode:bpf[-_](\w+)$/.exec(link);
  return m ? m[1] : undefined;
}

/** Closes an fd this module returned. */
export function closeBpfObject(fd: number): void {
  close(fd);
}
