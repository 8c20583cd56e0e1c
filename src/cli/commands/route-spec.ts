// The ROUTE of `ip route add|del|replace|append|change ROUTE` as a RouteSpec.
// Its own module, away from `route show`'s output code: `-batch` parses
// thousands of these lines and loads nothing else of the route command.
import type { RouteSpec } from '../../route/routes/index.js';
import { CliUsageError, duplicateArgument, parseUnsigned, Words } from '../args.js';
import { ipv4Canonical } from './prefix.js';

const TYPES = new Set(['unicast', 'local', 'broadcast', 'multicast', 'throw', 'unreachable', 'prohibit', 'blackhole', 'nat', 'anycast']);
/** ip's metric keywords and RouteMetrics' names for them (a Map: a word such as `constructor` must not find Object.prototype's). */
const METRICS = new Map([
  ['mtu', 'mtu'], ['advmss', 'advmss'], ['window', 'window'], ['rtt', 'rtt'], ['rttvar', 'rttvar'], ['ssthresh', 'ssthresh'], ['cwnd', 'cwnd'],
  ['reordering', 'reordering'], ['hoplimit', 'hoplimit'], ['initcwnd', 'initcwnd'], ['initrwnd', 'initrwnd'], ['rto_min', 'rtoMin'], ['quickack', 'quickack'],
]);

/** A table, scope or protocol word: a number when it is all digits, else the name. */
export function nameOrNumber(word: string): number | string {
  return /^\d+$/.test(word) ? Number(word) : word;
}

function parseNexthop(words: Words): Record<string, unknown> {
  const nh: Record<string, unknown> = {};
  while (!words.done && words.peek() !== 'nexthop') {
    const word = words.take()!;
    if (word === 'via') { let v = words.argument(word); if (v === 'inet' || v === 'inet6') v = words.argument(word); nh.gateway = ipv4Canonical(v); }
    else if (word === 'dev') nh.dev = words.argument(word);
    else if (word === 'weight') nh.weight = parseUnsigned(words.argument(word), 'weight', 256);
    else if (word === 'onlink') nh.onlink = true;
    else throw new CliUsageError(`Error: "${word}" is not a nexthop keyword nlkit knows.`);
  }
  return nh;
}

/** `ip route add ...` words from `args[from]` on as a RouteSpec (a batch line passes its words whole, without a copy per line). */
export function parseRouteSpec(args: readonly string[], family: 4 | 6 | undefined, from = 0): RouteSpec {
  const words = new Words(args, from);
  const spec: Record<string, unknown> = {};
  // Created only for a line that has metrics: most have none, and a batch parses thousands.
  let metrics: Record<string, unknown> | undefined;
  let lock: string[] | undefined;
  while (!words.done) {
    const word = words.take()!;
    const metric = METRICS.get(word);
    if (metric !== undefined) {
      let v = words.argument(word);
      if (v === 'lock') { (lock ??= []).push(metric); v = words.argument(word); }
      (metrics ??= {})[metric] = parseUnsigned(v, word);
      continue;
    }
    switch (word) {
      case 'via': { let v = words.argument(word); if (v === 'inet' || v === 'inet6') v = words.argument(word); spec.gateway = ipv4Canonical(v); break; }
      case 'dev': case 'oif': spec.dev = words.argument(word); break;
      case 'src': spec.src = ipv4Canonical(words.argument(word)); break;
      case 'table': spec.table = nameOrNumber(words.argument(word)); break;
      case 'scope': spec.scope = nameOrNumber(words.argument(word)); break;
      case 'proto': case 'protocol': spec.protocol = nameOrNumber(words.argument(word)); break;
      case 'metric': case 'priority': case 'preference': spec.metric = parseUnsigned(words.argument(word), 'metric'); break;
      case 'onlink': spec.onlink = true; break;
      case 'pref': spec.pref = words.argument(word); break;
      case 'tos': case 'dsfield': spec.tos = parseUnsigned(words.argument(word), 'tos', 255); break;
      case 'expires': spec.expires = parseUnsigned(words.argument(word), 'expires'); break;
      case 'features': if (words.argument(word) !== 'ecn') throw new CliUsageError('Error: "features" takes "ecn".'); (metrics ??= {}).ecn = true; break;
      case 'nexthop': {
        const nexthops = (spec.nexthops as unknown[] | undefined) ?? [];
        nexthops.push(parseNexthop(words));
        spec.nexthops = nexthops;
        break;
      }
      case 'to': spec.dst = ipv4Canonical(words.argument(word)); break;
      default:
        if (TYPES.has(word) && spec.type === undefined && spec.dst === undefined) spec.type = word;
        else if (spec.dst === undefined) spec.dst = ipv4Canonical(word);
        else throw duplicateArgument('to', word);
    }
  }
  if (spec.dst === undefined) throw new CliUsageError('Error: a destination prefix is required.');
  if (lock) metrics!.lock = lock;
  if (metrics) spec.metrics = metrics;
  if (family !== undefined && spec.family === undefined && spec.dst === 'default' && spec.gateway === undefined) spec.family = family;
  return spec as unknown as RouteSpec;
}
