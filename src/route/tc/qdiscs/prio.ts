// prio: strict-priority bands (`tc qdisc add ... prio bands 3 priomap ...`), as q_prio.c sends it:
// struct tc_prio_qopt, then (addattr_nest_compat) a nest of the same type holding TCA_PRIO_MQ.
// Encoded like iproute2, not verified against a kernel here (CONFIG_NET_SCH_PRIO is not built).
import { TC_PRIO_MAX } from '../../../generated/pkt_sched.js';
import { TCA_OPTIONS } from '../../../generated/rtnetlink.js';
import { InvalidArgumentError } from '../../../netlink/addresses.js';
import { requireArray, requireBoolean, requireInteger } from '../../../netlink/checks.js';
import type { MessageWriter } from '../../../netlink/writer.js';
import type { TcKind } from '../kind.js';
import { decodePrioQopt, PRIO_QOPT_LEN, prioToTcJson, TCA_PRIO_MQ, type PrioOptions } from './pfifo-fast.js';

/** `prio [bands N] [priomap P0 P1 ... P15] [multiqueue]`. */
export interface PrioSpec {
  /** Number of bands, 2-16 (3 by default). */
  bands?: number;
  /** Band of each packet priority (TC_PRIO_*), up to 16 entries; the rest stay 0 as tc leaves them. */
  priomap?: number[];
  /** One band per hardware queue. */
  multiqueue?: boolean;
}

/** tc's default: 3 bands, the map pfifo_fast uses. */
const DEFAULT_PRIOMAP = [1, 2, 2, 2, 1, 2, 0, 0, 1, 1, 1, 1, 1, 1, 1, 1];

export const prio: TcKind<{ qopt: Buffer; multiqueue: boolean }, PrioOptions> = {
  kind: 'prio',
  objects: ['qdisc'],
  specKeys: () => ['bands', 'priomap', 'multiqueue'],
  prepare(spec) {
    const bands = spec.bands === undefined ? 3 : requireInteger(spec.bands, 'prio bands', 2, TC_PRIO_MAX + 1);
    const qopt = Buffer.alloc(PRIO_QOPT_LEN);
    qopt.writeInt32LE(bands, 0);
    if (spec.priomap === undefined) {
      if (spec.bands !== undefined && bands < 3) throw new InvalidArgumentError('prio with fewer than 3 bands needs a priomap (the default map uses band 2)');
      Buffer.from(DEFAULT_PRIOMAP).copy(qopt, 4);
    } else {
      const map = requireArray<unknown>(spec.priomap, 'prio priomap');
      if (map.length > TC_PRIO_MAX + 1) throw new InvalidArgumentError(`prio priomap has at most ${TC_PRIO_MAX + 1} entries, got ${map.length}`);
      map.forEach((band, i) => { qopt[4 + i] = requireInteger(band, `prio priomap[${i}]`, 0, bands - 1); });
    }
    return { qopt, multiqueue: spec.multiqueue === undefined ? false : requireBoolean(spec.multiqueue, 'prio multiqueue') };
  },
  encode(writer: MessageWriter, p) {
    const options = writer.beginNestedLegacy(TCA_OPTIONS);
    writer.raw(p.qopt);
    const nest = writer.beginNestedLegacy(TCA_OPTIONS);
    if (p.multiqueue) writer.flag(TCA_PRIO_MQ);
    writer.endNested(nest);
    writer.endNested(options);
  },
  decode: decodePrioQopt,
  toTcJson: prioToTcJson,
};
