// Link-layer addresses as ip reads them (lib/ll_addr.c, ll_addr_a2n): `link
// set DEV address`, `broadcast`, a bridge's `group_address`, `neigh add …
// lladdr`.
import { CliUsageError } from '../args.js';
import { parseAddress } from './prefix.js';

/** One `:`-separated part of ll_addr_a2n: sscanf's %x, which stops at the first non-hex character; -1 where ip refuses. */
function lladdrByte(part: string): number {
  let i = 0;
  while (i < part.length && (part.charCodeAt(i) === 0x20 || (part.charCodeAt(i) >= 0x09 && part.charCodeAt(i) <= 0x0d))) i++;
  let negative = false;
  if (part[i] === '+' || part[i] === '-') { negative = part[i] === '-'; i++; }
  if (part[i] === '0' && (part[i + 1] === 'x' || part[i + 1] === 'X') && /[0-9a-f]/i.test(part[i + 2] ?? '')) i += 2;
  let digits = 0;
  let value = 0;
  for (; i < part.length; i++, digits++) {
    const d = parseInt(part[i]!, 16);
    if (Number.isNaN(d)) break;
    value = value * 16 + d;
    // Bounded: any byte past 255 is refused, however long the digits run.
    if (value > 0xffff) value = 0xffff;
  }
  if (digits === 0) return -1;
  if (negative && value !== 0) return -1;
  return value > 255 ? -1 : value;
}

/** ll_addr_a2n(): a link-layer address as ip reads it (`2:0:0:0:0:1` is 02:00:00:00:00:01), in the library's notation. */
export function lladdr(word: string): string {
  const invalid = () => new CliUsageError(`"${word}" is invalid lladdr.`);
  if (word.includes('.')) {
    // An IPv4 address, for the tunnels whose link address is one: its 4 bytes.
    let address;
    try {
      address = parseAddress(word, 4);
    } catch {
      throw invalid();
    }
    return [...address.bytes.subarray(0, 4)].map((b) => b.toString(16).padStart(2, '0')).join(':');
  }
  const bytes: string[] = [];
  for (const part of word.split(':').slice(0, 32)) {
    const byte = lladdrByte(part);
    if (byte < 0) throw invalid();
    bytes.push(byte.toString(16).padStart(2, '0'));
  }
  return bytes.join(':');
}
