// The layout of `nft list ruleset`: tabs for indentation, a blank line between
// the objects of a table, strings quoted as nft quotes them.

/** One level of indentation (nft indents with tabs). */
export const TAB = '\t';

/** A string in double quotes, as nft prints names, comments and interface names. */
export function quoted(s: string): string {
  return `"${s}"`;
}

/** A declaration inside a table: `set NAME`, `chain NAME`..., and its lines (already indented). */
export interface Block {
  /** The words before `{`. */
  open: string;
  /** Kernel handle, printed as `{ # handle N` with nft's `-a`. */
  handle?: number;
  lines: string[];
}

/** A table's declaration: `open {`, its head lines, then its blocks, a blank line between them. */
export function tableText(table: Block, blocks: readonly Block[], handles: boolean): string[] {
  const brace = (b: Block) => `${b.open} {${handles && b.handle !== undefined ? ` # handle ${b.handle}` : ''}`;
  const out = [brace(table), ...table.lines];
  // nft ends the table's flags (not its comment alone) with an empty line.
  if (table.lines.some((l) => l.startsWith(`${TAB}flags `)) && blocks.length) out.push('');
  blocks.forEach((b, i) => {
    if (i > 0) out.push('');
    out.push(`${TAB}${brace(b)}`, ...b.lines, `${TAB}}`);
  });
  out.push('}');
  return out;
}

/** Durations as nft prints them: `1d2h3m4s5ms`, from milliseconds. */
export function duration(ms: number): string {
  if (ms === 0) return '0s';
  const parts: [number, string][] = [[86_400_000, 'd'], [3_600_000, 'h'], [60_000, 'm'], [1000, 's'], [1, 'ms']];
  let rest = ms;
  let out = '';
  for (const [size, unit] of parts) {
    const n = Math.floor(rest / size);
    if (n > 0) out += `${n}${unit}`;
    rest -= n * size;
  }
  return out;
}
