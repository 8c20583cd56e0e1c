// `nlkit -j nft list ruleset` prints what `nft -j list ruleset` prints, byte
// for byte but the metainfo entry (nlkit's own).
import { readFileSync } from 'node:fs';
import t from 'tap';
import { requireRoot, testNetns } from '../helpers/netns.js';
import { nft, nftLoad } from '../nftables/helpers.js';
import { nlkit } from './helpers.js';

// Files nlkit renders completely (test/nftables/json-output.test.ts keeps the list of those).
const FILES = ['inet-basic-filter.nft', 'inet-firewalld.nft', 'ip-docker.nft', 'ip-kube-cni.nft', 'sets-flags.nft', 'objects-stateful.nft'];
const withoutMetainfo = (text: string) => text.replace(/^\{"nftables": \[\{"metainfo": \{[^}]*\}\}, /, '');

t.test('nlkit -j nft list ruleset equals nft -j list ruleset', async (t) => {
  if (!requireRoot(t)) return;
  for (const file of FILES) {
    const [ns] = testNetns(t, 1, 'clinft');
    nftLoad(ns!, readFileSync(new URL(`../../fixtures/nftables/corpus/${file}`, import.meta.url), 'utf8'));
    const mine = await nlkit(['-n', ns!, '-j', 'nft', 'list', 'ruleset']);
    t.equal(mine.status, 0, `${file}: ${mine.stderr}`);
    t.equal(withoutMetainfo(mine.stdout), withoutMetainfo(nft(ns!, '-j', 'list', 'ruleset')), file);
  }
  const [ns] = testNetns(t, 1, 'clinft');
  const text = await nlkit(['-n', ns!, 'nft', 'list', 'ruleset']);
  t.equal(text.status, 2, 'text form refused');
  t.match(text.stderr, /JSON only/);
});
