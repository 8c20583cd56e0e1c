// `nlkit link`: show, add, delete, set, as `ip link` has them.
import type { Link, LinkFilter } from '../../route/index.js';

const IFF_UP = 1;
import { CliUsageError, matchKeyword, parseUnsigned, Words } from '../args.js';
import type { CliContext } from '../context.js';
import { linkJson } from '../link-json.js';
import { printList } from '../output.js';
import { linkText } from './link-text.js';
import { parseLinkAdd, parseLinkSet } from './link-spec.js';

/** What `ip link show` / `ip addr show` select: a device, up, master, type, group. */
export interface LinkSelection {
  dev?: string;
  up?: boolean;
  filter: LinkFilter;
}

/** Reads the selection words of `ip link show` / `ip addr show` (the other words are left to `extra`). */
export function readLinkSelection(words: Words, extra?: (word: string, words: Words) => boolean): LinkSelection {
  const sel: LinkSelection = { filter: {} };
  while (!words.done) {
    const word = words.take()!;
    if (word === 'dev') sel.dev = words.argument(word);
    else if (word === 'up') sel.up = true;
    else if (word === 'master') sel.filter.master = words.argument(word);
    else if (word === 'type') sel.filter.type = words.argument(word);
    else if (word === 'group') { const g = words.argument(word); sel.filter.group = g === 'default' ? 0 : parseUnsigned(g, 'group'); }
    else if (extra?.(word, words)) continue;
    else if (sel.dev === undefined) sel.dev = word;
    else throw new CliUsageError(`Error: either "dev" is duplicate, or "${word}" is a garbage.`);
  }
  return sel;
}

/** The links a selection names, and the namespace's whole list (for names of master/link). */
export function selectLinks(ctx: CliContext, sel: LinkSelection): { shown: Link[]; all: Link[] } {
  const all = ctx.rt().link.list();
  let shown = all;
  if (sel.dev !== undefined) {
    shown = all.filter((l) => l.name === sel.dev || l.altNames?.includes(sel.dev!));
    if (shown.length === 0) throw new CliUsageError(`Device "${sel.dev}" does not exist.`);
  }
  if (sel.filter.master !== undefined || sel.filter.type !== undefined || sel.filter.group !== undefined) {
    const filtered = new Set(ctx.rt().link.list(sel.filter).map((l) => l.index));
    shown = shown.filter((l) => filtered.has(l.index));
  }
  return { shown, all };
}

function show(ctx: CliContext, args: string[]): number {
  const sel = readLinkSelection(new Words(args));
  const { shown, all } = selectLinks(ctx, sel);
  const details = ctx.options.details > 0;
  // ip 6.1 opens each link's JSON object before its `up` test, so under -j a
  // link that is down prints as {}; nlkit prints the same.
  const entries = shown.map((l) => (sel.up && !(l.flags & IFF_UP) ? {} : linkJson(l, all, { details, stats: ctx.options.stats })));
  printList(ctx, entries, (j) => ('ifindex' in j ? linkText(j, details) : ''));
  return 0;
}

function add(ctx: CliContext, args: string[]): number {
  ctx.rt().link.add(parseLinkAdd(args));
  return 0;
}

function del(ctx: CliContext, args: string[]): number {
  const words = new Words(args);
  let dev: string | undefined;
  while (!words.done) {
    const word = words.take()!;
    if (word === 'dev') dev = words.argument(word);
    else if (word === 'type') words.argument(word);
    else if (dev === undefined) dev = word;
    else throw new CliUsageError(`Error: either "dev" is duplicate, or "${word}" is a garbage.`);
  }
  if (dev === undefined) throw new CliUsageError('Not enough information: "dev" argument is required.');
  ctx.rt().link.delete(dev);
  return 0;
}

function set(ctx: CliContext, args: string[]): number {
  const { dev, changes } = parseLinkSet(args);
  ctx.rt().link.set(dev, changes);
  return 0;
}

const COMMANDS = ['add', 'delete', 'set', 'change', 'show', 'list', 'lst', 'help'] as const;

export function runLink(ctx: CliContext, args: string[]): number {
  if (args.length === 0) return show(ctx, []);
  const [word, ...rest] = args;
  const command = matchKeyword(word!, COMMANDS);
  switch (command) {
    case 'add': return add(ctx, rest);
    case 'delete': return del(ctx, rest);
    case 'set': case 'change': return set(ctx, rest);
    case 'show': case 'list': case 'lst': return show(ctx, rest);
    case 'help':
      ctx.io.stderr('Usage: nlkit link add [link DEV] [name] NAME [mtu MTU] [address LLADDR] ... type TYPE [ARGS]\n       nlkit link delete DEV\n       nlkit link set DEV [up|down] [mtu MTU] [name NAME] [master DEV|nomaster] ...\n       nlkit link show [DEV] [up] [master DEV] [type TYPE] [group GROUP]\n');
      return 255;
    default:
      throw new CliUsageError(`Command "${word}" is unknown, try "nlkit link help".`, 255);
  }
}
