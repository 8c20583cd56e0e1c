// The ROUTE of `ip route add|del|replace|append|change ROUTE` as a RouteSpec,
// read as iproute_modify reads it: its keywords, abbreviations, numbers and
// messages. Its own module, away from `route show`'s output code: `-batch`
// parses thousands of these lines and loads nothing else of the route command.
import type { RouteSpec } from '../../route/routes/index.js';
import { CliUsageError, duplicateArgument, invalidArgument, matches, strtoulWord, unsignedArgument, Words } from '../args.js';
import { dsfield, routeProtocol, routeRealms, routeScope, routeTable, routeType } from './ip-names.js';
import { isDottedQuadPrefix, parseAddress, parsePrefix, prefixText } from './prefix.js';

export const ROUTE_USAGE = 'Usage: nlkit route { list | flush } SELECTOR\n       nlkit route get ADDRESS [from ADDRESS iif STRING] [oif STRING] [mark NUMBER] [uid NUMBER] [ipproto PROTOCOL] [sport NUMBER] [dport NUMBER] [connected]\n       nlkit route { add | del | change | append | replace } ROUTE\n';

/** ip's usage(): the route has no destination, or a word abbreviates `help`; exit(-1). */
const usage = (): CliUsageError => new CliUsageError(ROUTE_USAGE.slice(0, -1), 255, true);

/** The keywords iproute_modify tries, in its order, and whether it compares a word with one whole (`true`) or takes an abbreviation (`false`). */
const KEYWORDS: readonly (readonly [string, boolean])[] = [
  ['src', true], ['as', true], ['via', true], ['from', true], ['tos', true], ['dsfield', false], ['expires', true],
  ['metric', false], ['priority', false], ['preference', true], ['scope', true], ['mtu', true], ['hoplimit', true],
  ['advmss', true], ['reordering', false], ['rtt', true], ['rto_min', true], ['window', false], ['cwnd', false],
  ['initcwnd', false], ['initrwnd', false], ['features', false], ['quickack', false], ['congctl', false], ['rttvar', false],
  ['ssthresh', false], ['realms', false], ['onlink', true], ['nexthop', true], ['nhid', true], ['protocol', false],
  ['table', false], ['vrf', false], ['dev', true], ['oif', true], ['pref', false], ['encap', true], ['ttl-propagate', true],
  ['fastopen_no_cookie', false],
];
/**
 * Every word iproute_modify reads as a keyword, abbreviations included, to
 * the keyword it stands for: one look-up per word, where ip's if-chain (and
 * a loop over it) would compare it with each keyword in turn. Built once, in
 * ip's order, so an abbreviation stands for the first keyword it abbreviates.
 * The values are the literals, which the switch below compares by identity.
 */
const KEYWORD_OF = new Map<string, string>();
for (const [keyword, whole] of KEYWORDS) {
  if (whole) { if (!KEYWORD_OF.has(keyword)) KEYWORD_OF.set(keyword, keyword); continue; }
  for (let length = 0; length <= keyword.length; length++) {
    const abbreviation = keyword.slice(0, length);
    if (!KEYWORD_OF.has(abbreviation)) KEYWORD_OF.set(abbreviation, keyword);
  }
}

/** ip's integer metrics (get_unsigned) and RouteMetrics' names for them; the message names the value as ip's does. */
const METRICS = new Map([
  ['mtu', ['mtu', 'mtu']], ['advmss', ['advmss', 'mss']], ['reordering', ['reordering', 'reordering']], ['window', ['window', 'window']],
  ['cwnd', ['cwnd', 'cwnd']], ['initcwnd', ['initcwnd', 'initcwnd']], ['initrwnd', ['initrwnd', 'initrwnd']], ['ssthresh', ['ssthresh', 'ssthresh']],
  ['hoplimit', ['hoplimit', 'hoplimit']],
]);

/** Time metrics (get_time_rtt), the library's names and the kernel's scale of their milliseconds. */
const TIME_METRICS = new Map<string, readonly [string, number]>([['rtt', ['rtt', 8]], ['rttvar', ['rttvar', 4]], ['rto_min', ['rtoMin', 1]]]);

/**
 * get_time_rtt(): milliseconds with an `s`/`ms` suffix (fractions rounded up),
 * or a raw number in the kernel's unit without one; -1 where ip fails.
 * Returns the value for the library, which takes milliseconds: a raw value
 * that is no whole number of them cannot be expressed (-2).
 */
