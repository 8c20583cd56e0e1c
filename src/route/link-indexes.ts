import type { RouteContext } from './context.js';
import { resolveLinkIndex, resolveLinkIndexAsync, type LinkRef } from './resolve.js';

/**
 * ifindexes of the link names a batch mentions, each name looked up once
 * (one direct RTM_GETLINK per distinct name, never a dump); indexes pass through.
 */
export class LinkIndexes {
  private readonly byName = new Map<string, number>();

  static resolve(ctx: RouteContext, refs: Iterable<LinkRef | undefined>): LinkIndexes {
    const indexes = new LinkIndexes();
    for (const ref of refs) {
      if (typeof ref === 'string' && !indexes.byName.has(ref)) indexes.byName.set(ref, resolveLinkIndex(ctx, ref));
    }
    return indexes;
  }

  static async resolveAsync(ctx: RouteContext, refs: Iterable<LinkRef | undefined>): Promise<LinkIndexes> {
    const indexes = new LinkIndexes();
    for (const ref of refs) {
      if (typeof ref === 'string' && !indexes.byName.has(ref)) indexes.byName.set(ref, await resolveLinkIndexAsync(ctx, ref));
    }
    return indexes;
  }

  /** The ifindex of a ref given to `resolve`. */
  of(ref: LinkRef): number {
    return typeof ref === 'number' ? ref : this.byName.get(ref)!;
  }
}
