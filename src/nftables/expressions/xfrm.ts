import {
  NFT_XFRM_KEY_DADDR_IP4, NFT_XFRM_KEY_DADDR_IP6, NFT_XFRM_KEY_REQID, NFT_XFRM_KEY_SADDR_IP4, NFT_XFRM_KEY_SADDR_IP6, NFT_XFRM_KEY_SPI,
  NFTA_XFRM_DIR, NFTA_XFRM_DREG, NFTA_XFRM_KEY, NFTA_XFRM_SPNUM,
} from '../../generated/nf_tables.js';
import { attributeTableCodec } from './attribute-table.js';
import { EnumNames, type ExpressionCodec, type KeepsUnknown } from './codec.js';

/** What `xfrm` reads of the IPsec state the packet went through (NFTA_XFRM_KEY): tunnel addresses, request id, SPI. */
export type XfrmKey = 'daddr-ip4' | 'saddr-ip4' | 'daddr-ip6' | 'saddr-ip6' | 'reqid' | 'spi';
export const XFRM_KEYS = new EnumNames<XfrmKey>('xfrm key', {
  'daddr-ip4': NFT_XFRM_KEY_DADDR_IP4, 'saddr-ip4': NFT_XFRM_KEY_SADDR_IP4, 'daddr-ip6': NFT_XFRM_KEY_DADDR_IP6,
  'saddr-ip6': NFT_XFRM_KEY_SADDR_IP6, reqid: NFT_XFRM_KEY_REQID, spi: NFT_XFRM_KEY_SPI,
});
/** XFRM_POLICY_IN and XFRM_POLICY_OUT: the states a packet was decrypted by, or will be encrypted by. */
export type XfrmDirection = 'in' | 'out';
export const XFRM_DIRECTIONS = new EnumNames<XfrmDirection>('xfrm direction', { in: 0, out: 1 });

/** `[ xfrm load out 0 reqid => reg 1 ]`: IPsec data of the packet (nft_xfrm, nft's `ipsec`). */
export interface XfrmExpression extends KeepsUnknown {
  /** The kernel's `xfrm` expression. */
  kind: 'xfrm';
  /** Register receiving the value (NFTA_XFRM_DREG). */
  dreg: number;
  /** What is read; a raw number for a key nlkit does not name. */
  key: XfrmKey | number;
  /** Incoming or outgoing states (NFTA_XFRM_DIR). */
  dir: XfrmDirection | number;
  /** Which state of the path, 0 the first (NFTA_XFRM_SPNUM). */
  spnum: number;
}

// nft_xfrm_get_dump: DREG, KEY, DIR, SPNUM.
export const xfrmCodec: ExpressionCodec<XfrmExpression> = attributeTableCodec<XfrmExpression>('xfrm', [
  { attr: NFTA_XFRM_DREG, field: 'dreg', width: 4, register: true, required: true },
  { attr: NFTA_XFRM_KEY, field: 'key', width: 4, names: XFRM_KEYS, required: true },
  { attr: NFTA_XFRM_DIR, field: 'dir', width: 1, names: XFRM_DIRECTIONS, required: true },
  { attr: NFTA_XFRM_SPNUM, field: 'spnum', width: 4, required: true },
]);
