// Statements of nft's JSON that need no register and are one flat kernel
// expression each: `ct count` (connlimit) and a synproxy written in the rule
// (not a named object).
import { NFT_CONNLIMIT_F_INV, NFTA_CONNLIMIT_COUNT, NFTA_CONNLIMIT_FLAGS, NFTA_SYNPROXY_FLAGS, NFTA_SYNPROXY_MSS, NFTA_SYNPROXY_WSCALE } from '../../../generated/nf_tables.js';
import type { Expression } from '../../expressions/types.js';
import type { JsonNode } from './reader.js';
import { rawExpression, type RawAttribute } from './raw-expression.js';

/** `{"ct count": {"val": 10, "inv": true}}`: `ct count over 10`. */
export function connlimit(node: JsonNode): Expression {
  node.object(['val', 'inv']);
  const attributes: RawAttribute[] = [[NFTA_CONNLIMIT_COUNT, node.at('val').integer(0xffffffff)]];
  if (!node.at('inv').isMissing() && node.at('inv').boolean()) attributes.push([NFTA_CONNLIMIT_FLAGS, NFT_CONNLIMIT_F_INV]);
  return rawExpression('connlimit', attributes);
}

// NF_SYNPROXY_OPT_* of <linux/netfilter/nf_synproxy.h>.
const OPT_MSS = 0x01;
const OPT_WSCALE = 0x02;
const SYNPROXY_FLAGS: Record<string, number> = { 'sack-perm': 0x04, timestamp: 0x08 };

/** `{"synproxy": {"mss": 1460, "wscale": 7, "flags": ["timestamp", "sack-perm"]}}`: nft announces mss and wscale always. */
export function synproxyExpression(node: JsonNode): Expression {
  node.object(['mss', 'wscale', 'flags']);
  const mss = node.at('mss').optionalInteger(0xffff) ?? 0;
  const wscale = node.at('wscale').optionalInteger(14) ?? 0;
  let flags = OPT_MSS | OPT_WSCALE;
  if (!node.at('flags').isMissing()) for (const f of node.at('flags').list()) flags |= SYNPROXY_FLAGS[f.oneOf(Object.keys(SYNPROXY_FLAGS))]!;
  return rawExpression('synproxy', [[NFTA_SYNPROXY_MSS, mss, 2], [NFTA_SYNPROXY_WSCALE, wscale, 1], [NFTA_SYNPROXY_FLAGS, flags]]);
}
