// `nlkit route`: show, get, add, delete, replace, append, prepend, change, flush, as `ip route` has them.
import { parseIpProtocol, routeToIpJson, type IpJson, type Route, type RouteFilter, type RouteLookup, type RouteSpec } from '../../route/index.js';
import { parseRouteSpec, ROUTE_USAGE, RouteVrfWordError } from './route-spec.js';
import { CliUsageError, matches, matchKeyword, strtoulWord, unsignedArgument, Words } from '../args.js';
import { dsfield, routeProtocol, routeScope, routeTable, routeType } from './ip-names.js';
import { CliContext } from '../context.js';
import { printList } from '../output.js';
import { addressMatches, ipInvalid, namedValue, parsePrefix, prefixText, type InetPrefix } from './prefix.js';
import { lockedMetricKeys, routeText } from './route-text.js';
import { encapJson, withoutEncap, type RouteEncap } from './route-encap.js';
import { flushCachedRoutes } from './route-flush-cached.js';
import { deviceRef, llNameToIndex, MAX_IFINDEX } from './device-index.js';
import type { NetlinkError } from '../../netlink/index.js';
import { kernelErrorLine } from '../report-error.js';
import { FLUSH_ROUNDS, flushDoneLine, flushRoundLine } from './flush-lines.js';

/** `ip route show|flush` SELECTOR words (iproute_list_flush_or_save): what the kernel filters and what ip filters itself. */
interface RouteSelection {
  /** What the library's dump filters: family, table, protocol, type, dev, scope. */
  filter: RouteFilter;
  /** root/match/exact for the destination and the source (`from`), `via`, `src`. */
  rdst?: InetPrefix;
  mdst?: InetPrefix;
  rsrc?: InetPrefix;
  msrc?: InetPrefix;
  via?: InetPrefix;
  prefsrc?: InetPrefix;
  metric?: number;
  tos?: number;
  iif?: string;
  mark?: number;
  realms?: { value: number; mask: number };
  /** `vrf NAME`: the VRF's table, less its local and broadcast routes. */
  noLocalBroadcast?: boolean;
  /** `cached` / `table cache`: the routes the kernel cloned (exceptions) instead of the table's. */
  cloned?: boolean;
  /** Keys the selection fixed, which ip leaves out of what it prints. */
  fixed: { dev: boolean; protocol: boolean; scope: boolean; tos: boolean; metric: boolean };
}

/** ip's `to`/`from` word: `root P`, `match P`, `exact P` or `P` (root and match both). */
function readPrefixSelector(words: Words, family: 0 | 4 | 6, first?: string): { root?: InetPrefix; match?: InetPrefix } {
  const word = first ?? words.argument('to');
  if (matches(word, 'root')) return { root: parsePrefix(words.argument(word), family) };
  if (matches(word, 'match')) return { match: parsePrefix(words.argument(word), family) };
  const p = parsePrefix(matches(word, 'exact') ? words.argument(word) : word, family);
  return { root: p, match: p };
}

/** `realms [FROM/]TO` as get_rt_realms_or_raw reads it (numbers only: nlkit has no /etc/iproute2/rt_realms), with ip's masks. */
function realmsSelector(word: string): { value: number; mask: number } {
  const m = /^(\d*)(\/(\d*))?$/.exec(word);
  if (!m || (m[1] === '' && m[3] === undefined)) throw ipInvalid('invalid realms\n', word);
  const to = m[2] === undefined ? Number(m[1]) : Number(m[3] || 0);
  const from = m[2] === undefined ? 0 : Number(m[1] || 0);
  if (to > 0xffff || from > 0xffff) throw ipInvalid('invalid realms\n', word);
  const value = ((from << 16) | to) >>> 0;
  let mask = 0xffffffff;
  if ((value & 0xffff) === 0 && word.endsWith('/')) mask &= ~0xffff;
  if ((value & 0xffff0000) === 0 && (!word.includes('/') || word.startsWith('/'))) mask &= 0xffff;
  return { value, mask: mask >>> 0 };
}

