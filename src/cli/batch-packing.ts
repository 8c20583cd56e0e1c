// -batch speed: runs of consecutive `route add`, `route del`, `address add`
// and `address del` lines of one namespace go to the kernel packed (addMany
// / deleteMany: many requests per send) instead of one round trip per line.
// The outcome is ip's, line for line: a failed line prints ip's error and
// "Command failed FILE:LINE", and without -force nothing after it stays
// applied, although the kernel ran the whole packed send: the adds after the
// failure are deleted again; for deletes, what the run removed is restored
// from a dump taken before it and the lines run again one by one.
import type { NetlinkBatchError } from '../netlink/index.js';
import { CliUsageError, matches, matchKeyword } from './args.js';
import type { BatchLine, BatchReader } from './batch.js';
import { DeleteSnapshot, type SnapshotObject } from './batch-snapshot.js';
import type { PackedServices } from './batch-services.js';
import type { CliContext } from './context.js';
import { kernelErrorLine } from './report-error.js';

export type { BatchLine } from './batch.js';

/** How the lines of one packable command are parsed and sent. */
interface PackableKind {
  object: SnapshotObject;
  deletes: boolean;
  /** A line's spec, from its words whole (object and command words first). */
  parse(ctx: CliContext, words: readonly string[]): unknown;
  many(ctx: CliContext, specs: unknown[]): void;
  /** Takes back what `many` applied (adds only; deletes restore a snapshot). */
  undo?(ctx: CliContext, specs: unknown[]): void;
  servicesOf: ServicesOf;
}

// ip's command words of `ip route` (a superset of `ip address`'s), in ip's
// order: `d` is delete, `a` is add.
const COMMAND_WORDS = ['add', 'change', 'chg', 'replace', 'prepend', 'append', 'test', 'delete', 'list', 'show', 'lst', 'flush', 'get', 'help'] as const;

/** Whether a line's object word is address or route, as ip resolves the abbreviation (`a`, `r`). */
function objectOf(word: string): SnapshotObject | undefined {
  if (matches(word, 'address')) return 'address';
  if (matches(word, 'route')) return 'route';
  return undefined;
}

type PackableKey = 'route add' | 'route delete' | 'address add' | 'address delete';

/** The packable kind of a line, without loading anything: its object and command words as ip resolves their abbreviations. */
function packableKey(words: readonly string[]): PackableKey | undefined {
  if (words.length < 2) return undefined;
  const object = objectOf(words[0]!);
  if (!object) return undefined;
  const command = matchKeyword(words[1]!, COMMAND_WORDS);
  if (command !== 'add' && command !== 'delete') return undefined;
  return `${object} ${command}`;
}

/** The packed services of a line's context: packedServices (batch-services.ts), or a test's stand-ins. */
export type ServicesOf = (ctx: CliContext) => PackedServices;

/** The packable kinds, their modules loaded when the file's first line of the object comes. */
class Kinds {
  private readonly loaded = new Map<PackableKey, PackableKind>();

  constructor(private servicesOf: ServicesOf | undefined) {}

  async load(ctx: CliContext, key: PackableKey): Promise<PackableKind> {
    let kind = this.loaded.get(key);
    if (kind) return kind;
    if (!this.servicesOf) {
      await ctx.loadSocket();
      this.servicesOf = (await import('./batch-services.js')).packedServices;
    }
    const servicesOf = this.servicesOf;
    const [object, command] = key.split(' ') as [SnapshotObject, 'add' | 'delete'];
    let parse: PackableKind['parse'];
    let service: (ctx: CliContext) => PackedServices['route' | 'addr'];
    if (object === 'route') {
      const { parseRouteSpec } = await import('./commands/route-spec.js');
      parse = (ctx, words) => parseRouteSpec(words, ctx.ipFamily(), 2);
      service = (ctx) => servicesOf(ctx).route;
    } else {
      const { parseAddressSpec } = await import('./commands/address-spec.js');
      parse = (_ctx, words) => parseAddressSpec(words, 2);
      service = (ctx) => servicesOf(ctx).addr;
    }
    kind = command === 'delete'
      ? { object, deletes: true, parse, servicesOf, many: (ctx, specs) => service(ctx).deleteMany(specs as never) }
      : { object, deletes: false, parse, servicesOf, many: (ctx, specs) => service(ctx).addMany(specs as never), undo: (ctx, specs) => service(ctx).deleteMany(specs as never) };
    this.loaded.set(key, kind);
    return kind;
  }
}

/** Whether `line` continues the run `first` started: same namespace and kind (a line with the first line's two command words is, without matching the abbreviations again). */
function continuesRun(first: BatchLine, key: PackableKey, line: BatchLine): boolean {
  if (line.netns !== first.netns) return false;
  const words = line.words;
  return (words[0] === first.words[0] && words[1] === first.words[1] && words.length > 1) || packableKey(words) === key;
}

