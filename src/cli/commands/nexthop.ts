// `nlkit nexthop`: add, replace, delete, list/show, get, flush, as `ip nexthop`
// (iproute2 6.1's ipnexthop.c) has them, on the library's rt.nexthop.
import { nexthopToIpJson, type NexthopFilter, type NexthopGroupMemberSpec, type NexthopSpec } from '../../route/index.js';
import { CliUsageError, invalidArgument, matches, matchKeyword, strtoulWord, Words } from '../args.js';
import type { CliContext } from '../context.js';
import { printList } from '../output.js';
import { routeProtocol } from './ip-names.js';
import { nexthopObjectText } from './nexthop-text.js';
import { ipv4Canonical, parseAddress } from './prefix.js';

const USAGE = `Usage: nlkit nexthop { list | flush } [ protocol ID ] SELECTOR
       nlkit nexthop { add | replace } id ID NH [ protocol ID ]
       nlkit nexthop { get | del } id ID
SELECTOR := [ id ID ] [ dev DEV ] [ master DEV ] [ groups ] [ fdb ]
NH := { blackhole | [ via ADDRESS ] [ dev DEV ] [ onlink ] |
        group GROUP [ fdb ] [ type TYPE [ TYPE_ARGS ] ] }
GROUP := [ <id[,weight]>/<id[,weight]>/... ]
TYPE := { mpath | resilient }
RESILIENT_ARGS := [ buckets BUCKETS ] [ idle_timer IDLE ] [ unbalanced_timer UNBALANCED ]
`;

const COMMANDS = ['add', 'replace', 'delete', 'list', 'show', 'lst', 'get', 'flush', 'help'] as const;

/** ipnh_parse_id: get_unsigned, base 0. */
function id(word: string): number {
  const n = strtoulWord(word);
  if (n < 0 || n > 0xffffffff) throw invalidArgument('invalid id value', word);
  return n;
}

/** The device's name must exist, as ip's ll_name_to_index checks it while reading the line. */
function existingDevice(ctx: CliContext, word: string): string {
  if (!ctx.rt().link.list().some((l) => l.name === word)) throw invalidArgument('Device does not exist\n', word);
  return word;
}

/** add_nh_group_attr: `id[,weight]/id[,weight]…`; undefined where ip refuses the word. */
function group(word: string): NexthopGroupMemberSpec[] | undefined {
  const members: NexthopGroupMemberSpec[] = [];
  for (const part of word.split('/')) {
    const comma = part.indexOf(',');
    const memberId = strtoulWord(comma < 0 ? part : part.slice(0, comma));
    if (memberId < 0 || memberId > 0xffffffff) return undefined;
    if (comma < 0) {
      members.push(memberId);
      continue;
    }
    const weight = strtoulWord(part.slice(comma + 1));
    if (weight < 1 || weight > 256) throw invalidArgument('"weight" is invalid\n', part.slice(comma + 1));
    members.push({ id: memberId, weight });
  }
  return members;
}

/** ipnh_modify's words as a NexthopSpec (for delete only `id` counts). */
function parseSpec(ctx: CliContext, args: readonly string[]): NexthopSpec {
  const words = new Words(args);
  const spec: Record<string, unknown> = {};
  // nh_family as ip fills it while reading: dev and blackhole make it IPv4 when nothing set it, via takes its address's.
  let family: 0 | 4 | 6 = ctx.ipFamily() ?? 0;
  while (!words.done) {
    const word = words.take()!;
    if (word === 'id') spec.id = id(words.argument(word));
    else if (word === 'dev') {
      spec.dev = existingDevice(ctx, words.argument(word));
      if (family === 0) family = 4;
    } else if (word === 'via') {
      let v = words.argument(word);
      let wanted = family;
      if (v === 'inet' || v === 'inet6') {
        wanted = v === 'inet' ? 4 : 6;
        v = words.argument(word);
      }
      const address = parseAddress(v, wanted);
      if (family !== 0 && address.family !== family) throw invalidArgument('address family mismatch\n', v);
      family = address.family as 4 | 6;
      spec.via = ipv4Canonical(v);
    } else if (word === 'blackhole') {
      spec.blackhole = true;
      if (family === 0) family = 4;
    }
    else if (word === 'fdb') spec.fdb = true;
    else if (word === 'onlink') spec.onlink = true;
    else if (word === 'group') {
      const v = words.argument(word);
      const members = group(v);
      // ip's strtok has cut its copy of the word at the first '/' by then: its message shows the first member.
      if (!members) throw invalidArgument('"group" value is invalid\n', v.split('/')[0]!);
      spec.group = members;
    } else if (word === 'type') {
      const v = words.argument(word);
      if (v !== 'mpath' && v !== 'resilient') throw invalidArgument('"type" value is invalid\n', v);
      spec.type = v;
      if (v === 'resilient') {
        for (let next = words.peek(); next === 'buckets' || next === 'idle_timer' || next === 'unbalanced_timer'; next = words.peek()) {
          const key = words.take()!;
          const value = words.argument(key);
          const n = strtoulWord(value);
          if (n < 0 || n > (key === 'buckets' ? 0xffff : 0xffffffff)) throw invalidArgument(`invalid ${key} value`, value);
          spec[key === 'buckets' ? 'buckets' : key === 'idle_timer' ? 'idleTimer' : 'unbalancedTimer'] = n;
        }
      }
    } else if (matches(word, 'protocol')) {
      const v = words.argument(word);
      const p = routeProtocol(v);
      if (p < 0) throw invalidArgument('"protocol" value is invalid\n', v);
      spec.protocol = p;
    } else if (word === 'help') throw new CliUsageError(USAGE.trimEnd(), 255);
    else throw invalidArgument('', word);
  }
  // A group has no family of its own (the kernel refuses one); a single nexthop keeps the one ip would send.
  if (family !== 0 && spec.group === undefined && spec.blackhole === undefined) spec.family = family;
  return spec as unknown as NexthopSpec;
}

