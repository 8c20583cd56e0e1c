// `nlkit link`: show, add, delete, set, as `ip link` has them.
import type { Link, LinkFilter, LinkSpec } from '../../route/index.js';

const IFF_UP = 1;
import { CliUsageError, duplicateArgument, matches, matchKeyword, Words } from '../args.js';
import type { CliContext } from '../context.js';
import { linkJson } from '../link-json.js';
import { printList } from '../output.js';
import { printBrief } from './brief.js';
import { nsidNames } from '../netns-names.js';
import { linkText } from './link-text.js';
import { LINK_USAGE, parseLinkAdd, parseLinkSet, readLinkWords, type LinkWordsContext } from './link-spec.js';
import { ipInvalid, parsePrefix, type InetPrefix } from './prefix.js';
import { deviceRef, deviceWord, spelledIndex } from './device-index.js';
import { groupNumber } from './link-group.js';
import { kernelFilteredLinkIndexes } from './kernel-link-dump.js';
import { routeScope } from './ip-names.js';

/**
 * What `ip link show` / `ip addr show|flush` select (ipaddr_list_flush_or_save):
 * link words (dev, up, group, master/nomaster, type), and address words
 * (to, scope, flags, label) that `ip link show` reads too.
 */
export interface LinkSelection {
  dev?: string;
  up?: boolean;
  /** What the kernel filters: master, kind. */
  filter: LinkFilter;
  group?: number;
  nomaster?: boolean;
  /** `type bridge_slave`: the port kind, matched by ip itself. */
  slaveKind?: string;
  /** Address selectors. */
  to?: InetPrefix;
  scope?: number;
  /** IFA_F_* bits that must be set (`flags`) or clear, among `flagMask`. */
  flags: number;
  flagMask: number;
  label?: string;
}

/** ip's address flag words (ifa_flag_data), with `dynamic` and `primary` as the inverse of permanent and secondary. */
const ADDRESS_FLAGS: Record<string, number> = {
  secondary: 0x01, temporary: 0x01, nodad: 0x02, optimistic: 0x04, dadfailed: 0x08, home: 0x10, deprecated: 0x20,
  tentative: 0x40, permanent: 0x80, mngtmpaddr: 0x100, noprefixroute: 0x200, autojoin: 0x400, 'stable-privacy': 0x800,
};

/** get_filter(): a flag word, `-` for its inverse; false when `word` is none. */
function readFlagFilter(word: string, sel: LinkSelection): boolean {
  let inverse = word.startsWith('-');
  let name = inverse ? word.slice(1) : word;
  if (name === 'dynamic') { inverse = !inverse; name = 'permanent'; }
  else if (name === 'primary') { inverse = !inverse; name = 'secondary'; }
  const bit = ADDRESS_FLAGS[name];
  if (bit === undefined) return false;
  if (inverse) sel.flags &= ~bit;
  else sel.flags |= bit;
  sel.flagMask |= bit;
  return true;
}


/** Checks a `master`/`vrf` word as it is read; throws ip's invarg for a link that is not there. */
export type MasterCheck = (word: string, vrf: boolean) => void;

/**
 * ip looks each `master` (and `vrf`) word up as it reads it, so a missing one
 * is reported before any mistake later in the line, and the first of several.
 * The links are listed once, on the first such word.
 */
export function masterCheck(ctx: CliContext): MasterCheck {
  let all: readonly Link[] | undefined;
  return (word, vrf) => {
    all ??= ctx.rt().link.list();
    // `vrf NAME` must name a link of kind vrf (ip's name_is_vrf asks for it by name).
    if (vrf && !all.some((l) => (l.name === word || l.altNames?.includes(word)) && l.kind === 'vrf')) throw ipInvalid('Not a valid VRF name\n', word);
    if (!vrf && deviceWord(all, word) === undefined) throw ipInvalid('Device does not exist\n', word);
  };
}

