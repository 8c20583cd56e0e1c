// `nlkit rule`: show, add, delete, flush, as `ip rule` has them.
import { parseIpProtocol, parseRouteProtocol, parseRouteTable, rulesToIpJson, type Rule, type RuleSpec } from '../../route/index.js';
import { CliUsageError, invalidArgument, matches, matchKeyword, parseUnsigned, Words } from '../args.js';
import type { CliContext } from '../context.js';
import { printList } from '../output.js';
import { inPrefix, ipInvalid, ipv4Canonical, namedValue, parsePrefix, type InetPrefix } from './prefix.js';

const ACTIONS = ['lookup', 'goto', 'nop', 'blackhole', 'unreachable', 'prohibit'];

function range(word: string, what: string): number | [number, number] {
  const m = /^(\d+)-(\d+)$/.exec(word);
  if (m) return [Number(m[1]), Number(m[2])];
  return parseUnsigned(word, what);
}

function ruleText(r: Record<string, unknown>): string {
  let s = `${r.priority}:\t`;
  // ip's JSON writes `"not": null`: the key is the flag.
  if ('not' in r) s += 'not ';
  s += `from ${r.src ?? 'all'}${r.srclen !== undefined ? `/${r.srclen}` : ''} `;
  for (const [key, value] of Object.entries(r)) {
    if (['priority', 'src', 'srclen', 'not', 'dstlen', 'action', 'table'].includes(key) || value === undefined) continue;
    if (key === 'dst') s += `to ${value}${r.dstlen !== undefined ? `/${r.dstlen}` : ''} `;
    else if (key === 'fwmark') s += `fwmark ${value}${r.fwmask !== undefined ? `/${r.fwmask}` : ''} `;
    else if (key === 'fwmask') continue;
    // Ranges print as `uidrange A-B`, `sport A-B`, `dport A-B` (JSON: uid_start/uid_end, sport_start/sport_end…).
    else if (key === 'uid_start' || key === 'sport_start' || key === 'dport_start') s += `${key === 'uid_start' ? 'uidrange' : key.slice(0, 5)} ${value}-${r[key.replace('start', 'end')]} `;
    else if (key === 'uid_end' || key === 'sport_end' || key === 'dport_end') continue;
    else if (typeof value === 'object' && value !== null) s += `${key} ${Object.values(value).join('-')} `;
    else s += `${key} ${value} `;
  }
  if (r.table !== undefined) s += `lookup ${r.table} `;
  else if (r.action !== undefined) s += `${r.action} `;
  return s.trimEnd() + '\n';
}

function parseSpec(ctx: CliContext, args: readonly string[]): RuleSpec {
  const words = new Words(args);
  const spec: Record<string, unknown> = {};
  const family = ctx.ipFamily();
  if (family !== undefined) spec.family = family;
  while (!words.done) {
    const word = words.take()!;
    switch (word) {
      case 'not': spec.not = true; break;
      case 'from': { const v = words.argument(word); if (v !== 'all') spec.from = ipv4Canonical(v); break; }
      case 'to': { const v = words.argument(word); if (v !== 'all') spec.to = ipv4Canonical(v); break; }
      case 'priority': case 'preference': case 'order': case 'pref': case 'prio': spec.priority = parseUnsigned(words.argument(word), 'preference'); break;
      case 'tos': case 'dsfield': spec.tos = parseUnsigned(words.argument(word), 'tos', 255); break;
      case 'fwmark': {
        const [mark, mask] = words.argument(word).split('/');
        spec.fwmark = parseUnsigned(mark!, 'fwmark');
        if (mask !== undefined) spec.fwmask = parseUnsigned(mask, 'fwmask');
        break;
      }
      case 'table': case 'lookup': { const v = words.argument(word); spec.table = /^\d+$/.test(v) ? Number(v) : v; break; }
      case 'iif': case 'dev': spec.iif = words.argument(word); break;
      case 'oif': spec.oif = words.argument(word); break;
      case 'goto': spec.action = 'goto'; spec.goto = parseUnsigned(words.argument(word), 'goto'); break;
      case 'ipproto': spec.ipproto = words.argument(word); break;
      case 'sport': spec.sport = range(words.argument(word), 'sport'); break;
      case 'dport': spec.dport = range(words.argument(word), 'dport'); break;
      case 'uidrange': { const r = range(words.argument(word), 'uidrange'); spec.uidrange = Array.isArray(r) ? r : [r, r]; break; }
      case 'suppress_prefixlength': spec.suppressPrefixLength = parseUnsigned(words.argument(word), word); break;
      case 'suppress_ifgroup': spec.suppressIfgroup = parseUnsigned(words.argument(word), word); break;
      case 'protocol': { const v = words.argument(word); spec.protocol = /^\d+$/.test(v) ? Number(v) : v; break; }
      case 'type': spec.action = words.argument(word); break;
      default:
        if (ACTIONS.includes(word)) spec.action = word;
        else throw invalidArgument('Failed to parse rule type', word);
    }
  }
  return spec as unknown as RuleSpec;
}

