// Handles, class ids and parents in tc's words: `1:`, `1:10`, `:10`, `root`,
// `none`, `ingress`, `clsact`, `ffff:fff1` (get_tc_classid / print_tc_classid).
import { TC_H_CLSACT, TC_H_INGRESS, TC_H_MIN_EGRESS, TC_H_MIN_INGRESS, TC_H_ROOT, TC_H_UNSPEC } from '../../generated/pkt_sched.js';
import { InvalidArgumentError } from '../../netlink/addresses.js';
import { describeValue } from '../../netlink/checks.js';

/** A handle or class id: tc's words (`1:`, `1:10`, `root`, ...) or the 32-bit number. */
export type TcHandle = string | number;

/** TC_H_MAKE(maj, min): the major half from `major`, the minor half from `minor`. */
export function tcHandle(major: number, minor: number): number {
  return ((major & 0xffff0000) | (minor & 0xffff)) >>> 0;
}

/** The parent a filter on clsact's (or ingress's) ingress hook names: ffff:fff2. */
export const TC_H_CLSACT_INGRESS = tcHandle(TC_H_CLSACT, TC_H_MIN_INGRESS);
/** The parent a filter on clsact's egress hook names: ffff:fff3. */
export const TC_H_CLSACT_EGRESS = tcHandle(TC_H_CLSACT, TC_H_MIN_EGRESS);

const HEX = /^[0-9a-fA-F]+$/;

function bad(what: string, value: unknown, example: string): InvalidArgumentError {
  return new InvalidArgumentError(`${what} must be ${example}, got ${describeValue(value)}`);
}

function u32(value: unknown, what: string, example: string): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0 || value > 0xffffffff) throw bad(what, value, example);
  return value;
}

/**
 * A class id as get_tc_classid reads it: `root`, `none`, `ingress`/`clsact`
 * (ffff:fff1), `MAJ:MIN`, `MAJ:`, `:MIN` (hex halves), or a bare hex number.
 */
export function parseClassId(value: TcHandle, what = 'classid'): number {
  const example = 'a class id like "1:10", "1:", "root" or "none", or a 32-bit number';
  if (typeof value === 'number') return u32(value, what, example);
  if (typeof value !== 'string') throw bad(what, value, example);
  if (value === 'root') return TC_H_ROOT;
  if (value === 'none') return TC_H_UNSPEC;
  if (value === 'ingress' || value === 'clsact') return TC_H_INGRESS;
  const colon = value.indexOf(':');
  if (colon < 0) {
    if (!HEX.test(value) || parseInt(value, 16) > 0xffffffff) throw bad(what, value, example);
    return parseInt(value, 16) >>> 0;
  }
  const major = value.slice(0, colon);
  const minor = value.slice(colon + 1);
  if ((major !== '' && !HEX.test(major)) || (minor !== '' && !HEX.test(minor))) throw bad(what, value, example);
  const maj = major === '' ? 0 : parseInt(major, 16);
  const min = minor === '' ? 0 : parseInt(minor, 16);
  if (maj > 0xffff || min > 0xffff) throw bad(what, value, example);
  return ((maj << 16) | min) >>> 0;
}

/**
 * A qdisc handle as get_qdisc_handle reads it: `1:` or `1` (the major half,
 * hex), `none` for 0. A minor half is refused: a qdisc's handle has none.
 */
export function parseQdiscHandle(value: TcHandle, what = 'handle'): number {
  const example = 'a qdisc handle like "1:" or "ffff:"';
  if (typeof value === 'number') {
    const h = u32(value, what, example);
    if (h & 0xffff) throw bad(what, value, `${example} (its minor half must be 0)`);
    return h;
  }
  if (typeof value !== 'string') throw bad(what, value, example);
  if (value === 'none') return 0;
  const m = /^([0-9a-fA-F]{1,4}):?$/.exec(value);
  if (!m) throw bad(what, value, example);
  return (parseInt(m[1]!, 16) << 16) >>> 0;
}

/** print_tc_classid: `root`, `none`, `:MIN`, `MAJ:`, `MAJ:MIN` in lower-case hex. */
export function formatClassId(handle: number): string {
  const h = handle >>> 0;
  if (h === TC_H_ROOT) return 'root';
  if (h === TC_H_UNSPEC) return 'none';
  const major = h >>> 16;
  const minor = h & 0xffff;
  if (major === 0) return `:${minor.toString(16)}`;
  if (minor === 0) return `${major.toString(16)}:`;
  return `${major.toString(16)}:${minor.toString(16)}`;
}

/** How tc prints a qdisc's own handle: the major half and a colon (`1:`, `ffff:`, `0:`). */
export function formatQdiscHandle(handle: number): string {
  return `${(handle >>> 16).toString(16)}:`;
}
