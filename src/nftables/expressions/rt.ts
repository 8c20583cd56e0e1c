import { NFT_RT_CLASSID, NFT_RT_NEXTHOP4, NFT_RT_NEXTHOP6, NFT_RT_TCPMSS, NFT_RT_XFRM, NFTA_RT_DREG, NFTA_RT_KEY } from '../../generated/nf_tables.js';
import { attributeTableCodec } from './attribute-table.js';
import { EnumNames, type ExpressionCodec, type KeepsUnknown } from './codec.js';

/** What `rt` reads of the packet's route (NFTA_RT_KEY): `classid` (realm), `nexthop4`/`nexthop6` (the gateway), `tcpmss` (the route's MSS, nft's `rt mtu`), `xfrm` (whether an IPsec policy applies, nft's `rt ipsec`). */
export type RtKey = 'classid' | 'nexthop4' | 'nexthop6' | 'tcpmss' | 'xfrm';
export const RT_KEYS = new EnumNames<RtKey>('rt key', {
  classid: NFT_RT_CLASSID, nexthop4: NFT_RT_NEXTHOP4, nexthop6: NFT_RT_NEXTHOP6, tcpmss: NFT_RT_TCPMSS, xfrm: NFT_RT_XFRM,
});

/** `[ rt load nexthop4 => reg 1 ]`: routing data of the packet (nft_rt). */
export interface RtExpression extends KeepsUnknown {
  /** The kernel's `rt` expression. */
  kind: 'rt';
  /** What is read; a raw number for a key nlkit does not name. */
  key: RtKey | number;
  /** Register receiving it (NFTA_RT_DREG). */
  dreg: number;
}

// nft_rt_get_dump: KEY, then DREG.
export const rtCodec: ExpressionCodec<RtExpression> = attributeTableCodec<RtExpression>('rt', [
  { attr: NFTA_RT_KEY, field: 'key', width: 4, names: RT_KEYS, required: true },
  { attr: NFTA_RT_DREG, field: 'dreg', width: 4, register: true, required: true },
]);
