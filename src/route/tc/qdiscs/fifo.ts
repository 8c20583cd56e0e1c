// pfifo and bfifo: a plain queue limited in packets or bytes (TCA_OPTIONS is struct tc_fifo_qopt, not nested).
import { TCA_OPTIONS } from '../../../generated/rtnetlink.js';
import type { AttributeCursor } from '../../../netlink/attributes.js';
import { requireInteger } from '../../../netlink/checks.js';
import type { MessageWriter } from '../../../netlink/writer.js';
import type { TcKind } from '../kind.js';
import { parseSize, type TcSize } from '../units.js';

/** `tc qdisc add ... pfifo limit 100` (packets) or `bfifo limit 10kb` (bytes). */
export interface FifoSpec {
  /** Queue limit: packets for pfifo, bytes (a size in tc's words) for bfifo; the device's txqueuelen (times its MTU) when absent. */
  limit?: TcSize;
}

/** A decoded pfifo/bfifo qdisc. */
export interface FifoOptions {
  /** Packets (pfifo) or bytes (bfifo). */
  limit: number;
}

function fifo(kind: 'pfifo' | 'bfifo'): TcKind<{ limit?: number }, FifoOptions> {
  return {
    kind,
    objects: ['qdisc'],
    specKeys: () => ['limit'],
    prepare(spec) {
      if (spec.limit === undefined) return {};
      // fifo_parse_opt: bfifo takes a size, pfifo a packet count.
      const limit = kind === 'bfifo' ? parseSize(spec.limit as TcSize, 'bfifo limit') : requireInteger(spec.limit, 'pfifo limit', 0, 0xffffffff);
      return { limit };
    },
    encode(writer: MessageWriter, p) {
      if (p.limit === undefined) return;
      const opt = Buffer.alloc(4);
      opt.writeUInt32LE(p.limit);
      writer.binary(TCA_OPTIONS, opt);
    },
    decode(c: AttributeCursor) {
      c.need(4);
      return { limit: c.buf.readUInt32LE(c.start) };
    },
    toTcJson: (o) => ({ limit: o.limit }),
  };
}

export const pfifo = fifo('pfifo');
export const bfifo = fifo('bfifo');
