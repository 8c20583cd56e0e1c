// eBPF programs as tc uses them: opened from a pinned path on a bpf
// filesystem, or loaded from instructions and pinned, each held as an fd that
// its owner closes.
import { InvalidArgumentError } from '../../../netlink/addresses.js';
import { describeValue, jsonOf, requireBoolean, requireObject, requireOneOf, requireString } from '../../../netlink/checks.js';
import { checkKeys } from '../../keys.js';
import {
  BPF_F_RDONLY, BPF_PROG_TYPE_SCHED_ACT, BPF_PROG_TYPE_SCHED_CLS, bpfObjectType, bpfObjGet, bpfObjPin, bpfProgInfo, bpfProgLoad, closeBpfObject,
} from '../../../sys/bpf.js';

/** The program types a tc filter (`sched_cls`) or a tc bpf action (`sched_act`) runs. */
export type BpfProgramType = 'sched_cls' | 'sched_act';

const PROGRAM_TYPES: Record<BpfProgramType, number> = { sched_cls: BPF_PROG_TYPE_SCHED_CLS, sched_act: BPF_PROG_TYPE_SCHED_ACT };

/** A loaded eBPF program held open by an fd; `close()` gives the fd back (the program lives on while pinned or attached). */
export interface BpfProgram {
  /** The fd to hand to a bpf filter spec (`fd`); -1 once closed. */
  readonly fd: number;
  /** The program's id, as `tc -j` prints it (`prog.id`). */
  readonly id: number;
  /** The hash of its instructions, 16 hex digits (`prog.tag`). */
  readonly tag: string;
  /** The name it was loaded with (`prog.name`); empty when none. */
  readonly name: string;
  /** enum bpf_prog_type: 3 is BPF_PROG_TYPE_SCHED_CLS, what tc filters run. */
  readonly type: number;
  /** Pins the program at `path` on a bpf filesystem (BPF_OBJ_PIN), so it outlives this fd. */
  pin(path: string): void;
  /** Closes the fd; later calls do nothing. */
  close(): void;
}

/** What {@link loadBpfProgram} loads. */
export interface BpfProgramSpec {
  /** The instructions, struct bpf_insn after struct bpf_insn (8 bytes each, little-endian on x86_64 and arm64). */
  instructions: Buffer;
  /** The program's name, up to 15 of [A-Za-z0-9_.]. */
  name?: string;
  /** 'sched_cls' (the default: a tc classifier) or 'sched_act'. */
  type?: BpfProgramType;
  /** The license the program is under; 'GPL' (the default) allows every helper. */
  license?: string;
}

/** Options of {@link openPinnedBpfProgram}. */
export interface OpenPinnedBpfProgramOptions {
  /** Open with BPF_F_RDONLY (enough to attach it; needs only read permission on the pin). */
  readOnly?: boolean;
}

/** BPF_MAXINSNS for a privileged loader. */
const MAX_INSNS = 1_000_000;
const NAME_PATTERN = /^[A-Za-z0-9_.]{0,15}$/;

/** A pinned path as the kernel takes it: absolute, and a C string. */
export function requirePinnedPath(value: unknown, what: string): string {
  const path = requireString(value, what);
  if (!path.startsWith('/')) throw new InvalidArgumentError(`${what} must be an absolute path on a bpf filesystem (e.g. /sys/fs/bpf/tc/prog), got ${jsonOf(path)}`);
  if (path.includes('\0')) throw new InvalidArgumentError(`${what} must not contain NUL, got ${jsonOf(path)}`);
  return path;
}

function holdProgram(fd: number): BpfProgram {
  const info = bpfProgInfo(fd);
  let open = fd;
  return {
    get fd() {
      return open;
    },
    id: info.id,
    tag: info.tag,
    name: info.name,
    type: info.type,
    pin(path: string) {
      const where = requirePinnedPath(path, 'bpf program pin path');
      if (open < 0) throw new InvalidArgumentError(`bpf program ${info.id} is closed; it can no longer be pinned through this handle`);
      bpfObjPin(open, where);
    },
    close() {
      if (open < 0) return;
      const fd = open;
      open = -1;
      closeBpfObject(fd);
    },
  };
}

/** Runs `make` on a fresh fd, closing the fd when `make` throws. */
function owning<T>(fd: number, make: (fd: number) => T): T {
  try {
    return make(fd);
  } catch (e) {
    closeBpfObject(fd);
    throw e;
  }
}

/**
 * Opens the eBPF program pinned at `path` (BPF_OBJ_GET), as `tc filter add …
 * bpf pinned PATH` does. A path that does not exist fails with a SyscallError
 * (ENOENT) naming it; a pinned map or link is refused with an
 * InvalidArgumentError. The caller closes the returned program.
 */
export function openPinnedBpfProgram(path: string, options: OpenPinnedBpfProgramOptions = {}): BpfProgram {
  const where = requirePinnedPath(path, 'pinned bpf program path');
  const o = requireObject<Record<string, unknown>>(options, 'openPinnedBpfProgram options', '{ readOnly: true }');
  checkKeys(o, new Set(['readOnly']), 'openPinnedBpfProgram options');
  const readOnly = o.readOnly === undefined ? false : requireBoolean(o.readOnly, 'openPinnedBpfProgram readOnly');
  return owning(bpfObjGet(where, readOnly ? BPF_F_RDONLY : 0), (fd) => {
    const kind = bpfObjectType(fd);
    if (kind !== 'prog') throw new InvalidArgumentError(`${where} is ${kind ? `a pinned bpf ${kind}` : 'no bpf object'}, not a program`);
    return holdProgram(fd);
  });
}

/**
 * Loads an eBPF program (BPF_PROG_LOAD), e.g. a tc classifier of a few
 * instructions; the verifier's log comes with a refusal. The caller closes
 * the returned program (after pinning it or attaching it, if it should stay).
 */
export function loadBpfProgram(spec: BpfProgramSpec): BpfProgram {
  const s = requireObject<Record<string, unknown>>(spec, 'bpf program spec', "{ instructions: Buffer.from('b7000000000000009500000000000000', 'hex'), name: 'pass' }");
  checkKeys(s, new Set(['instructions', 'name', 'type', 'license']), 'bpf program spec');
  if (!Buffer.isBuffer(s.instructions)) throw new InvalidArgumentError(`bpf program instructions must be a Buffer of 8-byte struct bpf_insn, got ${describeValue(s.instructions)}`);
  const instructions = s.instructions;
  if (instructions.length === 0 || instructions.length % 8 !== 0 || instructions.length / 8 > MAX_INSNS) {
    throw new InvalidArgumentError(`bpf program instructions must be 1 to ${MAX_INSNS} instructions of 8 bytes, got ${instructions.length} bytes`);
  }
  const name = s.name === undefined ? '' : requireString(s.name, 'bpf program name');
  if (!NAME_PATTERN.test(name)) throw new InvalidArgumentError(`bpf program name must be at most 15 of [A-Za-z0-9_.], got ${jsonOf(name)}`);
  const type = PROGRAM_TYPES[s.type === undefined ? 'sched_cls' : requireOneOf(s.type, 'bpf program type', ['sched_cls', 'sched_act'])];
  const license = s.license === undefined ? 'GPL' : requireString(s.license, 'bpf program license');
  if (license.includes('\0')) throw new InvalidArgumentError('bpf program license must not contain NUL');
  return owning(bpfProgLoad({ type, instructions, license, name }), holdProgram);
}