function parseSelection(ctx: CliContext, args: readonly string[]): RouteSelection {
  const words = new Words(args);
  const filter: Record<string, unknown> = { table: 'main' };
  const sel: RouteSelection = { filter: filter as RouteFilter, fixed: { dev: false, protocol: false, scope: false, tos: false, metric: false } };
  // Prefixes are read in the family -4/-6 gave (any family without), as ip reads them.
  const family: 0 | 4 | 6 = ctx.ipFamily() ?? 0;
  // In ip's order, for its abbreviations: `r` is realms, `m` metric, `p` protocol, `v` vrf, `c` cached.
  while (!words.done) {
    const word = words.take()!;
    if (matches(word, 'table')) {
      const v = words.argument(word);
      const table = routeTable(v);
      // ip's table 0 filters nothing, as `all`.
      if (table >= 0) filter.table = table === 0 ? 'all' : table;
      else if (v === 'all') filter.table = 'all';
      // ip keeps the main table and asks for the cloned routes.
      else if (v === 'cache') sel.cloned = true;
      // Only after the table names: a table named help in rt_tables is a table.
      else if (v === 'help') throw new CliUsageError(ROUTE_USAGE.slice(0, -1), 255, true);
      else throw ipInvalid('table id value is invalid\n', v);
    } else if (matches(word, 'vrf')) {
      filter.table = vrfTable(ctx, words.argument(word));
      sel.noLocalBroadcast = true;
    } else if (matches(word, 'cached') || matches(word, 'cloned')) {
      sel.cloned = true;
    } else if (word === 'tos' || matches(word, 'dsfield')) {
      const v = words.argument(word);
      const tos = dsfield(v);
      if (tos < 0) throw ipInvalid('TOS value is invalid\n', v);
      sel.tos = tos;
      sel.fixed.tos = true;
    } else if (matches(word, 'protocol')) {
      const v = words.argument(word);
      const protocol = routeProtocol(v);
      if (protocol >= 0) { filter.protocol = protocol; sel.fixed.protocol = true; }
      else if (v !== 'all') throw ipInvalid('invalid "protocol"\n', v);
    } else if (matches(word, 'scope')) {
      const v = words.argument(word);
      const scope = routeScope(v);
      if (scope >= 0) { filter.scope = scope; sel.fixed.scope = true; }
      else if (v !== 'all') throw ipInvalid('invalid "scope"\n', v);
    } else if (matches(word, 'type')) {
      const v = words.argument(word);
      const type = routeType(v);
      if (type === undefined) throw ipInvalid('node type value is invalid\n', v);
      filter.type = type;
    }
    else if (word === 'dev' || word === 'oif') { filter.dev = words.argument(word); sel.fixed.dev = true; }
    else if (word === 'iif') sel.iif = words.argument(word);
    else if (word === 'mark') sel.mark = unsignedArgument(words.argument(word), 0xffffffff, 'invalid mark value');
    else if (matches(word, 'metric') || matches(word, 'priority') || word === 'preference') {
      sel.metric = unsignedArgument(words.argument(word), 0xffffffff, '"metric" value is invalid\n');
      sel.fixed.metric = true;
    } else if (word === 'via') {
      let v = words.argument(word);
      let f = family;
      if (v === 'inet' || v === 'inet6') { f = v === 'inet' ? 4 : 6; v = words.argument(word); }
      sel.via = parsePrefix(v, f);
    } else if (word === 'src') sel.prefsrc = parsePrefix(words.argument(word), family);
    else if (matches(word, 'realms')) sel.realms = realmsSelector(words.argument(word));
    else if (matches(word, 'from')) {
      const p = readPrefixSelector(words, family);
      sel.rsrc = p.root ?? sel.rsrc;
      sel.msrc = p.match ?? sel.msrc;
    } else {
      const p = readPrefixSelector(words, family, matches(word, 'to') ? undefined : word);
      sel.rdst = p.root ?? sel.rdst;
      sel.mdst = p.match ?? sel.mdst;
    }
  }
  // ip dumps IPv4 without -4/-6, but both families for `table all` (its table filter is 0).
  if (family !== 0) filter.family = family;
  else if (filter.table !== 'all') filter.family = 4;
  return sel;
}

