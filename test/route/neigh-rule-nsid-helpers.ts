// Shared pieces of the neighbour, rule and nsid tests: services bound to a
// test namespace that count what they send, a tripwire context for input
// that must never reach the kernel, and fixture readers.
import { readFileSync } from 'node:fs';
import type { Test } from 'tap';
import { NETLINK_ROUTE } from '../../src/generated/netlink.js';
import { AttributeCursor } from '../../src/netlink/attributes.js';
import { parseMessages, type Message } from '../../src/netlink/message.js';
import type { NetlinkSocket } from '../../src/netlink/socket.js';
import { MessageWriter, NLMSG_HDRLEN } from '../../src/netlink/writer.js';
import { openNetlinkSocket } from '../../src/netns/socket.js';
import type { RouteContext } from '../../src/route/context.js';
import { ipJson } from '../helpers/netns.js';

const SENDING = new Set(['execute', 'executeAsync', 'dump', 'dumpAsync', 'executeMany', 'executeManyAsync', 'sendFrames', 'sendFramesAsync']);

export interface CountingContext extends RouteContext {
  /** How many requests reached the socket (sync or async). */
  sent(): number;
}

/** A context whose socket lives in `netns` and counts requests; closed when the test ends. */
export function openContext(t: Test, netns: string): CountingContext {
  const socket = openNetlinkSocket(NETLINK_ROUTE, { netns });
  t.teardown(() => socket.close());
  let sent = 0;
  const counting = new Proxy(socket, {
    get(target, key, receiver) {
      const value = Reflect.get(target, key, receiver);
      if (typeof value !== 'function') return value;
      return (...args: unknown[]) => {
        if (SENDING.has(String(key))) sent++;
        return (value as (...a: unknown[]) => unknown).apply(target, args);
      };
    },
  });
  return { socket: counting, label: `netns ${netns}`, sent: () => sent };
}

/**
 * A context whose socket throws on any use: a call that is refused with it
 * provably refused before sending (and needs neither root nor a namespace).
 */
export function tripwireContext(): RouteContext {
  const socket = new Proxy({} as NetlinkSocket, {
    get(_target, key) {
      throw new Error(`the socket was touched (${String(key)}): input reached the sending path`);
    },
  });
  return { socket, label: 'netns tripwire' };
}

/** ifindex → name in `netns`, as iproute2 resolves `dev`. */
export function linkNames(netns: string): Map<number, string> {
  return new Map(ipJson<{ ifindex: number; ifname: string }[]>(netns, 'link', 'show').map((l) => [l.ifindex, l.ifname]));
}

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
