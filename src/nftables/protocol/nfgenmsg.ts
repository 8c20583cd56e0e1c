import { NFNETLINK_V0, NFNL_MSG_BATCH_BEGIN, NFNL_MSG_BATCH_END, NFNL_SUBSYS_NFTABLES } from '../../generated/nfnetlink.js';
import { AttributeCursor, type DecodeContext } from '../../netlink/attributes.js';
import { be16 } from '../../netlink/byte-reads.js';
import { requireHeader, type Message, type MessageOrigin } from '../../netlink/message.js';
import { NFT_MESSAGE_NAMES, nftAttributeName } from './messages.js';
import type { MessageWriter } from '../../netlink/writer.js';

/** struct nfgenmsg: family, version, res_id (big-endian). */
export const NFGENMSG_LENGTH = 4;

/** The nlmsg_type of an nf_tables message: subsystem in the high byte, NFT_MSG_* in the low byte. */
export function nftMessageType(message: number): number {
  return (NFNL_SUBSYS_NFTABLES << 8) | message;
}

/** NFT_MSG_* of an nf_tables nlmsg_type, or -1 for another subsystem. */
export function nftMessageOf(type: number): number {
  return type >> 8 === NFNL_SUBSYS_NFTABLES ? type & 0xff : -1;
}

/** Writes struct nfgenmsg. `resourceId` is the subsystem for batch delimiters, 0 otherwise. */
export function writeNfgenmsg(writer: MessageWriter, family: number, resourceId = 0): void {
  const at = writer.reserve(NFGENMSG_LENGTH);
  writer.buf[at] = family;
  writer.buf[at + 1] = NFNETLINK_V0;
  writer.buf.writeUInt16BE(resourceId, at + 2);
}

export interface Nfgenmsg {
  family: number;
  version: number;
  /** In replies, the low 16 bits of the ruleset generation. */
  resourceId: number;
}

/** `NFT_MSG_NEWRULE`, `NFNL_MSG_BATCH_BEGIN`, ... for error reports; the number for anything else. */
export function nfnetlinkMessageName(type: number): string | number {
  if (type === NFNL_MSG_BATCH_BEGIN) return 'NFNL_MSG_BATCH_BEGIN';
  if (type === NFNL_MSG_BATCH_END) return 'NFNL_MSG_BATCH_END';
  const name = NFT_MESSAGE_NAMES[nftMessageOf(type)];
  return name === undefined ? type : `NFT_MSG_${name}`;
}

function origin(message: Message): MessageOrigin {
  return { family: 'nftables', messageType: nfnetlinkMessageName(message.type) };
}

function requireNfgenmsg(message: Message): void {
  if (message.end - message.offset >= NFGENMSG_LENGTH && message.end <= message.buf.length) return;
  requireHeader(message, NFGENMSG_LENGTH, 'nfgenmsg', origin(message));
}

/** Reads struct nfgenmsg; MalformedMessageError when the payload is shorter. */
export function readNfgenmsg(message: Message): Nfgenmsg {
  requireNfgenmsg(message);
  const b = message.buf;
  const at = message.offset;
  return { family: b[at]!, version: b[at + 1]!, resourceId: be16(b, at + 2) };
}

/**
 * A cursor over the attributes that follow nfgenmsg (MalformedMessageError
 * when there is no nfgenmsg); its errors name the message and attribute.
 */
export function nftAttributes(message: Message): AttributeCursor {
  requireNfgenmsg(message);
  const kind = nftMessageOf(message.type);
  const context: DecodeContext = { ...origin(message), attributeName: (path) => nftAttributeName(kind, path) };
  return new AttributeCursor(message.buf, message.offset + NFGENMSG_LENGTH, message.end, context);
}
