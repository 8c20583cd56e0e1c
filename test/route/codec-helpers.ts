// Shared by the codec tests: fixture readers, captured messages, and
// payloads written by the encoders.
import { readFileSync } from 'node:fs';
import { AttributeCursor } from '../../src/netlink/attributes.js';
import { NLM_F_ACK, NLM_F_REQUEST, parseMessages, type Message } from '../../src/netlink/message.js';
import { MessageWriter, NLMSG_HDRLEN } from '../../src/netlink/writer.js';

export function readFixture<T = any>(path: string): T {
  return JSON.parse(readFileSync(new URL(`../../fixtures/${path}`, import.meta.url), 'utf8')) as T;
}

/** Hex of one message (nlmsghdr included) as a parsed Message. */
export function messageOf(hex: string): Message {
  const buf = Buffer.from(hex, 'hex');
  const [message] = parseMessages(buf, buf.length);
  return message!;
}

/** The payload (family header and attributes) of a message, as the encoders write it. */
export function payloadOf(message: Message): Buffer {
  return message.buf.subarray(message.offset, message.end);
}

/** What an encoder writes for a payload, as bytes. */
export function encodePayload<T>(encode: (writer: MessageWriter, value: T) => void, value: T): Buffer {
  const writer = new MessageWriter(256);
  encode(writer, value);
  return Buffer.from(writer.bytes());
}

/** One request as the socket frames it (NLM_F_REQUEST | NLM_F_ACK | `flags`, sequence number 0), as hex. */
export function requestHex(type: number, flags: number, encode: (writer: MessageWriter) => void): string {
  const writer = new MessageWriter(256);
  const start = writer.beginMessage(type, NLM_F_REQUEST | NLM_F_ACK | flags, 0);
  encode(writer);
  writer.endMessage(start);
  return writer.bytes().toString('hex');
}

/** A request payload wrapped in a message, so decoders can read it back. */
export function asMessage(type: number, payload: Buffer): Message {
  const buf = Buffer.alloc(NLMSG_HDRLEN + payload.length);
  buf.writeUInt32LE(buf.length, 0);
  buf.writeUInt16LE(type, 4);
  payload.copy(buf, NLMSG_HDRLEN);
  return parseMessages(buf, buf.length)[0]!;
}

/** Attribute types in wire order, for order-insensitive comparisons and messages. */
export function attributeTypes(payload: Buffer, headerLength: number): number[] {
  const c = new AttributeCursor(payload, (headerLength + 3) & ~3, payload.length);
  const types: number[] = [];
  while (c.next()) types.push(c.rawType);
  return types;
}
