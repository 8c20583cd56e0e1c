import { NFTA_COUNTER_BYTES, NFTA_COUNTER_PACKETS, NFTA_COUNTER_PAD } from '../../generated/nf_tables.js';
import { keepUnknown, readBe64, requireUint, writeUnknown, type ExpressionCodec, type KeepsUnknown } from './codec.js';

/** `[ counter pkts 0 bytes 0 ]`: counts what reaches it; the values are the starting counts on add. */
export interface CounterExpression extends KeepsUnknown {
  /** The kernel's `counter` expression (nft_counter), nft's `counter` statement. */
  kind: 'counter';
  /** Packets counted (NFTA_COUNTER_PACKETS); on add, the starting count. */
  packets: number;
  /** Bytes counted, link-layer headers excluded (NFTA_COUNTER_BYTES); on add, the starting count. */
  bytes: number;
}

export const counterCodec: ExpressionCodec<CounterExpression> = {
  kind: 'counter',
  encode(w, e) {
    // Both counts travel, as the kernel reports them, so a decoded counter encodes to the same bytes.
    w.be64(NFTA_COUNTER_BYTES, requireUint(e.bytes ?? 0, 'counter bytes', Number.MAX_SAFE_INTEGER));
    w.be64(NFTA_COUNTER_PACKETS, requireUint(e.packets ?? 0, 'counter packets', Number.MAX_SAFE_INTEGER));
    writeUnknown(w, e.unknown);
  },
  decode(c) {
    const e: CounterExpression = { kind: 'counter', packets: 0, bytes: 0 };
    while (c.next()) {
      switch (c.type) {
        case NFTA_COUNTER_BYTES: e.bytes = readBe64(c); break;
        case NFTA_COUNTER_PACKETS: e.packets = readBe64(c); break;
        default: if (c.type !== NFTA_COUNTER_PAD) keepUnknown(e, c);
      }
    }
    return e;
  },
};
