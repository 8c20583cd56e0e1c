import {
  NFT_REJECT_ICMP_UNREACH, NFT_REJECT_ICMPX_UNREACH, NFT_REJECT_TCP_RST, NFTA_REJECT_ICMP_CODE, NFTA_REJECT_TYPE,
} from '../../generated/nf_tables.js';
import { EnumNames, keepUnknown, requireUint, writeUnknown, type ExpressionCodec, type KeepsUnknown } from './codec.js';

/** How a packet is refused (NFTA_REJECT_TYPE): `icmp-unreach` (ICMP or ICMPv6 per family), `tcp-rst`, or `icmpx-unreach` (family-neutral codes, for inet/bridge/netdev). */
export type RejectType = 'icmp-unreach' | 'tcp-rst' | 'icmpx-unreach';
const rejectTypes = new EnumNames<RejectType>('reject type', {
  'icmp-unreach': NFT_REJECT_ICMP_UNREACH,
  'tcp-rst': NFT_REJECT_TCP_RST,
  'icmpx-unreach': NFT_REJECT_ICMPX_UNREACH,
});

/** `[ reject type 0 code 3 ]`: drops the packet and answers with an ICMP error or a TCP reset. */
export interface RejectExpression extends KeepsUnknown {
  /** The kernel's `reject` expression (nft_reject). */
  kind: 'reject';
  /** Kind of answer; a raw number for one nlkit does not name. */
  type: RejectType | number;
  /** ICMP code for icmp-unreach (per family), or an NFT_REJECT_ICMPX_* code for icmpx-unreach. */
  code?: number;
}

export const rejectCodec: ExpressionCodec<RejectExpression> = {
  kind: 'reject',
  encode(w, e) {
    w.be32(NFTA_REJECT_TYPE, rejectTypes.encode(e.type));
    if (e.code !== undefined) w.u8(NFTA_REJECT_ICMP_CODE, requireUint(e.code, 'reject code', 0xff));
    writeUnknown(w, e.unknown);
  },
  decode(c) {
    const e: Partial<RejectExpression> = { kind: 'reject' };
    while (c.next()) {
      switch (c.type) {
        case NFTA_REJECT_TYPE: e.type = rejectTypes.decode(c.be32()); break;
        case NFTA_REJECT_ICMP_CODE: e.code = c.u8(); break;
        default: keepUnknown(e, c);
      }
    }
    return e as RejectExpression;
  },
};
