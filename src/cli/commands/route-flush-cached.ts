// `route flush cached` (`table cache`, `cloned`) as iproute2 6.1's iproute_flush
// does it: IPv4's next-hop exceptions go through /proc/sys/net/ipv4/route/flush,
// which has no selector, and only with the IPv4 dump family does ip stop
// there; otherwise it dumps the cloned routes the selection names and sends
// each back as a delete with RTM_F_CLONED, round after round until none is
// left, with -s saying how it went.
import { closeSync, openSync, writeSync } from 'node:fs';
import { withNetns } from '../../netns/index.js';
import type { Route, RouteSpec } from '../../route/index.js';
import type { CliContext } from '../context.js';
import { strerror } from '../strerror.js';
import { flushCompleteLine, flushDoneLine, flushRoundLine } from './flush-lines.js';

const ROUTE_FLUSH_PATH = '/proc/sys/net/ipv4/route/flush';
/** ip gives up on a flush that has not emptied the selection after this long. */
const FLUSH_SECONDS = 30;

/** What one cached flush works on, from the route command's selection. */
export interface CachedFlush {
  /** ip's dump family: 4 without -4/-6 (unless `table all`), undefined for both. */
  family: 4 | 6 | undefined;
  /** The cloned routes the selection names, dumped afresh for each round. */
  list(): Route[];
  /** Prints routes as `route show` does (ip prints what it deletes under -s -s). */
  print(routes: Route[]): void;
}

/**
 * Writes "-1" to the namespace's route/flush, which invalidates its IPv4
 * exceptions. /proc/sys/net answers for the network namespace of the thread
 * that opens the file, so under -n the open happens inside that namespace.
 * ip reports a failure and goes on, as this does.
 */
function flushIpv4Cache(ctx: CliContext): void {
  const write = (): void => {
    let fd: number;
    try {
      fd = openSync(ROUTE_FLUSH_PATH, 'w');
    } catch (error) {
      ctx.io.stderr(`Cannot open "${ROUTE_FLUSH_PATH}": ${strerror(-((error as NodeJS.ErrnoException).errno ?? 0))}\n`);
      return;
    }
    try {
      writeSync(fd, '-1');
    } catch {
      ctx.io.stderr('Cannot flush routing cache\n');
    } finally {
      closeSync(fd);
    }
  };
  if (ctx.options.netns === undefined) write();
  else withNetns(ctx.options.netns, write);
}

/**
 * The request that deletes one cloned route: its destination, table and
 * path, with RTM_F_CLONED so the kernel removes the exception and not the
 * table's route it was cloned from.
 */
function deletionOf(route: Route): RouteSpec {
  const spec: RouteSpec = { dst: `${route.dst ?? (route.family === 6 ? '::' : '0.0.0.0')}/${route.dstLength}`, family: route.family, table: route.table, cloned: true };
  if (route.oif !== undefined) spec.dev = route.oif;
  if (route.gateway !== undefined) spec.gateway = route.gateway;
  if (route.priority !== undefined) spec.metric = route.priority;
  return spec;
}

/** `route flush` with `cached`: the status ip ends with. */
export function flushCachedRoutes(ctx: CliContext, flush: CachedFlush): number {
  const stats = ctx.options.stats > 0;
  if (flush.family !== 6) {
    flushIpv4Cache(ctx);
    if (stats) ctx.out('*** IPv4 routing cache is flushed.\n');
    if (flush.family === 4) return 0;
  }
  const start = Date.now();
  for (let round = 0; ; round++) {
    // IPv4's exceptions went with the /proc write; one made since would be
    // deleted as its table's route (IPv4 ignores RTM_F_CLONED), so only IPv6's are sent back.
    const doomed = flush.list().filter((r) => r.family === 6);
    if (doomed.length === 0) {
      if (stats) {
        // After the IPv4 cache's line, a flush that found nothing says it is complete after 0 rounds.
        ctx.out(flush.family === 6 ? flushDoneLine(round) : flushCompleteLine(round));
      }
      return 0;
    }
    if (ctx.options.stats > 1) flush.print(doomed);
    ctx.rt().route.deleteMany(doomed.map(deletionOf));
    const seconds = Math.floor((Date.now() - start) / 1000);
    if (seconds > FLUSH_SECONDS) {
      ctx.out(`\n*** Flush not completed after ${seconds} seconds, ${doomed.length} entries remain ***\n`);
      return 255;
    }
    if (stats) ctx.out(flushRoundLine(round, doomed.length, 'entries'));
  }
}
