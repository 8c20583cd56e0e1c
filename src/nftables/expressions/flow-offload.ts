import { NFTA_FLOW_TABLE_NAME } from '../../generated/nf_tables.js';
import { requireName } from '../objects/names.js';
import { keepUnknown, writeUnknown, type ExpressionCodec, type KeepsUnknown } from './codec.js';

/**
 * `flow add @ft` (older nft: `flow offload @ft`): moves the packet's connection
 * into the flowtable `ft` of the rule's table, so its later packets take the
 * flowtable's fast path. Encoded as nft 1.0.6 sends it (fixtures/nftables/flowtable.json);
 * not run against a kernel here, which has no nf_flow_table.
 */
export interface FlowOffloadExpression extends KeepsUnknown {
  /** The kernel's `flow_offload` expression (nft_flow_offload). */
  kind: 'flow_offload';
  /** Name of the flowtable (NFTA_FLOW_TABLE_NAME), `@name` in nft; it must be in the rule's table. */
  flowtable: string;
}

export const flowOffloadCodec: ExpressionCodec<FlowOffloadExpression> = {
  kind: 'flow_offload',
  encode(w, e) {
    w.string(NFTA_FLOW_TABLE_NAME, requireName(e.flowtable, 'flow_offload flowtable'));
    writeUnknown(w, e.unknown);
  },
  decode(c) {
    const e: Partial<FlowOffloadExpression> = { kind: 'flow_offload' };
    while (c.next()) {
      if (c.type === NFTA_FLOW_TABLE_NAME) e.flowtable = c.string();
      else keepUnknown(e, c);
    }
    return e as FlowOffloadExpression;
  },
};
