// `nlkit route`: show, get, add, delete, replace, append, prepend, change, flush, as `ip route` has them.
import { routeToIpJson, type Route, type RouteFilter, type RouteLookup, type RouteSpec } from '../../route/index.js';
import { CliUsageError, matchKeyword, parseUnsigned, Words } from '../args.js';
import type { CliContext } from '../context.js';
import { printList } from '../output.js';
import { routeText } from './route-text.js';

const TYPES = ['unicast', 'local', 'broadcast', 'multicast', 'throw', 'unreachable', 'prohibit', 'blackhole', 'nat', 'anycast'];
const METRICS: Record<string, string> = {
  mtu: 'mtu', advmss: 'advmss', window: 'window', rtt: 'rtt', rttvar: 'rttvar', ssthresh: 'ssthresh', cwnd: 'cwnd',
  reordering: 'reordering', hoplimit: 'hoplimit', initcwnd: 'initcwnd', initrwnd: 'initrwnd', rto_min: 'rtoMin', quickack: 'quickack',
};

function tableArg(word: string): number | string {
  return /^\d+$/.test(word) ? Number(word) : word;
}

function nameOrNumber(word: string): number | string {
  return /^\d+$/.test(word) ? Number(word) : word;
}

function parseNexthop(words: Words): Record<string, unknown> {
  const nh: Record<string, unknown> = {};
  while (!words.done && words.peek() !== 'nexthop') {
    const word = words.take()!;
    if (word === 'via') { let v = words.argument(word); if (v === 'inet' || v === 'inet6') v = words.argument(word); nh.gateway = v; }
    else if (word === 'dev') nh.dev = words.argument(word);
    else if (word === 'weight') nh.weight = parseUnsigned(words.argument(word), 'weight', 256);
    else if (word === 'onlink') nh.onlink = true;
    else throw new CliUsageError(`Error: "${word}" is not a nexthop keyword nlkit knows.`);
  }
  return nh;
}

/** `ip route add ...` words as a RouteSpec. */
export function parseRouteSpec(args: readonly string[], family: 4 | 6 | undefined): RouteSpec {
  const words = new Words(args);
  const spec: Record<string, unknown> = {};
  const metrics: Record<string, unknown> = {};
  const lock: string[] = [];
  while (!words.done) {
    const word = words.take()!;
    if (METRICS[word]) {
      let v = words.argument(word);
      if (v === 'lock') { lock.push(METRICS[word]!); v = words.argument(word); }
      metrics[METRICS[word]!] = parseUnsigned(v, word);
      continue;
    }
    switch (word) {
      case 'via': { let v = words.argument(word); if (v === 'inet' || v === 'inet6') v = words.argument(word); spec.gateway = v; break; }
      case 'dev': case 'oif': spec.dev = words.argument(word); break;
      case 'src': spec.src = words.argument(word); break;
      case 'table': spec.table = tableArg(words.argument(word)); break;
      case 'scope': spec.scope = nameOrNumber(words.argument(word)); break;
      case 'proto': case 'protocol': spec.protocol = nameOrNumber(words.argument(word)); break;
      case 'metric': case 'priority': case 'preference': spec.metric = parseUnsigned(words.argument(word), 'metric'); break;
      case 'onlink': spec.onlink = true; break;
      case 'pref': spec.pref = words.argument(word); break;
      case 'tos': case 'dsfield': spec.tos = parseUnsigned(words.argument(word), 'tos', 255); break;
      case 'expires': spec.expires = parseUnsigned(words.argument(word), 'expires'); break;
      case 'features': if (words.argument(word) !== 'ecn') throw new CliUsageError('Error: "features" takes "ecn".'); metrics.ecn = true; break;
      case 'nexthop': {
        const nexthops = (spec.nexthops as unknown[] | undefined) ?? [];
        nexthops.push(parseNexthop(words));
        spec.nexthops = nexthops;
        break;
      }
      case 'to': spec.dst = words.argument(word); break;
      default:
        if (TYPES.includes(word) && spec.type === undefined && spec.dst === undefined) spec.type = word;
        else if (spec.dst === undefined) spec.dst = word;
        else throw new CliUsageError(`Error: either "to" is duplicate, or "${word}" is a garbage.`);
    }
  }
  if (spec.dst === undefined) throw new CliUsageError('Error: a destination prefix is required.');
  if (lock.length) metrics.lock = lock;
  if (Object.keys(metrics).length) spec.metrics = metrics;
  if (family !== undefined && spec.family === undefined && spec.dst === 'default' && spec.gateway === undefined) spec.family = family;
  return spec as unknown as RouteSpec;
}

interface RouteSelection {
  filter: RouteFilter;
  exact?: { dst: string };
}

function parseSelection(args: readonly string[], family: 4 | 6): RouteSelection {
  const words = new Words(args);
  const filter: Record<string, unknown> = { family };
  const sel: RouteSelection = { filter: filter as RouteFilter };
  while (!words.done) {
    const word = words.take()!;
    switch (word) {
      case 'table': filter.table = tableArg(words.argument(word)); break;
      case 'proto': case 'protocol': filter.protocol = nameOrNumber(words.argument(word)); break;
      case 'type': filter.type = nameOrNumber(words.argument(word)); break;
      case 'dev': case 'oif': filter.dev = words.argument(word); break;
      case 'scope': filter.scope = nameOrNumber(words.argument(word)); break;
      case 'exact': case 'to': sel.exact = { dst: words.argument(word) }; break;
      default:
        if (sel.exact) throw new CliUsageError(`Error: either "to" is duplicate, or "${word}" is a garbage.`);
        sel.exact = { dst: word };
    }
  }
  return sel;
}

