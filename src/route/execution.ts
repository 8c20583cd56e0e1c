import type { Operation } from '../netlink/errors.js';
import type { Request } from '../netlink/socket.js';
import type { RouteContext } from './context.js';
import type { LinkRef } from './resolve.js';
import { LinkIndexes } from './link-indexes.js';

/**
 * How a service sends validated specs: the links a spec names (resolved
 * before anything is sent), the request once they are, and how to name the
 * spec when the kernel refuses it.
 */
export interface RequestPlan<P> {
  links(prepared: P): Iterable<LinkRef | undefined>;
  request(prepared: P, links: LinkIndexes): Request;
  op(prepared: P): Operation;
}

/**
 * The links every spec of a batch names, in one flat list. A loop rather
 * than a generator: a batch of 20,000 routes (`nlkit -batch`) runs this once,
 * mostly before V8 has compiled it, and a generator's yield* per spec cost
 * about 5% of such a batch's CPU time.
 */
function linksOfAll<P>(prepared: readonly P[], plan: RequestPlan<P>): (LinkRef | undefined)[] {
  const links: (LinkRef | undefined)[] = [];
  for (let i = 0; i < prepared.length; i++) {
    for (const ref of plan.links(prepared[i]!)) links.push(ref);
  }
  return links;
}

export function executeOne<P>(ctx: RouteContext, prepared: P, plan: RequestPlan<P>): void {
  const links = LinkIndexes.resolve(ctx, plan.links(prepared));
  ctx.socket.execute(plan.request(prepared, links), plan.op(prepared));
}

export async function executeOneAsync<P>(ctx: RouteContext, prepared: P, plan: RequestPlan<P>): Promise<void> {
  const links = await LinkIndexes.resolveAsync(ctx, plan.links(prepared));
  await ctx.socket.executeAsync(plan.request(prepared, links), plan.op(prepared));
}

/** Packed into few sends; failures come back together as a NetlinkBatchError naming each index. */
export function executeAll<P>(ctx: RouteContext, prepared: readonly P[], plan: RequestPlan<P>): void {
  if (prepared.length === 0) return;
  const links = LinkIndexes.resolve(ctx, linksOfAll(prepared, plan));
  ctx.socket.executeMany(prepared.map((p) => plan.request(p, links)), (i) => plan.op(prepared[i]!));
}

export async function executeAllAsync<P>(ctx: RouteContext, prepared: readonly P[], plan: RequestPlan<P>): Promise<void> {
  if (prepared.length === 0) return;
  const links = await LinkIndexes.resolveAsync(ctx, linksOfAll(prepared, plan));
  await ctx.socket.executeManyAsync(prepared.map((p) => plan.request(p, links)), (i) => plan.op(prepared[i]!));
}
