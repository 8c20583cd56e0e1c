// The ruleset corpus in fixtures/nftables/corpus and how its files are compared:
// shared by corpus.test.ts (re-creation) and json-output.test.ts (nft JSON), so
// importing them does not run either test.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ip } from '../helpers/netns.js';
import { MASKED } from '../helpers/volatile.js';

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
