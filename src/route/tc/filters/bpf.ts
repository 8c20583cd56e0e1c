// bpf: a classic BPF program (`bpf bytecode '1,6 0 0 4294967295'`), a loaded
// eBPF program by fd, or one pinned on a bpf filesystem (`bpf pinned PATH`,
// opened just before the request and closed after it), as f_bpf.c sends them.
import { basename } from 'node:path';
import {
  TCA_BPF_ACT, TCA_BPF_CLASSID, TCA_BPF_FD, TCA_BPF_FLAG_ACT_DIRECT, TCA_BPF_FLAGS, TCA_BPF_FLAGS_GEN, TCA_BPF_NAME, TCA_BPF_OPS, TCA_BPF_OPS_LEN,
  TCA_BPF_ID, TCA_BPF_TAG, TCA_CLS_FLAGS_IN_HW, TCA_CLS_FLAGS_NOT_IN_HW, TCA_CLS_FLAGS_SKIP_HW, TCA_CLS_FLAGS_SKIP_SW,
} from '../../../generated/pkt_cls.js';
import { TCA_OPTIONS } from '../../../generated/rtnetlink.js';
import { InvalidArgumentError } from '../../../netlink/addresses.js';
import type { AttributeCursor, RawAttribute } from '../../../netlink/attributes.js';
import { describeValue, requireArray, requireBoolean, requireInteger, requireString } from '../../../netlink/checks.js';
import type { MessageWriter } from '../../../netlink/writer.js';
import { actionLinkRefs, actionsToTcJson, decodeActions, encodeActions, type PreparedAction, type TcAction, type TcActionSpec } from '../actions/list.js';
import { formatClassId, type TcHandle } from '../handle.js';
import type { TcKind } from '../kind.js';
import { bpfProgGetFdById, bpfProgInfo, closeBpfObject, BPF_PROG_TYPE_SCHED_CLS, type BpfProgInfo } from '../../../sys/bpf.js';
import { openPinnedBpfProgram, requirePinnedPath } from './bpf-program.js';
import { prepareClassifierCommon } from './common.js';

/** One classic BPF instruction (struct sock_filter): [code, jt, jf, k]. */
export type ClassicBpfInstruction = [code: number, jt: number, jf: number, k: number];

/** `bpf (bytecode 'N,c t f k,...' | fd FD name NAME | pinned PATH) [classid C] [direct-action] [skip_hw|skip_sw] [action ...]`. */
export interface BpfSpec {
  /** A classic BPF program (as tc's bytecode string lists it, without the count). */
  bytecode?: ClassicBpfInstruction[];
  /** The fd of an eBPF program of type BPF_PROG_TYPE_SCHED_CLS you loaded or opened (see openPinnedBpfProgram); it stays yours to close. */
  fd?: number;
  /**
   * The absolute path of an eBPF program of type BPF_PROG_TYPE_SCHED_CLS
   * pinned on a bpf filesystem (`tc ... bpf pinned PATH`): opened just before
   * the request and closed after it.
   */
  pinned?: string;
  /** The name shown for the eBPF program (TCA_BPF_NAME); with `pinned`, tc's `BASENAME:[*fsobj]` by default. */
  name?: string;
  /** Where matching packets go: a class id. */
  classid?: TcHandle;
  /** The program's return value is the action (TCA_BPF_FLAG_ACT_DIRECT). */
  directAction?: boolean;
  /** The actions, in order. */
  actions?: TcActionSpec[];
  /** Do not offload to hardware (TCA_CLS_FLAGS_SKIP_HW). */
  skipHw?: boolean;
  /** Only in hardware (TCA_CLS_FLAGS_SKIP_SW). */
  skipSw?: boolean;
}

/** A decoded bpf filter. */
export interface BpfOptions {
  /** The classic program, when it is one. */
  bytecode?: ClassicBpfInstruction[];
  /** TCA_BPF_NAME. */
  name?: string;
  /** TCA_BPF_ID: the loaded eBPF program's id. */
  id?: number;
  /** TCA_BPF_TAG, hex. */
  tag?: string;
  /** TCA_BPF_CLASSID: where matching packets go. */
  classid?: number;
  /** TCA_BPF_FLAGS: TCA_BPF_FLAG_ACT_DIRECT (1) is direct-action. */
  flags?: number;
  /** TCA_BPF_FLAGS_GEN (TCA_CLS_FLAGS_*). */
  flagsGen?: number;
  /** The actions, in order. */
  actions?: TcAction[];
  /** Attributes nlkit does not decode, kept verbatim. */
  unknown: RawAttribute[];
}

