// Issue 11's proof (shared by corpus-*.test.ts) over the ruleset corpus in fixtures/nftables/corpus: each file
// is loaded with `nft -f` into a namespace of its own, listed through nlkit,
// flushed with nft, re-created from nlkit's listing in one transaction, and
// must then print the same `nft list ruleset` and `nft -j list ruleset` as
// before (handles and element expiry countdowns aside).
//
// A file may start with directives, as comments, for what the ruleset needs in
// its namespace before it loads:
//   # veth: NAME PEER      a veth pair (netdev chains and flowtables bind devices)
import type { Test } from 'tap';
import { requireRoot, testNetns } from '../helpers/netns.js';
import { comparableJson, corpusFiles, prepareCorpusNetns } from './corpus.js';
import { nft, nftJson, nftLoad, openFor, rulesetText } from './helpers.js';

/** The round trip for every corpus file whose name `select` accepts (the corpus is split over a few test files, so tap runs them in parallel). */
export async function corpusRoundTrips(t: Test, select: (name: string) => boolean): Promise<void> {
  if (!requireRoot(t)) return;
  const files = corpusFiles().filter((f) => select(f.name));
  t.ok(files.length > 0, 'the corpus has files of this part');
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
      conn.addRuleset(listed);
      t.equal(rulesetText(ns!), beforeText, 'nft list ruleset is identical');
      t.same(comparableJson(nftJson(ns!)), beforeJson, 'nft -j list ruleset is identical');
    });
  }
}