function timeMetric(word: string, scale: number): number {
  let end = word.length;
  while (end > 0 && ((word.charCodeAt(end - 1) | 0x20) >= 0x61 && (word.charCodeAt(end - 1) | 0x20) <= 0x7a)) end--;
  const suffix = word.slice(end).toLowerCase();
  const number = word.slice(0, end);
  let value: number;
  if (number.includes('.')) {
    value = /^\s*\+?(\d+\.?\d*|\.\d+)$/.test(number) ? Number(number.trim()) : -1;
  } else value = strtoulWord(number);
  if (value < 0) return -1;
  if (suffix === '') {
    // ip sends a number without a unit as is: the kernel's unit (rtt in 1/8 ms, rttvar in 1/4 ms).
    value = Math.ceil(value);
    return value % scale === 0 ? value / scale : -2;
  }
  if (suffix === 's' || suffix === 'sec' || suffix === 'secs') value *= 1000;
  else if (suffix !== 'ms' && suffix !== 'msec' && suffix !== 'msecs') return -1;
  return Math.ceil(value);
}

/** The family the route's words have set so far (ip's req.r.rtm_family): -4/-6, else the first address's. */
let routeFamily: 0 | 4 | 6 = 0;

/** An address (`via`, `src`) or, with `prefix`, a prefix word, checked as get_addr / get_prefix check it, in the library's notation. */
function routeAddress(word: string, prefix: boolean, family = routeFamily): string {
  // Most words are dotted quads already: those skip the parse and the formatting.
  if (family !== 6 && isDottedQuadPrefix(word) && (prefix || !word.includes('/'))) {
    if (routeFamily === 0) routeFamily = 4;
    return word;
  }
  const parsed = prefix ? parsePrefix(word, family) : parseAddress(word, family);
  if (routeFamily === 0) routeFamily = parsed.family;
  return prefixText(word, parsed);
}

/** The encap types read_encap_type knows by name. */
const ENCAP_TYPES = ['mpls', 'ip', 'ip6', 'ila', 'bpf', 'seg6', 'seg6local', 'rpl', 'ioam6', 'xfrm'];
/** encap_type_usage's list: the types by LWTUNNEL_ENCAP_* number. */
const ENCAP_USAGE = [
  'Usage: nlkit route ... encap TYPE [ OPTIONS ] [...]',
  ...['mpls', 'ip', 'ila', 'ip6', 'seg6', 'bpf', 'seg6local', 'rpl', 'ioam6', 'xfrm'].map((t, i) => `${t} ${i === 0 ? 'TYPE := ' : '      '}`),
].join('\n');
const U64_LIMIT = 1n << 64n;

/** get_u64 (strtoull with base 0 over the whole word): a negative number wraps as strtoull wraps it; -1n where ip fails. */
function u64Word(word: string): bigint {
  const m = /^[ \t\n\v\f\r]*([+-]?)(0[xX][0-9a-fA-F]+|0[0-7]*|[1-9][0-9]*)$/.exec(word);
  if (!m) return -1n;
  const digits = m[2]!;
  const value = /^0[0-7]+$/.test(digits) ? BigInt(`0o${digits.slice(1)}`) : BigInt(digits);
  if (value >= U64_LIMIT) return -1n;
  return m[1] === '-' && value !== 0n ? U64_LIMIT - value : value;
}

/**
 * TCP_CA_NAME_MAX - 1: the kernel copies at most this many bytes of a
 * congestion control name before looking it up, so a longer name is that
 * algorithm's, or none.
 */
const CONGCTL_LENGTH = 15;

/** `congctl NAME` as the kernel reads ip's attribute: cut to its buffer; a name no algorithm can have gets the kernel's refusal. */
function congestionControl(word: string): string {
  const name = Buffer.from(word).subarray(0, CONGCTL_LENGTH).toString('latin1');
  if (!/^[\x21-\x7e]+$/.test(name)) throw new CliUsageError('Error: Unknown tcp congestion algorithm.', 2);
  return name;
}

/**
 * `encap TYPE ...` from the word after `encap` on, as lwt_parse_encap and
 * parse_encap_ip/_ip6 read it (their words, duplicates and messages). Returns
 * the encap and the first word that is not the encap's, which its caller reads next.
 */
