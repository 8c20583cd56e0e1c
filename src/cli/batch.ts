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

/**
 * The words of one line as iproute2's makeargs splits them: blanks separate,
 * `#` starts a comment, double or single quotes group, a backslash escapes
 * the next character.
 */
export function splitBatchLine(line: string): string[] {
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
