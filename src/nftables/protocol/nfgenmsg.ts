import { NFNETLINK_V0, NFNL_SUBSYS_NFTABLES } from '../../generated/nfnetlink.js';
import { AttributeCursor } from '../../netlink/attributes.js';
import type { Message } from '../../netlink/message.js';
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

export function readNfgenmsg(message: Message): Nfgenmsg {
  const b = message.buf;
  const at = message.offset;
  return { family: b[at]!, version: b[at + 1]!, resourceId: b.readUInt16BE(at + 2) };
}

/** A cursor over the attributes that follow nfgenmsg. */
export function nftAttributes(message: Message): AttributeCursor {
  return new AttributeCursor(message.buf, message.offset + NFGENMSG_LENGTH, message.end);
}