function parseEncap(words: Words): { encap: Record<string, unknown>; next: string | undefined } {
  const type = words.argument('encap');
  if (type === 'help') throw new CliUsageError(ENCAP_USAGE, 255, true);
  if (!ENCAP_TYPES.includes(type)) throw invalidArgument('"encap type" value is invalid\n', type);
  let word: string | undefined = words.argument('encap');
  // ip wants at least two words after the type, wherever they belong.
  if (words.done) throw new CliUsageError('Error: unexpected end of line after "encap"', 255, true);
  if (type !== 'ip' && type !== 'ip6') throw new CliUsageError(`Error: nlkit's routes do not take "encap ${type}".`, 2);
  const ipv6 = type === 'ip6';
  const ttlKey = ipv6 ? 'hoplimit' : 'ttl';
  const tosKey = ipv6 ? 'tc' : 'tos';
  const encap: Record<string, unknown> = { type };
  const seen = new Set<string>();
  // duparg2 names the value word of a keyword given twice, the keyword itself for a flag.
  const once = (keyword: string, value: string): void => {
    if (seen.has(keyword)) throw duplicateArgument(keyword, value);
    seen.add(keyword);
  };
  const flags: string[] = [];
  while (word !== undefined) {
    if (word === 'id') {
      const v = words.argument(word);
      once('id', v);
      const id = u64Word(v);
      if (id < 0n) throw invalidArgument('"id" value is invalid\n', v);
      encap.id = id <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(id) : id;
    } else if (word === 'dst' || word === 'src') {
      const v = words.argument(word);
      once(word, v);
      encap[word] = prefixText(v, parseAddress(v, ipv6 ? 6 : 4));
    } else if (word === tosKey) {
      const v = words.argument(word);
      once(tosKey, v);
      const tos = dsfield(v);
      if (tos < 0) throw invalidArgument(`"${tosKey}" value is invalid\n`, v);
      encap[tosKey] = tos;
    } else if (word === ttlKey) {
      const v = words.argument(word);
      once(ttlKey, v);
      encap[ttlKey] = unsignedArgument(v, 255, `"${ttlKey}" value is invalid\n`);
    } else if (word === 'geneve_opts' || word === 'vxlan_opts' || word === 'erspan_opts') {
      // RouteEncapSpec has no LWTUNNEL_IP_OPTS.
      once('opts', word);
      words.argument(word);
      throw new CliUsageError(`Error: nlkit's routes do not take "${word}".`, 2);
    } else if (word === 'key' || word === 'csum' || word === 'seq') {
      once(word, word);
      flags.push(word);
    } else break;
    word = words.take();
  }
  if (flags.length) encap.flags = flags;
  return { encap, next: word };
}

/** One `nexthop ...` path's words, and the `nexthop` word an encap's words ended on (its caller reads it next). */
function parseNexthop(words: Words): { nh: Record<string, unknown>; next: string | undefined } {
  const nh: Record<string, unknown> = {};
  // A word the encap's words ended on, read next.
  let pending: string | undefined;
  while (pending !== undefined || (!words.done && words.peek() !== 'nexthop')) {
    const word = pending ?? words.take()!;
    pending = undefined;
    if (word === 'nexthop') return { nh, next: word };
    if (word === 'via') {
      let v = words.argument(word);
      let family = routeFamily;
      if (v === 'inet' || v === 'inet6') { family = v === 'inet' ? 4 : 6; v = words.argument(word); }
      nh.gateway = routeAddress(v, false, family);
    } else if (word === 'dev') nh.dev = words.argument(word);
    else if (word === 'weight') {
      const v = words.argument(word);
      const weight = strtoulWord(v);
      if (weight < 1 || weight > 256) throw invalidArgument('"weight" is invalid\n', v);
      nh.weight = weight;
    } else if (word === 'onlink') nh.onlink = true;
    else if (matches(word, 'realms')) nh.realms = realms(words.argument(word));
    else if (word === 'encap') {
      const parsed = parseEncap(words);
      nh.encap = parsed.encap;
      pending = parsed.next;
    } else if (word === 'as') {
      throw new CliUsageError(`Error: nlkit's nexthops do not take "${word}".`, 2);
    } else throw new CliUsageError(`Error: "nexthop" or end of line is expected instead of "${word}"`, 255, true);
  }
  return { nh, next: undefined };
}

/** `realms` as get_rt_realms_or_raw reads it, as the library takes RTA_FLOW's two halves. */
function realms(word: string): number | { from: number; to: number } {
  const flow = routeRealms(word);
  if (flow < 0) throw invalidArgument('"realm" value is invalid\n', word);
  return flow >>> 16 ? { from: flow >>> 16, to: flow & 0xffff } : flow;
}

/** A keyword nlkit's routes cannot express: its value checked as ip checks it, then refused. */
function unsupported(word: string): CliUsageError {
  return new CliUsageError(`Error: nlkit's routes do not take "${word}".`, 2);
}

