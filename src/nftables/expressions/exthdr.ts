import {
  NFT_EXTHDR_OP_DCCP, NFT_EXTHDR_OP_IPV4, NFT_EXTHDR_OP_IPV6, NFT_EXTHDR_OP_SCTP, NFT_EXTHDR_OP_TCPOPT, NFTA_EXTHDR_DREG, NFTA_EXTHDR_FLAGS,
  NFTA_EXTHDR_LEN, NFTA_EXTHDR_OFFSET, NFTA_EXTHDR_OP, NFTA_EXTHDR_SREG, NFTA_EXTHDR_TYPE,
} from '../../generated/nf_tables.js';
import { attributeTableCodec } from './attribute-table.js';
import { EnumNames, type ExpressionCodec, type KeepsUnknown } from './codec.js';

/** Where the header or option is (NFTA_EXTHDR_OP): IPv6 extension headers, TCP options, IPv4 options, SCTP chunks, DCCP options. */
export type ExthdrOp = 'ipv6' | 'tcpopt' | 'ipv4' | 'sctp' | 'dccp';
export const EXTHDR_OPS = new EnumNames<ExthdrOp>('exthdr op', {
  ipv6: NFT_EXTHDR_OP_IPV6, tcpopt: NFT_EXTHDR_OP_TCPOPT, ipv4: NFT_EXTHDR_OP_IPV4, sctp: NFT_EXTHDR_OP_SCTP, dccp: NFT_EXTHDR_OP_DCCP,
});

/**
 * `[ exthdr load tcpopt 2b @ 2 + 2 => reg 1 ]`: a field of an extension header, option or chunk
 * (nft_exthdr). With `dreg` a load, with `sreg` a write (`tcp option maxseg size set 1360`),
 * with neither a removal (`reset tcp option sack-perm`).
 */
export interface ExthdrExpression extends KeepsUnknown {
  /** The kernel's `exthdr` expression. */
  kind: 'exthdr';
  /** Register receiving the field, for a load (NFTA_EXTHDR_DREG). */
  dreg?: number;
  /** Register holding the new value, for a write (NFTA_EXTHDR_SREG). */
  sreg?: number;
  /** The header's protocol number, the option's kind or type, the chunk's type (NFTA_EXTHDR_TYPE). */
  type: number;
  /** Byte offset of the field inside it (NFTA_EXTHDR_OFFSET). */
  offset?: number;
  /** Bytes read or written (NFTA_EXTHDR_LEN). */
  length?: number;
  /**
   * NFT_EXTHDR_F_PRESENT (1): the load yields whether it is there (`exists`). The kernel lists 0
   * on every exthdr but refuses the attribute on writes and removals, so nlkit leaves it out there.
   */
  flags?: number;
  /** Where it is; the kernel lists `ipv6` when none was given. */
  op?: ExthdrOp | number;
}

// nft_exthdr_dump_common after DREG or SREG: TYPE, OFFSET, LEN, FLAGS, OP.
export const exthdrCodec: ExpressionCodec<ExthdrExpression> = attributeTableCodec<ExthdrExpression>('exthdr', [
  { attr: NFTA_EXTHDR_DREG, field: 'dreg', width: 4, register: true },
  { attr: NFTA_EXTHDR_SREG, field: 'sreg', width: 4, register: true },
  { attr: NFTA_EXTHDR_TYPE, field: 'type', width: 1, required: true },
  { attr: NFTA_EXTHDR_OFFSET, field: 'offset', width: 4 },
  { attr: NFTA_EXTHDR_LEN, field: 'length', width: 4 },
  { attr: NFTA_EXTHDR_FLAGS, field: 'flags', width: 4 },
  { attr: NFTA_EXTHDR_OP, field: 'op', width: 4, names: EXTHDR_OPS },
]);
