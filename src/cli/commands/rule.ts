// `nlkit rule`: show, add, delete, flush, as `ip rule` has them.
import { parseIpProtocol, rulesToIpJson, type Rule, type RuleSpec } from '../../route/index.js';
import { CliUsageError, integerWord, matches, matchKeyword, strtoulWord, unsignedArgument, Words } from '../args.js';
import { dsfield, routeProtocol, routeRealms, routeTable, routeType } from './ip-names.js';
import type { CliContext } from '../context.js';
import { printList } from '../output.js';
import { inPrefix, ipInvalid, namedValue, parseAddress, parsePrefix, prefixText, type InetPrefix } from './prefix.js';

/** The actions RuleSpec takes, by the route type names ip reads them as (FR_ACT_* values equal RTN_* ones: `unicast` is lookup). */
const ACTIONS: Record<string, string> = { unicast: 'lookup', local: 'goto', broadcast: 'nop', blackhole: 'blackhole', unreachable: 'unreachable', prohibit: 'prohibit' };
/** The action names RuleSpec takes. */
const SPEC_ACTIONS: ReadonlySet<string> = new Set(Object.values(ACTIONS));

/**
 * sscanf's `%u` (`%hu` with `bits` 16) at the start of `text`: blanks, a
 * sign, decimal digits, the value wrapped as C stores it; where it stopped.
 */
function scanUnsigned(text: string, from: number, bits: 16 | 32): { value: number; end: number } | undefined {
  let i = from;
  while (i < text.length && /\s/.test(text[i]!)) i++;
  let negative = false;
  if (text[i] === '+' || text[i] === '-') { negative = text[i] === '-'; i++; }
  const start = i;
  let value = 0;
  while (i < text.length && text.charCodeAt(i) >= 0x30 && text.charCodeAt(i) <= 0x39) value = (value * 10 + text.charCodeAt(i++) - 0x30) % 2 ** 32;
  if (i === start) return undefined;
  if (negative) value = (2 ** 32 - value) % 2 ** 32;
  return { value: value % 2 ** bits, end: i };
}

/** sscanf(word, "%u-%u") (or "%hu-%hu"): the numbers it read, one or two. */
function scanRange(word: string, bits: 16 | 32): number[] {
  const first = scanUnsigned(word, 0, bits);
  if (!first) return [];
  if (word[first.end] !== '-') return [first.value];
  const second = scanUnsigned(word, first.end + 1, bits);
  return second ? [first.value, second.value] : [first.value];
}

/** A prefix of `from`/`to` in the rule's family, as get_prefix reads it. */
/**
 * A rule's `from`/`to` as the library reads it; undefined for `all`,
 * `default` and `any`, which ip sends as a /0 (the kernel's "any address",
 * the same rule as none given).
 */
function rulePrefix(word: string, family: 0 | 4 | 6): string | undefined {
  const prefix = parsePrefix(word, family);
  return word === 'all' || word === 'default' || word === 'any' ? undefined : prefixText(word, prefix);
}

