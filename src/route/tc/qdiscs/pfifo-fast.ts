// pfifo_fast: the three-band default qdisc; it takes no options, and dumps struct tc_prio_qopt.
import { TCA_OPTIONS } from '../../../generated/rtnetlink.js';
import type { AttributeCursor } from '../../../netlink/attributes.js';
import type { TcKind } from '../kind.js';

/** A decoded pfifo_fast (or prio) qdisc's struct tc_prio_qopt. */
export interface PrioOptions {
  /** Number of bands. */
  bands: number;
  /** Band of each of the 16 packet priorities (TC_PRIO_*). */
  priomap: number[];
  /** TCA_PRIO_MQ, when the kernel sent it. */
  multiqueue?: boolean;
}

/** TCA_PRIO_MQ: the first member of prio's attribute enum, which iproute2's copy of pkt_sched.h keeps and the installed uapi header does not. */
export const TCA_PRIO_MQ = 1;

/** sizeof(struct tc_prio_qopt): bands (int) and priomap[TC_PRIO_MAX + 1]. */
export const PRIO_QOPT_LEN = 20;

/**
 * Reads struct tc_prio_qopt at the start of TCA_OPTIONS and, after it, the
 * nest of the same type prio writes for its attributes (TCA_PRIO_MQ).
 */
export function decodePrioQopt(c: AttributeCursor): PrioOptions {
  c.need(PRIO_QOPT_LEN);
  const b = c.buf;
  const o: PrioOptions = { bands: b.readInt32LE(c.start), priomap: [...b.subarray(c.start + 4, c.start + 20)] };
  const after = c.cursorInside(c.start + PRIO_QOPT_LEN, c.start + c.length);
  while (after.next()) {
    if (after.type !== TCA_OPTIONS) continue;
    const inner = after.nestedCursor();
    while (inner.next()) if (inner.type === TCA_PRIO_MQ) o.multiqueue = inner.length ? inner.u8() !== 0 : true;
  }
  return o;
}

/** prio_print_opt, which tc uses for pfifo_fast as well. */
export function prioToTcJson(o: PrioOptions): Record<string, unknown> {
  return { bands: o.bands, priomap: o.priomap, multiqueue: o.multiqueue ?? false };
}

export const pfifoFast: TcKind<Record<string, never>, PrioOptions> = {
  kind: 'pfifo_fast',
  objects: ['qdisc'],
  specKeys: () => [],
  prepare: () => ({}),
  encode() {},
  decode: decodePrioQopt,
  toTcJson: prioToTcJson,
};
