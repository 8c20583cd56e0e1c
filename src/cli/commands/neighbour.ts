// `nlkit neighbour`: show, add, replace, change, delete, flush, get, as `ip neigh` has them.
import { neighboursToIpJson, parseRouteProtocol, type Neighbour, type NeighbourFilter, type NeighbourQuery, type NeighbourSpec } from '../../route/index.js';
import { CliUsageError, duplicateArgument, matches, matchKeyword, strtoulWord, Words } from '../args.js';
import { lladdr } from './lladdr.js';
import type { CliContext } from '../context.js';
import { printList } from '../output.js';
import { inPrefix, ipInvalid, namedValue, parseAddress, parsePrefix, prefixText, type InetPrefix } from './prefix.js';
import { deviceRef, llNameToIndex } from './device-index.js';
import { FLUSH_ROUNDS, flushDoneLine, flushRoundLine } from './flush-lines.js';

const NTF_PROXY = 0x08;
const NTF_EXT_LEARNED = 0x10;

function neighbourText(n: Record<string, unknown>): string {
  let s = `${n.dst} `;
  if (n.dev !== undefined) s += `dev ${n.dev} `;
  if (n.lladdr !== undefined) s += `lladdr ${n.lladdr} `;
  for (const f of ['router', 'proxy', 'extern_learn', 'offload', 'managed']) if (n[f] !== undefined) s += `${f} `;
  // print_cacheinfo: `ref` only while the kernel holds references (a get holds one of its own).
  if (n.refcnt !== undefined) s += ` ref ${n.refcnt}`;
  if (n.used !== undefined) s += ` used ${n.used}/${n.confirmed}/${n.updated}probes ${n.probes} `;
  for (const st of (n.state as string[] | undefined) ?? []) s += `${st} `;
  // print_neigh writes the protocol last.
  if (n.protocol !== undefined) s += `proto ${n.protocol} `;
  return s + '\n';
}

function neighbourBriefText(n: Record<string, unknown>): string {
  let s = `${String(n.dst).padEnd(39)} `;
  if (n.dev !== undefined) s += `${String(n.dev).padEnd(16)} `;
  if (n.lladdr !== undefined) s += n.lladdr;
  return s + '\n';
}

/** nud_state_a2n's names in its order (true: it takes an abbreviation), or a single NUD bit as a number. */
const NUD_WORDS: readonly (readonly [string, boolean])[] = [
  ['permanent', true], ['reachable', true], ['noarp', false], ['none', false], ['stale', false], ['incomplete', false],
  ['delay', false], ['probe', false], ['failed', true],
];
const NUD_BITS = ['incomplete', 'reachable', 'stale', 'delay', 'probe', 'failed', 'noarp', 'permanent'];

/** A `nud` word as NeighbourSpec's state name; undefined where ip's nud_state_a2n fails. */
function nudState(word: string): string | undefined {
  for (const [name, abbreviates] of NUD_WORDS) if (abbreviates ? matches(word, name) : word === name) return name;
  const n = strtoulWord(word);
  if (n === 0) return 'none';
  // One bit of the state byte.
  if (n < 0 || n >= 0x100 || (n & (n - 1)) !== 0) return undefined;
  return NUD_BITS[31 - Math.clz32(n)];
}

/** get_addr() of a neighbour's address, in the family -4/-6 gave. */
function neighbourAddress(word: string, family: 0 | 4 | 6): string {
  return prefixText(word, parseAddress(word, family));
}

