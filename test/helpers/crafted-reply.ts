/** A netlink message as the kernel would frame it, for replies fed through the transport seam. */
export function reply(type: number, flags: number, seq: number, pid: number, payload: Buffer): Buffer {
  const b = Buffer.alloc(16 + payload.length);
  b.writeUInt32LE(b.length, 0);
  b.writeUInt16LE(type, 4);
  b.writeUInt16LE(flags, 6);
  b.writeUInt32LE(seq, 8);
  b.writeUInt32LE(pid, 12);
  payload.copy(b, 16);
  return b;
}

/** One netlink attribute laid out by hand (length, type, payload, padding to 4 bytes), not by nlkit's writer. */
export function attributeBytes(type: number, payload: Buffer): Buffer {
  const header = Buffer.alloc(4);
  header.writeUInt16LE(4 + payload.length, 0);
  header.writeUInt16LE(type, 2);
  const padding = Buffer.alloc((4 - (payload.length % 4)) % 4);
  return Buffer.concat([header, payload, padding]);
}
