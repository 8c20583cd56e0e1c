// `nlkit nft list ruleset`: nftables' listing through nlkit.
import { openNftables } from '../../nftables/index.js';
import { CliUsageError } from '../args.js';
import type { CliContext } from '../context.js';

export function runNft(ctx: CliContext, args: string[]): number {
  const words = args.filter((w) => w !== '-j' && w !== '--json');
  const json = ctx.options.json || words.length !== args.length;
  if (words[0] !== 'list' || words[1] !== 'ruleset' || words.length > 3) {
    throw new CliUsageError('Usage: nlkit [-j] nft list ruleset [FAMILY]');
  }
  const conn = openNftables(ctx.options.netns === undefined ? {} : { netns: ctx.options.netns });
  try {
    const ruleset = conn.listRuleset();
    if (!json) throw new CliUsageError('Error: nlkit prints the nftables ruleset as JSON only (-j).', 2);
    ctx.out(JSON.stringify(ruleset) + '\n');
  } finally {
    conn.close();
  }
  return 0;
}