function prefixOf(route: Route): string {
  if (route.dstLength === 0 && route.dst === undefined) return 'default';
  return `${route.dst}/${route.dstLength}`;
}

function normalisePrefix(dst: string, family: 4 | 6): string {
  if (dst === 'default' || dst === 'all') return 'default';
  if (dst.includes('/')) return dst;
  return `${dst}/${family === 4 ? 32 : 128}`;
}

function familyOf(ctx: CliContext): 4 | 6 {
  return ctx.ipFamily() ?? 4;
}

function listRoutes(ctx: CliContext, sel: RouteSelection, family: 4 | 6): Route[] {
  let routes = ctx.rt().route.list(sel.filter);
  if (sel.exact) {
    const want = normalisePrefix(sel.exact.dst, family);
    routes = routes.filter((r) => prefixOf(r) === want);
  }
  return routes;
}

function linkNames(ctx: CliContext): Map<number, string> {
  return new Map(ctx.rt().link.list().map((l) => [l.index, l.name]));
}

function show(ctx: CliContext, args: string[]): number {
  const family = familyOf(ctx);
  const sel = parseSelection(args, family);
  // Without -4/-6, ip shows IPv4 only, except for `table all` (its table filter is 0).
  if (sel.filter.table === 'all' && ctx.ipFamily() === undefined) delete (sel.filter as { family?: number }).family;
  const routes = listRoutes(ctx, sel, family);
  const names = linkNames(ctx);
  const showTable = sel.filter.table === 'all';
  const entries = routes.map((r) => {
    const o = routeToIpJson(r, names, { details: ctx.options.details > 0, showTable });
    // ip does not print what the selection fixed (print_route's filter masks).
    if (sel.filter.dev !== undefined) delete o.dev;
    if (sel.filter.protocol !== undefined) delete o.protocol;
    if (sel.filter.scope !== undefined) delete o.scope;
    return o;
  });
  printList(ctx, entries, routeText);
  return 0;
}

function flush(ctx: CliContext, args: string[]): number {
  const family = familyOf(ctx);
  const sel = parseSelection(args, family);
  const routes = listRoutes(ctx, sel, family);
  if (routes.length === 0) return 0;
  ctx.rt().route.deleteMany(routes.map((r) => ({
    dst: prefixOf(r), family: r.family, table: r.table, type: r.type, protocol: r.protocol, scope: r.scope,
    ...(r.priority !== undefined ? { metric: r.priority } : {}), ...(r.tos ? { tos: r.tos } : {}),
  }) as RouteSpec));
  return 0;
}

function get(ctx: CliContext, args: string[]): number {
  const words = new Words(args);
  const lookup: Record<string, unknown> = {};
  while (!words.done) {
    const word = words.take()!;
    switch (word) {
      case 'from': lookup.from = words.argument(word); break;
      case 'iif': lookup.iif = words.argument(word); break;
      case 'oif': case 'dev': lookup.oif = words.argument(word); break;
      case 'mark': lookup.mark = parseUnsigned(words.argument(word), 'mark'); break;
      case 'uid': lookup.uid = parseUnsigned(words.argument(word), 'uid'); break;
      case 'tos': case 'dsfield': lookup.tos = parseUnsigned(words.argument(word), 'tos', 255); break;
      case 'fibmatch': lookup.fibMatch = true; break;
      case 'to': lookup.to = words.argument(word); break;
      default:
        if (lookup.to !== undefined) throw new CliUsageError(`Error: either "to" is duplicate, or "${word}" is a garbage.`);
        lookup.to = word;
    }
  }
  if (lookup.to === undefined) throw new CliUsageError('need at least a destination address');
  const route = ctx.rt().route.get(lookup as unknown as RouteLookup);
  const entry = routeToIpJson(route, linkNames(ctx), { details: ctx.options.details > 0, showTable: true });
  printList(ctx, [entry], routeText);
  return 0;
}

const COMMANDS = ['add', 'change', 'chg', 'replace', 'prepend', 'append', 'test', 'delete', 'list', 'show', 'lst', 'flush', 'get', 'help'] as const;

export function runRoute(ctx: CliContext, args: string[]): number {
  if (args.length === 0) return show(ctx, []);
  const [word, ...rest] = args;
  const rt = () => ctx.rt().route;
  switch (matchKeyword(word!, COMMANDS)) {
    case 'add': rt().add(parseRouteSpec(rest, ctx.ipFamily())); return 0;
    case 'change': case 'chg': case 'replace': rt().replace(parseRouteSpec(rest, ctx.ipFamily())); return 0;
    case 'append': case 'prepend': rt().append(parseRouteSpec(rest, ctx.ipFamily())); return 0;
    case 'delete': rt().delete(parseRouteSpec(rest, ctx.ipFamily())); return 0;
    case 'list': case 'show': case 'lst': return show(ctx, rest);
    case 'flush': return flush(ctx, rest);
    case 'get': return get(ctx, rest);
    case 'help':
      ctx.io.stderr('Usage: nlkit route { list | flush } SELECTOR\n       nlkit route get ADDRESS [from ADDRESS iif STRING] [oif STRING] [mark NUMBER] [uid NUMBER]\n       nlkit route { add | del | change | append | replace } ROUTE\n');
      return 255;
    default:
      throw new CliUsageError(`Command "${word}" is unknown, try "nlkit route help".`, 255);
  }
}
