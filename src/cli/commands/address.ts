// `nlkit address`: show, add, change, replace, delete, flush, as `ip address` has them.
import { addressToIpJson, type Address, type AddressSpec, type IpJson, type Link } from '../../route/index.js';
import { CliUsageError, matchKeyword, Words } from '../args.js';
import type { CliContext } from '../context.js';
import { linkJson, linkStatsJson } from '../link-json.js';
import { printList } from '../output.js';
import { ADDRESS_USAGE, isMulticastAddress, parseAddressSpec } from './address-spec.js';
import { linkPrinted, linkUpSelected, masterCheck, netnsNamer, readLinkSelection, selectLinks, type LinkSelection } from './link.js';
import { printBrief } from './brief.js';
import { inPrefix } from './prefix.js';
import { deviceRef, spelledIndex } from './device-index.js';
import { linkHeadText, statsText } from './link-text.js';
import { FLUSH_ROUNDS, flushDoneLine, flushRoundLine } from './flush-lines.js';

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

/** fnmatch(3) without flags, for `label PATTERN`: `*`, `?` and `[...]`. */
function globMatches(pattern: string, text: string): boolean {
  let re = '';
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i]!;
    if (c === '*') re += '.*';
    else if (c === '?') re += '.';
    else if (c === '[' && pattern.indexOf(']', i + 2) > 0) {
      const end = pattern.indexOf(']', i + 2);
      const body = pattern.slice(i + 1, end).replace(/^!/, '^').replace(/\\/g, '\\\\');
      re += `[${body}]`;
      i = end;
    } else re += c.replace(/[.+^${}()|\\]/g, '\\$&');
  }
  return new RegExp(`^${re}$`, 's').test(text);
}

/** print_addrinfo's tests: scope, flags, label (the link's name for an address without one), `to` prefix. */
function addressSelected(a: Address, sel: LinkSelection, linkName: (index: number) => string | undefined): boolean {
  if (sel.scope !== undefined && a.scope !== sel.scope) return false;
  if (((sel.flags ^ a.flags) & sel.flagMask) !== 0) return false;
  if (sel.label !== undefined && !globMatches(sel.label, a.label ?? linkName(a.index) ?? '')) return false;
  if (sel.to && !inPrefix(a.local ?? a.address, sel.to)) return false;
  return true;
}

/** A link's part of an `ip addr` entry: its `ip link` JSON less what only `ip link` prints (counters come after the addresses). */
function addressLinkJson(j: IpJson, details: boolean): IpJson {
  for (const key of ['linkmode', 'linkmode_index', 'inet6_addr_gen_mode', 'stats', 'stats64']) delete j[key];
  // ip's address listing prints a link's alias under -d only.
  if (!details) delete j.ifalias;
  return j;
}

const INET6_LINK_KEYS = new Set(['ifindex', 'link', 'link_index', 'ifname', 'flags', 'mtu', 'operstate', 'txqlen', 'link_type', 'address', 'link_netnsid']);

/** The family `-4`/`-6` gave, or the `to` prefix's (ip narrows the listing to it). */
function selectionFamily(ctx: CliContext, sel: LinkSelection): 4 | 6 | undefined {
  return ctx.ipFamily() ?? (sel.to?.family || undefined);
}

/**
 * print_linkinfo's tests on a link `-6` dumped through AF_INET6
 * (inet6_fill_ifinfo), which carries no group, master or kind: the group
 * test has nothing to test, and master and kind tests fail every link.
 */
function inet6LinkPrinted(l: Link, sel: LinkSelection): boolean {
  return linkUpSelected(l, sel) && sel.filter.master === undefined && sel.filter.type === undefined && sel.slaveKind === undefined;
}