/** Reads the selection words of `ip link show` / `ip addr show|flush`, in ip's order. */
export function readLinkSelection(words: Words, family: 0 | 4 | 6 = 0, usage = LINK_USAGE, checkMaster?: MasterCheck): LinkSelection {
  const sel: LinkSelection = { filter: {}, flags: 0, flagMask: 0 };
  while (!words.done) {
    const word = words.take()!;
    if (word === 'to') sel.to = parsePrefix(words.argument(word), family);
    else if (word === 'scope') {
      const v = words.argument(word);
      const scope = routeScope(v);
      if (scope >= 0) sel.scope = scope;
      else if (v !== 'all') throw ipInvalid('invalid "scope"\n', v);
    } else if (word === 'up') sel.up = true;
    else if (readFlagFilter(word, sel)) continue;
    else if (word === 'label') sel.label = words.argument(word);
    else if (word === 'group') {
      const g = words.argument(word);
      const group = groupNumber(g);
      if (group === undefined) throw ipInvalid('Invalid "group" value\n', g);
      sel.group = group;
    } else if (word === 'master' || word === 'vrf') {
      const name = words.argument(word);
      checkMaster?.(name, word === 'vrf');
      sel.filter.master = name;
    }
    else if (word === 'nomaster') sel.nomaster = true;
    else if (word === 'type') {
      const kind = words.argument(word);
      if (kind.endsWith('_slave')) sel.slaveKind = kind.slice(0, -'_slave'.length);
      else sel.filter.type = kind;
    } else {
      // A `help` where the device goes is ip's usage (its address usage page, or under `link`, its link one).
      if (word !== 'dev' && matches(word, 'help')) throw new CliUsageError(usage.slice(0, -1), 255, true);
      const dev = word === 'dev' ? words.argument(word) : word;
      if (sel.dev !== undefined) throw duplicateArgument('dev', dev);
      sel.dev = dev;
    }
  }
  return sel;
}

/**
 * The links a selection names, and the namespace's whole list (for names of
 * master/link). `listing` is the command: a device word that no link has as
 * its name but that spells an index (`if7`) reads differently in each.
 * `kernelFilters` off is ip's link dump of a family (`addr show` under
 * -4/-6), which carries no master or kind filter: every link comes back,
 * `nomaster` goes untested, and `printed` is print_linkinfo's own test of
 * master and kind, for the caller to apply where ip calls it. A `dev` is
 * read the same way, whatever the family.
 */
export function selectLinks(ctx: CliContext, sel: LinkSelection, listing: 'link' | 'address', kernelFilters = true): { shown: Link[]; all: Link[]; printed: (l: Link) => boolean } {
  const all = ctx.rt().link.list();
  let shown = all;
  // Checked as it was read when the reader had a MasterCheck; a missing master is reported before the device.
  const master = typeof sel.filter.master === 'string' ? deviceWord(all, sel.filter.master) : sel.filter.master;
  if (master === undefined && sel.filter.master !== undefined) throw ipInvalid('Device does not exist\n', String(sel.filter.master));
  if (sel.dev !== undefined) {
    shown = all.filter((l) => l.name === sel.dev || l.altNames?.includes(sel.dev!));
    if (shown.length === 0) shown = spelledLink(ctx, all, sel.dev, sel.group, listing);
  }
  const masterIndex = typeof master === 'string' ? all.find((l) => l.name === master || l.altNames?.includes(master))?.index : master;
  // A named device is asked for alone (RTM_GETLINK, no dump): nothing filters it but print_linkinfo's own tests.
  if (!kernelFilters || sel.dev !== undefined) {
    const printed = (l: Link): boolean => (masterIndex === undefined || l.master === masterIndex) && (sel.filter.type === undefined || l.kind === sel.filter.type);
    return { shown, all, printed };
  }
  if (masterIndex !== undefined || sel.filter.type !== undefined) {
    const filtered = kernelFilteredLinkIndexes(ctx, masterIndex, sel.filter.type);
    shown = shown.filter((l) => filtered.has(l.index));
  }
  // The kernel answers IFLA_MASTER -1 with the links that have no master.
  if (sel.nomaster) shown = shown.filter((l) => l.master === undefined);
  return { shown, all, printed: () => true };
}

/**
 * The link a device word no link has as its name stands for. ip reads the
 * word as an index (ll_name_to_index) and refuses 0 and what is negative as
 * an int; `link show` then asks for the device by name (which fails, unless
 * `group` makes it list the links), `addr show|flush` by that index.
 */
