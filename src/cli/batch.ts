// `-batch FILE`: one command per line, as iproute2's do_batch reads them.
import { readFileSync } from 'node:fs';
import type { CliIo } from './context.js';

/** The lines of a batch file, or of standard input for `-`; a backslash at the end of a line continues it. */
export function readBatchLines(file: string, io: CliIo): string[] {
  const text = file === '-' ? (io.readStdin ? io.readStdin() : readFileSync(0, 'utf8')) : readFileSync(file, 'utf8');
  const lines = text.split('\n');
  if (lines.at(-1) === '') lines.pop();
  return lines;
}

const SPECIAL = /["'\\#]/;
const BLANKS = /[ \t\r]+/;

/** One command of a batch file. */
export interface BatchLine {
  /** 1-based line number in the file. */
  number: number;
  words: string[];
  /** The line's own `-n NAME` (an nlkit extension), else the command line's. */
  netns?: string;
}

/**
 * The commands of a batch file: its lines split into words, blank and
 * comment lines left out. A line may start with `-n NAME` (or `-netns
 * NAME`) to run in that namespace, so one file can set up many namespaces;
 * ip has no such prefix and refuses it as an unknown object.
 */
export function batchCommands(lines: readonly string[]): BatchLine[] {
  const commands: BatchLine[] = [];
  for (let n = 0; n < lines.length; n++) {
    const words = splitBatchLine(lines[n]!);
    if (words.length === 0) continue;
    const first = words[0]!;
    if (words.length >= 3 && (first === '-n' || first === '-netns' || first === '--netns')) {
      commands.push({ number: n + 1, words: words.slice(2), netns: words[1]! });
    } else commands.push({ number: n + 1, words });
  }
  return commands;
}

/**
 * The words of one line as iproute2's makeargs splits them: blanks separate,
 * `#` starts a comment, double or single quotes group, a backslash escapes
 * the next character.
 */
export function splitBatchLine(line: string): string[] {
  // Most lines hold plain words: one split instead of a walk per character.
  if (!SPECIAL.test(line)) {
    const words = line.split(BLANKS);
    if (words[0] === '') words.shift();
    if (words.at(-1) === '') words.pop();
    return words;
  }
  const words: string[] = [];
  let word: string | undefined;
  let quote: string | undefined;
  for (let i = 0; i < line.length; i++) {
    const c = line[i]!;
    if (quote) {
      if (c === quote) quote = undefined;
      else word += c;
      continue;
    }
    if (c === '"' || c === "'") {
      quote = c;
      word ??= '';
    } else if (c === '\\' && i + 1 < line.length) {
      word = (word ?? '') + line[++i];
    } else if (c === '#') {
      break;
    } else if (c === ' ' || c === '\t' || c === '\r') {
      if (word !== undefined) words.push(word);
      word = undefined;
    } else word = (word ?? '') + c;
  }
  if (word !== undefined) words.push(word);
  return words;
}
