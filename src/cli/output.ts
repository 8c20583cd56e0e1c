// Printing a listing: ip's JSON (-j, -p) or its text.
import type { CliContext } from './context.js';
import { formatIpJson } from './json-writer.js';

/** Prints `entries` as ip does: a JSON array with -j, otherwise each entry's text. */
export function printList<T>(ctx: CliContext, entries: readonly T[], text: (entry: T) => string): void {
  if (ctx.options.json) {
    ctx.out(formatIpJson(entries, ctx.options.pretty));
    return;
  }
  let out = '';
  for (const e of entries) {
    let t = text(e);
    // -o: each entry on one line, its line breaks written as a backslash (ip's _SL_).
    if (ctx.options.oneline) t = t.replace(/\n(?!$)/g, '\\');
    out += t;
  }
  ctx.out(out);
}
