// `nlkit neighbour`: show, add, replace, change, delete, flush, get, as `ip neigh` has them.
import { neighboursToIpJson, type NeighbourFilter, type NeighbourSpec, type NeighbourState } from '../../route/index.js';
import { CliUsageError, matchKeyword, Words } from '../args.js';
import type { CliContext } from '../context.js';
import { printList } from '../output.js';

const NTF_PROXY = 0x08;
const NTF_EXT_LEARNED = 0x10;
/** ip's default `nud` mask: every state but NOARP (0x40), and NONE (0) never matches. */
const SHOWN_STATES = 0xff & ~0x40;

function neighbourText(n: Record<string, unknown>): string {
  let s = `${n.dst} `;
  if (n.dev !== undefined) s += `dev ${n.dev} `;
  if (n.lladdr !== undefined) s += `lladdr ${n.lladdr} `;
  for (const f of ['router', 'proxy', 'extern_learn', 'offload', 'managed']) if (n[f] !== undefined) s += `${f} `;
  if (n.protocol !== undefined) s += `proto ${n.protocol} `;
  if (n.used !== undefined) s += ` used ${n.used}/${n.confirmed}/${n.updated}probes ${n.probes} `;
  for (const st of (n.state as string[] | undefined) ?? []) s += `${st} `;
  return s + '\n';
}

function parseSpec(args: readonly string[]): NeighbourSpec {
  const words = new Words(args);
  const spec: Record<string, unknown> = {};
  while (!words.done) {
    const word = words.take()!;
    switch (word) {
      case 'lladdr': spec.lladdr = words.argument(word); break;
      case 'nud': spec.state = words.argument(word); break;
      case 'dev': spec.dev = words.argument(word); break;
      case 'router': spec.router = true; break;
      case 'proxy': spec.proxy = true; spec.address ??= words.argument(word); break;
      case 'extern_learn': spec.externLearn = true; break;
      case 'managed': spec.managed = true; break;
      case 'protocol': spec.protocol = words.argument(word); break;
      case 'to': spec.address = words.argument(word); break;
      default:
        if (spec.address !== undefined) throw new CliUsageError(`Error: either "to" is duplicate, or "${word}" is a garbage.`);
        spec.address = word;
    }
  }
  if (spec.dev === undefined || spec.address === undefined) throw new CliUsageError('Device and destination are required arguments.');
  return spec as unknown as NeighbourSpec;
}

function parseFilter(ctx: CliContext, args: readonly string[]): { filter: NeighbourFilter; to?: string } {
  const words = new Words(args);
  const filter: Record<string, unknown> = {};
  const family = ctx.ipFamily();
  if (family !== undefined) filter.family = family;
  let to: string | undefined;
  while (!words.done) {
    const word = words.take()!;
    if (word === 'dev') filter.dev = words.argument(word);
    else if (word === 'nud') { const s = words.argument(word); filter.state = s === 'all' ? 'all' : (s as NeighbourState); }
    else if (word === 'proxy') filter.proxy = true;
    else if (word === 'to') to = words.argument(word);
    else if (to === undefined) to = word;
    else throw new CliUsageError(`Error: either "to" is duplicate, or "${word}" is a garbage.`);
  }
  return { filter: filter as NeighbourFilter, ...(to !== undefined ? { to } : {}) };
}

function show(ctx: CliContext, args: string[]): number {
  const { filter, to } = parseFilter(ctx, args);
  let list = ctx.rt().neigh.list(filter);
  // Without `nud`, ip leaves out NOARP and NONE entries (its default state mask), proxies and externally learned ones aside.
  if (filter.state === undefined) list = list.filter((n) => (n.flags & (NTF_PROXY | NTF_EXT_LEARNED)) !== 0 || (n.state & SHOWN_STATES) !== 0);
  if (to !== undefined) list = list.filter((n) => n.dst === to);
  const names = new Map(ctx.rt().link.list().map((l) => [l.index, l.name]));
  const entries = neighboursToIpJson(list, names, { stats: ctx.options.stats > 0 });
  if (filter.dev !== undefined) for (const e of entries) delete e.dev;
  printList(ctx, entries as Record<string, unknown>[], neighbourText);
  return 0;
}

const COMMANDS = ['add', 'change', 'chg', 'replace', 'delete', 'list', 'show', 'lst', 'flush', 'help'] as const;

export function runNeighbour(ctx: CliContext, args: string[]): number {
  if (args.length === 0) return show(ctx, []);
  const [word, ...rest] = args;
  const neigh = () => ctx.rt().neigh;
  switch (matchKeyword(word!, COMMANDS)) {
    case 'add': neigh().add(parseSpec(rest)); return 0;
    case 'change': case 'chg': case 'replace': neigh().replace(parseSpec(rest)); return 0;
    case 'delete': neigh().delete(parseSpec(rest)); return 0;
    case 'list': case 'show': case 'lst': return show(ctx, rest);
    case 'flush': {
      const { filter } = parseFilter(ctx, rest);
      if (filter.dev === undefined) throw new CliUsageError('Flush requires arguments.');
      neigh().flush(filter);
      return 0;
    }
    case 'help':
      ctx.io.stderr('Usage: nlkit neigh { add | del | change | replace } { ADDR [ lladdr LLADDR ] [ nud STATE ] | proxy ADDR } [ dev DEV ] [ router ]\n       nlkit neigh { show | flush } [ proxy ] [ to PREFIX ] [ dev DEV ] [ nud STATE ]\n');
      return 255;
    default:
      throw new CliUsageError(`Command "${word}" is unknown, try "nlkit neigh help".`, 255);
  }
}
