// `nlkit nft [-j] [-a] list ruleset [FAMILY]`: the nftables ruleset through nlkit.
// With -j as `nft -j list ruleset` prints it (libnftables' JSON schema, laid out
// as jansson writes it: `", "` and `": "` separators, one line; the metainfo
// entry is nlkit's own, NLKIT_METAINFO). Without -j in nft's text syntax, as
// `nft list ruleset` prints it (rulesetToNftText); -a adds `# handle N`.
import { NFT_FAMILIES, openNftables, rulesetToNftJson, rulesetToNftText, type NftFamily } from '../../nftables/index.js';
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
  const noJson = args.filter((w) => w !== '-j' && w !== '--json');
  const words = noJson.filter((w) => w !== '-a' && w !== '--handle');
  const json = ctx.options.json || noJson.length !== args.length;
  const handles = words.length !== noJson.length;
  if (words[0] !== 'list' || words[1] !== 'ruleset' || words.length > 3) {
    throw new CliUsageError('Usage: nlkit [-j] nft [-a] list ruleset [FAMILY]');
  }
  const family = words[2];
  if (family !== undefined && !(NFT_FAMILIES as readonly string[]).includes(family)) {
    throw new CliUsageError(`Error: unknown nftables family "${family}" (one of ${NFT_FAMILIES.join(', ')})`);
  }
  const conn = openNftables(ctx.options.netns === undefined ? {} : { netns: ctx.options.netns });
  try {
    const ruleset = conn.listRuleset(family === undefined ? {} : { family: family as NftFamily });
    if (json) {
      ctx.out(janssonText(rulesetToNftJson(ruleset)) + '\n');
    } else {
      // Interface indexes (`iif "lo"`, `fib … oif`) print by name, as nft prints them.
      const names = new Map(ctx.rt().link.list().map((l) => [l.index, l.name]));
      ctx.out(rulesetToNftText(ruleset, { interfaceName: (i) => names.get(i), handles }));
    }
  } finally {
    conn.close();
  }
  return 0;
}
