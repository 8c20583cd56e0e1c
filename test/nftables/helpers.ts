// Helpers for the nftables tests: run `nft` inside a test namespace (tests only: nlkit never forks).
import { execFileSync } from 'node:child_process';

/** `ip netns exec NS nft ARGS`, stdout as text. */
export function nft(netns: string, ...args: string[]): string {
  return execFileSync('ip', ['netns', 'exec', netns, 'nft', ...args], { encoding: 'utf8', stdio: ['pipe', 'pipe', 'pipe'] });
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