function parseSpec(args: readonly string[], family: 0 | 4 | 6): NeighbourSpec {
  const words = new Words(args);
  const spec: Record<string, unknown> = {};
  // In ipneigh_modify's order, for its abbreviations (`l` lladdr, `p` proxy, `e` extern_learn, `pro` protocol).
  while (!words.done) {
    let word = words.take()!;
    if (matches(word, 'lladdr')) {
      const v = words.argument(word);
      if (spec.lladdr !== undefined) throw new CliUsageError(`Error: duplicate "lladdr": "${v}" is the second value.`, 255, true);
      spec.lladdr = v;
    } else if (word === 'nud') {
      const v = words.argument(word);
      const state = nudState(v);
      if (state === undefined) throw ipInvalid('nud state is bad', v);
      spec.state = state;
    } else if (matches(word, 'proxy')) {
      const v = words.argument(word);
      if (matches(v, 'help')) throw new CliUsageError(NEIGHBOUR_USAGE.slice(0, -1), 255, true);
      if (spec.address !== undefined) throw new CliUsageError(`Error: duplicate "address": "${v}" is the second value.`, 255, true);
      spec.address = neighbourAddress(v, family);
      spec.proxy = true;
    } else if (word === 'router') spec.router = true;
    else if (word === 'use') throw new CliUsageError('Error: nlkit does not send "use" (NTF_USE).', 2);
    else if (word === 'managed') spec.managed = true;
    else if (matches(word, 'extern_learn')) spec.externLearn = true;
    else if (word === 'dev') spec.dev = words.argument(word);
    else if (matches(word, 'protocol')) {
      const v = words.argument(word);
      const n = strtoulWord(v);
      spec.protocol = n >= 0 && n <= 255 ? n : namedValue(v, parseRouteProtocol, '"protocol" value is invalid\n');
    } else {
      if (word === 'to') word = words.argument(word);
      // ip's `help` here skips to the next word rather than printing its usage.
      if (matches(word, 'help')) word = words.argument(word);
      if (spec.address !== undefined) throw duplicateArgument('to', word);
      spec.address = neighbourAddress(word, family);
    }
  }
  if (spec.dev === undefined && !spec.proxy) throw new CliUsageError('Device and destination are required arguments.', 255, true);
  if (spec.address === undefined) throw new CliUsageError('Device and destination are required arguments.', 255, true);
  if (spec.lladdr === 'null') delete spec.lladdr;
  else if (spec.lladdr !== undefined) spec.lladdr = lladdr(spec.lladdr as string);
  return spec as unknown as NeighbourSpec;
}

const NEIGHBOUR_USAGE = 'Usage: nlkit neigh { add | del | change | replace } { ADDR [ lladdr LLADDR ] [ nud STATE ] | proxy ADDR } [ dev DEV ] [ router ]\n       nlkit neigh { show | flush } [ proxy ] [ to PREFIX ] [ dev DEV ] [ nud STATE ]\n';

const NUD_FAILED = 0x20;
const NUD_NOARP = 0x40;
const NUD_PERMANENT = 0x80;
/** ip's bit for `nud none` (NUD_NONE is 0). */
const NONE_BIT = 0x100;
const NUD_STATES: Record<string, number> = {
  incomplete: 0x01, reachable: 0x02, stale: 0x04, delay: 0x08, probe: 0x10, failed: 0x20, noarp: 0x40, permanent: 0x80, none: 0,
};

/** `ip neigh show|flush` SELECTOR words (do_show_or_flush), checked on each entry as print_neigh checks them. */
interface NeighbourSelection {
  family?: 4 | 6;
  dev?: string;
  master?: string;
  nomaster?: boolean;
  proxy?: boolean;
  /** NUD bits shown; ip's default hides NOARP (show) or spares PERMANENT and NOARP (flush). */
  states: number;
  stateGiven: boolean;
  to?: InetPrefix;
  protocol?: number;
  unused?: boolean;
}

function parseSelection(ctx: CliContext, args: readonly string[], flush: boolean): NeighbourSelection {
  const sel: NeighbourSelection = { states: flush ? ~(NUD_PERMANENT | NUD_NOARP) : 0xff & ~NUD_NOARP, stateGiven: false };
  const family = ctx.ipFamily();
  if (family !== undefined) sel.family = family;
  const words = new Words(args);
  while (!words.done) {
    const word = words.take()!;
    if (word === 'dev') {
      const dev = words.argument(word);
      if (sel.dev !== undefined) throw new CliUsageError(`Error: duplicate "dev": "${dev}" is the second value.`, 255);
      sel.dev = dev;
    } else if (word === 'master' || word === 'vrf') sel.master = words.argument(word);
    else if (word === 'nomaster') sel.nomaster = true;
    else if (word === 'unused') sel.unused = true;
    else if (word === 'nud') {
      const v = words.argument(word);
      if (!sel.stateGiven) { sel.stateGiven = true; sel.states = 0; }
      const name = nudState(v);
      let state = name === undefined ? undefined : NUD_STATES[name];
      if (state === undefined) {
        if (v !== 'all') throw ipInvalid('nud state is bad', v);
        state = flush ? ~NUD_NOARP : ~0;
      }
      sel.states |= state === 0 ? NONE_BIT : state;
    } else if (word === 'proxy') sel.proxy = true;
    else if (matches(word, 'protocol')) {
      const v = words.argument(word);
      const n = strtoulWord(v);
      if (n >= 0 && n <= 255) sel.protocol = n;
      else if (v !== 'all') sel.protocol = namedValue(v, parseRouteProtocol, 'invalid "protocol"\n');
    } else {
      const v = word === 'to' ? words.argument(word) : word;
      // ip's `help` here (also after `to`) is its usage.
      if (matches(v, 'help')) throw new CliUsageError(NEIGHBOUR_USAGE.slice(0, -1), 255, true);
      sel.to = parsePrefix(v, sel.family ?? 0);
      sel.family ??= sel.to.family || undefined;
    }
  }
  return sel;
}

