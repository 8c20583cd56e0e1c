// Command-line words as iproute2 reads them.

/** A usage error: printed to stderr as is, exit status 1 (ip's invarg/missarg/duparg). */
export class CliUsageError extends Error {
  override readonly name = 'CliUsageError';
  /**
   * @param status ip's exit status for it
   * @param exits ip exits the process there (invarg, duparg, incomplete_command,
   *   get_prefix): in a batch, the batch ends with `status`, with no "Command
   *   failed" line, even with -force
   */
  constructor(message: string, readonly status = 1, readonly exits = false) {
    super(message);
  }
}

/**
 * iproute2's `matches(word, keyword)`: the word is an abbreviation of the
 * keyword (a prefix of it, possibly empty), so `ip a s` is `ip address show`.
 */
export function matches(word: string, keyword: string): boolean {
  return word.length <= keyword.length && keyword.startsWith(word);
}

/** The first keyword of `keywords` that `word` abbreviates, in the order ip tries them. */
export function matchKeyword<K extends string>(word: string, keywords: readonly K[]): K | undefined {
  return keywords.find((k) => matches(word, k));
}

/** A cursor over the words of one command. */
export class Words {
  /** `from`: where the command's words start in `words` (a batch line's after its object and command words). */
  constructor(private readonly words: readonly string[], private at = 0) {}

  get done(): boolean {
    return this.at >= this.words.length;
  }

  peek(): string | undefined {
    return this.words[this.at];
  }

  /** The next word, consumed; undefined at the end. */
  take(): string | undefined {
    return this.words[this.at++];
  }

  /** The argument of `keyword`, which must follow it: ip's NEXT_ARG()/"Command line is not complete". */
  argument(_keyword: string): string {
    const word = this.words[this.at++];
    // ip's incomplete_command() exits with -1 (255).
    if (word === undefined) throw new CliUsageError('Command line is not complete. Try option "help"', 255, true);
    return word;
  }

  rest(): string[] {
    const rest = this.words.slice(this.at);
    this.at = this.words.length;
    return rest;
  }
}

/** ip's invarg(): `Error: MESSAGE: "WORD".`, and exit(-1). */
export function invalidArgument(message: string, word: string): CliUsageError {
  return new CliUsageError(`Error: argument "${word}" is wrong: ${message}`, 255, true);
}

/** ip's duparg2(): a keyword given twice, or a word where none belongs; exit(-1). */
export function duplicateArgument(keyword: string, word: string): CliUsageError {
  return new CliUsageError(`Error: either "${keyword}" is duplicate, or "${word}" is a garbage.`, 255, true);
}

/**
 * strtoul(word, &end, base) over the whole word, as lib/utils.c's get_u32 and
 * get_unsigned read numbers: leading blanks and a sign allowed, base 0 takes
 * `0x` hex and `0` octal, base 16 an optional `0x`; -1 for a word with no
 * digits or anything after them, or a negative value (strtoul wraps it past
 * every limit ip checks). A char loop: route and address lines of a batch
 * call it thousands of times.
 */
export function strtoulWord(word: string, base: 0 | 10 | 16 = 0): number {
  const n = word.length;
  let i = 0;
  while (i < n) {
    const c = word.charCodeAt(i);
    if (c !== 0x20 && (c < 0x09 || c > 0x0d)) break;
    i++;
  }
  let negative = false;
  let radix: number = base;
  const sign = word.charCodeAt(i);
  if (sign === 0x2b || sign === 0x2d) { negative = sign === 0x2d; i++; }
  if ((base === 0 || base === 16) && word.charCodeAt(i) === 0x30 && (word.charCodeAt(i + 1) | 0x20) === 0x78 && hexDigit(word.charCodeAt(i + 2)) >= 0) {
    radix = 16;
    i += 2;
  } else if (base === 0) radix = word.charCodeAt(i) === 0x30 ? 8 : 10;
  if (i >= n) return -1;
  let value = 0;
  for (; i < n; i++) {
    const digit = hexDigit(word.charCodeAt(i));
    if (digit < 0 || digit >= radix) return -1;
    value = value * radix + digit;
  }
  // Past 2^53 the value is only compared with limits far below it.
  return negative && value !== 0 ? -1 : Math.min(value, Number.MAX_SAFE_INTEGER);
}

function hexDigit(c: number): number {
  if (c >= 0x30 && c <= 0x39) return c - 0x30;
  const lower = c | 0x20;
  return lower >= 0x61 && lower <= 0x66 ? lower - 0x61 + 10 : -1;
}

/** A number ip reads with get_u32/get_unsigned (get_u16, get_u8 with a smaller `max`): else ip's invarg with its `message`. */
export function unsignedArgument(word: string, max: number, message: string): number {
  const n = strtoulWord(word);
  if (n < 0 || n > max) throw invalidArgument(message, word);
  return n;
}

/** A non-negative integer word (decimal, 0x hex or 0 octal, as strtoul with base 0). */
export function parseUnsigned(word: string, what: string, max = 0xffffffff): number {
  const n = strtoulWord(word);
  if (n < 0 || n > max) throw invalidArgument(`invalid "${what}" value`, word);
  return n;
}

/** get_integer(): strtol(word, &end, 0) over the whole word into a C int; undefined where ip fails. */
export function integerWord(word: string): number | undefined {
  let i = 0;
  while (i < word.length && (word.charCodeAt(i) === 0x20 || (word.charCodeAt(i) >= 0x09 && word.charCodeAt(i) <= 0x0d))) i++;
  const negative = word.charCodeAt(i) === 0x2d;
  const rest = negative ? word.slice(i + 1) : word;
  // After a minus sign, strtol takes no second sign or blank.
  if (negative && !(rest.charCodeAt(0) >= 0x30 && rest.charCodeAt(0) <= 0x39)) return undefined;
  const magnitude = strtoulWord(rest);
  if (magnitude < 0) return undefined;
  const value = negative ? -magnitude : magnitude;
  return value < -0x80000000 || value > 0x7fffffff ? undefined : value;
}
