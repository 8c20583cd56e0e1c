// The top-level attributes an encoder wrote, read back for byte-level checks.
import { MessageWriter } from '../../src/netlink/writer.js';

export interface WrittenAttribute {
  length: number;
  type: number;
  payload: Buffer;
}

/** Every attribute `write` puts into an empty writer, in order. */
export function writtenAttributes(write: (w: MessageWriter) => void): WrittenAttribute[] {
  const w = new MessageWriter();
  write(w);
  const bytes = Buffer.from(w.bytes());
  const out: WrittenAttribute[] = [];
  for (let at = 0; at + 4 <= bytes.length; ) {
    const length = bytes.readUInt16LE(at);
    out.push({ length, type: bytes.readUInt16LE(at + 2), payload: bytes.subarray(at + 4, at + length) });
    at += (length + 3) & ~3;
  }
  return out;
}
