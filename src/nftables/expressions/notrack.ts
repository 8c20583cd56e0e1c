import { keepUnknown, writeUnknown, type ExpressionCodec, type KeepsUnknown } from './codec.js';

/** `[ notrack ]`: exempts the packet from connection tracking (raw-priority chains). */
export interface NotrackExpression extends KeepsUnknown {
  /** The kernel's `notrack` expression (nft_notrack); it has no attributes. */
  kind: 'notrack';
}

export const notrackCodec: ExpressionCodec<NotrackExpression> = {
  kind: 'notrack',
  withoutData: true,
  encode(w, e) {
    writeUnknown(w, e.unknown);
  },
  decode(c) {
    const e: NotrackExpression = { kind: 'notrack' };
    while (c.next()) keepUnknown(e, c);
    return e;
  },
};
