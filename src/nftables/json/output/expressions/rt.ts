// The rt expression (routing data of a packet: `rt classid`, `rt ip nexthop`, `rt mtu`,
// `rt ipsec`) as nft 1.0.6 prints it (src/rt.c, json.c rt_expr_json).
import { NFT_RT_CLASSID, NFT_RT_NEXTHOP4, NFT_RT_NEXTHOP6, NFT_RT_TCPMSS, NFT_RT_XFRM, NFTA_RT_DREG, NFTA_RT_KEY } from '../../../../generated/nf_tables.js';
import { DATATYPES as T, type Datatype } from '../../../objects/datatypes.js';
import type { NftJsonValue } from '../../schema.js';
import { plainInteger } from '../values.js';
import type { RawExpressionContext } from './context.js';
import { RawAttributes } from './raw-attributes.js';

const KEYS: Record<number, { json: { [k: string]: NftJsonValue }; type: Datatype; presence?: boolean }> = {
  [NFT_RT_CLASSID]: { json: { key: 'classid' }, type: T.realm! },
  [NFT_RT_NEXTHOP4]: { json: { key: 'nexthop', family: 'ip' }, type: T.ipv4_addr! },
  [NFT_RT_NEXTHOP6]: { json: { key: 'nexthop', family: 'ip6' }, type: T.ipv6_addr! },
  [NFT_RT_TCPMSS]: { json: { key: 'mtu' }, type: plainInteger(2, 'host') },
  [NFT_RT_XFRM]: { json: { key: 'ipsec' }, type: T.boolean!, presence: true },
};

export function rt(data: Buffer | undefined, ctx: RawExpressionContext, what: string): void {
  const a = new RawAttributes(data, 'rt', what);
  const key = a.required(NFTA_RT_KEY, 'the key');
  const k = KEYS[key] ?? a.fail(`rt key ${key} is not one nft names`);
  ctx.load(a.required(NFTA_RT_DREG, 'the destination register'), { json: { rt: k.json }, type: k.type, length: k.type.length });
}