function show(ctx: CliContext, args: string[]): number {
  const sel = readLinkSelection(new Words(args), ctx.ipFamily() ?? 0, ADDRESS_USAGE, masterCheck(ctx));
  // ip sends its master and kind filters with a link dump of no family only: under -4/-6 it tests them as it prints (or, under -o, not at all).
  const { shown, all, printed } = selectLinks(ctx, sel, 'address', ctx.ipFamily() === undefined);
  const details = ctx.options.details > 0;
  // `-0` / `-f link`: the links alone, as `ip addr` prints them, no address dump.
  if (ctx.options.family === 'link') {
    // print_linkinfo returns before printing anything under `label`: every link an empty object.
    const heads = shown.map((l) => (linkPrinted(l, sel) && printed(l) && sel.label === undefined ? addressLinkJson(linkJson(l, all, { details, stats: ctx.options.stats }), details) : {}));
    // -br here is print_linkinfo_brief with AF_PACKET: the link-layer address and flags, as `link show` prints them.
    if (ctx.options.brief) {
      printBrief(ctx, heads, false);
      return 0;
    }
    const netnsName = netnsNamer(ctx, shown);
    printList(ctx, heads, (e) => ('ifindex' in e ? linkHeadText(e, { linkmode: false, details, netnsName }) + '\n' : ''));
    return 0;
  }
  const family = selectionFamily(ctx, sel);
  const addresses = ctx.rt().addr.list(family === undefined ? {} : { family });
  const names = new Map(all.map((l) => [l.index, l.name]));
  const byLink = new Map<number, Address[]>();
  for (const a of addresses) byLink.set(a.index, [...(byLink.get(a.index) ?? []), a]);
  // ipaddr_filter: a link stays when one of its addresses is selected, or,
  // with no family asked for, when it has no address at all.
  const links = shown.filter((l) => {
    const own = byLink.get(l.index) ?? [];
    if (own.length === 0) return family === undefined;
    return own.some((a) => addressSelected(a, sel, (i) => names.get(i)));
  });
  // With `label`, and with -o (each address on its own line, naming its link), ip prints the addresses without their link.
  const oneline = ctx.options.oneline && !ctx.options.brief;
  const inet6Links = ctx.ipFamily() === 6 && sel.dev === undefined;
  const entries: IpJson[] = links.map((l) => {
    // -o skips print_linkinfo and its tests; print_selected_addrinfo still passes over a link that is down under `up`.
    if (oneline && !linkUpSelected(l, sel)) return { addr_info: [] };
    if (!oneline && !(inet6Links ? inet6LinkPrinted(l, sel) : linkPrinted(l, sel) && printed(l))) return {};
    const head: IpJson = sel.label !== undefined || oneline ? {} : addressLinkJson(linkJson(l, all, { details, stats: ctx.options.stats, familyFiltered: family !== undefined }), details);
    // `-6` dumps links through AF_INET6 (inet6_fill_ifinfo), which reports only these (a `dev` is read with a plain RTM_GETLINK).
    if (ctx.ipFamily() === 6 && sel.dev === undefined) for (const key of Object.keys(head)) if (!INET6_LINK_KEYS.has(key)) delete head[key];
    // An address print_addrinfo skips still had its JSON object opened: `{}`.
    const info = (byLink.get(l.index) ?? []).map((a) => {
      if (!addressSelected(a, sel, (i) => names.get(i))) return {};
      return oneline ? { index: l.index, dev: l.name, ...addressToIpJson(a) } : addressToIpJson(a);
    });
    const entry: IpJson = { ...head, addr_info: info };
    // -s: the link's counters after its addresses (ip prints them only with the link's own line).
    const stats = ctx.options.stats > 0 && 'ifindex' in head ? linkStatsJson(l, ctx.options.stats) : undefined;
    if (stats) entry.stats64 = stats;
    return entry;
  });
  if (ctx.options.brief) {
    // Every entry, as ip prints them: `{}` for a link its tests skipped (nothing in text), and under `label` the addresses alone, a link with none selected as an empty line.
    printBrief(ctx, entries, true);
    return 0;
  }
  if (ctx.options.oneline && !ctx.options.json) {
    // -o: one line per address, naming its link, its line breaks written as `\`.
    let out = '';
    for (const e of entries) {
      for (const a of (e.addr_info as IpJson[] | undefined) ?? []) {
        if ('family' in a) out += `${a.index}: ${a.dev}${addressText(a).replace(/\n(?!$)/g, '\\')}`;
      }
    }
    ctx.out(out);
    return 0;
  }
  const byIndex = new Map(links.map((l) => [l.index, l]));
  const statsOptions = { level: ctx.options.stats, human: ctx.options.human > 0, iec: ctx.options.iec > 0 };
  const netnsName = netnsNamer(ctx, links);
  printList(ctx, entries, (e) => {
    let s = 'ifindex' in e ? linkHeadText(e, { linkmode: false, details, netnsName }) + '\n' : '';
    for (const a of (e.addr_info as IpJson[] | undefined) ?? []) if ('family' in a) s += addressText(a);
    const link = e.stats64 ? byIndex.get(e.ifindex as number) : undefined;
    if (link?.stats64) s += statsText(link.stats64, link.carrierChanges, statsOptions).slice(1) + '\n';
    return s;
  });
  return 0;
}

/** EADDRNOTAVAIL: the address went already (a secondary deleted with its primary); ip's flush ignores it. */
const EADDRNOTAVAIL = 99;
/** The spec that deletes `a` (ip sends the dumped message back as RTM_DELADDR). */
function deletionOf(a: Address): AddressSpec {
  const local = a.local ?? a.address;
  if (local !== a.address) return { dev: a.index, address: local, peer: `${a.address}/${a.prefixLength}` };
  return { dev: a.index, address: `${local}/${a.prefixLength}` };
}

