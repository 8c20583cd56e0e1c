import { NFTA_SYNPROXY_FLAGS, NFTA_SYNPROXY_MSS, NFTA_SYNPROXY_WSCALE } from '../../generated/nf_tables.js';
import { attributeTableCodec } from './attribute-table.js';
import type { ExpressionCodec, KeepsUnknown } from './codec.js';

/** NF_SYNPROXY_OPT_* of <linux/netfilter/nf_synproxy.h>: the options synproxy announces, bits of `flags`. */
export const SYNPROXY_OPTIONS = {
  /** NF_SYNPROXY_OPT_MSS: announce `mss`. */
  mss: 0x01,
  /** NF_SYNPROXY_OPT_WSCALE: announce `wscale`. */
  wscale: 0x02,
  /** NF_SYNPROXY_OPT_SACK_PERM: announce selective acknowledgements. */
  'sack-perm': 0x04,
  /** NF_SYNPROXY_OPT_TIMESTAMP: announce timestamps. */
  timestamp: 0x08,
} as const;

/** `[ synproxy mss 1460 wscale 7 ]` written in a rule, not a named object: answers a SYN with a cookie (nft_synproxy). */
export interface SynproxyExpression extends KeepsUnknown {
  /** The kernel's `synproxy` expression. */
  kind: 'synproxy';
  /** The MSS announced (NFTA_SYNPROXY_MSS). */
  mss?: number;
  /** The window scale announced (NFTA_SYNPROXY_WSCALE). */
  wscale?: number;
  /** Options announced: bits of SYNPROXY_OPTIONS (NFTA_SYNPROXY_FLAGS). */
  flags?: number;
}

// nft_synproxy_do_dump: MSS, WSCALE, FLAGS.
export const synproxyCodec: ExpressionCodec<SynproxyExpression> = attributeTableCodec<SynproxyExpression>('synproxy', [
  { attr: NFTA_SYNPROXY_MSS, field: 'mss', width: 2 },
  { attr: NFTA_SYNPROXY_WSCALE, field: 'wscale', width: 1 },
  { attr: NFTA_SYNPROXY_FLAGS, field: 'flags', width: 4 },
]);
