// The objects `nlkit` knows, matched as iproute2 matches them: in ip's order,
// by abbreviation, so `nlkit a`, `nlkit r s`, `nlkit n` mean what they mean
// to ip. ip objects nlkit does not implement keep their place in the order (so
// `m` is still `maddress`, not `monitor`) and say so.
import { matches } from './args.js';
import type { CliContext } from './context.js';

export interface CliObject {
  keyword: string;
  /** False when the object awaits ctx.load() itself, for the commands that need rtnetlink (start-up). */
  usesRoute?: false;
  run(ctx: CliContext, args: string[]): Promise<number> | number;
}

const unsupported = (keyword: string): CliObject => ({
  keyword,
  usesRoute: false,
  run(ctx) {
    ctx.io.stderr(`Object "${keyword}" is not implemented by nlkit.\n`);
    return 1;
  },
});

type Runner = (ctx: CliContext, args: string[]) => Promise<number> | number;

const lazy = (keyword: string, load: () => Promise<Runner>, usesRoute?: false): CliObject => {
  // Kept once loaded: a batch runs many lines, and each import() goes through the loader again.
  let runner: Runner | undefined;
  return {
    keyword,
    ...(usesRoute === false ? { usesRoute } : {}),
    async run(ctx, args) {
      runner ??= await load();
      return runner(ctx, args);
    },
  };
};

// Commands load on first use: a command pays only for the modules it runs.
export const OBJECTS: readonly CliObject[] = [
  lazy('address', async () => (await import('./commands/address.js')).runAddress),
  unsupported('addrlabel'),
  unsupported('maddress'),
  lazy('route', async () => (await import('./commands/route.js')).runRoute),
  lazy('rule', async () => (await import('./commands/rule.js')).runRule),
  lazy('neighbor', async () => (await import('./commands/neighbour.js')).runNeighbour),
  lazy('neighbour', async () => (await import('./commands/neighbour.js')).runNeighbour),
  unsupported('ntable'),
  unsupported('ntbl'),
  lazy('link', async () => (await import('./commands/link.js')).runLink),
  unsupported('l2tp'),
  unsupported('fou'),
  unsupported('ila'),
  unsupported('macsec'),
  unsupported('tunnel'),
  unsupported('tunl'),
  unsupported('tuntap'),
  unsupported('tap'),
  unsupported('token'),
  unsupported('tcpmetrics'),
  unsupported('tcp_metrics'),
  lazy('monitor', async () => (await import('./commands/monitor.js')).runMonitor),
  unsupported('xfrm'),
  unsupported('mroute'),
  unsupported('mrule'),
  lazy('netns', async () => (await import('./commands/netns.js')).runNetns, false),
  unsupported('netconf'),
  unsupported('vrf'),
  unsupported('sr'),
  lazy('nexthop', async () => (await import('./commands/nexthop.js')).runNexthop),
  unsupported('mptcp'),
  unsupported('ioam'),
  lazy('help', async () => (ctx) => {
    ctx.io.stderr('Usage: nlkit [ OPTIONS ] OBJECT { COMMAND | help }\nwhere  OBJECT := { address | link | monitor | neighbor | netns | nexthop | nft | route | rule }\n');
    return 255;
  }, false),
  unsupported('stats'),
  lazy('nft', async () => (await import('./commands/nft.js')).runNft),
];

export function findObject(word: string): CliObject | undefined {
  return OBJECTS.find((o) => matches(word, o.keyword));
}