/** `ip addr flush SELECTOR`: the selected addresses, round after round until none is left (promoted secondaries). */
function flush(ctx: CliContext, args: string[]): number {
  if (args.length === 0) throw new CliUsageError('Flush requires arguments.');
  if (ctx.options.family === 'link') throw new CliUsageError('Cannot flush link addresses.');
  const sel = readLinkSelection(new Words(args), ctx.ipFamily() ?? 0, ADDRESS_USAGE, masterCheck(ctx));
  const all = ctx.rt().link.list();
  let index: number | undefined;
  if (sel.dev !== undefined) {
    index = all.find((l) => l.name === sel.dev || l.altNames?.includes(sel.dev!))?.index;
    if (index === undefined) {
      // ll_name_to_index's `ifN` (0 and what is negative as an int refused); the kernel refuses the dump for an index it does not have.
      index = spelledIndex(sel.dev) | 0;
      if (index <= 0) throw new CliUsageError(`Device "${sel.dev}" does not exist.`);
      if (!all.some((l) => l.index === index)) throw new CliUsageError('RTNETLINK answers: No such device\nFlush terminated', 1);
    }
  }
  const names = new Map(all.map((l) => [l.index, l.name]));
  const family = selectionFamily(ctx, sel);
  // `primary`: one round only, or the secondaries promoted in its place would go too.
  const rounds = (sel.flagMask & 0x01) && !(sel.flags & 0x01) ? 1 : FLUSH_ROUNDS;
  const stats = ctx.options.stats;
  // ipaddr_flush's lines under -s, in text even under -j (ip opens no JSON for a flush).
  const done = (round: number): number => {
    if (stats > 0) ctx.out(flushDoneLine(round));
    return 0;
  };
  for (let round = 0; round < rounds; round++) {
    const doomed = ctx.rt().addr.list({ ...(family !== undefined ? { family } : {}), ...(index !== undefined ? { dev: index } : {}) })
      .filter((a) => addressSelected(a, sel, (i) => names.get(i)));
    if (doomed.length === 0) return done(round);
    // -s -s: each address as print_addrinfo prints it in a flush, after its link's index and name.
    if (stats > 1) ctx.out(doomed.map((a) => `${a.index}: ${names.get(a.index) ?? ''}${addressText(addressToIpJson(a))}`).join(''));
    for (const a of doomed) {
      try {
        ctx.rt().addr.delete(deletionOf(a));
      } catch (error) {
        if ((error as { errno?: number }).errno !== EADDRNOTAVAIL) throw error;
      }
    }
    if (stats > 0) ctx.out(flushRoundLine(round, doomed.length, 'addresses'));
  }
  if (rounds === 1) return done(1);
  ctx.io.stderr(`*** Flush remains incomplete after ${FLUSH_ROUNDS} rounds. ***\n`);
  return 1;
}

/** ip's refusal of `autojoin` on an address that is not multicast, which it makes once the device is found. */
function checkedAutojoin(ctx: CliContext, spec: AddressSpec): AddressSpec {
  if (spec.flags?.mcautojoin && !isMulticastAddress(spec.address)) {
    if (typeof spec.dev !== 'number' && !ctx.rt().link.list().some((l) => l.name === spec.dev)) throw new CliUsageError(`Cannot find device "${String(spec.dev)}"`);
    throw new CliUsageError('autojoin needs multicast address');
  }
  return spec;
}

/** The spec with its device as ip's ll_name_to_index reads it (an `ifN` no link is named is index N). */
function withDevice(ctx: CliContext, spec: AddressSpec): AddressSpec {
  return typeof spec.dev === 'string' ? { ...spec, dev: deviceRef(ctx, spec.dev) } : spec;
}

const COMMANDS = ['add', 'change', 'chg', 'replace', 'delete', 'list', 'show', 'lst', 'flush', 'help'] as const;

export function runAddress(ctx: CliContext, args: string[]): number {
  if (args.length === 0) return show(ctx, []);
  const [word, ...rest] = args;
  const warn = (line: string) => ctx.io.stderr(line);
  switch (matchKeyword(word!, COMMANDS)) {
    case 'add': ctx.rt().addr.add(checkedAutojoin(ctx, withDevice(ctx, parseAddressSpec(rest, 0, ctx.ipFamily(), warn)))); return 0;
    // change sends NLM_F_REPLACE alone, replace adds NLM_F_CREATE, as ip does.
    case 'change': case 'chg': ctx.rt().addr.change(checkedAutojoin(ctx, withDevice(ctx, parseAddressSpec(rest, 0, ctx.ipFamily(), warn)))); return 0;
    case 'replace': ctx.rt().addr.replace(checkedAutojoin(ctx, withDevice(ctx, parseAddressSpec(rest, 0, ctx.ipFamily(), warn)))); return 0;
    case 'delete': ctx.rt().addr.delete(withDevice(ctx, parseAddressSpec(rest, 0, ctx.ipFamily(), warn, 'delete'))); return 0;
    case 'list': case 'show': case 'lst': return show(ctx, rest);
    case 'flush': return flush(ctx, rest);
    case 'help':
      ctx.io.stderr(ADDRESS_USAGE);
      return 255;
    default:
      throw new CliUsageError(`Command "${word}" is unknown, try "nlkit address help".`, 255);
  }
}
