// The IFADDR of `ip address add|del|replace|change IFADDR dev IFNAME` as an
// AddressSpec, read as ipaddr_modify reads it: its keywords, abbreviations,
// numbers and messages. Its own module, away from `address show`'s output
// code: `-batch` parses thousands of these lines and loads nothing else of the
// address command.
import type { AddressSpec } from '../../route/addresses/index.js';
import { CliUsageError, duplicateArgument, invalidArgument, matches, strtoulWord, unsignedArgument, Words } from '../args.js';
import { routeScope } from './ip-names.js';
import { isDottedQuadPrefix, parseAddress, parsePrefix, prefixText } from './prefix.js';

export const ADDRESS_USAGE = 'Usage: nlkit address {add|change|replace} IFADDR dev IFNAME [LIFETIME] [CONFFLAG-LIST]\n       nlkit address del IFADDR dev IFNAME\n       nlkit address {show|flush} [dev IFNAME] [scope SCOPE] [label LABEL] [up]\n';

/**
 * ip's flag words (ifa_flag_data): AddressFlags' name for the ones a user
 * sets, whether they are IPv6's only, and '' for the ones the kernel sets
 * alone, which ip ignores with a warning.
 */
const FLAGS = new Map<string, readonly [string, boolean]>([
  ['secondary', ['', false]], ['temporary', ['', false]], ['nodad', ['nodad', true]], ['optimistic', ['optimistic', true]],
  ['dadfailed', ['', true]], ['home', ['homeaddress', true]], ['deprecated', ['', true]], ['tentative', ['', true]],
  ['permanent', ['', true]], ['mngtmpaddr', ['managetempaddr', true]], ['noprefixroute', ['noprefixroute', false]],
  ['autojoin', ['mcautojoin', false]], ['stable-privacy', ['', true]],
]);

/** set_lifetime(): `forever` or a u32 of seconds (ip's forever is 0xffffffff too); -1 where ip fails. */
function lifetime(word: string): number | 'forever' {
  if (word === 'forever') return word;
  const n = strtoulWord(word);
  if (n > 0xffffffff) return -1;
  return n === 0xffffffff ? 'forever' : n;
}

/** The family the words have set so far (ip's req.ifa.ifa_family): -4/-6, else the first address's. */
let addressFamily: 0 | 4 | 6 = 0;

/**
 * `word` as ip's get_prefix() (or, for `address`, get_addr()) reads it, in
 * the library's notation (ip also takes short IPv4 forms, `10/8`, `1.2.3`);
 * else ip's message, and ip exits (a batch ends there).
 */
function checked(word: string, address = false): string {
  // Most words are dotted quads already: those skip the parse and the formatting.
  if (addressFamily !== 6 && isDottedQuadPrefix(word) && !(address && word.includes('/'))) {
    if (addressFamily === 0) addressFamily = 4;
    return word;
  }
  const prefix = address ? parseAddress(word, addressFamily) : parsePrefix(word, addressFamily);
  if (addressFamily === 0) addressFamily = prefix.family;
  return prefixText(word, prefix);
}

/** ipaddr_is_multicast() of the local address's text (dotted quad or IPv6). */
export function isMulticastAddress(address: string): boolean {
  if (address.includes(':')) return address.slice(0, 2).toLowerCase() === 'ff';
  const first = parseInt(address, 10);
  return first >= 224 && first <= 239;
}

/**
 * `brd -`: ip's broadcast with the host bits cleared (the network address),
 * from the peer when there is one, and none from a /31 or /32; the library
 * takes the address itself.
 */
function clearedBroadcast(spec: Record<string, unknown>): void {
  const base = (spec.peer ?? spec.address) as string;
  const slash = base.indexOf('/');
  const bits = slash < 0 ? 32 : Number(base.slice(slash + 1));
  if (bits > 30) {
    delete spec.broadcast;
    return;
  }
  const octets = (slash < 0 ? base : base.slice(0, slash)).split('.').map(Number);
  const value = ((octets[0]! << 24) | (octets[1]! << 16) | (octets[2]! << 8) | octets[3]!) >>> 0;
  const network = bits === 0 ? 0 : (value & (0xffffffff << (32 - bits))) >>> 0;
  spec.broadcast = `${network >>> 24}.${(network >>> 16) & 255}.${(network >>> 8) & 255}.${network & 255}`;
}

/**
 * The peer as the library should read it for ip's prefix length: ip takes the
 * peer's (`peer 10.0.0.2` is a /32, whatever the local address says), and the
 * local address's only when the peer's is 0. The library keeps the local
 * address's prefix for a peer without one, so the length is written out.
 */
function peerPrefix(peer: string): string {
  const slash = peer.indexOf('/');
  if (slash < 0) return `${peer}/${peer.includes(':') ? 128 : 32}`;
  return peer.endsWith('/0') && slash === peer.length - 2 ? peer.slice(0, slash) : peer;
}

/**
 * `ip address add ...` words from `args[from]` on as an AddressSpec (a batch
 * line passes its words whole, without a copy per line); `warn` prints ip's
 * warnings for flags it ignores, and for `purpose` 'delete' its wildcard one.
 */
