// The connlimit expression (`ct count over 5`) as nft 1.0.6 prints it (json.c
// connlimit_stmt_json), in rules and in sets.
import { NFT_CONNLIMIT_F_INV } from '../../../../generated/nf_tables.js';
import type { ConnlimitExpression } from '../../../expressions/connlimit.js';
import type { NftJsonStatement, NftJsonValue } from '../../schema.js';

export function connlimitJson(e: ConnlimitExpression): NftJsonStatement {
  const body: { [k: string]: NftJsonValue } = { val: e.count ?? 0 };
  if ((e.flags ?? 0) & NFT_CONNLIMIT_F_INV) body.inv = true;
  return { 'ct count': body };
}