/** ip sends `id 0` as NHA_ID 0, which the kernel reads as no id: the library's way to say that is leaving id out. */
function withoutZeroId(spec: NexthopSpec): NexthopSpec {
  if (spec.id !== 0) return spec;
  const { id: _zero, ...rest } = spec;
  return rest;
}

/**
 * replace and delete name a nexthop; without an id (or with 0) ip sends the
 * request anyway and prints the kernel's refusal, status 2: the same line here.
 */
function namedNexthop(spec: NexthopSpec, kernelSays: { absent: string; zero: string }): NexthopSpec & { id: number } {
  if (spec.id === undefined) throw new CliUsageError(`Error: ${kernelSays.absent}`, 2);
  if (spec.id === 0) throw new CliUsageError(`Error: ${kernelSays.zero}`, 2);
  return spec as NexthopSpec & { id: number };
}

const REPLACE_REFUSAL = { absent: 'Replace requires nexthop id.', zero: 'Replace requires nexthop id.' };
const DELETE_REFUSAL = { absent: 'Nexthop id is missing.', zero: 'Invalid nexthop id.' };

/** ipnh_list_flush's selector words; `id` ends them (ip acts on that one nexthop at once). */
function parseFilter(ctx: CliContext, args: readonly string[]): NexthopFilter {
  const words = new Words(args);
  const filter: NexthopFilter = {};
  while (!words.done) {
    const word = words.take()!;
    if (matches(word, 'dev')) filter.dev = existingDevice(ctx, words.argument(word));
    else if (matches(word, 'groups')) filter.groups = true;
    else if (matches(word, 'master')) filter.master = existingDevice(ctx, words.argument(word));
    else if (word === 'id') return { ...filter, id: id(words.argument(word)) };
    else if (matches(word, 'protocol')) {
      const v = words.argument(word);
      const n = strtoulWord(v);
      if (n < 0 || n > 0xffffffff) throw invalidArgument('invalid protocol value', v);
      filter.protocol = n & 0xff;
    } else if (matches(word, 'fdb')) filter.fdb = true;
    else if (matches(word, 'help')) {
      ctx.io.stderr(USAGE);
      return { ...filter, id: -1 };
    } else throw invalidArgument('', word);
  }
  return filter;
}

function linkNames(ctx: CliContext): Map<number, string> {
  return new Map(ctx.rt().link.list().map((l) => [l.index, l.name]));
}

function show(ctx: CliContext, filter: NexthopFilter): number {
  const nexthops = ctx.rt().nexthop.list(filter);
  if (filter.id !== undefined && nexthops.length === 0) {
    // ip asks for the one id and reports the kernel's answer.
    ctx.rt().nexthop.get(filter.id);
  }
  const names = linkNames(ctx);
  const details = ctx.options.details > 0;
  printList(ctx, nexthops.map((n) => nexthopToIpJson(n, names, { details })), (e) => `${nexthopObjectText(e)}\n`);
  return 0;
}

/** ipnh_flush: every nexthop the selector names, groups first when it names none; ip's count line. */
function flush(ctx: CliContext, args: readonly string[]): number {
  const filter = parseFilter(ctx, args);
  if (filter.id !== undefined) {
    ctx.rt().nexthop.delete({ id: filter.id });
    return 0;
  }
  const rt = ctx.rt();
  const all = args.length === 0;
  let flushed = 0;
  const rounds: NexthopFilter[] = all ? [{ groups: true }, {}] : [filter];
  for (const round of rounds) {
    for (const n of rt.nexthop.list(round)) {
      try {
        rt.nexthop.delete({ id: n.id });
        flushed++;
      } catch (error) {
        // A member deleted with its last group, or gone meanwhile: ip counts only what it deleted.
        if (!(error instanceof Error && (error as Error & { code?: string }).code === 'ENOENT')) throw error;
      }
    }
  }
  ctx.out(flushed === 0 ? 'Nothing to flush\n' : `Flushed ${flushed} nexthops\n`);
  return 0;
}

export function runNexthop(ctx: CliContext, args: string[]): number {
  if (args.length === 0) return show(ctx, {});
  const [word, ...rest] = args;
  switch (matchKeyword(word!, COMMANDS)) {
    case 'add': ctx.rt().nexthop.add(withoutZeroId(parseSpec(ctx, rest))); return 0;
    case 'replace': ctx.rt().nexthop.replace(namedNexthop(parseSpec(ctx, rest), REPLACE_REFUSAL)); return 0;
    case 'delete': ctx.rt().nexthop.delete({ id: namedNexthop(parseSpec(ctx, rest), DELETE_REFUSAL).id }); return 0;
    case 'list': case 'show': case 'lst': {
      const filter = parseFilter(ctx, rest);
      return filter.id === -1 ? 255 : show(ctx, filter);
    }
    case 'get': {
      const words = new Words(rest);
      let wanted = 0;
      while (!words.done) {
        const w = words.take()!;
        if (w !== 'id') {
          ctx.io.stderr(USAGE);
          return 255;
        }
        wanted = id(words.argument(w));
      }
      if (wanted === 0) {
        ctx.io.stderr(USAGE);
        return 255;
      }
      return show(ctx, { id: wanted });
    }
    case 'flush': return flush(ctx, rest);
    case 'help':
      ctx.io.stderr(USAGE);
      return 255;
    default:
      throw new CliUsageError(`Command "${word}" is unknown, try "nlkit nexthop help".`, 255);
  }
}
