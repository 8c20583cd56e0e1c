// The connlimit expression (`ct count over 5`) as nft 1.0.6 prints it (json.c
// connlimit_stmt_json), in rules and in sets.
import { NFT_CONNLIMIT_F_INV, NFTA_CONNLIMIT_COUNT, NFTA_CONNLIMIT_FLAGS } from '../../../../generated/nf_tables.js';
import type { NftJsonStatement, NftJsonValue } from '../../schema.js';
import { RawAttributes } from './raw-attributes.js';

export function connlimitJson(data: Buffer | undefined, what: string): NftJsonStatement {
  const a = new RawAttributes(data, 'connlimit', what);
  const body: { [k: string]: NftJsonValue } = { val: a.u32(NFTA_CONNLIMIT_COUNT) ?? 0 };
  if ((a.u32(NFTA_CONNLIMIT_FLAGS) ?? 0) & NFT_CONNLIMIT_F_INV) body.inv = true;
  return { 'ct count': body };
}
