// The socket expression (`socket transparent`, `socket mark`, `socket wildcard`, `socket
// cgroupv2 level N`) as nft 1.0.6 prints it (src/socket.c, json.c socket_expr_json).
import type { SocketExpression, SocketKey } from '../../../expressions/socket.js';
import { DATATYPES as T, type Datatype } from '../../../objects/datatypes.js';
import { plainInteger } from '../values.js';
import { named, required, type RawExpressionContext } from './context.js';

const TYPES: Record<SocketKey, Datatype> = {
  transparent: plainInteger(1, 'host'),
  mark: T.mark!,
  wildcard: plainInteger(1, 'host'),
  cgroupv2: T.cgroupsv2!,
};

export function socket(e: SocketExpression, ctx: RawExpressionContext): void {
  const key = named(e.key, ctx, 'socket', 'key');
  const type = TYPES[key];
  // nft 1.0.6's JSON has no level for cgroupv2 (socket_expr_json prints the key only).
  ctx.load(required(e.dreg, ctx, 'socket', 'the destination register'), { json: { socket: { key } }, type, length: type.length });
}
