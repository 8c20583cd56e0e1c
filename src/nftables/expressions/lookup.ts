import {
  NFT_LOOKUP_F_INV, NFTA_LOOKUP_DREG, NFTA_LOOKUP_FLAGS, NFTA_LOOKUP_SET, NFTA_LOOKUP_SET_ID, NFTA_LOOKUP_SREG,
} from '../../generated/nf_tables.js';
import { requireName } from '../objects/names.js';
import { keepUnknown, requireRegister, requireUint, writeUnknown, type ExpressionCodec, type KeepsUnknown } from './codec.js';

/**
 * `[ lookup reg 1 set s ]`: whether the register's value is in a set; with
 * `dreg`, a map lookup that loads the element's data (register 0 for a verdict map).
 */
export interface LookupExpression extends KeepsUnknown {
  /** The kernel's `lookup` expression (nft_lookup). */
  kind: 'lookup';
  /** Name of the set or map looked in (NFTA_LOOKUP_SET), `@name` in nft; `__set%d` for an anonymous set. */
  set: string;
  /** NFTA_SET_ID of a set added in the same batch (anonymous sets). */
  setId?: number;
  /** Register holding the key (NFTA_LOOKUP_SREG); a concatenated key spans consecutive registers. */
  sreg: number;
  /** Register receiving the element's data in a map lookup (NFTA_LOOKUP_DREG), 0 for a verdict map (`vmap`); absent for a plain membership test. */
  dreg?: number;
  /** `!= @set`. */
  invert?: boolean;
}

export const lookupCodec: ExpressionCodec<LookupExpression> = {
  kind: 'lookup',
  encode(w, e) {
    w.string(NFTA_LOOKUP_SET, requireName(e.set, 'lookup set'));
    if (e.setId !== undefined) w.be32(NFTA_LOOKUP_SET_ID, requireUint(e.setId, 'lookup setId'));
    w.be32(NFTA_LOOKUP_SREG, requireRegister(e.sreg, 'lookup sreg'));
    if (e.dreg !== undefined) w.be32(NFTA_LOOKUP_DREG, requireRegister(e.dreg, 'lookup dreg', true));
    if (e.invert !== undefined) w.be32(NFTA_LOOKUP_FLAGS, e.invert ? NFT_LOOKUP_F_INV : 0);
    writeUnknown(w, e.unknown);
  },
  decode(c) {
    const e: Partial<LookupExpression> = { kind: 'lookup' };
    while (c.next()) {
      switch (c.type) {
        case NFTA_LOOKUP_SET: e.set = c.string(); break;
        case NFTA_LOOKUP_SET_ID: e.setId = c.be32(); break;
        case NFTA_LOOKUP_SREG: e.sreg = c.be32(); break;
        case NFTA_LOOKUP_DREG: e.dreg = c.be32(); break;
        case NFTA_LOOKUP_FLAGS: e.invert = (c.be32() & NFT_LOOKUP_F_INV) !== 0; break;
        default: keepUnknown(e, c);
      }
    }
    return e as LookupExpression;
  },
};
