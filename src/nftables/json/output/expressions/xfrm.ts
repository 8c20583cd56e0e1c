// The xfrm expression (`ipsec in reqid 1`, `ipsec out ip daddr ...`) as nft 1.0.6 prints it
// (src/xfrm.c, json.c xfrm_expr_json): `{"ipsec": {"key", "family"?, "dir", "spnum"}}`.
import type { XfrmExpression, XfrmKey } from '../../../expressions/xfrm.js';
import { DATATYPES as T, type Datatype } from '../../../objects/datatypes.js';
import { plainInteger } from '../values.js';
import { named, required, type RawExpressionContext } from './context.js';

const KEYS: Record<XfrmKey, { name: string; family?: string; type: Datatype }> = {
  'daddr-ip4': { name: 'daddr', family: 'ip', type: T.ipv4_addr! },
  'saddr-ip4': { name: 'saddr', family: 'ip', type: T.ipv4_addr! },
  'daddr-ip6': { name: 'daddr', family: 'ip6', type: T.ipv6_addr! },
  'saddr-ip6': { name: 'saddr', family: 'ip6', type: T.ipv6_addr! },
  reqid: { name: 'reqid', type: plainInteger(4, 'host') },
  spi: { name: 'spi', type: plainInteger(4) },
};

export function xfrm(e: XfrmExpression, ctx: RawExpressionContext): void {
  const k = KEYS[named(e.key, ctx, 'xfrm', 'key')];
  const dir = named(e.dir ?? 'in', ctx, 'xfrm', 'direction');
  const json = { key: k.name, ...(k.family ? { family: k.family } : {}), dir, spnum: e.spnum ?? 0 };
  ctx.load(required(e.dreg, ctx, 'xfrm', 'the destination register'), { json: { ipsec: json }, type: k.type, length: k.type.length });
}
