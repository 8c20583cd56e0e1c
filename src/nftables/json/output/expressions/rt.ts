// The rt expression (routing data of a packet: `rt classid`, `rt ip nexthop`, `rt mtu`,
// `rt ipsec`) as nft 1.0.6 prints it (src/rt.c, json.c rt_expr_json).
import type { RtExpression, RtKey } from '../../../expressions/rt.js';
import { DATATYPES as T, type Datatype } from '../../../objects/datatypes.js';
import type { NftJsonValue } from '../../schema.js';
import { plainInteger } from '../values.js';
import { named, required, type RawExpressionContext } from './context.js';

const KEYS: Record<RtKey, { json: { [k: string]: NftJsonValue }; type: Datatype; presence?: boolean }> = {
  classid: { json: { key: 'classid' }, type: T.realm! },
  nexthop4: { json: { key: 'nexthop', family: 'ip' }, type: T.ipv4_addr! },
  nexthop6: { json: { key: 'nexthop', family: 'ip6' }, type: T.ipv6_addr! },
  tcpmss: { json: { key: 'mtu' }, type: plainInteger(2, 'host') },
  xfrm: { json: { key: 'ipsec' }, type: T.boolean!, presence: true },
};

export function rt(e: RtExpression, ctx: RawExpressionContext): void {
  const k = KEYS[named(e.key, ctx, 'rt', 'key')];
  ctx.load(required(e.dreg, ctx, 'rt', 'the destination register'), { json: { rt: k.json }, type: k.type, length: k.type.length });
}