const RTN_LOCAL = 2;
const RTN_BROADCAST = 3;
const RTN_UNREACHABLE = 7;

const hostLength = (family: 4 | 6): number => (family === 4 ? 32 : 128);

/** ip's root (`prefix` covers the route's) and match (the route's covers `prefix`) tests on one end of a route. */
function endMatches(route: Route, address: string | undefined, length: number, root?: InetPrefix, match?: InetPrefix): boolean {
  if (root && (root.family || root.specified)) {
    if ((root.family && root.family !== route.family) || root.bitlen > length) return false;
    if (!addressMatches(address, root, root.bitlen)) return false;
  }
  if (match && (match.family || match.specified)) {
    if ((match.family && match.family !== route.family) || match.bitlen < length) return false;
    if (!addressMatches(address, match, length)) return false;
  }
  return true;
}

/**
 * filter_nlmsg: what ip checks itself, after the dump. `oif` is the `dev`
 * selector's index: ip compares it with the route's RTA_OIF alone, which a
 * multipath route (IPv4 or IPv6) does not carry, so a route through several
 * paths is never selected by `dev`, even one whose paths all use it. The
 * kernel's own RTA_OIF filter lets such a route through when any of its paths
 * uses the device, and so does the library's `dev` filter.
 */
function selected(route: Route, sel: RouteSelection, iif: number | undefined, oif: number | undefined): boolean {
  if (!endMatches(route, route.dst, route.dstLength, sel.rdst, sel.mdst)) return false;
  if (!endMatches(route, route.src, route.srcLength, sel.rsrc, sel.msrc)) return false;
  if (sel.via?.family) {
    if ((route.via ? route.via.family : route.family) !== sel.via.family) return false;
    if (!addressMatches(route.gateway ?? route.via?.address, sel.via, sel.via.bitlen)) return false;
  }
  if (sel.prefsrc?.family && (route.family !== sel.prefsrc.family || !addressMatches(route.prefsrc, sel.prefsrc, sel.prefsrc.bitlen))) return false;
  if (sel.tos !== undefined && route.tos !== sel.tos) return false;
  if (iif !== undefined && (route.iif ?? 0) !== iif) return false;
  if (oif !== undefined && (route.oif ?? 0) !== oif) return false;
  if (sel.metric !== undefined && (route.priority ?? 0) !== sel.metric) return false;
  if (sel.mark !== undefined && (route.mark ?? 0) !== sel.mark) return false;
  if (sel.realms && (((route.flow ?? 0) ^ sel.realms.value) & sel.realms.mask) !== 0) return false;
  if (sel.noLocalBroadcast && (route.type === RTN_LOCAL || route.type === RTN_BROADCAST)) return false;
  return true;
}

function prefixOf(route: Route): string {
  if (route.dstLength === 0 && route.dst === undefined) return 'default';
  return `${route.dst}/${route.dstLength}`;
}

/**
 * The routes `sel` names. A table that does not exist is an error as ip
 * reports it (`Error: ipv4: FIB table does not exist.`, then `Dump
 * terminated` or `Flush terminated`, status 2), except for `show` of table
 * main, which ip lists as empty (save_route_errhndlr).
 */
