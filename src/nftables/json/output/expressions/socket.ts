// The socket expression (`socket transparent`, `socket mark`, `socket wildcard`, `socket
// cgroupv2 level N`) as nft 1.0.6 prints it (src/socket.c, json.c socket_expr_json).
import {
  NFT_SOCKET_CGROUPV2, NFT_SOCKET_MARK, NFT_SOCKET_TRANSPARENT, NFT_SOCKET_WILDCARD, NFTA_SOCKET_DREG, NFTA_SOCKET_KEY,
} from '../../../../generated/nf_tables.js';
import { DATATYPES as T, type Datatype } from '../../../objects/datatypes.js';
import { plainInteger } from '../values.js';
import type { RawExpressionContext } from './context.js';
import { RawAttributes } from './raw-attributes.js';

const KEYS: Record<number, { name: string; type: Datatype }> = {
  [NFT_SOCKET_TRANSPARENT]: { name: 'transparent', type: plainInteger(1, 'host') },
  [NFT_SOCKET_MARK]: { name: 'mark', type: T.mark! },
  [NFT_SOCKET_WILDCARD]: { name: 'wildcard', type: plainInteger(1, 'host') },
  [NFT_SOCKET_CGROUPV2]: { name: 'cgroupv2', type: T.cgroupsv2! },
};

export function socket(data: Buffer | undefined, ctx: RawExpressionContext, what: string): void {
  const a = new RawAttributes(data, 'socket', what);
  const key = a.required(NFTA_SOCKET_KEY, 'the key');
  const k = KEYS[key] ?? a.fail(`socket key ${key} is not one nft names`);
  // nft 1.0.6's JSON has no level for cgroupv2 (socket_expr_json prints the key only).
  ctx.load(a.required(NFTA_SOCKET_DREG, 'the destination register'), { json: { socket: { key: k.name } }, type: k.type, length: k.type.length });
}