/**
 * Lines parsed and sent per call: four of the library's sends (256 requests
 * each), few enough that a chunk's specs die young instead of 20k of them
 * living through the garbage collector's copies.
 */
const CHUNK = 1024;

/** A packed delete run's state: the dump to restore from, and the first line sent since it was taken. */
interface DeleteRun {
  snapshot: DeleteSnapshot;
  first: BatchLine;
}

/** What a run of packed lines ended with: the batch stops, or the line after the run (undefined at the end of the file). */
type RunEnd = { stop: true } | { stop: false; next: BatchLine | undefined };

/**
 * Runs a batch file's commands (read by `reader`) with packing; `runOne`
 * runs a line the ordinary way (in the context of its namespace). Returns
 * ip's exit status for the whole batch.
 */
export async function runPackedBatch(
  ctx: CliContext,
  file: string,
  reader: BatchReader,
  runOne: (ctx: CliContext, words: readonly string[]) => Promise<number>,
  servicesOf?: ServicesOf,
): Promise<number> {
  const kinds = new Kinds(servicesOf);
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
    if (line.fatal !== undefined) {
      // ip exits in makeargs: no "Command failed", and -force does not go on.
      ctx.io.stderr(line.fatal);
      status = 1;
      return true;
    }
    const lineCtx = contextOf(line);
    // `netns del` of a namespace the batch holds a socket in: let it go, or the namespace outlives the line.
    if (line.words.length >= 3 && matches(line.words[0]!, 'netns') && matches(line.words[1]!, 'delete')) lineCtx.release(line.words[2]!);
    try {
      return (await runOne(lineCtx, line.words)) !== 0 && failed(line);
    } catch (error) {
      if (!(error instanceof CliUsageError && error.exits)) throw error;
      // ip exits on this line (a wrong argument, an incomplete command): no "Command failed", and -force does not go on.
      ctx.io.stderr(`${error.message}\n`);
      status = error.status;
      return true;
    }
  };

  let line = reader.next();
  while (line) {
    const key = packableKey(line.words);
    const next = key ? reader.next() : undefined;
    // Other lines, and runs of one line, go the ordinary way.
    if (!key || !next || !continuesRun(line, key, next)) {
      if (await runLine(line)) return status;
      line = key ? next : reader.next();
      continue;
    }
    const end = await runRun(contextOf(line), await kinds.load(ctx, key), key, line, next);
    if (end.stop) return status;
    line = end.next;
  }
  return status;

  /**
   * Runs the run of `kind` lines that starts with `first` and `second` (of
   * one namespace), CHUNK at a time; returns where it ended.
   */
  async function runRun(lineCtx: CliContext, kind: PackableKind, key: PackableKey, first: BatchLine, second: BatchLine): Promise<RunEnd> {
    let deletes: DeleteRun | undefined;
    let pending: BatchLine | undefined = first;
    let following: BatchLine | undefined = second;
    /** The next line of the run, or undefined where it ends (`following` is then the line after it). */
    const take = (): BatchLine | undefined => {
      if (pending) {
        const l = pending;
        pending = undefined;
        return l;
      }
      if (following && continuesRun(first, key, following)) {
        const l = following;
        following = reader.next();
        return l;
      }
      return undefined;
    };
    for (let line = take(); line;) {
      const chunk: BatchLine[] = [];
      const specs: unknown[] = [];
      let refused: BatchLine | undefined;
      for (; line && chunk.length < CHUNK; line = take()) {
        let spec: unknown;
        try {
          spec = kind.parse(lineCtx, line.words);
        } catch {
          refused = line;
          break;
        }
        chunk.push(line);
        specs.push(spec);
      }
      if (chunk.length) {
        if (kind.deletes && !ctx.options.force) deletes ??= { snapshot: DeleteSnapshot.take(kind.servicesOf(lineCtx).socket, kind.object), first: chunk[0]! };
        const outcome = await sendChunk(lineCtx, kind, chunk, specs, deletes);
        if (outcome === 'stop') return { stop: true };
        if (outcome === 'fell-back') deletes = undefined;
      }
      if (refused) {
        // A line that does not parse: the ordinary way (ip's messages), and a new snapshot after it.
        deletes = undefined;
        if (await runLine(refused)) return { stop: true };
        line = take();
      }
    }
    return { stop: false, next: following };
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
        // The kernel also ran the deletes after the failure: back to the state before the run, then ip's way,
        // from the run's first line since the snapshot to the chunk's last (the file is read again: the lines were not kept).
        deletes.snapshot.restore();
        const last = chunk[chunk.length - 1]!.number;
        const again = reader.from(deletes.first);
        for (let line = again.next(); line && line.number <= last; line = again.next()) if (await runLine(line)) return 'stop';
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
