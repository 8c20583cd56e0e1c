import {
  NFT_NAT_DNAT, NFT_NAT_SNAT, NFTA_NAT_FAMILY, NFTA_NAT_FLAGS, NFTA_NAT_REG_ADDR_MAX, NFTA_NAT_REG_ADDR_MIN,
  NFTA_NAT_REG_PROTO_MAX, NFTA_NAT_REG_PROTO_MIN, NFTA_NAT_TYPE,
} from '../../generated/nf_tables.js';
import { familyName, familyNumber, type NftFamily } from '../objects/family.js';
import { EnumNames, keepUnknown, requireRegister, writeUnknown, type ExpressionCodec, type KeepsUnknown } from './codec.js';
import { natFlags, type NatFlags } from './nat-flags.js';

export type NatType = 'snat' | 'dnat';
const natTypes = new EnumNames<NatType>('nat type', { snat: NFT_NAT_SNAT, dnat: NFT_NAT_DNAT });

/**
 * `[ nat dnat ip addr_min reg 1 addr_max reg 1 proto_min reg 2 proto_max reg 2 flags 0x3 ]`:
 * rewrites addresses/ports to the ranges held in registers.
 */
export interface NatExpression extends KeepsUnknown {
  kind: 'nat';
  type: NatType | number;
  /** Address family of the registers: `ip` or `ip6`. */
  family: NftFamily;
  addrMin?: number;
  addrMax?: number;
  protoMin?: number;
  protoMax?: number;
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
