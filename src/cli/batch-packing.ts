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

/** Most lines packed into one call (the library still packs at most 256 requests per send). */
const MAX_PACK = 65536;

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
    if (!kind) {
      if (await runLine(first)) return status;
      i++;
      continue;
    }
    // The run of lines of the same kind and namespace that parse; a line that does not parse ends it.
    const lineCtx = contextOf(first);
    const group: BatchLine[] = [];
    const specs: unknown[] = [];
    while (i < lines.length && group.length < MAX_PACK) {
      const line = lines[i]!;
      if (line.netns !== first.netns || kindOf(kinds, line.words) !== kind) break;
      let spec: unknown;
      try {
        spec = kind.parse(lineCtx, line.words.slice(2));
      } catch {
        break;
      }
      group.push(line);
      specs.push(spec);
      i++;
    }
    // A line that does not parse, or a run of one: the ordinary way (ip's messages, one round trip).
    if (group.length <= 1) {
      if (await runLine(group[0] ?? first)) return status;
      if (group.length === 0) i++;
      continue;
    }
    if (await runGroup(lineCtx, kind, group, specs)) return status;
  }
  return status;

  /** Sends a run packed and reports its failures as ip would have; true when the batch stops. */
  async function runGroup(lineCtx: CliContext, kind: PackableKind, group: BatchLine[], specs: unknown[]): Promise<boolean> {
    const snapshot = kind.deletes && !ctx.options.force ? DeleteSnapshot.take(lineCtx.rt().socket, kind.object) : undefined;
    try {
      kind.many(lineCtx, specs);
      return false;
    } catch (error) {
      if (!(error instanceof Error && error.name === 'NetlinkBatchError')) {
        // Refused before sending (a link that does not exist, a spec nlkit rejects): nothing was applied.
        for (const line of group) if (await runLine(line)) return true;
        return false;
      }
      const failures = new Map((error as NetlinkBatchError).failures.map((f) => [f.index, f.error]));
      if (snapshot) {
        // The kernel also ran the deletes after the failure: back to the state before the run, then ip's way.
        snapshot.restore();
        for (const line of group) if (await runLine(line)) return true;
        return false;
      }
      for (let n = 0; n < group.length; n++) {
        const e = failures.get(n);
        if (!e) continue;
        ctx.io.stderr(`${kernelErrorLine(e)}\n`);
        if (failed(group[n]!)) {
          const applied = specs.slice(n + 1).filter((_, k) => !failures.has(n + 1 + k));
          if (applied.length && kind.undo) kind.undo(lineCtx, applied);
          return true;
        }
      }
      return false;
    }
  }
}
