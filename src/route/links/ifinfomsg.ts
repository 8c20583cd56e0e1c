import { putU32, type MessageWriter } from '../../netlink/writer.js';
import { IFINFOMSG_LEN } from '../resolve.js';

/** Writes struct ifinfomsg { family, pad, type, index, flags, change }. */
export function writeIfinfomsg(writer: MessageWriter, index: number, flags: number, change: number, type = 0, family = 0): void {
  const at = writer.reserve(IFINFOMSG_LEN);
  const b = writer.buf;
  b[at] = family;
  b[at + 2] = type;
  b[at + 3] = type >>> 8;
  putU32(b, at + 4, index);
  putU32(b, at + 8, flags);
  putU32(b, at + 12, change);
}
