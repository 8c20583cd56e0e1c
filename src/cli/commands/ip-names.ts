// The names ip 6.1 resolves itself for tables, scopes, protocols and DS
// fields (lib/rt_names.c's built-in entries and the rt_protos / rt_dsfield
// files iproute2 ships), with its number forms, for the route and address
// lines of a batch. The library's parsers know these names too, but only its
// full barrel exports them, which a batch of routes does not load; and they
// take names ip does not (`scope universe`) and refuse numbers ip sends (`table 0`).
import { strtoulWord } from '../args.js';

const TABLES = new Map([['default', 253], ['main', 254], ['local', 255]]);
const SCOPES = new Map([['global', 0], ['site', 200], ['link', 253], ['host', 254], ['nowhere', 255]]);
const PROTOCOLS = new Map([
  ['unspec', 0], ['redirect', 1], ['kernel', 2], ['boot', 3], ['static', 4], ['gated', 8], ['ra', 9], ['mrt', 10], ['zebra', 11],
  ['bird', 12], ['dnrouted', 13], ['xorp', 14], ['ntk', 15], ['dhcp', 16], ['keepalived', 18], ['babel', 42], ['openr', 99],
  ['bgp', 186], ['isis', 187], ['ospf', 188], ['rip', 189], ['eigrp', 192],
]);
const DSFIELDS = new Map([
  ['default', 0x00], ['AF11', 0x28], ['AF12', 0x30], ['AF13', 0x38], ['AF21', 0x48], ['AF22', 0x50], ['AF23', 0x58], ['AF31', 0x68],
  ['AF32', 0x70], ['AF33', 0x78], ['AF41', 0x88], ['AF42', 0x90], ['AF43', 0x98], ['CS1', 0x20], ['CS2', 0x40], ['CS3', 0x60],
  ['CS4', 0x80], ['CS5', 0xa0], ['CS6', 0xc0], ['CS7', 0xe0], ['EF', 0xb8],
]);

/** A name of `names`, else strtoul(word, base) up to `max`; -1 where ip's *_a2n fails. */
function nameOrNumber(word: string, names: ReadonlyMap<string, number>, max: number, base: 0 | 16 = 0): number {
  const named = names.get(word);
  if (named !== undefined) return named;
  const n = strtoulWord(word, base);
  return n > max ? -1 : n;
}

/** rtnl_rttable_a2n: main, local, default or a u32 (0 included: the kernel reads it as main). */
export const routeTable = (word: string): number => nameOrNumber(word, TABLES, 0xffffffff);
/** rtnl_rtscope_a2n: global, site, link, host, nowhere or 0-255. */
export const routeScope = (word: string): number => nameOrNumber(word, SCOPES, 255);
/** rtnl_rtprot_a2n: rt_protos' names or 0-255. */
export const routeProtocol = (word: string): number => nameOrNumber(word, PROTOCOLS, 255);
/** rtnl_dsfield_a2n: rt_dsfield's names or a number read in hex (`tos 10` is 0x10), 0-255. */
export const dsfield = (word: string): number => nameOrNumber(word, DSFIELDS, 255, 16);

const REALMS = new Map([['cosmos', 0]]);

/** get_rt_realms_or_raw: `[FROM/]TO`, each rt_realms' name or 0-255, else a raw u32; -1 where ip fails. */
export function routeRealms(word: string): number {
  const slash = word.indexOf('/');
  const from = slash < 0 ? 0 : nameOrNumber(word.slice(0, slash), REALMS, 255);
  const toWord = slash < 0 ? word : word.slice(slash + 1);
  const to = toWord === '' ? 0 : nameOrNumber(toWord, REALMS, 255);
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