/**
 * `vrf NAME` on a route change: ip looks NAME up as a VRF device and exits
 * with "Invalid VRF" when it is none; the caller, which can list the links,
 * answers so, and refuses a real VRF as a word nlkit's routes do not take.
 */
export class RouteVrfWordError extends CliUsageError {
  constructor(readonly vrf: string) {
    super(`Error: nlkit's routes do not take "vrf".`, 2);
  }
}

/** `ip route add ...` words from `args[from]` on as a RouteSpec (a batch line passes its words whole, without a copy per line). */
export function parseRouteSpec(args: readonly string[], family: 4 | 6 | undefined, from = 0): RouteSpec {
  const words = new Words(args, from);
  const spec: Record<string, unknown> = {};
  routeFamily = family ?? 0;
  // Created only for a line that has metrics: most have none, and a batch parses thousands.
  let metrics: Record<string, unknown> | undefined;
  let lock: string[] | undefined;
  let gateway = false;
  // A word an encap's words ended on, read next.
  let pending: string | undefined;
  while (pending !== undefined || !words.done) {
    let word = pending ?? words.take()!;
    pending = undefined;
    // The keyword `word` stands for, or undefined for a destination (or type) word.
    const keyword = KEYWORD_OF.get(word);
    if (keyword === undefined) {
      // The destination, checked first: it is on every line, and a switch would compare it with each keyword.
      if (word === 'to') word = words.argument(word);
      // ip tries a word that does not start with a digit as a type (`blackhole`, `b`, `unreach`) before a prefix.
      const c = word.charCodeAt(0);
      const type = c < 0x30 || c > 0x39 ? routeType(word) : undefined;
      if (type !== undefined) {
        spec.type = type;
        word = words.argument(word);
      }
      if ((word.charCodeAt(0) === 0x68 || word === '') && matches(word, 'help')) throw usage();
      if (spec.dst !== undefined) throw duplicateArgument('to', word);
      // get_prefix reads `all` and `any` as `default` does: 0/0.
      spec.dst = word === 'all' || word === 'any' ? routeAddress('default', true) : routeAddress(word, true);
      continue;
    }
    // The common keywords first: a switch on strings tries its cases in turn.
    switch (keyword) {
      case 'via': {
        if (gateway) throw invalidArgument('use nexthop syntax to specify multiple via\n', word);
        gateway = true;
        let v = words.argument(word);
        let f = routeFamily;
        if (v === 'inet' || v === 'inet6') { f = v === 'inet' ? 4 : 6; v = words.argument(word); }
        spec.gateway = routeAddress(v, false, f);
        break;
      }
      case 'dev': case 'oif': spec.dev = words.argument(word); break;
      case 'src': spec.src = routeAddress(words.argument(word), false); break;
      case 'table': {
        const v = words.argument(word);
        const table = routeTable(v);
        if (table < 0) throw invalidArgument('"table" value is invalid\n', v);
        // The kernel reads table 0 (RT_TABLE_UNSPEC) as main; the library takes no 0. A table above 255
        // goes in RTA_TABLE, which the kernel reads over the header's and a later small one does not
        // remove: of several, the last above 255 wins, as ip's request makes it.
        if (!(typeof spec.table === 'number' && spec.table > 255 && table <= 255)) spec.table = table === 0 ? 254 : table;
        break;
      }
      case 'scope': {
        const v = words.argument(word);
        const scope = routeScope(v);
        if (scope < 0) throw invalidArgument('invalid "scope" value\n', v);
        spec.scope = scope;
        break;
      }
      case 'protocol': {
        const v = words.argument(word);
        const protocol = routeProtocol(v);
        if (protocol < 0) throw invalidArgument('"protocol" value is invalid\n', v);
        spec.protocol = protocol;
        break;
      }
      case 'metric': case 'priority': case 'preference': spec.metric = unsignedArgument(words.argument(word), 0xffffffff, '"metric" value is invalid\n'); break;
      case 'mtu': case 'advmss': case 'reordering': case 'window': case 'cwnd': case 'initcwnd': case 'initrwnd': case 'ssthresh': case 'hoplimit': {
        const metric = METRICS.get(keyword)!;
        let v = words.argument(word);
        if (v === 'lock') { (lock ??= []).push(metric[0]!); v = words.argument(word); }
        (metrics ??= {})[metric[0]!] = unsignedArgument(v, keyword === 'hoplimit' ? 255 : 0xffffffff, `"${metric[1]}" value is invalid\n`);
        break;
      }
      case 'rtt': case 'rttvar': case 'rto_min': {
        const time = TIME_METRICS.get(keyword)!;
        let v = words.argument(word);
        // rto_min is always locked (ip sets its lock bit itself); rtt and rttvar take `lock`.
        if (keyword === 'rto_min') (lock ??= []).push(time[0]);
        else if (v === 'lock') { (lock ??= []).push(time[0]); v = words.argument(word); }
        const ms = timeMetric(v, time[1]);
        if (ms === -1) throw invalidArgument(`"${keyword}" value is invalid\n`, v);
        if (ms === -2) throw new CliUsageError(`Error: nlkit takes "${keyword}" in whole milliseconds: ${v} is ${v}/${time[1]} ms.`, 2);
        (metrics ??= {})[time[0]] = ms;
        break;
      }
      case 'onlink': spec.onlink = true; break;
      case 'pref': {
        const v = words.argument(word);
        if (v === 'low' || v === 'medium' || v === 'high') spec.pref = v;
        else {
          unsignedArgument(v, 0xff, '"pref" value is invalid\n');
          throw new CliUsageError(`Error: nlkit takes "pref" as low, medium or high, not "${v}".`, 2);
        }
        break;
      }
      case 'tos': case 'dsfield': {
        const v = words.argument(word);
        const tos = dsfield(v);
        if (tos < 0) throw invalidArgument('"tos" value is invalid\n', v);
        spec.tos = tos;
        break;
      }
      case 'expires': spec.expires = unsignedArgument(words.argument(word), 0xffffffff, '"expires" value is invalid\n'); break;
      case 'features': {
        const v = words.argument(word);
        if (v !== 'ecn') throw invalidArgument('"features" value not valid\n', v);
        (metrics ??= {}).ecn = true;
        break;
      }
      case 'quickack': {
        const v = words.argument(word);
        const n = unsignedArgument(v, 0xffffffff, '"quickack" value is invalid\n');
        if (n > 1) throw invalidArgument('"quickack" value should be 0 or 1\n', v);
        (metrics ??= {}).quickack = n;
        break;
      }
      case 'nexthop': {
        // As in ip, the destination comes first: ip reads the route's nexthops after its other words.
        if (spec.dst === undefined) throw usage();
        const nexthops = (spec.nexthops as unknown[] | undefined) ?? [];
        const parsed = parseNexthop(words);
        nexthops.push(parsed.nh);
        spec.nexthops = nexthops;
        pending = parsed.next;
        break;
      }
      case 'nhid': spec.nhid = unsignedArgument(words.argument(word), 0xffffffff, '"id" value is invalid\n'); break;
      case 'fastopen_no_cookie': {
        const v = words.argument(word);
        const n = unsignedArgument(v, 0xffffffff, '"fastopen_no_cookie" value is invalid\n');
        if (n > 1) throw invalidArgument('"fastopen_no_cookie" value should be 0 or 1\n', v);
        (metrics ??= {}).fastopenNoCookie = n;
        break;
      }
      case 'congctl': {
        let v = words.argument(word);
        if (v === 'lock') { (lock ??= []).push('congctl'); v = words.argument(word); }
        (metrics ??= {}).congctl = congestionControl(v);
        break;
      }
      case 'from': {
        const v = words.argument(word);
        // `from default` (any, all) sends no RTA_SRC and leaves the family open, as ip's get_prefix does.
        if (v !== 'default' && v !== 'any' && v !== 'all') spec.from = routeAddress(v, true);
        break;
      }
      case 'encap': {
        const parsed = parseEncap(words);
        spec.encap = parsed.encap;
        pending = parsed.next;
        break;
      }
      case 'ttl-propagate': {
        const v = words.argument(word);
        if (!matches(v, 'enabled') && !matches(v, 'disabled')) throw invalidArgument('"ttl-propagate" value is invalid\n', v);
        throw unsupported(word);
      }
      case 'realms': spec.realms = realms(words.argument(word)); break;
      case 'vrf': throw new RouteVrfWordError(words.argument(word));
      case 'as':
        throw unsupported(word);
    }
  }
  if (spec.dst === undefined) throw usage();
  // The kernel reads RTA_PREF on IPv6 routes only: ip sends it on an IPv4 route too, where the library refuses it.
  if (spec.pref !== undefined && routeFamily !== 6) delete spec.pref;
  // RTA_EXPIRES likewise: the kernel ignores it on an IPv4 route.
  if (spec.expires !== undefined && routeFamily !== 6) delete spec.expires;
  if (lock) metrics!.lock = lock;
  if (metrics) spec.metrics = metrics;
  if (family !== undefined && spec.family === undefined && spec.dst === 'default' && spec.gateway === undefined) spec.family = family;
  return spec as unknown as RouteSpec;
}
