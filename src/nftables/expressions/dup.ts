import { NFTA_DUP_SREG_ADDR, NFTA_DUP_SREG_DEV } from '../../generated/nf_tables.js';
import { attributeTableCodec } from './attribute-table.js';
import type { ExpressionCodec, KeepsUnknown } from './codec.js';

/** `[ dup sreg_addr 1 sreg_dev 2 ]`: sends a copy of the packet to an address and/or out of a device (nft_dup_ipv4/ipv6/netdev). */
export interface DupExpression extends KeepsUnknown {
  /** The kernel's `dup` expression. */
  kind: 'dup';
  /** Register holding the gateway address (NFTA_DUP_SREG_ADDR). */
  sregAddr?: number;
  /** Register holding the output interface index (NFTA_DUP_SREG_DEV). */
  sregDev?: number;
}

// nft_dup_ipv4_dump: SREG_ADDR, then SREG_DEV when a device was given.
export const dupCodec: ExpressionCodec<DupExpression> = attributeTableCodec<DupExpression>('dup', [
  { attr: NFTA_DUP_SREG_ADDR, field: 'sregAddr', width: 4, register: true },
  { attr: NFTA_DUP_SREG_DEV, field: 'sregDev', width: 4, register: true },
]);
