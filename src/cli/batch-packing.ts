// -batch speed: runs of consecutive `route add`, `route del`, `address add`
// and `address del` lines of one namespace go to the kernel packed (addMany
// / deleteMany: many requests per send) instead of one round trip per line.
// The outcome is ip's, line for line: a failed line prints ip's error and
// "Command failed FILE:LINE", and without -force nothing after it stays
// applied, although the kernel ran the whole packed send: the adds after the
// failure are deleted again; for deletes, what the run removed is restored
// from a dump taken before it and the lines run again one by one.
import type { NetlinkBatchError } from '../netlink/index.js';
import { matches, matchKeyword } from './args.js';
import type { BatchLine } from './batch.js';
import { DeleteSnapshot, type SnapshotObject } from './batch-snapshot.js';
import type { CliContext } from './context.js';
import { kernelErrorLine } from './report-error.js';

export type { BatchLine } from './batch.js';

/** How the lines of one packable command are parsed and sent. */
interface PackableKind {
  key: string;
  object: SnapshotObject;
  deletes: boolean;
  parse(ctx: CliContext, args: readonly string[]): unknown;
  many(ctx: CliContext, specs: unknown[]): void;
  /** Takes back what `many` applied (adds only; deletes restore a snapshot). */
  undo?(ctx: CliContext, specs: unknown[]): void;
}

// ip's command words of `ip route` (a superset of `ip address`'s), in ip's
// order: `d` is delete, `a` is add.
const COMMAND_WORDS = ['add', 'change', 'chg', 'replace', 'prepend', 'append', 'test', 'delete', 'list', 'show', 'lst', 'flush', 'get', 'help'] as const;

interface Kinds {
  routeAdd?: PackableKind;
  routeDelete?: PackableKind;
  addressAdd?: PackableKind;
  addressDelete?: PackableKind;
}

/** Whether a line's object word is address or route, as ip resolves the abbreviation (`a`, `r`). */
function objectOf(word: string): SnapshotObject | undefined {
  if (matches(word, 'address')) return 'address';
  if (matches(word, 'route')) return 'route';
  return undefined;
}

/** Loads the command modules the file's packable lines need, once, before the lines run. */
async function loadKinds(ctx: CliContext, lines: readonly BatchLine[]): Promise<Kinds> {
  let routes = false;
  let addresses = false;
  for (const { words } of lines) {
    const object = words.length > 1 ? objectOf(words[0]!) : undefined;
    if (object === 'route') routes = true;
    else if (object === 'address') addresses = true;
    if (routes && addresses) break;
  }
  const kinds: Kinds = {};
  if (routes || addresses) await ctx.load();
  if (routes) {
    const { parseRouteSpec } = await import('./commands/route.js');
    const parse = (ctx: CliContext, args: readonly string[]) => parseRouteSpec(args, ctx.ipFamily());
    kinds.routeAdd = {
      key: 'route add', object: 'route', deletes: false, parse,
      many: (ctx, specs) => ctx.rt().route.addMany(specs as never),
      undo: (ctx, specs) => ctx.rt().route.deleteMany(specs as never),
    };
    kinds.routeDelete = { key: 'route delete', object: 'route', deletes: true, parse, many: (ctx, specs) => ctx.rt().route.deleteMany(specs as never) };
  }
  if (addresses) {
    const { parseAddressSpec } = await import('./commands/address.js');
    const parse = (_ctx: CliContext, args: readonly string[]) => parseAddressSpec(args);
    kinds.addressAdd = {
      key: 'address add', object: 'address', deletes: false, parse,
      many: (ctx, specs) => ctx.rt().addr.addMany(specs as never),
      undo: (ctx, specs) => ctx.rt().addr.deleteMany(specs as never),
    };
    kinds.addressDelete = { key: 'address delete', object: 'address', deletes: true, parse, many: (ctx, specs) => ctx.rt().addr.deleteMany(specs as never) };
  }
  return kinds;
}

/** The packable kind of a line, or undefined. */
function kindOf(kinds: Kinds, words: readonly string[]): PackableKind | undefined {
  if (words.length < 2) return undefined;
  const object = objectOf(words[0]!);
  if (!object) return undefined;
  const command = matchKeyword(words[1]!, COMMAND_WORDS);
  if (command === 'add') return object === 'route' ? kinds.routeAdd : kinds.addressAdd;
  if (command === 'delete') return object === 'route' ? kinds.routeDelete : kinds.addressDelete;
  return undefined;
}

/**
 * Lines parsed and sent per call: four of the library's sends (256 requests
 * each), few enough that a chunk's specs die young instead of 20k of them
 * living through the garbage collector's copies.
 */
const CHUNK = 1024;

/** A packed delete run's state: the dump to restore from, and the lines sent since it was taken. */
interface DeleteRun {
  snapshot: DeleteSnapshot;
  sent: BatchLine[];
}

/**
 * Runs `lines` (a batch file's commands) with packing; `runOne` runs a line
 * the ordinary way (in the context of its namespace). Returns ip's exit
 * status for the whole batch.
 */
