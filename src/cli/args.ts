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

/** A non-negative integer word (decimal, 0x hex or 0 octal, as strtoul with base 0). */
export function parseUnsigned(word: string, what: string, max = 0xffffffff): number {
  let n: number;
  if (/^0x[0-9a-f]+$/i.test(word)) n = parseInt(word.slice(2), 16);
  else if (/^0[0-7]+$/.test(word)) n = parseInt(word.slice(1), 8);
  else if (/^\d+$/.test(word)) n = Number(word);
  else throw invalidArgument(`invalid "${what}" value`, word);
  if (n > max) throw invalidArgument(`invalid "${what}" value`, word);
  return n;
}
