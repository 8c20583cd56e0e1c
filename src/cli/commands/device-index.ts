// iproute2's ll_name_to_index for nlkit's device words. When no link has the
// name (nor an alternative name), ip falls back to sscanf(name, "if%u"): `if7`
// is ifindex 7 whether or not a link has it, and the kernel answers for an
// index it does not know. nlkit reads the words the same way wherever ip
// resolves them through ll_name_to_index.
import type { Link } from '../../route/index.js';
import type { CliContext } from '../context.js';

/** The largest ifindex the kernel can hold (and the library sends): a larger u32 is negative as the kernel's int. */
export const MAX_IFINDEX = 0x7fffffff;
const ULONG_MAX = (1n << 64n) - 1n;

/**
 * glibc's sscanf(word, "if%u"): the letters `if`, then strtoul's reading of
 * base-10 digits (leading white space, a sign, digits up to the first
 * non-digit: `if7x` is 7, `if-1` is 4294967295), stored into a 32-bit
 * unsigned int. 0 when no number is read (ip's "no such index").
 */
export function spelledIndex(word: string): number {
  const m = /^if[ \t\n\v\f\r]*([+-]?)(\d+)/.exec(word);
  if (!m) return 0;
  let value = BigInt(m[2]!);
  // strtoul saturates past ULONG_MAX, and negates modulo 2^64 after reading a minus.
  if (value > ULONG_MAX) value = ULONG_MAX;
  else if (m[1] === '-') value = (ULONG_MAX + 1n - value) & ULONG_MAX;
  return Number(BigInt.asUintN(32, value));
}

const named = (l: Link, word: string): boolean => l.name === word || (l.altNames?.includes(word) ?? false);

/** ll_name_to_index over a link list: the index of the link named `word`, else the index it spells, else 0. */
export function llNameToIndex(links: readonly Link[], word: string): number {
  return links.find((l) => named(l, word))?.index ?? spelledIndex(word);
}

/**
 * A device word as ip sends it: the word when a link has that name, the index
 * it spells when none has (one past MAX_IFINDEX stays the word, which the
 * library reports missing), undefined when it names nothing (ip's 0).
 */
export function deviceWord(links: readonly Link[], word: string): string | number | undefined {
  if (links.some((l) => named(l, word))) return word;
  const index = spelledIndex(word);
  if (index === 0) return undefined;
  return index > MAX_IFINDEX ? word : index;
}

/**
 * A device word for the library, which looks names up itself: the index the
 * word spells when no link has the name, the word otherwise (a missing one is
 * the library's to report). Links are listed only for words that spell an index.
 */
export function deviceRef(ctx: CliContext, word: string): string | number {
  const index = spelledIndex(word);
  if (index === 0 || index > MAX_IFINDEX) return word;
  return deviceWord(ctx.rt().link.list(), word) ?? word;
}
