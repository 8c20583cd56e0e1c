import { NFTA_REDIR_FLAGS, NFTA_REDIR_REG_PROTO_MAX, NFTA_REDIR_REG_PROTO_MIN } from '../../generated/nf_tables.js';
import { keepUnknown, requireRegister, writeUnknown, type ExpressionCodec, type KeepsUnknown } from './codec.js';
import { natFlags, type NatFlags } from './nat-flags.js';

/** `[ redir proto_min reg 1 ]`: destination NAT to the local host, optionally to another port. */
export interface RedirExpression extends KeepsUnknown {
  /** The kernel's `redir` expression (nft_redir), nft's `redirect`. */
  kind: 'redir';
  /** Register holding the local port to redirect to (NFTA_REDIR_REG_PROTO_MIN), for `redirect to :8080`; absent keeps the port. */
  protoMin?: number;
  /** Register holding the highest port of a range (NFTA_REDIR_REG_PROTO_MAX); the same as `protoMin` for one port. */
  protoMax?: number;
  /** NAT range flags; `proto-specified` when a port is given, as nft sets it. */
  flags?: NatFlags;
}

export const redirCodec: ExpressionCodec<RedirExpression> = {
  kind: 'redir',
  encode(w, e) {
    if (e.protoMin !== undefined) w.be32(NFTA_REDIR_REG_PROTO_MIN, requireRegister(e.protoMin, 'redir protoMin'));
    if (e.protoMax !== undefined) w.be32(NFTA_REDIR_REG_PROTO_MAX, requireRegister(e.protoMax, 'redir protoMax'));
    if (e.flags !== undefined) w.be32(NFTA_REDIR_FLAGS, natFlags.encode(e.flags));
    writeUnknown(w, e.unknown);
  },
  decode(c) {
    const e: RedirExpression = { kind: 'redir' };
    while (c.next()) {
      switch (c.type) {
        case NFTA_REDIR_REG_PROTO_MIN: e.protoMin = c.be32(); break;
        case NFTA_REDIR_REG_PROTO_MAX: e.protoMax = c.be32(); break;
        case NFTA_REDIR_FLAGS: e.flags = natFlags.decode(c.be32()); break;
        default: keepUnknown(e, c);
      }
    }
    return e;
  },
};
