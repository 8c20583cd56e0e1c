// `nlkit address`: show, add, change, replace, delete, flush, as `ip address` has them.
import { addressesToIpJson, type AddressSpec, type IpJson } from '../../route/index.js';
import { CliUsageError, matchKeyword, parseUnsigned, Words } from '../args.js';
import type { CliContext } from '../context.js';
import { linkJson } from '../link-json.js';
import { printList } from '../output.js';
import { readLinkSelection, selectLinks } from './link.js';
import { linkHeadText } from './link-text.js';

const FOREVER = 4294967295;
const NOT_FLAGS = new Set(['family', 'local', 'address', 'prefixlen', 'metric', 'broadcast', 'anycast', 'scope', 'label', 'valid_life_time', 'preferred_life_time', 'ifa_flags']);

function lifetime(v: unknown): string {
  return v === FOREVER ? 'forever' : `${v}sec`;
}

function addressText(a: IpJson): string {
  let s = `    ${a.family} ${a.local}`;
  if (a.address !== undefined) s += ` peer ${a.address}`;
  s += `/${a.prefixlen}`;
  if (a.metric !== undefined) s += ` metric ${a.metric}`;
  if (a.broadcast !== undefined) s += ` brd ${a.broadcast}`;
  if (a.anycast !== undefined) s += ` any ${a.anycast}`;
  s += ` scope ${a.scope} `;
  for (const [k, v] of Object.entries(a)) if (!NOT_FLAGS.has(k) && v === true) s += `${k} `;
  if (a.ifa_flags !== undefined) s += `flags ${a.ifa_flags} `;
  if (a.label !== undefined) s += a.label;
  if (a.valid_life_time !== undefined) s += `\n       valid_lft ${lifetime(a.valid_life_time)} preferred_lft ${lifetime(a.preferred_life_time)}`;
  return s + '\n';
}

function show(ctx: CliContext, args: string[]): number {
  const sel = readLinkSelection(new Words(args));
  const { shown, all } = selectLinks(ctx, sel);
  const family = ctx.ipFamily();
  const addresses = ctx.rt().addr.list(family === undefined ? {} : { family });
  const details = ctx.options.details > 0;
  let entries = addressesToIpJson(shown, addresses, {
    directory: all,
    linkToIpJson: (l) => linkJson(l, all, { details, stats: ctx.options.stats, familyFiltered: family !== undefined }),
  });
  // With a family, ip prints only the links that have an address of it.
  if (family !== undefined) entries = entries.filter((e) => (e.addr_info as unknown[]).length > 0);
  printList(ctx, entries, (e) => {
    let s = linkHeadText(e, { linkmode: false, details }) + '\n';
    for (const a of e.addr_info as IpJson[]) s += addressText(a);
    return s;
  });
  return 0;
}

export function parseAddressSpec(args: readonly string[]): AddressSpec {
  const words = new Words(args);
  const spec: Record<string, unknown> = {};
  const flags: Record<string, boolean> = {};
  while (!words.done) {
    const word = words.take()!;
    switch (word) {
      case 'dev': spec.dev = words.argument(word); break;
      case 'local': spec.address = words.argument(word); break;
      case 'peer': case 'remote': spec.peer = words.argument(word); break;
      case 'broadcast': case 'brd': spec.broadcast = words.argument(word); break;
      case 'label': spec.label = words.argument(word); break;
      case 'scope': { const v = words.argument(word); spec.scope = /^\d+$/.test(v) ? Number(v) : v; break; }
      case 'metric': case 'priority': case 'preference': spec.metric = parseUnsigned(words.argument(word), 'metric'); break;
      case 'valid_lft': { const v = words.argument(word); spec.validLifetime = v === 'forever' ? v : parseUnsigned(v, 'valid_lft'); break; }
      case 'preferred_lft': { const v = words.argument(word); spec.preferredLifetime = v === 'forever' ? v : parseUnsigned(v, 'preferred_lft'); break; }
      case 'nodad': case 'noprefixroute': case 'home': case 'mngtmpaddr': case 'autojoin': case 'optimistic':
        flags[{ home: 'homeaddress', mngtmpaddr: 'managetempaddr', autojoin: 'mcautojoin' }[word as 'home'] ?? word] = true;
        break;
      default:
        if (spec.address !== undefined) throw new CliUsageError(`Error: either "local" is duplicate, or "${word}" is a garbage.`);
        spec.address = word;
    }
  }
  if (spec.dev === undefined) throw new CliUsageError('Not enough information: "dev" argument is required.');
  if (spec.address === undefined) throw new CliUsageError('Not enough information: "local" argument is required.');
  if (Object.keys(flags).length) spec.flags = flags;
  return spec as unknown as AddressSpec;
}

function flush(ctx: CliContext, args: string[]): number {
  const words = new Words(args);
  const filter: Record<string, unknown> = {};
  const family = ctx.ipFamily();
  if (family !== undefined) filter.family = family;
  while (!words.done) {
    const word = words.take()!;
    if (word === 'dev') filter.dev = words.argument(word);
    else if (word === 'scope') { const v = words.argument(word); filter.scope = /^\d+$/.test(v) ? Number(v) : v; }
    else if (word === 'label') filter.label = words.argument(word);
    else if (filter.dev === undefined) filter.dev = word;
    else throw new CliUsageError(`Error: either "dev" is duplicate, or "${word}" is a garbage.`);
  }
  if (filter.dev === undefined && filter.label === undefined && filter.scope === undefined) {
    throw new CliUsageError('Flush requires arguments.');
  }
  ctx.rt().addr.flush(filter);
  return 0;
}

const COMMANDS = ['add', 'change', 'chg', 'replace', 'delete', 'list', 'show', 'lst', 'flush', 'help'] as const;

export function runAddress(ctx: CliContext, args: string[]): number {
  if (args.length === 0) return show(ctx, []);
  const [word, ...rest] = args;
  switch (matchKeyword(word!, COMMANDS)) {
    case 'add': ctx.rt().addr.add(parseAddressSpec(rest)); return 0;
    case 'change': case 'chg': case 'replace': ctx.rt().addr.replace(parseAddressSpec(rest)); return 0;
    case 'delete': ctx.rt().addr.delete(parseAddressSpec(rest)); return 0;
    case 'list': case 'show': case 'lst': return show(ctx, rest);
    case 'flush': return flush(ctx, rest);
    case 'help':
      ctx.io.stderr('Usage: nlkit address {add|change|replace} IFADDR dev IFNAME [LIFETIME] [CONFFLAG-LIST]\n       nlkit address del IFADDR dev IFNAME\n       nlkit address {show|flush} [dev IFNAME] [scope SCOPE] [label LABEL] [up]\n');
      return 255;
    default:
      throw new CliUsageError(`Command "${word}" is unknown, try "nlkit address help".`, 255);
  }
}
