// `nlkit rule`: show, add, delete, flush, as `ip rule` has them.
import { rulesToIpJson, type RuleSpec } from '../../route/index.js';
import { CliUsageError, matchKeyword, parseUnsigned, Words } from '../args.js';
import type { CliContext } from '../context.js';
import { printList } from '../output.js';

const ACTIONS = ['lookup', 'goto', 'nop', 'blackhole', 'unreachable', 'prohibit'];

function range(word: string, what: string): number | [number, number] {
  const m = /^(\d+)-(\d+)$/.exec(word);
  if (m) return [Number(m[1]), Number(m[2])];
  return parseUnsigned(word, what);
}

function ruleText(r: Record<string, unknown>): string {
  let s = `${r.priority}:\t`;
  if (r.not) s += 'not ';
  s += `from ${r.src ?? 'all'}${r.srclen !== undefined ? `/${r.srclen}` : ''} `;
  for (const [key, value] of Object.entries(r)) {
    if (['priority', 'src', 'srclen', 'not', 'dstlen', 'action', 'table'].includes(key) || value === undefined) continue;
    if (key === 'dst') s += `to ${value}${r.dstlen !== undefined ? `/${r.dstlen}` : ''} `;
    else if (key === 'fwmark') s += `fwmark ${value}${r.fwmask !== undefined ? `/${r.fwmask}` : ''} `;
    else if (key === 'fwmask') continue;
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
      case 'from': { const v = words.argument(word); if (v !== 'all') spec.from = v; break; }
      case 'to': { const v = words.argument(word); if (v !== 'all') spec.to = v; break; }
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
        else throw new CliUsageError(`Error: argument "${word}" is wrong: Failed to parse rule type`);
    }
  }
  return spec as unknown as RuleSpec;
}

function show(ctx: CliContext): number {
  const family = ctx.ipFamily() ?? 4;
  const rules = ctx.rt().rule.list({ family });
  const entries = rulesToIpJson(rules, { details: ctx.options.details > 0 });
  printList(ctx, entries as Record<string, unknown>[], ruleText);
  return 0;
}

const COMMANDS = ['add', 'delete', 'list', 'show', 'lst', 'flush', 'help'] as const;

export function runRule(ctx: CliContext, args: string[]): number {
  if (args.length === 0) return show(ctx);
  const [word, ...rest] = args;
  switch (matchKeyword(word!, COMMANDS)) {
    case 'add': ctx.rt().rule.add(parseSpec(ctx, rest)); return 0;
    case 'delete': ctx.rt().rule.delete(parseSpec(ctx, rest)); return 0;
    case 'list': case 'show': case 'lst':
      if (rest.length) throw new CliUsageError('Error: nlkit "rule show" takes no selectors yet.', 2);
      return show(ctx);
    case 'flush': {
      const family = ctx.ipFamily() ?? 4;
      for (const r of ctx.rt().rule.list({ family })) if (r.priority !== 0 && r.priority !== undefined) ctx.rt().rule.delete({ family, priority: r.priority } as RuleSpec);
      return 0;
    }
    case 'help':
      ctx.io.stderr('Usage: nlkit rule { add | del } SELECTOR ACTION\n       nlkit rule { flush | list }\n');
      return 255;
    default:
      throw new CliUsageError(`Command "${word}" is unknown, try "nlkit rule help".`, 255);
  }
}
