import { NFTA_TPROXY_FAMILY, NFTA_TPROXY_REG_ADDR, NFTA_TPROXY_REG_PORT } from '../../generated/nf_tables.js';
import { attributeTableCodec } from './attribute-table.js';
import { EnumNames, type ExpressionCodec, type KeepsUnknown } from './codec.js';

/** The address family tproxy redirects to (NFTA_TPROXY_FAMILY): NFPROTO_IPV4, NFPROTO_IPV6, or `unspec` (0, the table's, for a port alone in inet). */
export type TproxyFamily = 'unspec' | 'ip' | 'ip6';
export const TPROXY_FAMILIES = new EnumNames<TproxyFamily>('tproxy family', { unspec: 0, ip: 2, ip6: 10 });

/** `[ tproxy ip addr reg 1 port reg 2 ]`: hands the packet to a local transparent socket (nft_tproxy). */
export interface TproxyExpression extends KeepsUnknown {
  /** The kernel's `tproxy` expression. */
  kind: 'tproxy';
  /** The family of `regAddr`'s address. */
  family: TproxyFamily | number;
  /** Register holding the address to redirect to (NFTA_TPROXY_REG_ADDR). */
  regAddr?: number;
  /** Register holding the port, network order (NFTA_TPROXY_REG_PORT). */
  regPort?: number;
}

// nft_tproxy_dump: FAMILY, REG_ADDR, REG_PORT.
export const tproxyCodec: ExpressionCodec<TproxyExpression> = attributeTableCodec<TproxyExpression>('tproxy', [
  { attr: NFTA_TPROXY_FAMILY, field: 'family', width: 4, names: TPROXY_FAMILIES, required: true },
  { attr: NFTA_TPROXY_REG_ADDR, field: 'regAddr', width: 4, register: true },
  { attr: NFTA_TPROXY_REG_PORT, field: 'regPort', width: 4, register: true },
]);