function listRoutes(ctx: CliContext, sel: RouteSelection, action: 'Dump' | 'Flush'): Route[] {
  // ll_name_to_index for `iif` and `dev`: a name, or the index an `ifN` spells.
  const links = sel.iif !== undefined || typeof sel.filter.dev === 'string' ? ctx.rt().link.list() : [];
  let iif: number | undefined;
  if (sel.iif !== undefined) {
    iif = llNameToIndex(links, sel.iif);
    if (iif === 0) throw new CliUsageError(`Cannot find device "${sel.iif}"`);
  }
  let dev = sel.filter.dev;
  let oif: number | undefined;
  if (typeof dev === 'string') {
    const index = llNameToIndex(links, dev);
    if (index === 0) throw new CliUsageError(`Cannot find device "${dev}"`);
    oif = index;
    if (!links.some((l) => l.name === dev || l.altNames?.includes(dev as string))) dev = index;
  }
  const table = sel.filter.table;
  const missingTable = table !== 'all' && (action === 'Flush' || (table !== 'main' && table !== 254)) ? 'throw' : 'empty';
  const filter: RouteFilter = { ...sel.filter, missingTable, ...(sel.cloned ? { cloned: true } : {}), ...(dev !== undefined ? { dev } : {}) };
  // ip has opened its JSON array before the dump fails, and never closes it.
  const refused = (line: string): CliUsageError => {
    if (action === 'Dump' && ctx.options.json) ctx.out(ctx.options.pretty ? '[ ' : '[');
    return new CliUsageError(`${line}\n${action} terminated`, 2);
  };
  // The kernel refuses a dump through an index no link has (RTA_OIF); one past MAX_IFINDEX the library does not send.
  if (typeof dev === 'number' && dev > MAX_IFINDEX) throw refused('RTNETLINK answers: No such device');
  let routes: Route[];
  try {
    routes = ctx.rt().route.list(filter);
  } catch (error) {
    const name = error instanceof Error ? error.name : '';
    if (name === 'NetlinkError' && (error as NetlinkError).code === 'ENOENT') throw refused(kernelErrorLine(error as NetlinkError));
    if (name === 'LinkNotFoundError' && typeof dev === 'number') throw refused('RTNETLINK answers: No such device');
    throw error;
  }
  return routes.filter((r) => selected(r, sel, iif, oif));
}

function linkNames(ctx: CliContext): Map<number, string> {
  return new Map(ctx.rt().link.list().map((l) => [l.index, l.name]));
}

function show(ctx: CliContext, args: string[]): number {
  const sel = parseSelection(ctx, args);
  printRoutes(ctx, sel, listRoutes(ctx, sel, 'Dump'));
  return 0;
}

/** `routes` as print_route prints them for selection `sel`. */
function printRoutes(ctx: CliContext, sel: RouteSelection, routes: Route[]): void {
  const names = linkNames(ctx);
  const showTable = sel.filter.table === 'all';
  // ip -d fetches the nexthop object of each route that names one, for its nh_info.
  const nexthops = ctx.options.details > 0 && routes.some((r) => r.nhid !== undefined)
    ? new Map(ctx.rt().nexthop.list().map((n) => [n.id, n]))
    : undefined;
  const encaps = new Map<IpJson, RouteEncap>();
  const entries = routes.map((full) => {
    const { route: r, encap } = withoutEncap(full);
    const o = routeToIpJson(r, names, { details: ctx.options.details > 0, showTable, stats: ctx.options.stats > 0, ...(nexthops ? { nexthops } : {}) });
    if (encap) encaps.set(o, encap);
    // ip does not print what the selection fixed (print_route's filter masks).
    if (sel.fixed.dev) delete o.dev;
    if (sel.fixed.protocol) delete o.protocol;
    if (sel.fixed.scope) delete o.scope;
    if (sel.fixed.tos) delete o.tos;
    if (sel.fixed.metric) delete o.metric;
    if (sel.via && sel.via.bitlen === hostLength(r.family)) delete o.gateway;
    if (sel.prefsrc && sel.prefsrc.bitlen === hostLength(r.family)) delete o.prefsrc;
    return o;
  });
  const locks = new Map(entries.map((e, i) => [e, lockedMetricKeys(routes[i]!.metrics?.lock)]));
  printList(ctx, ctx.options.json ? entries.map((e) => (encaps.has(e) ? encapJson(e, encaps.get(e)!) : e)) : entries, (e) => routeText(e as IpJson, locks.get(e as IpJson), encaps.get(e as IpJson)));
}