/** `ip rule show|flush` SELECTOR words (iprule_list_flush_or_save), checked on each dumped rule as ip checks them. */
interface RuleSelection {
  family: 4 | 6;
  test: ((r: Rule) => boolean)[];
  /** `protocol P`: ip 6.1 checks it when flushing only (flush_rule), `show` ignores it. */
  protocol?: number;
}

function u32(word: string, message: string): number {
  if (!/^(\d+|0x[0-9a-f]+)$/i.test(word) || Number(word) > 0xffffffff) throw ipInvalid(message, word);
  return Number(word);
}

function portRange(word: string, message: string): [number, number] {
  const m = /^(\d+)(?:-(\d+))?$/.exec(word);
  if (!m || Number(m[1]) > 0xffff || Number(m[2] ?? 0) > 0xffff) throw ipInvalid(message, word);
  return [Number(m[1]), Number(m[2] ?? m[1])];
}

function prefixTest(prefix: InetPrefix, address: (r: Rule) => string | undefined, length: (r: Rule) => number): (r: Rule) => boolean {
  return (r) => !prefix.family || (prefix.family === r.family && prefix.bitlen <= length(r) && inPrefix(address(r), prefix));
}

function parseSelection(ctx: CliContext, args: readonly string[]): RuleSelection {
  const family = ctx.ipFamily() ?? 4;
  const test: ((r: Rule) => boolean)[] = [];
  const sel: RuleSelection = { family, test };
  const words = new Words(args);
  // In ip's order, for its abbreviations: `p` is preference, `t` tun_id, `l` lookup, `s` src.
  while (!words.done) {
    const word = words.take()!;
    if (matches(word, 'preference') || matches(word, 'order') || matches(word, 'priority')) {
      const pref = u32(words.argument(word), 'preference value is invalid\n');
      test.push((r) => (r.priority ?? 0) === pref);
    } else if (word === 'not') test.push((r) => r.not);
    else if (word === 'tos' || word === 'dsfield') {
      const tos = u32(words.argument(word), 'TOS value is invalid\n');
      test.push((r) => r.tos === tos);
    } else if (word === 'fwmark') {
      const [mark, mask] = words.argument(word).split('/');
      const fwmark = u32(mark!, 'fwmark value is invalid\n');
      const fwmask = mask === undefined ? 0 : u32(mask, 'fwmask value is invalid\n');
      if (fwmark) test.push((r) => (r.fwmark ?? 0) === fwmark);
      if (fwmask) test.push((r) => (r.fwmask ?? 0) === fwmask);
    } else if (word === 'dev' || word === 'iif') {
      const name = words.argument(word);
      test.push((r) => r.iif === name);
    } else if (word === 'oif') {
      const name = words.argument(word);
      test.push((r) => r.oif === name);
    } else if (word === 'l3mdev') test.push((r) => !!r.l3mdev);
    else if (word === 'uidrange') {
      const v = words.argument(word);
      const m = /^(\d+)-(\d+)/.exec(v);
      if (!m) throw ipInvalid('invalid UID range\n', v);
      test.push((r) => r.uidrange !== undefined && r.uidrange[0] === Number(m[1]) && r.uidrange[1] === Number(m[2]));
    } else if (matches(word, 'tun_id')) {
      const v = words.argument(word);
      if (!/^\d+$/.test(v)) throw ipInvalid('"tun_id" value is invalid\n', v);
      if (BigInt(v) !== 0n) test.push((r) => r.tunId === BigInt(v));
    } else if (matches(word, 'lookup') || matches(word, 'table')) {
      const table = namedValue(words.argument(word), parseRouteTable, 'table id value is invalid\n');
      if (table > 0) test.push((r) => r.table === table);
    } else if (matches(word, 'from') || matches(word, 'src')) {
      const p = parsePrefix(words.argument(word), family);
      test.push(prefixTest(p, (r) => r.src, (r) => r.srcLength));
    } else if (matches(word, 'protocol')) {
      const v = words.argument(word);
      if (v !== 'all') sel.protocol = namedValue(v, parseRouteProtocol, 'invalid "protocol"\n');
    } else if (word === 'ipproto') {
      const ipproto = namedValue(words.argument(word), parseIpProtocol, 'Invalid "ipproto" value\n');
      if (ipproto) test.push((r) => (r.ipproto ?? 0) === ipproto);
    } else if (word === 'sport' || word === 'dport') {
      const [start, end] = portRange(words.argument(word), word === 'sport' ? 'invalid port range\n' : 'invalid dport range\n');
      const key = word;
      if (start) test.push((r) => r[key] !== undefined && r[key]![0] === start && r[key]![1] === end);
    } else {
      const v = matches(word, 'dst') || matches(word, 'to') ? words.argument(word) : word;
      const p = parsePrefix(v, family);
      test.push(prefixTest(p, (r) => r.dst, (r) => r.dstLength));
    }
  }
  return sel;
}