function ruleText(r: Record<string, unknown>): string {
  let s = `${r.priority}:\t`;
  // ip's JSON writes `"not": null`: the key is the flag.
  if ('not' in r) s += 'not ';
  s += `from ${r.src ?? 'all'}${r.srclen !== undefined ? `/${r.srclen}` : ''} `;
  // The JSON keys are in print_rule's order, which its text follows too; only some words differ from their keys.
  for (const [key, value] of Object.entries(r)) {
    if (['priority', 'src', 'srclen', 'not', 'dstlen'].includes(key) || value === undefined) continue;
    if (key === 'dst') s += `to ${value}${r.dstlen !== undefined ? `/${r.dstlen}` : ''} `;
    else if (key === 'fwmark') s += `fwmark ${value}${r.fwmask !== undefined ? `/${r.fwmask}` : ''} `;
    else if (key === 'fwmask') continue;
    // Ranges print as `uidrange A-B`, `sport A-B`, `dport A-B` (JSON: uid_start/uid_end, sport_start/sport_end…).
    else if (key === 'uid_start' || key === 'sport_start' || key === 'dport_start') s += `${key === 'uid_start' ? 'uidrange' : key.slice(0, 5)} ${value}-${r[key.replace('start', 'end')]} `;
    else if (key === 'uid_end' || key === 'sport_end' || key === 'dport_end') continue;
    else if (key === 'table') s += `lookup ${value} `;
    else if (key === 'action') s += `${value} `;
    // print_rule: `realms FROM/TO`, or `realms TO` when there is no source realm.
    else if (key === 'flow_from') s += `realms ${value}/`;
    else if (key === 'flow_to') s += r.flow_from !== undefined ? `${value} ` : `realms ${value} `;
    else if (key === 'protocol') s += `proto ${value} `;
    else if (key === 'suppress_prefixlen') s += `suppress_prefixlength ${value} `;
    else if (key === 'unresolved') s += '[unresolved] ';
    // The VRF's table is only known per packet; ip names it so whatever the rule's action.
    else if (key === 'l3mdev') s += 'lookup [l3mdev-table] ';
    else if (key === 'iif_detached' || key === 'oif_detached') s += '[detached] ';
    else if (value === null) s += `${key} `;
    else if (typeof value === 'object') s += `${key} ${Object.values(value).join('-')} `;
    else s += `${key} ${value} `;
  }
  return s.trimEnd() + '\n';
}

