// What the agent keeps between calls (docs/cni.md, "What the agent keeps"):
// per namespace that plays the host, one rtnetlink and one nftables
// connection, the bridges it has checked and the gateway addresses and
// sysctls it has set, that nlkit-portmap's table and chains exist and where
// it set route_localnet; per host-local data directory, the allocations read
// from disk. Facts are dropped when a call using them fails, when the host
// namespace behind a name is another one, and after FACT_TTL_MS, so a change
// made behind the agent's back is repaired within that time, as the
// reference repairs it on its next ADD. The standalone plugin has no cache.
import { statSync } from 'node:fs';
import { netnsPath, openNftables, openRoute, type Link, type NftablesConnection, type RouteConnection } from '../../index.js';
import type { RunCniOptions } from '../call.js';
import { CniError } from '../errors.js';
import { HostLocalMemory } from '../ipam/host-local/memory.js';

/** How long a fact about the host (a bridge checked, a gateway set) is trusted. */
export const FACT_TTL_MS = 5_000;

/** One namespace that plays the host: its connections and what is known about it. */
export class HostState {
  /** Calls using the connections now; a dropped state closes them when the last one is done. */
  private users = 0;
  private dropped = false;
  private nft: NftablesConnection | undefined;
  private slow: RouteConnection | undefined;
  private readonly facts = new Map<string, { at: number; value: unknown }>();

  constructor(readonly route: RouteConnection, private readonly openNft: () => NftablesConnection, readonly identity: string, private readonly openRouteAgain?: () => RouteConnection) {}

  /** The nftables connection, opened on first use. */
  nftables(): NftablesConnection {
    this.nft ??= this.openNft();
    return this.nft;
  }

  /**
   * A second rtnetlink connection, opened on first use, for requests the
   * kernel spends milliseconds inside (a device's delete) sent with the
   * Async methods: they wait on a worker thread, queued one after another,
   * while `route` stays free for the other calls. It is kept open like the
   * others (a socket closed right after it deleted a device took 8-15 ms in
   * close() here).
   */
  slowRoute(): RouteConnection {
    this.slow ??= (this.openRouteAgain ?? (() => { throw new Error('HostState: no second rtnetlink connection'); }))();
    return this.slow;
  }

  /** A fact recorded less than FACT_TTL_MS ago, else undefined. */
  fact<T>(key: string): T | undefined {
    const entry = this.facts.get(key);
    if (!entry) return undefined;
    if (performance.now() - entry.at > FACT_TTL_MS) {
      this.facts.delete(key);
      return undefined;
    }
    return entry.value as T;
  }

  remember(key: string, value: unknown): void {
    this.facts.set(key, { at: performance.now(), value });
  }

  forget(key: string): void {
    this.facts.delete(key);
  }

  /** Cached bridge by name (see ensureBridge). */
  bridge(name: string): Link | undefined {
    return this.fact<Link>(`bridge:${name}`);
  }

  enter(): void {
    this.users++;
  }

  leave(): void {
    this.users--;
    if (this.dropped && this.users === 0) this.closeNow();
  }

  /** Forgets everything; the connections close once no call uses them. */
  drop(): void {
    this.dropped = true;
    this.facts.clear();
    if (this.users === 0) this.closeNow();
  }

  get isDropped(): boolean {
    return this.dropped;
  }

  private closeNow(): void {
    try {
      this.route.close();
    } catch {
      // already closed
    }
    for (const conn of [this.nft, this.slow]) {
      try {
        conn?.close();
      } catch {
        // already closed
      }
    }
    this.nft = undefined;
    this.slow = undefined;
  }
}

/**
 * Runs `fn` with the agent's state of the namespace that plays the host
 * (entered before, left after), or with none for a standalone call or a host
 * the agent cannot cache (then `fn` opens and closes its own connections).
 * A failure that is not a CniError (a kernel refusal, a closed socket) drops
 * the state: what the agent knew, or its connection, may be what failed.
 */
export async function withHostState<T>(options: RunCniOptions, fn: (state: HostState | undefined) => T | Promise<T>): Promise<T> {
  const state = options.cache?.host(options);
  try {
    return await fn(state);
  } catch (error) {
    if (state && !(error instanceof CniError)) state.drop();
    throw error;
  } finally {
    state?.leave();
  }
}

/** A connection of its own to the host's nftables, for a call the agent's state does not serve. */
export function openHostNftables(options: RunCniOptions): NftablesConnection {
  return openNftables(options.hostNetns === undefined ? {} : { netns: options.hostNetns });
}

/**
 * Runs `fn` on the agent's nftables connection of the host, with its state,
 * or on a connection of its own (closed after) for a standalone call; a
 * failure drops the state as in {@link withHostState}.
 */
export function withHostNftables<T>(options: RunCniOptions, fn: (nft: NftablesConnection, state: HostState | undefined) => T): T {
  const state = options.cache?.host(options);
  if (!state) {
    const nft = openHostNftables(options);
    try {
      return fn(nft, undefined);
    } finally {
      nft.close();
    }
  }
  try {
    return fn(state.nftables(), state);
  } catch (error) {
    if (!(error instanceof CniError)) state.drop();
    throw error;
  } finally {
    state.leave();
  }
}

/** The identity of the namespace a host key names now (device and inode of its nsfs file). */
function identityOf(ref: RunCniOptions['hostNetns']): string | undefined {
  if (ref === undefined) return 'self';
  const path = typeof ref === 'string' ? netnsPath(ref) : 'name' in ref ? netnsPath(ref.name) : 'path' in ref ? ref.path : undefined;
  // A pid or an fd may name another namespace on every call: not cached.
  if (path === undefined) return undefined;
  try {
    const st = statSync(path);
    return `${st.dev}:${st.ino}`;
  } catch {
    return undefined;
  }
}

/** The agent's cache; a plugin call finds it in `RunCniOptions.cache`. */
export class CniCache {
  private readonly hosts = new Map<string, HostState>();
  /** host-local's allocations per data directory. */
  readonly ipam = new HostLocalMemory();

  /**
   * The host state for `options.hostNetns`, entered (call `leave()` when
   * done); undefined when that namespace cannot be cached.
   */
  host(options: RunCniOptions): HostState | undefined {
    const ref = options.hostNetns;
    const identity = identityOf(ref);
    if (identity === undefined) return undefined;
    const key = ref === undefined ? 'self' : typeof ref === 'string' ? `name:${ref}` : JSON.stringify(ref);
    let state = this.hosts.get(key);
    if (state && (state.identity !== identity || state.isDropped)) {
      // Deleted and made again under the same name: another namespace, nothing known about it.
      state.drop();
      this.hosts.delete(key);
      state = undefined;
    }
    if (!state) {
      const netns = ref === undefined ? {} : { netns: ref };
      state = new HostState(openRoute(netns), () => openNftables(netns), identity, () => openRoute(netns));
      this.hosts.set(key, state);
    }
    state.enter();
    return state;
  }

  /** Closes every connection (the agent's close). */
  close(): void {
    for (const state of this.hosts.values()) state.drop();
    this.hosts.clear();
    this.ipam.clear();
  }
}