/** BPF_MAXINSNS: the most instructions a classic program has. */
const MAX_INSNS = 4096;

interface Prepared {
  ops?: Buffer;
  /** The program's fd: the user's, or the pinned program's while the request is under way. */
  fd?: number;
  pinned?: string;
  name?: string;
  classid?: number;
  flags: number;
  direct: boolean;
  actions?: PreparedAction[];
}

const PROGRAM_SOURCES = ['bytecode', 'fd', 'pinned'] as const;

function prepare(spec: Record<string, unknown>): Prepared {
  const given = PROGRAM_SOURCES.filter((key) => spec[key] !== undefined);
  if (given.length !== 1) {
    throw new InvalidArgumentError(`bpf needs exactly one of bytecode (a classic program), fd or pinned (an eBPF program)${given.length ? `, got ${given.join(' and ')}` : ''}`);
  }
  if (spec.name !== undefined && spec.bytecode !== undefined) throw new InvalidArgumentError('bpf name names an eBPF program (fd or pinned); a classic bytecode program has none');
  const p: Prepared = { ...prepareClassifierCommon(spec, 'bpf'), direct: spec.directAction === undefined ? false : requireBoolean(spec.directAction, 'bpf directAction') };
  if (spec.bytecode !== undefined) {
    const insns = requireArray<unknown>(spec.bytecode, 'bpf bytecode');
    if (insns.length === 0 || insns.length > MAX_INSNS) throw new InvalidArgumentError(`bpf bytecode must hold 1 to ${MAX_INSNS} instructions, got ${insns.length}`);
    p.ops = Buffer.alloc(insns.length * 8);
    insns.forEach((insn, i) => {
      if (!Array.isArray(insn) || insn.length !== 4) throw new InvalidArgumentError(`bpf bytecode[${i}] must be [code, jt, jf, k], got ${describeValue(insn)}`);
      p.ops!.writeUInt16LE(requireInteger(insn[0], `bpf bytecode[${i}] code`, 0, 0xffff), i * 8);
      p.ops![i * 8 + 2] = requireInteger(insn[1], `bpf bytecode[${i}] jt`, 0, 0xff);
      p.ops![i * 8 + 3] = requireInteger(insn[2], `bpf bytecode[${i}] jf`, 0, 0xff);
      p.ops!.writeUInt32LE(requireInteger(insn[3], `bpf bytecode[${i}] k`, 0, 0xffffffff), i * 8 + 4);
    });
  } else if (spec.fd !== undefined) {
    p.fd = requireInteger(spec.fd, 'bpf fd', 0, 0x7fffffff);
    p.name = spec.name === undefined ? '' : requireString(spec.name, 'bpf name');
  } else {
    p.pinned = requirePinnedPath(spec.pinned, 'bpf pinned');
    // bpf_legacy.c annotates a pinned program as `BASENAME:[*fsobj]`.
    p.name = spec.name === undefined ? `${basename(p.pinned)}:[*fsobj]` : requireString(spec.name, 'bpf name');
  }
  return p;
}

/** Opens the pinned program for the request, refusing what the kernel would refuse with a bare EINVAL. */
function acquire(p: Prepared): () => void {
  if (p.pinned === undefined) return () => {};
  const program = openPinnedBpfProgram(p.pinned);
  if (program.type !== BPF_PROG_TYPE_SCHED_CLS) {
    program.close();
    throw new InvalidArgumentError(`bpf pinned ${p.pinned} is a program of type ${program.type}; tc filters run BPF_PROG_TYPE_SCHED_CLS (${BPF_PROG_TYPE_SCHED_CLS}) programs`);
  }
  p.fd = program.fd;
  return () => {
    p.fd = undefined;
    program.close();
  };
}

/**
 * What tc -d prints of a program by id (bpf_dump_prog_info): tc opens it by id,
 * which needs CAP_SYS_ADMIN, and prints only the id when that fails.
 */
function programById(id: number): BpfProgInfo | undefined {
  let fd: number;
  try {
    fd = bpfProgGetFdById(id);
  } catch {
    return undefined;
  }
  try {
    return bpfProgInfo(fd);
  } catch {
    return undefined;
  } finally {
    closeBpfObject(fd);
  }
}

