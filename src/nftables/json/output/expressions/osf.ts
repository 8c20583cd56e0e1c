// The osf expression (passive OS fingerprinting: `osf name`, `osf ttl skip version`) as nft
// 1.0.6 prints it (src/osf.c, json.c osf_expr_json).
import { NFT_OSF_F_VERSION, NFT_OSF_MAXGENRELEN } from '../../../../generated/nf_tables.js';
import type { OsfExpression } from '../../../expressions/osf.js';
import { DATATYPES as T } from '../../../objects/datatypes.js';
import type { NftJsonValue } from '../../schema.js';
import { required, type RawExpressionContext } from './context.js';

/** The OS name: a NUL-padded string of NFT_OSF_MAXGENRELEN bytes, printed as a string like an ifname. */
const OSF_NAME = { ...T.ifname!, name: 'string', length: NFT_OSF_MAXGENRELEN };

export function osf(e: OsfExpression, ctx: RawExpressionContext): void {
  const version = ((e.flags ?? 0) & NFT_OSF_F_VERSION) !== 0;
  const json: { [k: string]: NftJsonValue } = { key: version ? 'version' : 'name' };
  // nft prints no ttl for the default exact check.
  if (e.ttl === 'loose' || e.ttl === 'skip') json.ttl = e.ttl;
  ctx.load(required(e.dreg, ctx, 'osf', 'the destination register'), { json: { osf: json }, type: OSF_NAME, length: OSF_NAME.length });
}
