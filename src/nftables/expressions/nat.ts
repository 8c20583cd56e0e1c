import {
  NFT_NAT_DNAT, NFT_NAT_SNAT, NFTA_NAT_FAMILY, NFTA_NAT_FLAGS, NFTA_NAT_REG_ADDR_MAX, NFTA_NAT_REG_ADDR_MIN,
  NFTA_NAT_REG_PROTO_MAX, NFTA_NAT_REG_PROTO_MIN, NFTA_NAT_TYPE,
} from '../../generated/nf_tables.js';
import { familyName, familyNumber, type NftFamily } from '../objects/family.js';
import { EnumNames, keepUnknown, requireRegister, writeUnknown, type ExpressionCodec, type KeepsUnknown } from './codec.js';
import { natFlags, type NatFlags } from './nat-flags.js';

/** NAT direction (NFTA_NAT_TYPE): `snat` rewrites the source (postrouting, input), `dnat` the destination (prerouting, output). */
export type NatType = 'snat' | 'dnat';
const natTypes = new EnumNames<NatType>('nat type', { snat: NFT_NAT_SNAT, dnat: NFT_NAT_DNAT });

/**
 * `[ nat dnat ip addr_min reg 1 addr_max reg 1 proto_min reg 2 proto_max reg 2 flags 0x3 ]`:
 * rewrites addresses/ports to the ranges held in registers.
 */
export interface NatExpression extends KeepsUnknown {
  /** The kernel's `nat` expression (nft_nat). */
  kind: 'nat';
  /** Source or destination NAT; a raw number for one nlkit does not name. */
  type: NatType | number;
  /** Address family of the registers: `ip` or `ip6`. */
  family: NftFamily;
  /** Register holding the lowest address to map to (NFTA_NAT_REG_ADDR_MIN); absent keeps the address (port-only NAT). */
  addrMin?: number;
  /** Register holding the highest address of the range (NFTA_NAT_REG_ADDR_MAX); the same as `addrMin` for one address. */
  addrMax?: number;
  /** Register holding the lowest port (NFTA_NAT_REG_PROTO_MIN), for `dnat to 10.0.0.2:8080`; absent keeps the port. */
  protoMin?: number;
  /** Register holding the highest port (NFTA_NAT_REG_PROTO_MAX); the same as `protoMin` for one port. */
  protoMax?: number;
  /** NAT range flags; `map-ips` when addresses are given and `proto-specified` when ports are, as nft sets them. */
  flags?: NatFlags;
}

export const natCodec: ExpressionCodec<NatExpression> = {
  kind: 'nat',
  encode(w, e) {
    w.be32(NFTA_NAT_TYPE, natTypes.encode(e.type));
    w.be32(NFTA_NAT_FAMILY, familyNumber(e.family));
    if (e.addrMin !== undefined) w.be32(NFTA_NAT_REG_ADDR_MIN, requireRegister(e.addrMin, 'nat addrMin'));
    if (e.addrMax !== undefined) w.be32(NFTA_NAT_REG_ADDR_MAX, requireRegister(e.addrMax, 'nat addrMax'));
    if (e.protoMin !== undefined) w.be32(NFTA_NAT_REG_PROTO_MIN, requireRegister(e.protoMin, 'nat protoMin'));
    if (e.protoMax !== undefined) w.be32(NFTA_NAT_REG_PROTO_MAX, requireRegister(e.protoMax, 'nat protoMax'));
    if (e.flags !== undefined) w.be32(NFTA_NAT_FLAGS, natFlags.encode(e.flags));
    writeUnknown(w, e.unknown);
  },
  decode(c) {
    const e: Partial<NatExpression> = { kind: 'nat' };
    while (c.next()) {
      switch (c.type) {
        case NFTA_NAT_TYPE: e.type = natTypes.decode(c.be32()); break;
        case NFTA_NAT_FAMILY: e.family = familyName(c.be32()); break;
        case NFTA_NAT_REG_ADDR_MIN: e.addrMin = c.be32(); break;
        case NFTA_NAT_REG_ADDR_MAX: e.addrMax = c.be32(); break;
        case NFTA_NAT_REG_PROTO_MIN: e.protoMin = c.be32(); break;
        case NFTA_NAT_REG_PROTO_MAX: e.protoMax = c.be32(); break;
        case NFTA_NAT_FLAGS: e.flags = natFlags.decode(c.be32()); break;
        default: keepUnknown(e, c);
      }
    }
    return e as NatExpression;
  },
};