function selectRules(ctx: CliContext, sel: RuleSelection): Rule[] {
  return ctx.rt().rule.list({ family: sel.family }).filter((r) => sel.test.every((t) => t(r)));
}

function show(ctx: CliContext, args: string[]): number {
  const rules = selectRules(ctx, parseSelection(ctx, args));
  const entries = rulesToIpJson(rules, { details: ctx.options.details > 0 });
  printList(ctx, entries as Record<string, unknown>[], ruleText);
  return 0;
}

/** The spec that deletes exactly `r` (ip sends the dumped message back as RTM_DELRULE). */
function deletionOf(r: Rule): RuleSpec {
  const spec: Record<string, unknown> = { family: r.family, priority: r.priority, table: r.table, action: r.actionName, tos: r.tos };
  if (r.not) spec.not = true;
  if (r.src !== undefined) spec.from = `${r.src}/${r.srcLength}`;
  if (r.dst !== undefined) spec.to = `${r.dst}/${r.dstLength}`;
  for (const key of ['fwmark', 'fwmask', 'iif', 'oif', 'goto', 'ipproto', 'sport', 'dport', 'uidrange', 'protocol', 'tunId'] as const) {
    if (r[key] !== undefined) spec[key] = r[key];
  }
  if (r.actionName !== 'goto') delete spec.goto;
  if (r.actionName !== 'lookup') delete spec.table;
  return spec as unknown as RuleSpec;
}

/** `ip rule flush [SELECTOR]`: deletes every selected rule but priority 0 (which has no FRA_PRIORITY). */
function flush(ctx: CliContext, args: string[]): number {
  const sel = parseSelection(ctx, args);
  for (const r of selectRules(ctx, sel)) {
    if (sel.protocol !== undefined && r.protocol !== undefined && r.protocol !== sel.protocol) continue;
    if (r.priority !== undefined && r.priority !== 0) ctx.rt().rule.delete(deletionOf(r));
  }
  return 0;
}

const COMMANDS = ['add', 'delete', 'list', 'show', 'lst', 'flush', 'help'] as const;

export function runRule(ctx: CliContext, args: string[]): number {
  if (args.length === 0) return show(ctx, []);
  const [word, ...rest] = args;
  switch (matchKeyword(word!, COMMANDS)) {
    case 'add': ctx.rt().rule.add(parseSpec(ctx, rest)); return 0;
    case 'delete': ctx.rt().rule.delete(parseSpec(ctx, rest)); return 0;
    case 'list': case 'show': case 'lst': return show(ctx, rest);
    case 'flush': return flush(ctx, rest);
    case 'help':
      ctx.io.stderr('Usage: nlkit rule { add | del } SELECTOR ACTION\n       nlkit rule { flush | list } [ SELECTOR ]\n');
      return 255;
    default:
      throw new CliUsageError(`Command "${word}" is unknown, try "nlkit rule help".`, 255);
  }
}
