import { NFTA_FWD_NFPROTO, NFTA_FWD_SREG_ADDR, NFTA_FWD_SREG_DEV } from '../../generated/nf_tables.js';
import { attributeTableCodec } from './attribute-table.js';
import { EnumNames, type ExpressionCodec, type KeepsUnknown } from './codec.js';

/** The family of a fwd neighbour address (NFTA_FWD_NFPROTO): NFPROTO_IPV4 or NFPROTO_IPV6. */
export type FwdFamily = 'ip' | 'ip6';
export const FWD_FAMILIES = new EnumNames<FwdFamily>('fwd family', { ip: 2, ip6: 10 });

/** `[ fwd sreg_dev 1 ]`: sends the packet out of a device from the netdev ingress hook (nft_fwd_netdev). */
export interface FwdExpression extends KeepsUnknown {
  /** The kernel's `fwd` expression. */
  kind: 'fwd';
  /** Register holding the output interface index (NFTA_FWD_SREG_DEV). */
  sregDev: number;
  /** Register holding the neighbour address to send to (NFTA_FWD_SREG_ADDR). */
  sregAddr?: number;
  /** The family of that address, given with it. */
  nfproto?: FwdFamily | number;
}

// nft_fwd_neigh_dump: SREG_DEV, SREG_ADDR, NFPROTO (nft_fwd_netdev_dump: SREG_DEV alone).
export const fwdCodec: ExpressionCodec<FwdExpression> = attributeTableCodec<FwdExpression>('fwd', [
  { attr: NFTA_FWD_SREG_DEV, field: 'sregDev', width: 4, register: true, required: true },
  { attr: NFTA_FWD_SREG_ADDR, field: 'sregAddr', width: 4, register: true },
  { attr: NFTA_FWD_NFPROTO, field: 'nfproto', width: 4, names: FWD_FAMILIES },
]);
