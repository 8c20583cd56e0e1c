// Issue 11's proof over the ruleset corpus in fixtures/nftables/corpus: each file
// is loaded with `nft -f` into a namespace of its own, listed through nlkit,
// flushed with nft, re-created from nlkit's listing in one transaction, and
// must then print the same `nft list ruleset` and `nft -j list ruleset` as
// before (handles and element expiry countdowns aside).
//
// A file may start with directives, as comments, for what the ruleset needs in
// its namespace before it loads:
//   # veth: NAME PEER      a veth pair (netdev chains and flowtables bind devices)
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import t from 'tap';
import { ip, requireRoot, testNetns } from '../helpers/netns.js';
import { MASKED } from '../helpers/volatile.js';
import { nft, nftJson, nftLoad, openFor, recreate, rulesetText } from './helpers.js';

export const CORPUS_DIR = new URL('../../fixtures/nftables/corpus/', import.meta.url).pathname;

/** The corpus files, sorted, with their text. */
export function corpusFiles(): { name: string; text: string }[] {
  return readdirSync(CORPUS_DIR)
    .filter((f) => f.endsWith('.nft'))
    .sort()
    .map((name) => ({ name, text: readFileSync(join(CORPUS_DIR, name), 'utf8') }));
}

/** Runs a file's directives in `netns`. */
export function prepareCorpusNetns(netns: string, text: string): void {
  for (const [, name, peer] of text.matchAll(/^# veth: (\S+) (\S+)\s*$/gm)) {
    ip(netns, 'link', 'add', name!, 'type', 'veth', 'peer', 'name', peer!);
  }
}

/** `nft -j list ruleset` without what may differ after re-creation: handles, the metainfo header, expiry countdowns. */
export function comparableJson(ruleset: any[]): any[] {
  return JSON.parse(
    JSON.stringify(ruleset.filter((o) => !o.metainfo), (key, value) => {
      if (key === 'handle') return undefined;
      if (key === 'expires' && typeof value === 'number') return MASKED.countdown;
      return value;
    }),
  );
}

t.test('corpus: nft -f → nlkit lists → flush → nlkit re-creates → identical nft text and JSON', async (t) => {
  if (!requireRoot(t)) return;
  const files = corpusFiles();
  t.ok(files.length > 0, 'the corpus has files');
  for (const { name, text } of files) {
    await t.test(name, async (t) => {
      const [ns] = testNetns(t, 1, 'nftcorpus');
      prepareCorpusNetns(ns!, text);
      nftLoad(ns!, text);
      const beforeText = rulesetText(ns!);
      const beforeJson = comparableJson(nftJson(ns!));
      t.not(beforeText.trim(), '', 'the file loaded something');
      const conn = openFor(t, ns!);
      const listed = conn.listRuleset();
      nft(ns!, 'flush', 'ruleset');
      recreate(conn, listed);
      t.equal(rulesetText(ns!), beforeText, 'nft list ruleset is identical');
      t.same(comparableJson(nftJson(ns!)), beforeJson, 'nft -j list ruleset is identical');
    });
  }
});
