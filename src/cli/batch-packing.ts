// -batch speed: runs of consecutive `route add` / `address add` lines go to
// the kernel packed (addMany: many requests per send) instead of one round
// trip per line. The outcome is ip's, line for line: a failed line prints
// ip's error and "Command failed FILE:LINE"; without -force, the lines after
// the first failure, which the kernel also applied, are taken back (deleted),
// so the namespace ends as `ip -batch` leaves it.
import type { NetlinkBatchError } from '../netlink/index.js';
import { matches, matchKeyword } from './args.js';
import type { CliContext } from './context.js';
import { kernelErrorLine } from './report-error.js';

/** How a packable line is parsed and sent. */
interface PackableKind {
  key: string;
  parse(ctx: CliContext, args: readonly string[]): unknown;
  addMany(ctx: CliContext, specs: unknown[]): void;
  deleteMany(ctx: CliContext, specs: unknown[]): void;
}

const ADD_WORDS = ['add', 'change', 'chg', 'replace', 'prepend', 'append', 'test', 'delete', 'list', 'show', 'lst', 'flush', 'get', 'help'] as const;

let addressKind: PackableKind | undefined;
let routeKind: PackableKind | undefined;

/** The packable kind of a line, or undefined; the command modules load once. */
async function kindOf(words: readonly string[]): Promise<PackableKind | undefined> {
  const [object, command] = words;
  if (object === undefined || command === undefined || matchKeyword(command, ADD_WORDS) !== 'add') return undefined;
  // ip's object order: `a` is address, `r` is route (before rule).
  if (matches(object, 'address')) {
    if (!addressKind) {
      const { parseAddressSpec } = await import('./commands/address.js');
      addressKind = {
        key: 'address add',
        parse: (_ctx, args) => parseAddressSpec(args),
        addMany: (ctx, specs) => ctx.rt().addr.addMany(specs as never),
        deleteMany: (ctx, specs) => ctx.rt().addr.deleteMany(specs as never),
      };
    }
    return addressKind;
  }
  if (matches(object, 'route')) {
    if (!routeKind) {
      const { parseRouteSpec } = await import('./commands/route.js');
      routeKind = {
        key: 'route add',
        parse: (ctx, args) => parseRouteSpec(args, ctx.ipFamily()),
        addMany: (ctx, specs) => ctx.rt().route.addMany(specs as never),
        deleteMany: (ctx, specs) => ctx.rt().route.deleteMany(specs as never),
      };
    }
    return routeKind;
  }
  return undefined;
}

/** Most lines packed into one addMany call. */
const MAX_PACK = 4096;

export interface BatchLine {
  /** 1-based line number in the file. */
  number: number;
  words: string[];
}

/**
 * Runs `lines` (a batch file's commands) with packing; `runOne` runs a line
 * the ordinary way. Returns ip's exit status for the whole batch.
 */
export async function runPackedBatch(
  ctx: CliContext,
  file: string,
  lines: readonly BatchLine[],
  runOne: (words: readonly string[]) => Promise<number>,
): Promise<number> {
  let status = 0;
  const failed = (line: BatchLine): boolean => {
    ctx.io.stderr(`Command failed ${file}:${line.number}\n`);
    status = 1;
    return !ctx.options.force;
  };
  let i = 0;
  while (i < lines.length) {
    const kind = await kindOf(lines[i]!.words);
    if (!kind) {
      if ((await runOne(lines[i]!.words)) !== 0 && failed(lines[i]!)) return status;
      i++;
      continue;
    }
    // The run of lines of the same kind that parse; a line that does not parse ends it.
    const group: { line: BatchLine; spec: unknown }[] = [];
    while (i < lines.length && group.length < MAX_PACK) {
      const next = await kindOf(lines[i]!.words);
      if (next?.key !== kind.key) break;
      let spec: unknown;
      try {
        spec = kind.parse(ctx, lines[i]!.words.slice(2));
      } catch {
        break;
      }
      group.push({ line: lines[i]!, spec });
      i++;
    }
    if (group.length === 0) {
      // The line does not parse: its ordinary run prints ip's message.
      if ((await runOne(lines[i]!.words)) !== 0 && failed(lines[i]!)) return status;
      i++;
      continue;
    }
    try {
      kind.addMany(ctx, group.map((g) => g.spec));
    } catch (error) {
      if (!(error instanceof Error && error.name === 'NetlinkBatchError')) {
        // Refused before sending (a spec nlkit rejects): nothing was applied; run the lines one by one.
        for (const g of group) if ((await runOne(g.line.words)) !== 0 && failed(g.line)) return status;
        continue;
      }
      const failures = new Map((error as NetlinkBatchError).failures.map((f) => [f.index, f.error]));
      for (let n = 0; n < group.length; n++) {
        const e = failures.get(n);
        if (!e) continue;
        ctx.io.stderr(`${kernelErrorLine(e)}\n`);
        if (failed(group[n]!.line)) {
          const applied = group.slice(n + 1).filter((_, k) => !failures.has(n + 1 + k)).map((g) => g.spec);
          if (applied.length) kind.deleteMany(ctx, applied);
          return status;
        }
      }
    }
  }
  return status;
}
