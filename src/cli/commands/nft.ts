// `nlkit nft [-j] list ruleset [FAMILY]`: the nftables ruleset through nlkit,
// as `nft -j list ruleset` prints it (libnftables' JSON schema, laid out as
// jansson writes it: `", "` and `": "` separators, one line). The metainfo
// entry is nlkit's own (NLKIT_METAINFO), not nft's version. nft's text form is
// not printed: nlkit renders the ruleset in JSON only.
import { NFT_FAMILIES, openNftables, rulesetToNftJson, type NftFamily } from '../../nftables/index.js';
import { CliUsageError } from '../args.js';
import type { CliContext } from '../context.js';

/** JSON as jansson's json_dumps(…, 0) writes it. */
export function janssonText(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(janssonText).join(', ')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value).filter(([, v]) => v !== undefined);
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}: ${janssonText(v)}`).join(', ')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

export function runNft(ctx: CliContext, args: string[]): number {
  const words = args.filter((w) => w !== '-j' && w !== '--json');
  const json = ctx.options.json || words.length !== args.length;
  if (words[0] !== 'list' || words[1] !== 'ruleset' || words.length > 3) {
    throw new CliUsageError('Usage: nlkit [-j] nft list ruleset [FAMILY]');
  }
  const family = words[2];
  if (family !== undefined && !(NFT_FAMILIES as readonly string[]).includes(family)) {
    throw new CliUsageError(`Error: unknown nftables family "${family}" (one of ${NFT_FAMILIES.join(', ')})`);
  }
  if (!json) throw new CliUsageError('Error: nlkit prints the nftables ruleset as JSON only: add -j.', 2);
  const conn = openNftables(ctx.options.netns === undefined ? {} : { netns: ctx.options.netns });
  try {
    const ruleset = conn.listRuleset(family === undefined ? {} : { family: family as NftFamily });
    ctx.out(janssonText(rulesetToNftJson(ruleset)) + '\n');
  } finally {
    conn.close();
  }
  return 0;
}
