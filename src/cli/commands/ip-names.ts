// The names ip 6.1 resolves itself for tables, scopes, protocols, DS fields
// and realms: its built-in names and this host's /etc/iproute2 files (the
// library's iproute2NameToId, which reads them as ip does), with ip's number
// forms, for the route and address lines of a batch. The library's own
// parsers take names ip does not (`scope universe`) and refuse numbers ip
// sends (`table 0`), so the numbers are read here.
import { iproute2NameToId, type Iproute2Database } from '../../route/index.js';
import { strtoulWord } from '../args.js';

/** A name from `database`, else strtoul(word, base) up to `max`; -1 where ip's *_a2n fails. */
function nameOrNumber(word: string, database: Iproute2Database, max: number, base: 0 | 16 = 0): number {
  const named = iproute2NameToId(database, word);
  if (named !== undefined) return named;
  const n = strtoulWord(word, base);
  return n > max ? -1 : n;
}

/** rtnl_rttable_a2n: main, local, default, the host's rt_tables names, or a u32 (0 included: the kernel reads it as main). */
export const routeTable = (word: string): number => nameOrNumber(word, 'rt_tables', 0xffffffff);
/** rtnl_rtscope_a2n: global, site, link, host, nowhere (rt_scopes) or 0-255. */
export const routeScope = (word: string): number => nameOrNumber(word, 'rt_scopes', 255);
/** rtnl_rtprot_a2n: rt_protos' names or 0-255. */
export const routeProtocol = (word: string): number => nameOrNumber(word, 'rt_protos', 255);
/** rtnl_dsfield_a2n: rt_dsfield's names or a number read in hex (`tos 10` is 0x10), 0-255. */
export const dsfield = (word: string): number => nameOrNumber(word, 'rt_dsfield', 255, 16);

/** get_rt_realms_or_raw: `[FROM/]TO`, each rt_realms' name or 0-255, else a raw u32; -1 where ip fails. */
export function routeRealms(word: string): number {
  const slash = word.indexOf('/');
  const from = slash < 0 ? 0 : nameOrNumber(word.slice(0, slash), 'rt_realms', 255);
  const toWord = slash < 0 ? word : word.slice(slash + 1);
  const to = toWord === '' ? 0 : nameOrNumber(toWord, 'rt_realms', 255);
  if (from >= 0 && to >= 0) return ((from << 16) | to) >>> 0;
  const raw = strtoulWord(word);
  return raw > 0xffffffff ? -1 : raw;
}

/** rtnl_rtntype_a2n's names, in its order; true where it takes an abbreviation. */
const TYPES: readonly (readonly [string, boolean, number])[] = [
  ['local', false, 2], ['nat', false, 10], ['broadcast', true, 3], ['brd', false, 3], ['anycast', true, 4], ['multicast', true, 5],
  ['prohibit', true, 8], ['unreachable', true, 7], ['blackhole', true, 6], ['xresolve', true, 11], ['unicast', true, 1],
  ['throw', false, 9],
];
const TYPE_NAMES = ['unspec', 'unicast', 'local', 'broadcast', 'anycast', 'multicast', 'blackhole', 'unreachable', 'prohibit', 'throw', 'nat', 'xresolve'];

/** rtnl_rtntype_a2n: a route type (rule action) word, abbreviations included, as its name (a number past xresolve); undefined where ip fails. */
export function routeType(word: string): string | number | undefined {
  for (const [name, abbreviates, value] of TYPES) {
    if (abbreviates ? word.length <= name.length && name.startsWith(word) : word === name) return TYPE_NAMES[value];
  }
  const n = strtoulWord(word);
  if (n < 0 || n > 255) return undefined;
  return TYPE_NAMES[n] ?? n;
}