/** The kernel's IPv6 null entry (`unreachable default ... metric 4294967295`), which ip's flush skips. */
const isIpv6NullEntry = (r: Route): boolean => r.family === 6 && r.dstLength === 0 && r.type === RTN_UNREACHABLE && r.priority === 0xffffffff;

function flush(ctx: CliContext, args: string[]): number {
  if (args.length === 0) throw new CliUsageError('"nlkit route flush" requires arguments.');
  const sel = parseSelection(ctx, args);
  if (sel.cloned) {
    return flushCachedRoutes(ctx, {
      family: sel.filter.family,
      list: () => listRoutes(ctx, sel, 'Flush'),
      // ip's flush prints before it opened any JSON: text even under -j.
      print: (routes) => printRoutes(new CliContext({ ...ctx.options, json: false }, ctx.io, ctx), sel, routes),
    });
  }
  const stats = ctx.options.stats;
  // ip's flush prints before it opened any JSON: text even under -j.
  const text = stats > 1 ? new CliContext({ ...ctx.options, json: false }, ctx.io, ctx) : undefined;
  // ip dumps again after each round until one finds nothing (with no limit: nlkit stops after FLUSH_ROUNDS).
  for (let round = 0; round < FLUSH_ROUNDS; round++) {
    const routes = listRoutes(ctx, sel, 'Flush').filter((r) => !isIpv6NullEntry(r));
    if (routes.length === 0) {
      if (stats > 0) ctx.out(flushDoneLine(round));
      return 0;
    }
    // -s -s: each route a round deletes, as `show` prints it.
    if (text) printRoutes(text, sel, routes);
    ctx.rt().route.deleteMany(routes.map((r) => ({
      dst: prefixOf(r), family: r.family, table: r.table, type: r.type, protocol: r.protocol, scope: r.scope,
      ...(r.priority !== undefined ? { metric: r.priority } : {}), ...(r.tos ? { tos: r.tos } : {}),
    }) as RouteSpec));
    if (stats > 0) ctx.out(flushRoundLine(round, routes.length, 'entries'));
  }
  return 0;
}

/** What get_prefix reads as 0/0 with no address bytes. */
const ANY_WORDS = new Set(['default', 'all', 'any']);