function parseSpec(ctx: CliContext, args: readonly string[], command: 'add' | 'del'): RuleSpec {
  if (args.length === 0) throw new CliUsageError(`"ip rule ${command}" requires arguments.`);
  const words = new Words(args);
  const spec: Record<string, unknown> = {};
  const family = ctx.ipFamily();
  if (family !== undefined) spec.family = family;
  // An action the library does not send, refused once the line is read: ip reads on (a later mistake is its answer) and a later action word replaces it.
  let unsentAction: string | undefined;
  // In iprule_modify's order, for its abbreviations (`p` preference, `o` order, `d` dsfield, `r` realms, `t` tun_id).
  while (!words.done) {
    let word = words.take()!;
    if (word === 'not') spec.not = true;
    else if (word === 'from' || word === 'to') {
      const v = words.argument(word);
      const prefix = rulePrefix(v, family ?? 0);
      if (prefix !== undefined) spec[word] = prefix;
    } else if (matches(word, 'preference') || matches(word, 'order') || matches(word, 'priority')) {
      spec.priority = unsignedArgument(words.argument(word), 0xffffffff, 'preference value is invalid\n');
    } else if (word === 'tos' || matches(word, 'dsfield')) {
      const v = words.argument(word);
      const tos = dsfield(v);
      if (tos < 0) throw ipInvalid('TOS value is invalid\n', v);
      spec.tos = tos;
    } else if (word === 'fwmark') {
      const v = words.argument(word);
      const slash = v.indexOf('/');
      spec.fwmark = unsignedArgument(slash < 0 ? v : v.slice(0, slash), 0xffffffff, 'fwmark value is invalid\n');
      if (slash >= 0) spec.fwmask = unsignedArgument(v.slice(slash + 1), 0xffffffff, 'fwmask value is invalid\n');
    } else if (matches(word, 'realms')) {
      const v = words.argument(word);
      // get_rt_realms_or_raw: FROM/TO by name or number, else the word as a raw 32-bit FRA_FLOW.
      const flow = routeRealms(v);
      if (flow < 0) throw ipInvalid('invalid realms\n', v);
      spec.realms = { from: flow >>> 16, to: flow & 0xffff };
    } else if (matches(word, 'protocol')) {
      const v = words.argument(word);
      const protocol = routeProtocol(v);
      if (protocol < 0) throw ipInvalid('"protocol" value is invalid\n', v);
      spec.protocol = protocol;
    } else if (matches(word, 'tun_id')) {
      const v = words.argument(word);
      if (!/^\s*\+?(0x[0-9a-f]+|0[0-7]*|[1-9][0-9]*)$/i.test(v) || BigInt(v.trim().replace(/^\+/, '').replace(/^0(?=[0-7])/, '0o')) >= 2n ** 64n) throw ipInvalid('"tun_id" value is invalid\n', v);
      spec.tunId = BigInt(v.trim().replace(/^\+/, '').replace(/^0(?=[0-7])/, '0o'));
    } else if (matches(word, 'table') || word === 'lookup') {
      const v = words.argument(word);
      const table = routeTable(v);
      if (table < 0) throw ipInvalid('invalid table ID\n', v);
      // Table 0 goes to the library, which refuses it: ip sends it and the kernel picks a table of its own.
      // A table above 255 goes in FRA_TABLE, which the kernel reads over the header's and a later small
      // one does not remove: of several, the last above 255 wins, as ip's request makes it.
      if (!(typeof spec.table === 'number' && spec.table > 255 && table <= 255)) spec.table = table;
    } else if (matches(word, 'suppress_prefixlength') || word === 'sup_pl') {
      const v = words.argument(word);
      const n = integerWord(v);
      if (n === undefined || n < 0) throw ipInvalid('suppress_prefixlength value is invalid\n', v);
      spec.suppressPrefixLength = n;
    } else if (matches(word, 'suppress_ifgroup') || word === 'sup_group') {
      const v = words.argument(word);
      const n = v === 'default' ? 0 : strtoulWord(v);
      if (n < 0 || n > 0xffffffff) throw ipInvalid('Invalid "suppress_ifgroup" value\n', v);
      spec.suppressIfgroup = n;
    } else if (word === 'dev' || word === 'iif' || word === 'oif') {
      const v = words.argument(word);
      if (!validIfname(v)) throw ipInvalid(word === 'oif' ? '"oif" not a valid ifname' : '"iif"/"dev" not a valid ifname', v);
      spec[word === 'oif' ? 'oif' : 'iif'] = v;
    } else if (word === 'l3mdev') spec.l3mdev = true;
    else if (word === 'uidrange') {
      const v = words.argument(word);
      const range = scanRange(v, 32);
      if (range.length !== 2) throw ipInvalid('invalid UID range\n', v);
      spec.uidrange = range;
    } else if (word === 'nat' || matches(word, 'map-to')) {
      const v = words.argument(word);
      ctx.io.stderr('Warning: route NAT is deprecated\n');
      // get_addr32, which exits on a word that is no IPv4 address; the refusal waits for the rest of the line, as the actions' does.
      try {
        parseAddress(v, 4);
      } catch {
        throw new CliUsageError(`Error: an IP address is expected rather than "${v}"`, 1, true);
      }
      unsentAction = 'nat';
    } else if (word === 'ipproto') {
      const v = words.argument(word);
      const n = strtoulWord(v);
      spec.ipproto = n >= 0 && n <= 255 ? n : namedValue(v, parseIpProtocol, 'Invalid "ipproto" value\n');
    } else if (word === 'sport' || word === 'dport') {
      const v = words.argument(word);
      const range = scanRange(v, 16);
      if (range.length === 0) throw ipInvalid(word === 'sport' ? 'invalid port range\n' : 'invalid dport range\n', v);
      spec[word] = [range[0]!, range[1] ?? range[0]!];
    } else {
      if (word === 'type') word = words.argument(word);
      if (matches(word, 'help')) throw new CliUsageError(RULE_USAGE.slice(0, -1), 255, true);
      unsentAction = undefined;
      if (matches(word, 'goto')) {
        spec.action = 'goto';
        spec.goto = unsignedArgument(words.argument(word), 0xffffffff, 'invalid target\n');
      } else if (matches(word, 'nop')) spec.action = 'nop';
      else {
        const type = routeType(word);
        if (type === undefined) throw ipInvalid('Failed to parse rule type', word);
        // Type 0 is action 0 (FR_ACT_UNSPEC), which a delete's kernel match reads as any action: the same as none given.
        if (type === 'unspec' && command === 'del') {
          delete spec.action;
          continue;
        }
        const action = typeof type === 'string' ? ACTIONS[type] : undefined;
        if (action === undefined) unsentAction = word;
        else spec.action = action;
      }
    }
  }
  // iprule_modify returns -EINVAL here, which ip's do_cmd negates into the status.
  if (spec.l3mdev && typeof spec.table === 'number') throw new CliUsageError('table can not be specified for l3mdev rules', 22);
  if (unsentAction === 'nat') throw new CliUsageError('Error: nlkit\'s rules do not take "nat" (route NAT is gone from the kernel).', 2);
  if (unsentAction !== undefined) throw new CliUsageError(`Error: nlkit's rules take the actions lookup, goto, nop, blackhole, unreachable and prohibit, not "${unsentAction}".`, 2);
  // Without -4/-6 ip sends an IPv4 rule, whatever its prefixes are (the kernel refuses an IPv6 one in it).
  spec.family ??= 4;
  // ip sends realms on an IPv6 rule too, and the kernel drops them (the library refuses them): the same rule without.
  if (spec.family === 6) delete spec.realms;
  return spec as unknown as RuleSpec;
}

