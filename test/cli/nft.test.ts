// `nlkit -j nft list ruleset` prints what `nft -j list ruleset` prints, byte
// for byte but the metainfo entry (nlkit's own); without -j what `nft list
// ruleset` prints (test/nftables/text-output.test.ts covers the whole corpus).
import { readFileSync } from 'node:fs';
import t from 'tap';
import { requireRoot, testNetns } from '../helpers/netns.js';
import { maskNftText } from '../helpers/volatile.js';
import { nft, nftLoad } from '../nftables/helpers.js';
import { ipRun, nlkit } from './helpers.js';

// Files nlkit renders completely (test/nftables/json-output.test.ts keeps the list of those).
const FILES = ['inet-basic-filter.nft', 'inet-firewalld.nft', 'ip-docker.nft', 'ip-kube-cni.nft', 'sets-flags.nft', 'objects-stateful.nft'];
/**
 * An element's time left ticks between nlkit's read and nft's (and an element
 * read in the jiffy it was added still has its whole timeout): masked.
 */
const withoutCountdowns = (text: string) => maskNftText(text.replace(/"expires": \d+/g, '"expires": N'));
const withoutMetainfo = (text: string) => withoutCountdowns(text.replace(/^\{"nftables": \[\{"metainfo": \{[^}]*\}\}, /, ''));

t.test('nlkit -j nft list ruleset equals nft -j list ruleset', async (t) => {
  if (!requireRoot(t)) return;
  for (const file of FILES) {
    const [ns] = testNetns(t, 1, 'clinft');
    nftLoad(ns!, readFileSync(new URL(`../../fixtures/nftables/corpus/${file}`, import.meta.url), 'utf8'));
    const mine = await nlkit(['-n', ns!, '-j', 'nft', 'list', 'ruleset']);
    t.equal(mine.status, 0, `${file}: ${mine.stderr}`);
    t.equal(withoutMetainfo(mine.stdout), withoutMetainfo(nft(ns!, '-j', 'list', 'ruleset')), file);
  }
});

t.test('nlkit nft list ruleset equals nft list ruleset, text, -a and a family', async (t) => {
  if (!requireRoot(t)) return;
  const [ns] = testNetns(t, 1, 'clinft');
  for (const file of ['inet-home-router.nft', 'ip-nat.nft', 'netdev-ingress-egress.nft', 'objects-stateful.nft']) {
    const text = readFileSync(new URL(`../../fixtures/nftables/corpus/${file}`, import.meta.url), 'utf8');
    for (const [, a, b] of text.matchAll(/^# veth: (\S+) (\S+)\s*$/gm)) ipRun(['-n', ns!, 'link', 'add', a!, 'type', 'veth', 'peer', 'name', b!]);
    nftLoad(ns!, text);
  }
  for (const args of [['list', 'ruleset'], ['-a', 'list', 'ruleset'], ['list', 'ruleset', 'netdev'], ['list', 'ruleset', 'ip6']]) {
    const mine = await nlkit(['-n', ns!, 'nft', ...args]);
    t.equal(mine.status, 0, `${args.join(' ')}: ${mine.stderr}`);
    t.equal(withoutCountdowns(mine.stdout), withoutCountdowns(nft(ns!, ...args)), `nlkit nft ${args.join(' ')}`);
  }
  const bad = await nlkit(['-n', ns!, 'nft', 'list', 'ruleset', 'ipx']);
  t.not(bad.status, 0, 'an unknown family is refused');
  t.match(bad.stderr, /unknown nftables family "ipx"/);
});