function get(ctx: CliContext, args: string[]): number {
  const words = new Words(args);
  const lookup: Record<string, unknown> = {};
  // ip's req.r.rtm_family: -4/-6, else the first address's; it picks the family named in the next prefix's message.
  let family: 0 | 4 | 6 = ctx.ipFamily() ?? 0;
  const prefix = (word: string): string => {
    const p = parsePrefix(word, family);
    if (family === 0) family = p.family;
    return prefixText(word, p);
  };
  // In iproute_get's order, for its abbreviations (`f` from, `i` iif, `m` mark, `o` oif, `n` notify, `c` connected, `u` uid).
  while (!words.done) {
    const word = words.take()!;
    if (word === 'tos' || matches(word, 'dsfield')) {
      const v = words.argument(word);
      const tos = dsfield(v);
      if (tos < 0) throw ipInvalid('TOS value is invalid\n', v);
      lookup.tos = tos;
    } else if (matches(word, 'from')) {
      const v = words.argument(word);
      if (matches(v, 'help')) throw new CliUsageError(ROUTE_USAGE.slice(0, -1), 255, true);
      lookup.from = prefix(v);
    } else if (matches(word, 'iif')) lookup.iif = words.argument(word);
    else if (matches(word, 'mark')) lookup.mark = unsignedArgument(words.argument(word), 0xffffffff, 'invalid mark value');
    else if (matches(word, 'oif') || word === 'dev') lookup.oif = words.argument(word);
    else if (matches(word, 'notify')) {
      // RouteLookup has no RTM_F_NOTIFY.
      throw new CliUsageError(`Error: nlkit's "route get" does not take "${word}".`, 2);
    } else if (matches(word, 'connected')) lookup.connected = true;
    else if (matches(word, 'vrf')) {
      const name = words.argument(word);
      vrfTable(ctx, name);
      lookup.oif = name;
    } else if (matches(word, 'uid')) lookup.uid = unsignedArgument(words.argument(word), 0xffffffff, 'invalid UID\n');
    else if (matches(word, 'fibmatch')) lookup.fibMatch = true;
    else if (word === 'as') {
      // RouteLookup has no RTA_NEWDST.
      throw new CliUsageError(`Error: nlkit's "route get" does not take "${word}".`, 2);
    } else if (matches(word, 'sport') || matches(word, 'dport')) {
      const port = word[0] === 's' ? 'sport' : 'dport';
      lookup[port] = unsignedArgument(words.argument(word), 0xffff, `invalid ${port}\n`);
    } else if (matches(word, 'ipproto')) {
      const v = words.argument(word);
      const n = strtoulWord(v);
      if (n >= 0 && n <= 255) lookup.ipproto = n;
      else lookup.ipproto = namedValue(v, parseIpProtocol, 'Invalid "ipproto" value\n');
    } else {
      const v = word === 'to' ? words.argument(word) : word;
      if (matches(v, 'help')) throw new CliUsageError(ROUTE_USAGE.slice(0, -1), 255, true);
      const p = parsePrefix(v, family);
      if (family === 0) family = p.family;
      const full = p.family === 6 ? 128 : 32;
      if (p.family !== 0 && p.bitlen !== full) {
        // ip warns and looks the address up as a host.
        ctx.io.stderr(`Warning: /${p.bitlen} as prefix is invalid, only /${full} (or none) is supported.\n`);
        p.specified = false;
      }
      // A second address replaces the first, as in ip (its RTA_DST is written again).
      lookup.to = prefixText(v, p);
    }
  }
  if (lookup.to === undefined) throw new CliUsageError('need at least a destination address');
  // `default`, `all` and `any` have no bytes, so ip sends no RTA_DST: the kernel looks up the zero address of the request's family.
  if (ANY_WORDS.has(lookup.to as string)) lookup.to = family === 6 ? '::' : '0.0.0.0';
  if (ANY_WORDS.has(lookup.from as string)) delete lookup.from;
  // ip looks the devices up once the line is read, iif first.
  for (const key of ['iif', 'oif'] as const) if (typeof lookup[key] === 'string') lookup[key] = deviceWordOf(ctx, lookup[key] as string);
  // ip sends rtm_tos with an IPv6 lookup too, where the kernel ignores it; the library refuses it there.
  if (lookup.tos !== undefined && String(lookup.to).includes(':')) delete lookup.tos;
  const print = (route: Route) => {
    const { route: r, encap } = withoutEncap(route);
    const entry = routeToIpJson(r, linkNames(ctx), { details: ctx.options.details > 0, showTable: true, stats: ctx.options.stats > 0 });
    printList(ctx, [ctx.options.json && encap ? encapJson(entry, encap) : entry], () => routeText(entry, lockedMetricKeys(route.metrics?.lock), encap));
  };
  const { connected, ...once } = lookup;
  const route = ctx.rt().route.get(once as unknown as RouteLookup);
  if (connected && lookup.from === undefined) {
    // iproute_get: print the answer, then look up again from its source address and print that too.
    if (!ctx.options.json) print(route);
    const from = route.prefsrc ?? route.src;
    if (from === undefined) {
      ctx.io.stderr('Failed to connect the route\n');
      return 1;
    }
    print(ctx.rt().route.get({ ...once, from } as unknown as RouteLookup));
  } else print(route);
  return 0;
}

/** ip's ipvrf_get_table: the table of the VRF device `name`, else ip's "Invalid VRF" (exit 255). */
function vrfTable(ctx: CliContext, name: string): number {
  const vrf = ctx.rt().link.list().find((l) => l.name === name && l.kind === 'vrf');
  const table = (vrf?.info as { table?: number } | undefined)?.table;
  if (!table) throw ipInvalid('Invalid VRF\n', name);
  return table;
}