function spelledLink(ctx: CliContext, all: readonly Link[], dev: string, group: number | undefined, listing: 'link' | 'address'): Link[] {
  const index = spelledIndex(dev) | 0;
  if (index <= 0) throw new CliUsageError(`Device "${dev}" does not exist.`);
  const shown = all.filter((l) => l.index === index);
  // Past this point ip has opened its JSON list, which it closes empty when the request fails.
  const failed = listing === 'link' && group === undefined ? 'get request' : shown.length === 0 ? 'request' : undefined;
  if (failed !== undefined && ctx.options.json) printList(ctx, [], () => '');
  if (failed === 'get request') throw new CliUsageError('RTNETLINK answers: No such device\nCannot send link get request: No such device', 1);
  // ip stops there and ends with 0.
  if (failed === 'request') throw new CliUsageError('RTNETLINK answers: No such device\nCannot send link request: No such device', 0);
  return shown;
}

/** `up`: print_linkinfo's test, and under -o (which skips it) print_selected_addrinfo's. */
export function linkUpSelected(l: Link, sel: LinkSelection): boolean {
  return !sel.up || (l.flags & IFF_UP) !== 0;
}

/**
 * print_linkinfo's own tests (up, group, kind, port kind): a link that fails them
 * is not printed, but under -j its entry is already open, so ip 6.1 prints `{}`.
 */
export function linkPrinted(l: Link, sel: LinkSelection): boolean {
  if (!linkUpSelected(l, sel)) return false;
  if (sel.group !== undefined && l.group !== sel.group) return false;
  if (sel.slaveKind !== undefined && l.slaveKind !== sel.slaveKind) return false;
  // The kernel returns every link for a kind it has no driver for; ip's own test then fails them all.
  if (sel.filter.type !== undefined && l.kind !== sel.filter.type) return false;
  return true;
}

/** How text names a peer namespace: looked up once, and only when a link shown has one. */
export function netnsNamer(ctx: CliContext, links: readonly Link[]): ((nsid: number) => string | undefined) | undefined {
  if (ctx.options.json || !links.some((l) => l.linkNetnsId !== undefined)) return undefined;
  const names = nsidNames(ctx);
  return (nsid) => names.get(nsid);
}

function show(ctx: CliContext, args: string[]): number {
  const sel = readLinkSelection(new Words(args), 0, LINK_USAGE, masterCheck(ctx));
  const { shown, all, printed } = selectLinks(ctx, sel, 'link');
  const details = ctx.options.details > 0;
  // ip 6.1 opens each link's JSON object before its `up`, group and port kind
  // tests, so under -j a link that fails them prints as {}; nlkit prints the same.
  const entries = shown.map((l) => (linkPrinted(l, sel) && printed(l) ? linkJson(l, all, { details, stats: ctx.options.stats }) : {}));
  if (ctx.options.brief) printBrief(ctx, entries, false);
  else {
    const byIndex = new Map(shown.map((l) => [l.index, l]));
    const options = { level: ctx.options.stats, human: ctx.options.human > 0, iec: ctx.options.iec > 0 };
    const netnsName = netnsNamer(ctx, shown);
    printList(ctx, entries, (j) => {
      if (!('ifindex' in j)) return '';
      const link = byIndex.get(j.ifindex as number)!;
      return linkText(j, { details, netnsName }, ctx.options.stats > 0 ? { link, options } : undefined);
    });
  }
  return 0;
}

/**
 * get_netnsid_from_name, then set_netnsid_from_name(name, -1) when the
 * namespace has no id here yet: the nsid `link-netns NAME` sends.
 */
function nsidOf(ctx: CliContext, name: string): number {
  let id: number | undefined;
  try {
    id = ctx.rt().nsid.get(name);
    if (id === undefined || id < 0) id = ctx.rt().nsid.set(name, 'auto');
  } catch {
    id = undefined;
  }
  if (id === undefined || id < 0) throw ipInvalid('Invalid "link-netns" value\n', name);
  return id;
}

/** What ip looks up and prints while it reads link words, from the namespace the command runs in. */
function wordsContext(ctx: CliContext): LinkWordsContext {
  return {
    linkKind: (name) => {
      const link = ctx.rt().link.list().find((l) => l.name === name || l.altNames?.includes(name));
      return link === undefined ? undefined : link.kind ?? '';
    },
    deviceWord: (name) => deviceWord(ctx.rt().link.list(), name),
    warn: (line) => ctx.io.stderr(line),
    linkNetnsId: (name) => nsidOf(ctx, name),
  };
}

