// The xfrm expression (`ipsec in reqid 1`, `ipsec out ip daddr ...`) as nft 1.0.6 prints it
// (src/xfrm.c, json.c xfrm_expr_json): `{"ipsec": {"key", "family"?, "dir", "spnum"}}`.
import {
  NFT_XFRM_KEY_DADDR_IP4, NFT_XFRM_KEY_DADDR_IP6, NFT_XFRM_KEY_REQID, NFT_XFRM_KEY_SADDR_IP4, NFT_XFRM_KEY_SADDR_IP6, NFT_XFRM_KEY_SPI,
  NFTA_XFRM_DIR, NFTA_XFRM_DREG, NFTA_XFRM_KEY, NFTA_XFRM_SPNUM,
} from '../../../../generated/nf_tables.js';
import { DATATYPES as T, type Datatype } from '../../../objects/datatypes.js';
import { plainInteger } from '../values.js';
import type { RawExpressionContext } from './context.js';
import { RawAttributes } from './raw-attributes.js';

const KEYS: Record<number, { name: string; family?: string; type: Datatype }> = {
  [NFT_XFRM_KEY_DADDR_IP4]: { name: 'daddr', family: 'ip', type: T.ipv4_addr! },
  [NFT_XFRM_KEY_SADDR_IP4]: { name: 'saddr', family: 'ip', type: T.ipv4_addr! },
  [NFT_XFRM_KEY_DADDR_IP6]: { name: 'daddr', family: 'ip6', type: T.ipv6_addr! },
  [NFT_XFRM_KEY_SADDR_IP6]: { name: 'saddr', family: 'ip6', type: T.ipv6_addr! },
  [NFT_XFRM_KEY_REQID]: { name: 'reqid', type: plainInteger(4, 'host') },
  [NFT_XFRM_KEY_SPI]: { name: 'spi', type: plainInteger(4) },
};

/** XFRM_POLICY_IN and XFRM_POLICY_OUT; nft prints no other direction. */
const DIRECTIONS: Record<number, string> = { 0: 'in', 1: 'out' };

export function xfrm(data: Buffer | undefined, ctx: RawExpressionContext, what: string): void {
  const a = new RawAttributes(data, 'xfrm', what);
  const key = a.required(NFTA_XFRM_KEY, 'the key');
  const k = KEYS[key] ?? a.fail(`xfrm key ${key} is not one nft names`);
  const dir = DIRECTIONS[a.u8(NFTA_XFRM_DIR) ?? 0] ?? a.fail('a direction other than in and out');
  const json = { key: k.name, ...(k.family ? { family: k.family } : {}), dir, spnum: a.u32(NFTA_XFRM_SPNUM) ?? 0 };
  ctx.load(a.required(NFTA_XFRM_DREG, 'the destination register'), { json: { ipsec: json }, type: k.type, length: k.type.length });
}
