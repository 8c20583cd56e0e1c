// Control actions (what happens to a packet after an action): tc's names
// (pass, drop, pipe, continue, reclassify, trap, `goto chain N`, `jump N`)
// and numbers (TC_ACT_*), as action_a2n and action_n2a translate them.
import { TC_ACT_EXT_VAL_MASK, TC_ACT_OK, TC_ACT_PIPE, TC_ACT_RECLASSIFY, TC_ACT_SHOT, TC_ACT_STOLEN, TC_ACT_TRAP, TC_ACT_UNSPEC } from '../../../generated/pkt_cls.js';
import { TCA_ACT_OPTIONS } from '../../../generated/pkt_cls.js';
import { InvalidArgumentError } from '../../../netlink/addresses.js';
import type { AttributeCursor } from '../../../netlink/attributes.js';
import type { MessageWriter } from '../../../netlink/writer.js';
import { describeValue } from '../../../netlink/checks.js';

/** A control action: 'pass', 'drop', 'pipe', 'continue', 'reclassify', 'trap', 'goto chain N', 'jump N' (or 'ok', 'shot'). */
export type TcControlAction = string;

// __TC_ACT_EXT(1) and __TC_ACT_EXT(2): function-like macros the generator skips.
const TC_ACT_JUMP = 1 << 28;
const TC_ACT_GOTO_CHAIN = 2 << 28;
const EXT_MASK = ~TC_ACT_EXT_VAL_MASK;

const NAMES: ReadonlyMap<string, number> = new Map([
  ['continue', TC_ACT_UNSPEC], ['drop', TC_ACT_SHOT], ['shot', TC_ACT_SHOT], ['pass', TC_ACT_OK], ['ok', TC_ACT_OK],
  ['reclassify', TC_ACT_RECLASSIFY], ['pipe', TC_ACT_PIPE], ['trap', TC_ACT_TRAP],
]);

/** action_a2n: a control action's number. */
export function parseControlAction(value: unknown, what = 'control action'): number {
  if (typeof value === 'string') {
    const n = NAMES.get(value);
    if (n !== undefined) return n;
    const m = /^(goto chain|jump) (\d+)$/.exec(value);
    if (m && Number(m[2]) <= TC_ACT_EXT_VAL_MASK) return (m[1] === 'jump' ? TC_ACT_JUMP : TC_ACT_GOTO_CHAIN) | Number(m[2]);
  }
  throw new InvalidArgumentError(`${what} must be one of ${[...NAMES.keys()].join(', ')}, "goto chain N" or "jump N", got ${describeValue(value)}`);
}

/** action_n2a: how tc names a control action number. */
export function controlActionName(action: number): string {
  if ((action & EXT_MASK) === TC_ACT_GOTO_CHAIN) return 'goto';
  if ((action & EXT_MASK) === TC_ACT_JUMP) return 'jump';
  switch (action) {
    case TC_ACT_UNSPEC: return 'continue';
    case TC_ACT_OK: return 'pass';
    case TC_ACT_SHOT: return 'drop';
    case TC_ACT_RECLASSIFY: return 'reclassify';
    case TC_ACT_PIPE: return 'pipe';
    case TC_ACT_STOLEN: return 'stolen';
    case TC_ACT_TRAP: return 'trap';
    default: return String(action);
  }
}

/** print_action_control's `control_action` object. */
export function controlActionJson(action: number): Record<string, unknown> {
  const out: Record<string, unknown> = { type: controlActionName(action) };
  if ((action & EXT_MASK) === TC_ACT_GOTO_CHAIN) out.chain = action & TC_ACT_EXT_VAL_MASK;
  if ((action & EXT_MASK) === TC_ACT_JUMP) out.jump = action & TC_ACT_EXT_VAL_MASK;
  return out;
}

/** sizeof(struct tc_gen): index, capab, action, refcnt, bindcnt. */
export const TC_GEN_LEN = 20;

/** struct tc_gen, which opens every action's parameters. */
export interface TcGen {
  /** The action's index in its kind's table (0 asks the kernel to pick). */
  index: number;
  /** tc_gen.capab: capabilities, unused by tc. */
  capab: number;
  /** The control action (TC_ACT_*). */
  action: number;
  /** References on the action. */
  refcnt: number;
  /** Filters bound to it. */
  bindcnt: number;
}

export function readTcGen(b: Buffer, at: number): TcGen {
  return { index: b.readUInt32LE(at), capab: b.readUInt32LE(at + 4), action: b.readInt32LE(at + 8), refcnt: b.readInt32LE(at + 12), bindcnt: b.readInt32LE(at + 16) };
}

export function writeTcGen(b: Buffer, at: number, index: number, action: number): void {
  b.writeUInt32LE(index, at);
  b.writeInt32LE(action, at + 8);
}

/** Index, ref and bind as every action prints them. */
export function tcGenJson(g: TcGen): Record<string, unknown> {
  return { index: g.index, ref: g.refcnt, bind: g.bindcnt };
}

/**
 * Writes TCA_ACT_OPTIONS holding one parameter struct (TCA_GACT_PARMS,
 * TCA_MIRRED_PARMS) that opens with tc_gen; `fill` writes what follows tc_gen.
 */
export function encodeActionParms(writer: MessageWriter, type: number, length: number, index: number, action: number, fill?: (parms: Buffer) => void): void {
  const parms = Buffer.alloc(length);
  writeTcGen(parms, 0, index, action);
  fill?.(parms);
  const options = writer.beginNested(TCA_ACT_OPTIONS);
  writer.binary(type, parms);
  writer.endNested(options);
}

/**
 * Finds the parameter struct of `type` in TCA_ACT_OPTIONS (the cursor stands
 * on it) and returns its offset; MalformedMessageError when it is missing or short.
 * `other` sees every other member.
 */
export function findActionParms(c: AttributeCursor, type: number, length: number, what: string, other?: (member: AttributeCursor) => void): number {
  const a = c.nestedCursor();
  let at: number | undefined;
  while (a.next()) {
    if (a.type === type) {
      a.need(length);
      at = a.start;
    } else other?.(a);
  }
  if (at === undefined) throw c.malformed(`${what} options without their parameters`);
  return at;
}