function add(ctx: CliContext, args: string[]): number {
  const spec = parseLinkAdd(args, wordsContext(ctx)) as LinkSpec & { linkNetns?: string; linkNetnsId?: number };
  if (spec.linkNetns !== undefined) spec.linkNetnsId = nsidOf(ctx, spec.linkNetns);
  delete spec.linkNetns;
  ctx.rt().link.add(spec);
  return 0;
}

/** `group N` as the device words of `link set|delete` name: its number. */
function groupSelector(word: string | undefined): number {
  if (word === undefined) throw new CliUsageError('Command line is not complete. Try option "help"', 255, true);
  const group = groupNumber(word);
  if (group === undefined) throw ipInvalid('Invalid "group" value\n', word);
  return group;
}

function del(ctx: CliContext, args: string[]): number {
  if (args[0] === 'group') {
    // ip sends one RTM_DELLINK for the group (ifindex 0, IFLA_GROUP); the kernel refuses group 0 and an empty group.
    const group = groupSelector(args[1]);
    if (group === 0) throw new CliUsageError('RTNETLINK answers: Operation not permitted', 2);
    const members = ctx.rt().link.list().filter((l) => l.group === group);
    if (members.length === 0) throw new CliUsageError('RTNETLINK answers: No such device', 2);
    const gone = new Set<number>();
    for (const l of members) {
      if (gone.has(l.index)) continue;
      ctx.rt().link.delete(l.index);
      gone.add(l.index);
      // A veth's peer goes with it.
      for (const m of members) if (!gone.has(m.index) && !ctx.rt().link.list().some((x) => x.index === m.index)) gone.add(m.index);
    }
    return 0;
  }
  // ip reads a delete's words as any link command's (iplink_parse), and sends a deletion with them that the kernel reads by device only.
  const dev = readLinkWords(new Words(args), {}, wordsContext(ctx)).name;
  if (dev === undefined) throw new CliUsageError('Not enough information: "dev" argument is required.', 255, true);
  ctx.rt().link.delete(deviceRef(ctx, dev));
  return 0;
}

function set(ctx: CliContext, args: string[]): number {
  if (args[0] === 'group') {
    // `link set group N CHANGES`: every link of the group, as the kernel's group changelink does.
    const group = groupSelector(args[1]);
    // `dev group` stands in for the device, so that the changes are read as any link's.
    const { changes } = parseLinkSet(['dev', 'group', ...args.slice(2)], wordsContext(ctx));
    for (const l of ctx.rt().link.list().filter((x) => x.group === group)) ctx.rt().link.set(l.index, changes);
    return 0;
  }
  const { dev: word, changes, linkNetns } = parseLinkSet(args, wordsContext(ctx));
  const dev = deviceRef(ctx, word);
  if (changes.address !== undefined) {
    // ip checks the new address's length against the device's before sending it.
    const current = ctx.rt().link.list().find((l) => (typeof dev === 'number' ? l.index === dev : l.name === dev))?.address;
    // ip asks the kernel for the device by index to learn its address length: for an `ifN` index no link has, the kernel's refusal is printed and the set goes on.
    if (typeof dev === 'number' && current === undefined && !ctx.rt().link.list().some((l) => l.index === dev)) ctx.io.stderr('RTNETLINK answers: No such device\n');
    const length = (changes.address.length + 1) / 3;
    const expected = current === undefined ? length : (current.length + 1) / 3;
    if (length !== expected) throw new CliUsageError(`Invalid address length ${length} - must be ${expected} bytes`);
  }
  if (linkNetns !== undefined) {
    // The kernel's setlink checks the id (an unknown one is refused) and does
    // nothing else with it; the library has no field to send it, so nlkit
    // makes the same check against the namespace's ids and sends the rest.
    const id = typeof linkNetns === 'string' ? nsidOf(ctx, linkNetns) : linkNetns;
    ctx.rt().link.get(dev);
    if (!ctx.rt().nsid.list().some((e) => e.nsid === id)) throw new CliUsageError('Error: Unknown network namespace id.', 2);
  }
  // ip sends a request with no change (or only words the kernel ignores, parentdev) and the kernel acks it: only the device must exist.
  if (Object.keys(changes).length === 0) ctx.rt().link.get(dev);
  else ctx.rt().link.set(dev, changes);
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
      ctx.io.stderr(LINK_USAGE);
      return 255;
    default:
      throw new CliUsageError(`Command "${word}" is unknown, try "nlkit link help".`, 255);
  }
}
