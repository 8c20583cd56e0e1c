import {
  NFT_SOCKET_CGROUPV2, NFT_SOCKET_MARK, NFT_SOCKET_TRANSPARENT, NFT_SOCKET_WILDCARD, NFTA_SOCKET_DREG, NFTA_SOCKET_KEY, NFTA_SOCKET_LEVEL,
} from '../../generated/nf_tables.js';
import { attributeTableCodec } from './attribute-table.js';
import { EnumNames, type ExpressionCodec, type KeepsUnknown } from './codec.js';

/** What `socket` reads of the socket the packet belongs to (NFTA_SOCKET_KEY): IP_TRANSPARENT, its mark, whether it listens on a wildcard address, its cgroup v2 ancestor at `level`. */
export type SocketKey = 'transparent' | 'mark' | 'wildcard' | 'cgroupv2';
export const SOCKET_KEYS = new EnumNames<SocketKey>('socket key', {
  transparent: NFT_SOCKET_TRANSPARENT, mark: NFT_SOCKET_MARK, wildcard: NFT_SOCKET_WILDCARD, cgroupv2: NFT_SOCKET_CGROUPV2,
});

/** `[ socket load transparent => reg 1 ]`: a property of the packet's socket (nft_socket). */
export interface SocketExpression extends KeepsUnknown {
  /** The kernel's `socket` expression. */
  kind: 'socket';
  /** What is read; a raw number for a key nlkit does not name. */
  key: SocketKey | number;
  /** Register receiving it (NFTA_SOCKET_DREG). */
  dreg: number;
  /** The cgroup v2 ancestor level, for key `cgroupv2` only (NFTA_SOCKET_LEVEL). */
  level?: number;
}

// nft_socket_dump: KEY, DREG, then LEVEL for cgroupv2.
export const socketCodec: ExpressionCodec<SocketExpression> = attributeTableCodec<SocketExpression>('socket', [
  { attr: NFTA_SOCKET_KEY, field: 'key', width: 4, names: SOCKET_KEYS, required: true },
  { attr: NFTA_SOCKET_DREG, field: 'dreg', width: 4, register: true, required: true },
  { attr: NFTA_SOCKET_LEVEL, field: 'level', width: 4 },
]);