/** The entries the selection names (print_neigh's tests), and the namespace's link names. */
function selectNeighbours(ctx: CliContext, sel: NeighbourSelection): { list: Neighbour[]; names: Map<number, string> } {
  const links = ctx.rt().link.list();
  const names = new Map(links.map((l) => [l.index, l.name]));
  // ll_name_to_index: a name, or the index an `ifN` spells.
  const indexOf = (name: string): number => {
    const index = llNameToIndex(links, name);
    if (index === 0) throw new CliUsageError(`Cannot find device "${name}"`);
    return index;
  };
  const index = sel.dev === undefined ? undefined : indexOf(sel.dev);
  let master: number | undefined;
  if (sel.master !== undefined) {
    master = llNameToIndex(links, sel.master);
    if (master === 0) throw ipInvalid('Device does not exist\n', sel.master);
  }
  // The kernel has no entry on an index no link has (nor can the library send one past MAX_IFINDEX).
  if (index !== undefined && !names.has(index)) return { list: [], names };
  const portOf = new Map(links.map((l) => [l.index, l.master]));
  // Proxy entries have no NUD state: the library takes no state with `proxy`.
  const filter: Record<string, unknown> = sel.proxy ? { proxy: true } : { state: 'all' };
  if (sel.family !== undefined) filter.family = sel.family;
  if (index !== undefined) filter.dev = index;
  const list = ctx.rt().neigh.list(filter as NeighbourFilter).filter((n) => {
    if (!(sel.states & n.state) && !(n.flags & (NTF_PROXY | NTF_EXT_LEARNED)) && (n.state || !(sel.states & NONE_BIT))) return false;
    if (master !== undefined && portOf.get(n.ifindex) !== master) return false;
    if (sel.nomaster && portOf.get(n.ifindex) !== undefined) return false;
    if (sel.to && !inPrefix(n.dst, sel.to)) return false;
    if (sel.protocol && (n.protocol ?? 0) !== sel.protocol) return false;
    if (sel.unused && (n.cacheinfo?.refcnt ?? 0) !== 0) return false;
    return true;
  });
  return { list, names };
}

function show(ctx: CliContext, args: string[]): number {
  const sel = parseSelection(ctx, args, false);
  const { list, names } = selectNeighbours(ctx, sel);
  const entries = neighboursToIpJson(list, names, { stats: ctx.options.stats > 0 });
  if (sel.dev !== undefined) for (const e of entries) delete e.dev;
  if (ctx.options.brief) {
    // print_neigh_brief: the address, the link and the lladdr only, in columns.
    const brief = entries.map((e) => Object.fromEntries(Object.entries(e).filter(([k]) => k === 'dst' || k === 'dev' || k === 'lladdr')));
    printList(ctx, brief, neighbourBriefText);
    return 0;
  }
  printList(ctx, entries as Record<string, unknown>[], neighbourText);
  return 0;
}

/**
 * `ip neigh flush SELECTOR`: deletes the selected entries, round after round
 * until none is left, with do_show_or_flush's lines under -s (in text, even
 * under -j: ip opens no JSON for a flush); -s -s also prints each entry a
 * round deletes, as `show` prints it.
 */
