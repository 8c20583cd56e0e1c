// `-batch FILE`: one command per line, as iproute2's do_batch reads them.
import { readFileSync } from 'node:fs';
import type { CliIo } from './context.js';

/** The text of a batch file, or of standard input for `-`. */
export function readBatchText(file: string, io: CliIo): string {
  return file === '-' ? (io.readStdin ? io.readStdin() : readFileSync(0, 'utf8')) : readFileSync(file, 'utf8');
}

const SPECIAL = /["'#\0]/;
const BLANKS = /[ \t\r]+/;
/** What makes a file need splitBatchLine's rules on some line: quotes, continuations, comments, NULs, tabs, CRs, or spaces that are not single separators. */
const NOT_PLAIN = /["'\\#\0\t\r]| {2}|^ | $/m;
/** iproute2's MAX_ARGS: makeargs refuses a line of more words than one less than this. */
const MAX_ARGS = 512;

/** A line ip refuses before running anything of it (makeargs exits): the batch ends there with status 1. */
export class BatchSyntaxError extends Error {
  override readonly name = 'BatchSyntaxError';
}

/** One command of a batch file. */
export interface BatchLine {
  /** 1-based line number in the file. */
  number: number;
  words: string[];
  /** The line's own `-n NAME` (an nlkit extension), else the command line's. */
  netns?: string;
  /** Where the line starts in the file's text, to read the file again from it (BatchReader.from). */
  start: number;
  /** The line number it starts on: `number` is its last line's when backslashes continue it (as ip counts). */
  firstNumber: number;
  /** ip's message for a line it cannot split (an unterminated quote, too many words): the batch ends there, status 1, even with -force. */
  fatal?: string;
}

/**
 * The commands of a batch file, read one at a time: its lines split into
 * words, blank and comment lines left out. Read as they run rather than all
 * at first, a file of 20,000 routes does not keep 20,000 arrays of words
 * alive, which the garbage collector would copy over and over. A line may
 * start with `-n NAME` (or `-netns NAME`) to run in that namespace, so one
 * file can set up many namespaces; ip has no such prefix and refuses it as
 * an unknown object.
 */
export class BatchReader {
  private at: number;
  private number: number;
  /** Whether every line is words between single spaces (as generated files are): split on ' ' then, one native call per line. */
  private readonly plain: boolean;

  /**
   * @param warn where "Missing continuation line" goes when the file ends
   *   right after a backslash-newline (ip prints it and drops that command)
   */
  constructor(private readonly text: string, private readonly warn: (message: string) => void = () => undefined, start = 0, lineNumber = 1, plain = !NOT_PLAIN.test(text)) {
    this.at = start;
    this.number = lineNumber - 1;
    this.plain = plain;
  }

  /** A reader of the same text from `line` on (that line included), to run lines again. */
  from(line: BatchLine): BatchReader {
    return new BatchReader(this.text, this.warn, line.start, line.firstNumber, this.plain);
  }

  /** The next command, or undefined at the end of the file. */
  next(): BatchLine | undefined {
    const text = this.text;
    while (this.at < text.length) {
      const start = this.at;
      let end = text.indexOf('\n', start);
      if (end < 0) end = text.length;
      this.at = end + 1;
      const firstNumber = ++this.number;
      if (end === start) continue;
      let words: string[];
      try {
        if (this.plain) {
          words = this.plainWords(start, end);
          if (words.length >= MAX_ARGS) throw new BatchSyntaxError('Too many arguments to command');
        } else {
          const line = this.continued(text.slice(start, end), end);
          if (line === undefined) return undefined;
          words = splitBatchLine(line);
        }
      } catch (error) {
        if (!(error instanceof BatchSyntaxError)) throw error;
        return { number: this.number, words: [], netns: undefined, start, firstNumber, fatal: `${error.message}\n` };
      }
      if (words.length === 0) continue;
      const first = words[0]!;
      if (words.length >= 3 && (first === '-n' || first === '-netns' || first === '--netns')) {
        return { number: this.number, words: words.slice(2), netns: words[1]!, start, firstNumber };
      }
      return { number: this.number, words, netns: undefined, start, firstNumber };
    }
    return undefined;
  }

  /**
   * `line` with the lines a backslash right before its newline continues
   * joined on, as iproute2's getcmdline joins them: a `#` comment ends the
   * line first (so a backslash inside a comment continues nothing), and a
   * file that ends after a backslash-newline drops the command with
   * "Missing continuation line" (undefined: the end of the batch).
   */
  private continued(line: string, end: number): string | undefined {
    while (line.endsWith('\\') && !line.includes('#') && end < this.text.length) {
      if (this.at >= this.text.length) {
        this.warn('Missing continuation line\n');
        return undefined;
      }
      let next = this.text.indexOf('\n', this.at);
      if (next < 0) next = this.text.length;
      line = line.slice(0, -1) + this.text.slice(this.at, next);
      end = next;
      this.at = next + 1;
      this.number++;
    }
    return line;
  }

  /** The words of a plain line, each cut straight out of the file's text (half the time of splitting a copy of the line). */
  private plainWords(start: number, end: number): string[] {
    const text = this.text;
    const words: string[] = [];
    for (let from = start; ;) {
      let space = text.indexOf(' ', from);
      if (space < 0 || space > end) space = end;
      words.push(text.slice(from, space));
      if (space === end) return words;
      from = space + 1;
    }
  }
}

/**
 * The words of one line as iproute2's getcmdline and makeargs split them: a
 * `#` anywhere starts a comment (inside quotes too), a NUL ends the line (C
 * strings), blanks separate, and a word that starts with a double or single
 * quote runs to the next same quote — which ends the word even when more
 * follows (`"l"o` is `l` and `o`). A quote inside a word and a backslash are
 * plain characters.
 * @throws BatchSyntaxError for an unterminated quote or more than 511 words, where ip exits.
 */
export function splitBatchLine(line: string): string[] {
  if (SPECIAL.test(line)) {
    const nul = line.indexOf('\0');
    if (nul >= 0) line = line.slice(0, nul);
    const hash = line.indexOf('#');
    if (hash >= 0) line = line.slice(0, hash);
  }
  const words: string[] = [];
  if (!line.includes('"') && !line.includes("'")) {
    // Most lines hold plain words: one split instead of a walk per character.
    for (const word of line.split(BLANKS)) if (word !== '') words.push(word);
    if (words.length >= MAX_ARGS) throw new BatchSyntaxError('Too many arguments to command');
    return words;
  }
  const blank = (c: string | undefined): boolean => c === ' ' || c === '\t' || c === '\r' || c === '\n';
  for (let i = 0; ;) {
    while (blank(line[i])) i++;
    if (i >= line.length) return words;
    if (words.length >= MAX_ARGS - 1) throw new BatchSyntaxError('Too many arguments to command');
    const c = line[i]!;
    if (c === '"' || c === "'") {
      const close = line.indexOf(c, i + 1);
      if (close < 0) throw new BatchSyntaxError('Unterminated quoted string');
      words.push(line.slice(i + 1, close));
      // makeargs overwrites the closing quote with the word's end: what follows it starts the next word.
      i = close + 1;
    } else {
      let end = i;
      while (end < line.length && !blank(line[end])) end++;
      words.push(line.slice(i, end));
      i = end + 1;
    }
  }
}