export const bpf: TcKind<Prepared, BpfOptions> = {
  kind: 'bpf',
  objects: ['filter'],
  specKeys: () => ['bytecode', 'fd', 'pinned', 'name', 'classid', 'directAction', 'actions', 'skipHw', 'skipSw'],
  prepare,
  acquire,
  linkRefs: (p) => actionLinkRefs(p.actions ?? []),
  encode(writer: MessageWriter, p, ctx) {
    const options = writer.beginNestedLegacy(TCA_OPTIONS);
    if (p.classid !== undefined) writer.u32(TCA_BPF_CLASSID, p.classid);
    if (p.actions?.length) encodeActions(writer, TCA_BPF_ACT, p.actions, ctx);
    // f_bpf.c adds the program after its argument loop (bpf_load_common), then the flags.
    if (p.ops) {
      writer.u16(TCA_BPF_OPS_LEN, p.ops.length / 8);
      writer.binary(TCA_BPF_OPS, p.ops);
    } else {
      if (p.fd === undefined) throw new InvalidArgumentError(`bpf pinned ${p.pinned}: the program is opened when the request is sent (rt.tc.filter.add), not before`);
      writer.u32(TCA_BPF_FD, p.fd);
      writer.string(TCA_BPF_NAME, p.name!);
    }
    if (p.flags) writer.u32(TCA_BPF_FLAGS_GEN, p.flags);
    if (p.direct) writer.u32(TCA_BPF_FLAGS, TCA_BPF_FLAG_ACT_DIRECT);
    writer.endNested(options);
  },
  decode(c: AttributeCursor) {
    const o: BpfOptions = { unknown: [] };
    let ops: Buffer | undefined;
    let count: number | undefined;
    const a = c.nestedCursor();
    while (a.next()) {
      switch (a.type) {
        case TCA_BPF_OPS_LEN: count = a.u16(); break;
        case TCA_BPF_OPS: ops = a.bytes(); break;
        case TCA_BPF_NAME: o.name = a.string(); break;
        case TCA_BPF_ID: o.id = a.u32(); break;
        case TCA_BPF_TAG: o.tag = a.bytes().toString('hex'); break;
        case TCA_BPF_CLASSID: o.classid = a.u32(); break;
        case TCA_BPF_FLAGS: o.flags = a.u32(); break;
        case TCA_BPF_FLAGS_GEN: o.flagsGen = a.u32(); break;
        case TCA_BPF_ACT: o.actions = decodeActions(a); break;
        default: o.unknown.push(a.raw());
      }
    }
    if (ops && count !== undefined) {
      if (ops.length < count * 8) throw c.malformed(`bpf program claims ${count} instructions in ${ops.length} bytes`);
      o.bytecode = [];
      for (let i = 0; i < count; i++) o.bytecode.push([ops.readUInt16LE(i * 8), ops[i * 8 + 2]!, ops[i * 8 + 3]!, ops.readUInt32LE(i * 8 + 4)]);
    }
    return o;
  },
  toTcJson(o, _object, names, handle) {
    const out: Record<string, unknown> = {};
    if (handle) out.handle = `0x${handle.toString(16)}`;
    if (o.classid !== undefined) out.flowid = formatClassId(o.classid);
    if (o.name !== undefined) out.bpf_name = o.name;
    if (o.flags !== undefined && o.flags & TCA_BPF_FLAG_ACT_DIRECT) out['direct-action'] = true;
    if (o.flagsGen !== undefined) {
      if (o.flagsGen & TCA_CLS_FLAGS_SKIP_HW) out.skip_hw = true;
      if (o.flagsGen & TCA_CLS_FLAGS_SKIP_SW) out.skip_sw = true;
      if (o.flagsGen & TCA_CLS_FLAGS_IN_HW) out.in_hw = true;
      else if (o.flagsGen & TCA_CLS_FLAGS_NOT_IN_HW) out.not_in_hw = true;
    }
    if (o.bytecode?.length) out.bytecode = { length: o.bytecode.length, insns: o.bytecode.map(([code, jt, jf, k]) => ({ code, jt, jf, k })) };
    const program = o.id === undefined ? undefined : programById(o.id);
    if (o.id !== undefined) {
      out.prog = program
        ? { id: o.id, name: program.name, tag: program.tag, jited: program.jited ? 1 : 0, load_time: Number(program.loadTime), created_by_uid: program.createdByUid }
        : { id: o.id };
    }
    if (o.tag !== undefined && !program) out.tag = o.tag;
    if (o.actions) out.actions = actionsToTcJson(o.actions, names);
    return out;
  },
};