/** A device word of `route get` as ip reads it: 0 from ll_name_to_index is "Cannot find device". */
function deviceWordOf(ctx: CliContext, word: string): string | number {
  const device = deviceRef(ctx, word);
  if (typeof device === 'string' && !ctx.rt().link.list().some((l) => l.name === word || l.altNames?.includes(word))) throw new CliUsageError(`Cannot find device "${word}"`);
  return device;
}

/** The spec with its devices (the route's and its nexthops') as ip's ll_name_to_index reads them: an `ifN` no link is named is index N. */
function withDevices(ctx: CliContext, spec: RouteSpec): RouteSpec {
  const out: RouteSpec = typeof spec.dev === 'string' ? { ...spec, dev: deviceRef(ctx, spec.dev) } : spec;
  if (spec.nexthops?.some((nh) => typeof nh.dev === 'string')) {
    out.nexthops = spec.nexthops.map((nh) => (typeof nh.dev === 'string' ? { ...nh, dev: deviceRef(ctx, nh.dev) } : nh));
  }
  return out;
}

/**
 * ip sends `tos` on an IPv6 route and the kernel refuses it; the library
 * refuses it before sending. The command answers with the kernel's line and
 * status, after the device lookups ip makes while reading the line.
 */
function refuseIpv6Tos(ctx: CliContext, spec: RouteSpec): never {
  for (const dev of [spec.dev, ...(spec.nexthops ?? []).map((nh) => nh.dev)]) if (typeof dev === 'string') deviceWordOf(ctx, dev);
  throw new CliUsageError('Error: Invalid dsfield (tos): option not available for IPv6.', 2);
}

const COMMANDS = ['add', 'change', 'chg', 'replace', 'prepend', 'append', 'test', 'delete', 'list', 'show', 'lst', 'flush', 'get', 'help'] as const;

/** A route change's words as a spec, with its device words resolved as ip resolves them. */
function specOf(ctx: CliContext, words: readonly string[]): RouteSpec {
  try {
    const spec = withDevices(ctx, parseRouteSpec(words, ctx.ipFamily()));
    if (spec.tos !== undefined && (spec.family === 6 || ctx.ipFamily() === 6 || spec.dst.includes(':'))) refuseIpv6Tos(ctx, spec);
    return spec;
  } catch (error) {
    // A VRF that exists is still a word nlkit's routes do not take (the error itself).
    if (error instanceof RouteVrfWordError) vrfTable(ctx, error.vrf);
    throw error;
  }
}

export function runRoute(ctx: CliContext, args: string[]): number {
  if (args.length === 0) return show(ctx, []);
  const [word, ...rest] = args;
  const rt = () => ctx.rt().route;
  switch (matchKeyword(word!, COMMANDS)) {
    case 'add': rt().add(specOf(ctx, rest)); return 0;
    // ip's flags for each: change NLM_F_REPLACE, replace adds NLM_F_CREATE, prepend NLM_F_CREATE alone, append NLM_F_CREATE|NLM_F_APPEND.
    case 'change': case 'chg': rt().change(specOf(ctx, rest)); return 0;
    case 'replace': rt().replace(specOf(ctx, rest)); return 0;
    case 'prepend': rt().prepend(specOf(ctx, rest)); return 0;
    case 'append': rt().append(specOf(ctx, rest)); return 0;
    // NLM_F_EXCL alone.
    case 'test': rt().test(specOf(ctx, rest)); return 0;
    case 'delete': rt().delete(specOf(ctx, rest)); return 0;
    case 'list': case 'show': case 'lst': return show(ctx, rest);
    case 'flush': return flush(ctx, rest);
    case 'get': return get(ctx, rest);
    case 'help':
      ctx.io.stderr(ROUTE_USAGE);
      return 255;
    default:
      throw new CliUsageError(`Command "${word}" is unknown, try "nlkit route help".`, 255);
  }
}