function flush(ctx: CliContext, args: string[]): number {
  if (args.length === 0) throw new CliUsageError('Flush requires arguments.');
  const sel = parseSelection(ctx, args, true);
  const stats = ctx.options.stats;
  for (let round = 0; round < FLUSH_ROUNDS; round++) {
    const { list, names } = selectNeighbours(ctx, sel);
    if (list.length === 0) {
      if (stats > 0) ctx.out(flushDoneLine(round));
      return 0;
    }
    if (stats > 1) {
      const entries = neighboursToIpJson(list, names, { stats: true });
      if (sel.dev !== undefined) for (const e of entries) delete e.dev;
      ctx.out(entries.map((e) => neighbourText(e as Record<string, unknown>)).join(''));
    }
    for (const n of list) {
      if (n.dst === undefined) continue;
      try {
        ctx.rt().neigh.delete({ dev: n.ifindex, address: n.dst, ...(n.flags & NTF_PROXY ? { proxy: true } : {}) } as NeighbourSpec);
      } catch (error) {
        // Gone already (garbage-collected or deleted with its link): ip goes on too.
        if ((error as { errno?: number }).errno !== 2) throw error;
      }
    }
    if (stats > 0) ctx.out(flushRoundLine(round, list.length, 'entries'));
    // A deleted entry still referenced lingers as FAILED: ip leaves those out after the first round.
    sel.states &= ~NUD_FAILED;
  }
  ctx.out(`*** Flush not complete bailing out after ${FLUSH_ROUNDS} rounds\n`);
  return 1;
}

/** `ip neigh get { ADDR | proxy ADDR } dev DEV`: one entry, printed as text even under -j (ip 6.1 opens no JSON for it). */
function get(ctx: CliContext, args: string[]): number {
  const words = new Words(args);
  const query: Record<string, unknown> = {};
  while (!words.done) {
    const word = words.take()!;
    if (word === 'dev') query.dev = words.argument(word);
    else if (matches(word, 'proxy')) {
      const v = words.argument(word);
      if (matches(v, 'help')) throw new CliUsageError(NEIGHBOUR_USAGE.slice(0, -1), 255, true);
      if (query.address !== undefined) throw new CliUsageError(`Error: duplicate "address": "${v}" is the second value.`, 255, true);
      query.proxy = true;
      query.address = neighbourAddress(v, ctx.ipFamily() ?? 0);
    } else {
      const v = word === 'to' ? words.argument(word) : word;
      if (matches(v, 'help')) throw new CliUsageError(NEIGHBOUR_USAGE.slice(0, -1), 255, true);
      if (query.address !== undefined) throw duplicateArgument('to', v);
      query.address = neighbourAddress(v, ctx.ipFamily() ?? 0);
    }
  }
  if (query.dev === undefined || query.address === undefined) throw new CliUsageError('Device and address are required arguments.');
  query.dev = deviceRef(ctx, query.dev as string);
  const names = new Map(ctx.rt().link.list().map((l) => [l.index, l.name]));
  const entry = neighboursToIpJson([ctx.rt().neigh.get(query as unknown as NeighbourQuery)], names, { stats: ctx.options.stats > 0 });
  ctx.out(entry.map((e) => neighbourText(e as Record<string, unknown>)).join(''));
  return 0;
}

/** The spec with its device as ip's ll_name_to_index reads it (an `ifN` no link is named is index N). */
function withDevice(ctx: CliContext, spec: NeighbourSpec): NeighbourSpec {
  return typeof spec.dev === 'string' ? { ...spec, dev: deviceRef(ctx, spec.dev) } : spec;
}

const COMMANDS = ['add', 'change', 'chg', 'replace', 'delete', 'list', 'show', 'lst', 'flush', 'get', 'help'] as const;

export function runNeighbour(ctx: CliContext, args: string[]): number {
  if (args.length === 0) return show(ctx, []);
  const [word, ...rest] = args;
  const neigh = () => ctx.rt().neigh;
  switch (matchKeyword(word!, COMMANDS)) {
    case 'add': neigh().add(withDevice(ctx, parseSpec(rest, ctx.ipFamily() ?? 0))); return 0;
    // change asks for an existing entry (no NLM_F_CREATE): ip's answer for a missing one is the kernel's ENOENT.
    case 'change': case 'chg': neigh().change(withDevice(ctx, parseSpec(rest, ctx.ipFamily() ?? 0))); return 0;
    case 'replace': neigh().replace(withDevice(ctx, parseSpec(rest, ctx.ipFamily() ?? 0))); return 0;
    case 'delete': neigh().delete(withDevice(ctx, parseSpec(rest, ctx.ipFamily() ?? 0))); return 0;
    case 'list': case 'show': case 'lst': return show(ctx, rest);
    case 'flush': return flush(ctx, rest);
    case 'get': return get(ctx, rest);
    case 'help':
      ctx.io.stderr(NEIGHBOUR_USAGE);
      return 255;
    default:
      throw new CliUsageError(`Command "${word}" is unknown, try "nlkit neigh help".`, 255);
  }
}