/** check_ifname(): what ip takes as an interface name (under 16 bytes, no `/` or blank). */
function validIfname(name: string): boolean {
  return name !== '' && Buffer.byteLength(name) < 16 && !/[\s/]/.test(name);
}

export const RULE_USAGE = 'Usage: nlkit rule { add | del } SELECTOR ACTION\n       nlkit rule { flush | list } [ SELECTOR ]\n';

/** `ip rule show|flush` SELECTOR words (iprule_list_flush_or_save), checked on each dumped rule as ip checks them. */
interface RuleSelection {
  family: 4 | 6;
  test: ((r: Rule) => boolean)[];
  /** `protocol P`: ip 6.1 checks it when flushing only (flush_rule), `show` ignores it. */
  protocol?: number;
}

function u32(word: string, message: string): number {
  return unsignedArgument(word, 0xffffffff, message);
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
      const v = words.argument(word);
      const table = routeTable(v);
      if (table < 0) throw ipInvalid('table id value is invalid\n', v);
      if (table > 0) test.push((r) => r.table === table);
    } else if (matches(word, 'from') || matches(word, 'src')) {
      const p = parsePrefix(words.argument(word), family);
      test.push(prefixTest(p, (r) => r.src, (r) => r.srcLength));
    } else if (matches(word, 'protocol')) {
      const v = words.argument(word);
      const protocol = routeProtocol(v);
      if (protocol >= 0) sel.protocol = protocol;
      else if (v !== 'all') throw ipInvalid('invalid "protocol"\n', v);
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
  if (!SPEC_ACTIONS.has(r.actionName)) {
    // An action RuleSpec has no name for (0, or a type only ip sends): sent as
    // none, which the kernel's match takes as any; the table still narrows it.
    delete spec.action;
    if (!r.table) delete spec.table;
  } else if (r.actionName !== 'lookup') delete spec.table;
  return spec as unknown as RuleSpec;
}

/** `ip rule flush [SELECTOR]`: deletes every selected rule but priority 0 (which has no FRA_PRIORITY). */
function flush(ctx: CliContext, args: string[]): number {
  const sel = parseSelection(ctx, args);
  for (const r of selectRules(ctx, sel)) {
    if (sel.protocol !== undefined && r.protocol !== undefined && r.protocol !== sel.protocol) continue;
    if (r.priority !== undefined && r.priority !== 0) ctx.rt().rule.delete(deletionOf(r));
  }
  // ip opens its JSON list around the flush's dump as around a listing's, and lists nothing: `[]` under -j.
  printList(ctx, [], ruleText);
  return 0;
}

const COMMANDS = ['add', 'delete', 'list', 'show', 'lst', 'flush', 'help'] as const;

export function runRule(ctx: CliContext, args: string[]): number {
  if (args.length === 0) return show(ctx, []);
  const [word, ...rest] = args;
  switch (matchKeyword(word!, COMMANDS)) {
    case 'add': ctx.rt().rule.add(parseSpec(ctx, rest, 'add')); return 0;
    case 'delete': ctx.rt().rule.delete(parseSpec(ctx, rest, 'del')); return 0;
    case 'list': case 'show': case 'lst': return show(ctx, rest);
    case 'flush': return flush(ctx, rest);
    case 'help':
      ctx.io.stderr(RULE_USAGE);
      return 255;
    default:
      throw new CliUsageError(`Command "${word}" is unknown, try "nlkit rule help".`, 255);
  }
}
