// sfq: stochastic fair queuing (`tc qdisc add ... sfq perturb 10 quantum 1514`), as q_sfq.c sends it:
// TCA_OPTIONS is struct tc_sfq_qopt_v1, not nested.
// Encoded like iproute2, not verified against a kernel here (CONFIG_NET_SCH_SFQ is not built).
import { TCA_OPTIONS } from '../../../generated/rtnetlink.js';
import { InvalidArgumentError } from '../../../netlink/addresses.js';
import type { AttributeCursor } from '../../../netlink/attributes.js';
import { requireBoolean, requireInteger } from '../../../netlink/checks.js';
import type { MessageWriter } from '../../../netlink/writer.js';
import type { TcKind } from '../kind.js';
import { parseSize, type TcSize } from '../units.js';

/** `sfq [quantum BYTES] [perturb SECS] [limit PKTS] [divisor N] [flows N] [depth N] [headdrop]`. */
export interface SfqSpec {
  /** Bytes a flow sends per round. */
  quantum?: TcSize;
  /** Seconds between hash perturbations. */
  perturb?: number;
  /** Packets the qdisc holds (at least 2). */
  limit?: number;
  /** Hash table size. */
  divisor?: number;
  /** Number of flows. */
  flows?: number;
  /** Packets one flow holds. */
  depth?: number;
  /** Drop from the head instead of the tail. */
  headdrop?: boolean;
}

/** A decoded sfq qdisc (the v0 part and depth/headdrop of tc_sfq_qopt_v1). */
export interface SfqOptions {
  /** Bytes a flow sends per round. */
  quantum: number;
  /** Seconds between hash perturbations. */
  perturb: number;
  /** Packets the qdisc holds. */
  limit: number;
  /** Hash table size. */
  divisor: number;
  /** Number of flows. */
  flows: number;
  /** Packets one flow holds. */
  depth?: number;
  /** Drops from the head of a flow instead of its tail. */
  headdrop?: boolean;
}

/** sizeof(struct tc_sfq_qopt): quantum, perturb_period, limit, divisor, flows. */
const SFQ_V0_LEN = 20;
/** sizeof(struct tc_sfq_qopt_v1): v0, depth, headdrop, RED limit/min/max, Wlog/Plog/Scell_log/flags, max_P, six stats counters. */
const SFQ_V1_LEN = 72;

export const sfq: TcKind<Buffer, SfqOptions> = {
  kind: 'sfq',
  objects: ['qdisc'],
  specKeys: () => ['quantum', 'perturb', 'limit', 'divisor', 'flows', 'depth', 'headdrop'],
  prepare(spec) {
    const opt = Buffer.alloc(SFQ_V1_LEN);
    if (spec.quantum !== undefined) opt.writeUInt32LE(parseSize(spec.quantum as TcSize, 'sfq quantum'), 0);
    if (spec.perturb !== undefined) opt.writeInt32LE(requireInteger(spec.perturb, 'sfq perturb', 0, 0x7fffffff), 4);
    if (spec.limit !== undefined) {
      const limit = requireInteger(spec.limit, 'sfq limit', 0, 0xffffffff);
      if (limit < 2) throw new InvalidArgumentError('sfq limit must be at least 2');
      opt.writeUInt32LE(limit, 8);
    }
    if (spec.divisor !== undefined) opt.writeUInt32LE(requireInteger(spec.divisor, 'sfq divisor', 0, 0xffffffff), 12);
    if (spec.flows !== undefined) opt.writeUInt32LE(requireInteger(spec.flows, 'sfq flows', 0, 0xffffffff), 16);
    if (spec.depth !== undefined) opt.writeUInt32LE(requireInteger(spec.depth, 'sfq depth', 0, 0xffffffff), 20);
    if (spec.headdrop !== undefined && requireBoolean(spec.headdrop, 'sfq headdrop')) opt.writeUInt32LE(1, 24);
    return opt;
  },
  encode(writer: MessageWriter, opt) {
    writer.binary(TCA_OPTIONS, opt);
  },
  decode(c: AttributeCursor) {
    c.need(SFQ_V0_LEN);
    const b = c.buf;
    const at = c.start;
    const o: SfqOptions = { quantum: b.readUInt32LE(at), perturb: b.readInt32LE(at + 4), limit: b.readUInt32LE(at + 8), divisor: b.readUInt32LE(at + 12), flows: b.readUInt32LE(at + 16) };
    if (c.length >= SFQ_V0_LEN + 8) {
      o.depth = b.readUInt32LE(at + 20);
      o.headdrop = b.readUInt32LE(at + 24) !== 0;
    }
    return o;
  },
};
