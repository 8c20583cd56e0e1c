// What the tc tests share: requests as attribute trees, tc run in a namespace.
import { execFileSync } from 'node:child_process';
import type { Message } from '../../../src/netlink/message.js';

/** An attribute: its type and nested flag, and its payload as hex or as the attributes inside it. */
export type AttributeNode = { type: number; hex: string } | { type: number; nested: AttributeNode[] };

/** Whether a payload reads as a complete list of attributes (the heuristic tc's own dumps would need too). */
function asAttributes(b: Buffer): AttributeNode[] | undefined {
  const out: AttributeNode[] = [];
  let at = 0;
  while (at + 4 <= b.length) {
    const len = b.readUInt16LE(at);
    if (len < 4 || at + len > b.length) return undefined;
    out.push(node(b.readUInt16LE(at + 2), b.subarray(at + 4, at + len)));
    at += (len + 3) & ~3;
  }
  return at === b.length && out.length ? out : undefined;
}

function node(type: number, payload: Buffer): AttributeNode {
  // Payloads that parse as attributes are shown as a tree; structs stay hex (a struct may parse by chance: both sides do the same).
  const nested = payload.length >= 4 ? asAttributes(payload) : undefined;
  return nested ? { type, nested } : { type, hex: payload.toString('hex') };
}

/** A message's tcmsg (hex) and attributes as a tree, for comparisons that name the attribute that differs. */
export function attributeTree(m: Message, headerLength = 20): { header: string; attributes: AttributeNode[] } {
  const payload = m.buf.subarray(m.offset, m.end);
  return { header: payload.subarray(0, headerLength).toString('hex'), attributes: asAttributes(payload.subarray(headerLength)) ?? [] };
}

/** `tc -n NS ARGS` (tests only: nlkit itself never forks). */
export function tc(netns: string, ...args: string[]): string {
  return execFileSync('tc', ['-n', netns, ...args], { encoding: 'utf8' });
}

/** `tc -n NS -j ARGS`, parsed. */
export function tcJson<T = any>(netns: string, ...args: string[]): T {
  const out = tc(netns, '-j', ...args).trim();
  return (out === '' ? [] : JSON.parse(out)) as T;
}