export function parseAddressSpec(args: readonly string[], from = 0, family?: 4 | 6, warn?: (line: string) => void, purpose: 'change' | 'delete' = 'change'): AddressSpec {
  const words = new Words(args, from);
  const spec: Record<string, unknown> = {};
  addressFamily = family ?? 0;
  // Created only for a line that has flags: most have none, and a batch parses thousands.
  let flags: Record<string, boolean> | undefined;
  // As typed: ip's wildcard warning quotes it (`10.1.20`, not 10.1.20.0).
  let localWord = '';
  while (!words.done) {
    let word = words.take()!;
    // In ipaddr_modify's order, for its abbreviations (`b` broadcast, `m` metric, `p` priority, `v` valid_lft).
    if (word === 'peer' || word === 'remote') {
      const v = words.argument(word);
      if (spec.peer !== undefined) throw new CliUsageError(`Error: duplicate "peer": "${v}" is the second value.`, 255, true);
      spec.peer = checked(v);
    } else if (word === 'dev') spec.dev = words.argument(word);
    else if (matches(word, 'broadcast') || word === 'brd') {
      const v = words.argument(word);
      if (spec.broadcast !== undefined) throw new CliUsageError(`Error: duplicate "broadcast": "${v}" is the second value.`, 255, true);
      spec.broadcast = v === '+' || v === '-' ? v : checked(v, true);
    } else if (word === 'anycast') {
      checked(words.argument(word), true);
      throw new CliUsageError('Error: nlkit\'s addresses do not take "anycast".', 2);
    } else if (word === 'scope') {
      const v = words.argument(word);
      const scope = routeScope(v);
      if (scope < 0) throw invalidArgument('invalid scope value.', v);
      spec.scope = scope;
    } else if (word === 'label') spec.label = words.argument(word);
    else if (matches(word, 'metric') || matches(word, 'priority') || matches(word, 'preference')) {
      spec.metric = unsignedArgument(words.argument(word), 0xffffffff, '"metric" value is invalid\n');
    } else if (matches(word, 'valid_lft') || matches(word, 'preferred_lft')) {
      const key = word[0] === 'v' ? 'validLifetime' : 'preferredLifetime';
      const name = word[0] === 'v' ? 'valid_lft' : 'preferred_lft';
      // ip's duparg names the keyword itself, before reading its value.
      if (spec[key] !== undefined) throw new CliUsageError(`Error: duplicate "${name}": "${word}" is the second value.`, 255, true);
      const v = words.argument(word);
      const seconds = lifetime(v);
      if (seconds === -1) throw invalidArgument(`${name} value`, v);
      spec[key] = seconds;
    } else if (FLAGS.has(word)) {
      const [flag, ipv6Only] = FLAGS.get(word)!;
      if (flag === '') warn?.(`Warning: ${word} option is not mutable from userspace\n`);
      else if (ipv6Only && addressFamily !== 6) warn?.(`Warning: ${word} option can be set only for IPv6 addresses\n`);
      else (flags ??= {})[flag] = true;
    } else {
      if (word === 'local') word = words.argument(word);
      if (matches(word, 'help')) throw new CliUsageError(ADDRESS_USAGE.slice(0, -1), 255, true);
      if (spec.address !== undefined) throw duplicateArgument('local', word);
      spec.address = checked(word);
      localWord = word;
    }
  }
  if (spec.dev === undefined) throw new CliUsageError('Not enough information: "dev" argument is required.');
  if (spec.address === undefined) throw new CliUsageError('Not enough information: "local" argument is required.');
  if (purpose === 'delete' && spec.peer === undefined && !localWord.includes('/') && !(spec.address as string).includes(':')) {
    // ip sends the local address alone, which the kernel matches whatever the prefix (the library sends the same request for such a spec).
    warn?.(`Warning: Executing wildcard deletion to stay compatible with old scripts.\n         Explicitly specify the prefix length (${localWord}/32) to avoid this warning.\n         This special behaviour is likely to disappear in further releases,\n         fix your scripts!\n`);
  }
  if ((spec.broadcast === '+' || spec.broadcast === '-') && addressFamily !== 4) throw new CliUsageError('Broadcast can be set only for IPv4 addresses');
  if (spec.validLifetime === 0) throw new CliUsageError('valid_lft is zero');
  const valid = spec.validLifetime === 'forever' ? 0xffffffff : spec.validLifetime as number | undefined;
  const preferred = spec.preferredLifetime === 'forever' ? 0xffffffff : spec.preferredLifetime as number | undefined;
  if (preferred !== undefined && (valid ?? 0xffffffff) < preferred) throw new CliUsageError('preferred_lft is greater than valid_lft');
  if (flags) spec.flags = flags;
  if (spec.peer !== undefined) spec.peer = peerPrefix(spec.peer as string);
  if (spec.broadcast === '-') clearedBroadcast(spec);
  return spec as unknown as AddressSpec;
}
