// The osf expression (passive OS fingerprinting: `osf name`, `osf ttl skip version`) as nft
// 1.0.6 prints it (src/osf.c, json.c osf_expr_json).
import { NFT_OSF_F_VERSION, NFT_OSF_MAXGENRELEN, NFTA_OSF_DREG, NFTA_OSF_FLAGS, NFTA_OSF_TTL } from '../../../../generated/nf_tables.js';
import { DATATYPES as T } from '../../../objects/datatypes.js';
import type { NftJsonValue } from '../../schema.js';
import type { RawExpressionContext } from './context.js';
import { RawAttributes } from './raw-attributes.js';

/** The OS name: a NUL-padded string of NFT_OSF_MAXGENRELEN bytes, printed as a string like an ifname. */
const OSF_NAME = { ...T.ifname!, name: 'string', length: NFT_OSF_MAXGENRELEN };

const TTL: Record<number, string> = { 1: 'loose', 2: 'skip' };

export function osf(data: Buffer | undefined, ctx: RawExpressionContext, what: string): void {
  const a = new RawAttributes(data, 'osf', what);
  const version = ((a.u32(NFTA_OSF_FLAGS) ?? 0) & NFT_OSF_F_VERSION) !== 0;
  const json: { [k: string]: NftJsonValue } = { key: version ? 'version' : 'name' };
  const ttl = TTL[a.u8(NFTA_OSF_TTL) ?? 0];
  if (ttl) json.ttl = ttl;
  ctx.load(a.required(NFTA_OSF_DREG, 'the destination register'), { json: { osf: json }, type: OSF_NAME, length: OSF_NAME.length });
}
