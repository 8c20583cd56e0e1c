// Helpers for the nftables tests: run `nft` inside a test namespace (tests only: nlkit never forks).
import { execFileSync } from 'node:child_process';
import type { Test } from 'tap';
import { MessageWriter, parseMessages, type Message } from '../../src/netlink/index.js';
import { openNftables, type NftablesConnection, type Ruleset } from '../../src/nftables/index.js';
import type { BatchCommand } from '../../src/nftables/protocol/batch.js';
import { writeNfgenmsg } from '../../src/nftables/protocol/nfgenmsg.js';
import { testNetns } from '../helpers/netns.js';
import { maskNftText } from '../helpers/volatile.js';

/** `ip netns exec NS nft ARGS`, stdout as text (up to 1 GiB: a kube-proxy-sized listing is tens of MB). */
export function nft(netns: string, ...args: string[]): string {
  return execFileSync('ip', ['netns', 'exec', netns, 'nft', ...args], { encoding: 'utf8', maxBuffer: 1 << 30, stdio: ['pipe', 'pipe', 'pipe'] });
}

/** Loads a ruleset file into the namespace with `nft -f -`. */
export function nftLoad(netns: string, text: string): void {
  execFileSync('ip', ['netns', 'exec', netns, 'nft', '-f', '-'], { input: text, encoding: 'utf8', stdio: ['pipe', 'pipe', 'pipe'] });
}

/** `nft -j list ...` parsed into its `nftables` array. */
export function nftJson(netns: string, ...what: string[]): any[] {
  return JSON.parse(nft(netns, '-j', 'list', ...(what.length ? what : ['ruleset']))).nftables;
}

/** The rule lines of `nft list chain` (indented twice), without handles and counters' values. */
export function ruleLines(netns: string, family: string, table: string, chain: string): string[] {
  return nft(netns, 'list', 'chain', family, table, chain)
    .split('\n')
    .filter((l) => l.startsWith('\t\t') && !/^\t\t(type \w+ hook|comment ")/.test(l))
    .map((l) => l.trim());
}

/** JSON with Buffers as hex, for readable comparisons and fixtures. */
export function hexJson(value: unknown): string {
  return JSON.stringify(value, (_k, v) => (v && v.type === 'Buffer' && Array.isArray(v.data) ? Buffer.from(v.data).toString('hex') : v));
}

/** Rules from `nft -j` as { chain, expr, comment } (handles dropped). */
export function jsonRules(ruleset: any[]): { chain: string; expr: unknown; comment?: string }[] {
  return ruleset.filter((o) => o.rule).map(({ rule }) => ({ chain: rule.chain, expr: rule.expr, ...(rule.comment ? { comment: rule.comment } : {}) }));
}

/** Encodes one batch command as the message it becomes (for decoders under test). */
export function messageOf(command: BatchCommand): Message {
  const w = new MessageWriter();
  const start = w.beginMessage((10 << 8) | command.message, 1 | command.flags, 1);
  writeNfgenmsg(w, command.family);
  command.encode(w);
  w.endMessage(start);
  const bytes = Buffer.from(w.bytes());
  return parseMessages(bytes, bytes.length)[0]!;
}

/** An nftables connection in `netns`, closed when the test ends. */
export function openFor(t: Test, netns: string): NftablesConnection {
  const conn = openNftables({ netns });
  t.teardown(() => conn.close());
  return conn;
}

/** `nft list ruleset`, element expiry countdowns masked. */
export function rulesetText(netns: string): string {
  return maskNftText(nft(netns, 'list', 'ruleset'));
}

/** Re-creates what a listing returned, in one transaction (the public `addRuleset`). */
export function recreate(conn: NftablesConnection, rs: Ruleset): void {
  conn.addRuleset(rs);
}

/**
 * Loads `ruleset` with nft in a namespace of the test's own, lists it with
 * nlkit, flushes, re-creates it with nlkit and checks `nft list ruleset`
 * prints the same. Returns the listing.
 */
export function roundTrip(t: Test, ruleset: string, setup?: (netns: string) => void): Ruleset {
  const [ns] = testNetns(t, 1, 'nftrt');
  setup?.(ns!);
  nftLoad(ns!, ruleset);
  const before = rulesetText(ns!);
  const conn = openFor(t, ns!);
  const rs = conn.listRuleset();
  nft(ns!, 'flush', 'ruleset');
  t.equal(nft(ns!, 'list', 'ruleset').trim(), '', 'flushed');
  recreate(conn, rs);
  t.equal(rulesetText(ns!), before, 'nft list ruleset is identical after re-creation');
  return rs;
}
