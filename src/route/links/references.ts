import { NETLINK_ROUTE } from '../../generated/netlink.js';
import { openNetns, type NetnsHandle, type NetnsRef } from '../../netns/reference.js';
import { openNetlinkSocket } from '../../netns/socket.js';
import type { RouteContext } from '../context.js';
import type { LinkRef } from '../resolve.js';
import type { KindEncodeContext } from './kinds/index.js';
import { jsonOf } from '../../netlink/checks.js';

/**
 * The numbers a request needs for the names in its spec: link indexes looked
 * up before sending, and namespace fds held open until the request is done.
 */
export class References implements KindEncodeContext {
  // Most requests name neither (set up, delete): the maps are made on first use.
  private indexes: Map<string, number> | undefined;
  private handles: Map<NetnsRef, NetnsHandle> | undefined;

  /** Opens every namespace (nothing is sent); on failure closes what it opened. */
  open(namespaces: readonly NetnsRef[]): this {
    if (namespaces.length === 0) return this;
    const handles = (this.handles ??= new Map());
    try {
      for (const ref of namespaces) if (!handles.has(ref)) handles.set(ref, openNetns(ref));
    } catch (error) {
      this.close();
      throw error;
    }
    return this;
  }

  handle(ref: NetnsRef): NetnsHandle {
    const handle = this.handles?.get(ref);
    if (!handle) throw new Error(`namespace ${jsonOf(ref)} was not opened before encoding`);
    return handle;
  }

  setIndex(name: string, index: number): void {
    (this.indexes ??= new Map()).set(name, index);
  }

  linkIndex(ref: LinkRef): number {
    if (typeof ref === 'number') return ref;
    const index = this.indexes?.get(ref);
    if (index === undefined) throw new Error(`link "${ref}" was not resolved before encoding`);
    return index;
  }

  netnsFd(ref: NetnsRef): number {
    return this.handle(ref).fd;
  }

  close(): void {
    if (!this.handles) return;
    for (const handle of this.handles.values()) handle.close();
    this.handles.clear();
  }
}

/** Runs `fn` with a route context bound to another namespace, for the rare lookups made there. */
export function withRouteIn<T>(handle: NetnsHandle, fn: (ctx: RouteContext) => T): T {
  const socket = openNetlinkSocket(NETLINK_ROUTE, { netns: handle });
  const ctx: RouteContext = { socket, label: handle.label };
  let result: T;
  try {
    result = fn(ctx);
  } catch (error) {
    socket.close();
    throw error;
  }
  if (result instanceof Promise) return result.finally(() => socket.close()) as T;
  socket.close();
  return result;
}
