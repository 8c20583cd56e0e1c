// The IFADDR of `ip address add|del|replace|change IFADDR dev IFNAME` as an
// AddressSpec. Its own module, away from `address show`'s output code:
// `-batch` parses thousands of these lines and loads nothing else of the
// address command.
import type { AddressSpec } from '../../route/addresses/index.js';
import { CliUsageError, duplicateArgument, parseUnsigned, Words } from '../args.js';
import { formatIp } from '../../netlink/index.js';
import { ipv4Canonical, isDottedQuadPrefix, parsePrefix } from './prefix.js';

/** ip's flag words and AddressFlags' names for them. */
const FLAGS = new Map([
  ['nodad', 'nodad'], ['noprefixroute', 'noprefixroute'], ['home', 'homeaddress'], ['mngtmpaddr', 'managetempaddr'], ['autojoin', 'mcautojoin'],
  ['optimistic', 'optimistic'],
]);

/** `ip address add ...` words from `args[from]` on as an AddressSpec (a batch line passes its words whole, without a copy per line). */
export function parseAddressSpec(args: readonly string[], from = 0): AddressSpec {
  const words = new Words(args, from);
  const spec: Record<string, unknown> = {};
  // Created only for a line that has flags: most have none, and a batch parses thousands.
  let flags: Record<string, boolean> | undefined;
  while (!words.done) {
    const word = words.take()!;
    switch (word) {
      case 'dev': spec.dev = words.argument(word); break;
      case 'local': spec.address = checkedPrefix(words.argument(word)); break;
      case 'peer': case 'remote': spec.peer = checkedPrefix(words.argument(word)); break;
      case 'broadcast': case 'brd': spec.broadcast = ipv4Canonical(words.argument(word)); break;
      case 'label': spec.label = words.argument(word); break;
      case 'scope': { const v = words.argument(word); spec.scope = /^\d+$/.test(v) ? Number(v) : v; break; }
      case 'metric': case 'priority': case 'preference': spec.metric = parseUnsigned(words.argument(word), 'metric'); break;
      case 'valid_lft': { const v = words.argument(word); spec.validLifetime = v === 'forever' ? v : parseUnsigned(v, 'valid_lft'); break; }
      case 'preferred_lft': { const v = words.argument(word); spec.preferredLifetime = v === 'forever' ? v : parseUnsigned(v, 'preferred_lft'); break; }
      case 'nodad': case 'noprefixroute': case 'home': case 'mngtmpaddr': case 'autojoin': case 'optimistic':
        (flags ??= {})[FLAGS.get(word)!] = true;
        break;
      default:
        if (spec.address !== undefined) throw duplicateArgument('local', word);
        spec.address = checkedPrefix(word);
    }
  }
  if (spec.dev === undefined) throw new CliUsageError('Not enough information: "dev" argument is required.');
  if (spec.address === undefined) throw new CliUsageError('Not enough information: "local" argument is required.');
  if (flags) spec.flags = flags;
  return spec as unknown as AddressSpec;
}

/**
 * `word` as ip's get_prefix() reads it, in the library's notation (ip also
 * takes short IPv4 forms, `10/8`, `1.2.3`); else ip's message, and ip exits
 * (a batch ends there).
 */
function checkedPrefix(word: string): string {
  // Most words are dotted quads already: those skip the parse and the formatting.
  if (isDottedQuadPrefix(word)) return word;
  const prefix = parsePrefix(word, 0);
  if (prefix.family === 0) return word;
  const address = formatIp(prefix.bytes, 0, prefix.family === 4 ? 4 : 16);
  return prefix.specified ? `${address}/${prefix.bitlen}` : address;
}