export async function runPackedBatch(
  ctx: CliContext,
  file: string,
  lines: readonly BatchLine[],
  runOne: (ctx: CliContext, words: readonly string[]) => Promise<number>,
): Promise<number> {
  const kinds = await loadKinds(ctx, lines);
  const contexts = new Map<string, CliContext>();
  const contextOf = (line: BatchLine): CliContext => {
    if (line.netns === undefined) return ctx;
    let c = contexts.get(line.netns);
    if (!c) contexts.set(line.netns, (c = ctx.inNetns(line.netns)));
    return c;
  };
  let status = 0;
  /** Reports a failed line; true when the batch stops there. */
  const failed = (line: BatchLine): boolean => {
    ctx.io.stderr(`Command failed ${file}:${line.number}\n`);
    status = 1;
    return !ctx.options.force;
  };
  const runLine = async (line: BatchLine): Promise<boolean> => {
    const lineCtx = contextOf(line);
    // `netns del` of a namespace the batch holds a socket in: let it go, or the namespace outlives the line.
    if (line.words.length >= 3 && matches(line.words[0]!, 'netns') && matches(line.words[1]!, 'delete')) lineCtx.release(line.words[2]!);
    return (await runOne(lineCtx, line.words)) !== 0 && failed(line);
  };

  let i = 0;
  while (i < lines.length) {
    const first = lines[i]!;
    const kind = kindOf(kinds, first.words);
    // The run of lines of the same kind and namespace; other lines, and runs of one line, go the ordinary way.
    let end = i + 1;
    // (A line with the first line's two command words is of its kind without matching the abbreviations again.)
    const [w0, w1] = first.words;
    const sameKind = (words: readonly string[]) => (words[0] === w0 && words[1] === w1) || kindOf(kinds, words) === kind;
    if (kind) while (end < lines.length && lines[end]!.netns === first.netns && sameKind(lines[end]!.words)) end++;
    if (!kind || end === i + 1) {
      if (await runLine(first)) return status;
      i++;
      continue;
    }
    if (await runRun(contextOf(first), kind, i, end)) return status;
    i = end;
  }
  return status;

  /** Runs lines [start, end) of one kind and namespace, CHUNK at a time; true when the batch stops. */
  async function runRun(lineCtx: CliContext, kind: PackableKind, start: number, end: number): Promise<boolean> {
    let deletes: DeleteRun | undefined;
    for (let at = start; at < end;) {
      const chunk: BatchLine[] = [];
      const specs: unknown[] = [];
      for (; at < end && chunk.length < CHUNK; at++) {
        const line = lines[at]!;
        let spec: unknown;
        try {
          spec = kind.parse(lineCtx, line.words.slice(2));
        } catch {
          break;
        }
        chunk.push(line);
        specs.push(spec);
      }
      if (chunk.length === 0) {
        // A line that does not parse: the ordinary way (ip's messages), and a new snapshot after it.
        deletes = undefined;
        if (await runLine(lines[at++]!)) return true;
        continue;
      }
      if (kind.deletes && !ctx.options.force) {
        deletes ??= { snapshot: DeleteSnapshot.take(lineCtx.rt().socket, kind.object), sent: [] };
        deletes.sent.push(...chunk);
      }
      const outcome = await sendChunk(lineCtx, kind, chunk, specs, deletes);
      if (outcome === 'stop') return true;
      if (outcome === 'fell-back') deletes = undefined;
    }
    return false;
  }

  /** Sends a chunk packed and reports its failures as ip would have. */
  async function sendChunk(lineCtx: CliContext, kind: PackableKind, chunk: BatchLine[], specs: unknown[], deletes: DeleteRun | undefined): Promise<'sent' | 'fell-back' | 'stop'> {
    try {
      kind.many(lineCtx, specs);
      return 'sent';
    } catch (error) {
      if (!(error instanceof Error && error.name === 'NetlinkBatchError')) {
        // Refused before sending (a link that does not exist, a spec nlkit rejects): nothing of the chunk was applied.
        for (const line of chunk) if (await runLine(line)) return 'stop';
        return 'fell-back';
      }
      if (deletes) {
        // The kernel also ran the deletes after the failure: back to the state before the run, then ip's way.
        deletes.snapshot.restore();
        for (const line of deletes.sent) if (await runLine(line)) return 'stop';
        return 'fell-back';
      }
      const failures = new Map((error as NetlinkBatchError).failures.map((f) => [f.index, f.error]));
      for (let n = 0; n < chunk.length; n++) {
        const e = failures.get(n);
        if (!e) continue;
        ctx.io.stderr(`${kernelErrorLine(e)}\n`);
        if (failed(chunk[n]!)) {
          const applied = specs.slice(n + 1).filter((_, k) => !failures.has(n + 1 + k));
          if (applied.length && kind.undo) kind.undo(lineCtx, applied);
          return 'stop';
        }
      }
      return 'sent';
    }
  }
}
