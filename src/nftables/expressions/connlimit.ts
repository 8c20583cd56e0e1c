import { NFTA_CONNLIMIT_COUNT, NFTA_CONNLIMIT_FLAGS } from '../../generated/nf_tables.js';
import { attributeTableCodec } from './attribute-table.js';
import type { ExpressionCodec, KeepsUnknown } from './codec.js';

/** `[ connlimit count 5 flags 1 ]`: nft's `ct count over 5`, the number of connections tracked for the key (nft_connlimit). */
export interface ConnlimitExpression extends KeepsUnknown {
  /** The kernel's `connlimit` expression. */
  kind: 'connlimit';
  /** The limit (NFTA_CONNLIMIT_COUNT). */
  count: number;
  /** NFT_CONNLIMIT_F_INV (1): match above the limit (`over`) rather than up to it (NFTA_CONNLIMIT_FLAGS). */
  flags?: number;
}

// nft_connlimit_do_dump: COUNT, FLAGS.
export const connlimitCodec: ExpressionCodec<ConnlimitExpression> = attributeTableCodec<ConnlimitExpression>('connlimit', [
  { attr: NFTA_CONNLIMIT_COUNT, field: 'count', width: 4, required: true },
  { attr: NFTA_CONNLIMIT_FLAGS, field: 'flags', width: 4 },
]);
