import { NFTA_MASQ_FLAGS, NFTA_MASQ_REG_PROTO_MAX, NFTA_MASQ_REG_PROTO_MIN } from '../../generated/nf_tables.js';
import { keepUnknown, requireRegister, writeUnknown, type ExpressionCodec, type KeepsUnknown } from './codec.js';
import { natFlags, type NatFlags } from './nat-flags.js';

/** `[ masq ]`: source NAT to the address of the outgoing interface, optionally to a port range. */
export interface MasqExpression extends KeepsUnknown {
  /** The kernel's `masq` expression (nft_masq), nft's `masquerade`. */
  kind: 'masq';
  /** NAT range flags, e.g. `random`, `fully-random`, `persistent`; absent for none. */
  flags?: NatFlags;
  /** Register holding the lowest source port (NFTA_MASQ_REG_PROTO_MIN), for `masquerade to :1024-2048`; absent keeps ports unless they clash. */
  protoMin?: number;
  /** Register holding the highest source port (NFTA_MASQ_REG_PROTO_MAX); the same as `protoMin` for a single port. */
  protoMax?: number;
}

export const masqCodec: ExpressionCodec<MasqExpression> = {
  kind: 'masq',
  encode(w, e) {
    if (e.flags !== undefined) w.be32(NFTA_MASQ_FLAGS, natFlags.encode(e.flags));
    if (e.protoMin !== undefined) w.be32(NFTA_MASQ_REG_PROTO_MIN, requireRegister(e.protoMin, 'masq protoMin'));
    if (e.protoMax !== undefined) w.be32(NFTA_MASQ_REG_PROTO_MAX, requireRegister(e.protoMax, 'masq protoMax'));
    writeUnknown(w, e.unknown);
  },
  decode(c) {
    const e: MasqExpression = { kind: 'masq' };
    while (c.next()) {
      switch (c.type) {
        case NFTA_MASQ_FLAGS: e.flags = natFlags.decode(c.be32()); break;
        case NFTA_MASQ_REG_PROTO_MIN: e.protoMin = c.be32(); break;
        case NFTA_MASQ_REG_PROTO_MAX: e.protoMax = c.be32(); break;
        default: keepUnknown(e, c);
      }
    }
    return e;
  },
};
