import type { MessageWriter } from '../../netlink/writer.js';
import { IFINFOMSG_LEN } from '../resolve.js';

/** Writes struct ifinfomsg { family, pad, type, index, flags, change }. */
export function writeIfinfomsg(writer: MessageWriter, index: number, flags: number, change: number, type = 0, family = 0): void {
  const at = writer.reserve(IFINFOMSG_LEN);
  const b = writer.buf;
  b[at] = family;
  b.writeUInt16LE(type, at + 2);
  b.writeInt32LE(index, at + 4);
  b.writeUInt32LE(flags >>> 0, at + 8);
  b.writeUInt32LE(change >>> 0, at + 12);
}
