// openMonitor: kernel change notifications as typed events, on the event
// loop (listeners, async iteration) or synchronously (poll). With a view it
// also lists first (no gap, no duplicate), infers the deletions the kernel
// does not announce, and resynchronises after an overrun.
import { InvalidArgumentError } from '../netlink/addresses.js';
import { describeValue, requireBoolean, requireInteger, requireObject } from '../netlink/checks.js';
import { MalformedMessageError } from '../netlink/message.js';
import { NETLINK_NETFILTER, NETLINK_ROUTE } from '../generated/netlink.js';
import { listNetns } from '../netns/lifecycle.js';
import type { NetnsHandle, NetnsRef } from '../netns/reference.js';
import { openRoute, type RouteConnection } from '../route/connection.js';
import type { Link } from '../route/links/types.js';
import { pollAnyReadable } from '../sys/libc.js';
import { decodeRouteEvent } from './decode.js';
import type { MonitorEvent, OverrunEvent, RouteObjectEvent, RouteObjectKind } from './events.js';
import { MONITOR_GROUPS, type MonitorGroup, resolveGroups } from './groups.js';
import { decodeNftablesEvent, NFTABLES_EVENT_GROUP } from './nftables-events.js';
import { Subscription, type DrainResult } from './subscription.js';
import { eventObject, NetworkView, objectKey, tracked, type ViewObjects } from './view.js';

/** Options of {@link openMonitor}. */
export interface MonitorOptions {
  /** The namespace to watch (`'pod1'`, `{ path }`, `{ pid }`, `{ fd }`, a handle); the caller's when absent. */
  netns?: NetnsRef | NetnsHandle;
  /**
   * What to subscribe to. Default: every rtnetlink group (`link`, `address`,
   * `route`, `neighbour`, `rule`, `nsid`); add `'nftables'` for nf_tables
   * changes (a second socket). Per-family groups (`ipv4-route`...) narrow it.
   */
  groups?: readonly MonitorGroup[];
  /**
   * List before watching: deliver every existing object as a `new` event
   * marked `initial`, then a `synced` event, then the changes — no gap, no
   * duplicate. Keeps `monitor.view` up to date. Default false.
   */
  list?: boolean;
  /**
   * After an overrun, dump the subscribed kinds again and deliver the
   * difference (events marked `resync`), then `synced`. Keeps a view. Default:
   * the value of `list` (a listing without resync keeps a view too, but an
   * overrun then leaves it behind the kernel).
   */
  resync?: boolean;
  /**
   * NETLINK_LISTEN_ALL_NSID: also receive the notifications of every
   * namespace that has an id in the watched one; each event then carries the
   * source `nsid`. Namespaces under /run/netns without an id are given one at
   * open. Not with `list` or `resync` (dumps see one namespace). Default false.
   */
  listenAllNsid?: boolean;
  /**
   * Receive buffer of each socket in bytes. Default 32 MiB (SO_RCVBUFFORCE
   * with CAP_NET_ADMIN, otherwise capped by net.core.rmem_max): each queued
   * notification costs at least 768 bytes of it, so the kernel's default
   * 212,992 bytes hold only ~280 unread events.
   */
  receiveBufferSize?: number;
  /** Most events an async iterator holds for a slow consumer; beyond, it drops them and reports an overrun. Default 100,000. */
  maxQueuedEvents?: number;
}

/** What a listener or iterator receives; errors go to `'error'` listeners. */
export type MonitorListener = (event: MonitorEvent) => void;
/** Receives a notification that did not decode, or a listener's exception. */
export type MonitorErrorListener = (error: Error) => void;

const DEFAULT_RECEIVE_BUFFER = 32 << 20;
const DEFAULT_MAX_QUEUED = 100_000;
/** Datagrams read per event-loop turn, so that a flood cannot starve the loop. */
const DRAIN_PER_TURN = 2048;

const OPTION_KEYS = new Set(['netns', 'groups', 'list', 'resync', 'listenAllNsid', 'receiveBufferSize', 'maxQueuedEvents']);

interface IteratorQueue {
  events: MonitorEvent[];
  wake: ((result: IteratorResult<MonitorEvent>) => void) | undefined;
  fail: ((error: Error) => void) | undefined;
}

/** A synchronisation in progress: notifications are held until its dumps are in. */
interface Synchronisation {
  held: RouteObjectEvent[];
}

/**
 * Subscribes to kernel change notifications in a namespace. One fd per
 * socket (two with `'nftables'`), no thread: the event loop reads them.
 * Close it when done; an open monitor keeps the process alive while it has
 * listeners or iterators, or a view.
 *
 * @throws InvalidArgumentError for bad options, before anything is opened.
 * @throws SyscallError when the socket cannot be opened or subscribed.
 */
export function openMonitor(options: MonitorOptions = {}): Monitor {
  return new Monitor(options);
}

/** A subscription to kernel changes; see {@link openMonitor}. */
export class Monitor implements AsyncIterable<MonitorEvent> {
  /** The rtnetlink groups and, with `'nftables'`, the nf_tables group this monitor receives. */
  readonly groups: readonly MonitorGroup[];
  /** The objects as last seen, when the monitor keeps a view (`list` or `resync`); undefined otherwise. */
  readonly view: NetworkView | undefined;
  private readonly route: Subscription | undefined;
  private readonly nftables: Subscription | undefined;
  private readonly routeKinds: readonly RouteObjectKind[];
  private readonly netns: NetnsRef | NetnsHandle | undefined;
  private readonly resync: boolean;
  private readonly maxQueued: number;
  private readonly listeners = new Set<MonitorListener>();
  private readonly errorListeners = new Set<MonitorErrorListener>();
  private readonly iterators = new Set<IteratorQueue>();
  private dumper: RouteConnection | undefined;
  private sync: Synchronisation | undefined;
  private pendingSync: { kinds: Set<RouteObjectKind>; reason: 'resync' | 'inferred' } | undefined;
  private overruns = 0;
  private open = true;
  private settledWaiters: (() => void)[] = [];

  /** Use {@link openMonitor}. */
  constructor(options: MonitorOptions) {
    requireObject(options, 'openMonitor options', "{ netns: 'pod1', groups: ['link', 'address'] }");
    for (const key of Object.keys(options)) {
      if (!OPTION_KEYS.has(key)) throw new InvalidArgumentError(`openMonitor: unknown option "${key}"; known options: ${[...OPTION_KEYS].join(', ')}`);
    }
    const list = options.list === undefined ? false : requireBoolean(options.list, 'openMonitor option list');
    this.resync = options.resync === undefined ? list : requireBoolean(options.resync, 'openMonitor option resync');
    const listenAllNsid = options.listenAllNsid === undefined ? false : requireBoolean(options.listenAllNsid, 'openMonitor option listenAllNsid');
    if (listenAllNsid && (list || this.resync)) {
      throw new InvalidArgumentError('openMonitor: listenAllNsid cannot be combined with list or resync: a dump sees one namespace, the events come from all');
    }
    const receiveBufferSize = options.receiveBufferSize === undefined ? DEFAULT_RECEIVE_BUFFER
      : requireInteger(options.receiveBufferSize, 'openMonitor option receiveBufferSize', 1024, 0x7fffffff);
    this.maxQueued = options.maxQueuedEvents === undefined ? DEFAULT_MAX_QUEUED
      : requireInteger(options.maxQueuedEvents, 'openMonitor option maxQueuedEvents', 1, 0x7fffffff);
    const resolved = resolveGroups(options.groups);
    this.groups = resolved.names;
    this.routeKinds = resolved.kinds;
    this.netns = options.netns;
    if (this.netns !== undefined && (typeof this.netns !== 'string' && (typeof this.netns !== 'object' || this.netns === null))) {
      throw new InvalidArgumentError(`openMonitor: netns must be a name, { path }, { pid }, { fd } or a namespace handle, got ${describeValue(this.netns)}`);
    }
    if (resolved.routeGroups.length) {
      this.route = new Subscription({ protocol: NETLINK_ROUTE, groups: resolved.routeGroups, netns: this.netns, receiveBufferSize, listenAllNsid });
    }
    try {
      if (resolved.nftables) {
        this.nftables = new Subscription({ protocol: NETLINK_NETFILTER, groups: [NFTABLES_EVENT_GROUP], netns: this.netns, receiveBufferSize, listenAllNsid });
      }
      if (listenAllNsid) this.assignNsids();
    } catch (error) {
      this.route?.close();
      this.nftables?.close();
      throw error;
    }
    if (this.resync || list) this.view = new NetworkView();
    if (list) this.schedule(new Set(this.routeKinds), 'initial');
    this.updateWatching();
  }

  /** Whether `close()` has not been called. */
  get isOpen(): boolean {
    return this.open;
  }

  /** How many overruns (dropped notifications) this monitor has seen. */
  get overrunCount(): number {
    return this.overruns;
  }

  /** The fds of the monitor's sockets (rtnetlink first), for diagnostics. */
  get fds(): number[] {
    return [this.route?.fd, this.nftables?.fd].filter((fd): fd is number => fd !== undefined);
  }

  /**
   * Adds a listener: `'event'` for every event, on the event loop; `'error'`
   * for notifications that did not decode and exceptions thrown by event
   * listeners (which never reach the monitor). Returns a function that removes it.
   */
  on(type: 'event', listener: MonitorListener): () => void;
  on(type: 'error', listener: MonitorErrorListener): () => void;
  on(type: 'event' | 'error', listener: MonitorListener | MonitorErrorListener): () => void {
    if (typeof listener !== 'function') throw new InvalidArgumentError(`monitor.on: listener must be a function, got ${describeValue(listener)}`);
    if (type === 'event') this.listeners.add(listener as MonitorListener);
    else if (type === 'error') this.errorListeners.add(listener as MonitorErrorListener);
    else throw new InvalidArgumentError(`monitor.on: type must be 'event' or 'error', got ${describeValue(type)}`);
    this.updateWatching();
    return () => this.off(type as 'event', listener as MonitorListener);
  }

  /** Removes a listener added with `on`. */
  off(type: 'event' | 'error', listener: MonitorListener | MonitorErrorListener): void {
    if (type === 'event') this.listeners.delete(listener as MonitorListener);
    else this.errorListeners.delete(listener as MonitorErrorListener);
    this.updateWatching();
  }

  /**
   * Reads the notifications queued now, waiting up to `timeoutMs` (0: not at
   * all; negative: until one comes) for the first, and returns their events
   * in order — for synchronous loops. Events read here are not delivered to
   * listeners or iterators. A view is updated; an overrun is returned as an
   * `overrun` event (resynchronisation runs on the event loop).
   */
  poll(timeoutMs = 0): MonitorEvent[] {
    const wait = requireInteger(timeoutMs, 'monitor.poll timeoutMs', -1, 0x7fffffff);
    if (!this.open) return [];
    if (wait !== 0) pollAnyReadable(this.fds, wait);
    const out: MonitorEvent[] = [];
    this.readAll((event) => out.push(event), Infinity);
    return out;
  }

  /** Delivers events in order as they arrive; ends when the monitor is closed. */
  [Symbol.asyncIterator](): AsyncIterator<MonitorEvent> {
    const queue: IteratorQueue = { events: [], wake: undefined, fail: undefined };
    if (this.open) this.iterators.add(queue);
    this.updateWatching();
    const finish = (): IteratorResult<MonitorEvent> => {
      this.iterators.delete(queue);
      this.updateWatching();
      return { done: true, value: undefined };
    };
    return {
      next: () => {
        const event = queue.events.shift();
        if (event) return Promise.resolve({ done: false, value: event });
        if (!this.open || !this.iterators.has(queue)) return Promise.resolve(finish());
        return new Promise((resolve, reject) => {
          queue.wake = resolve;
          queue.fail = reject;
        });
      },
      return: () => Promise.resolve(finish()),
    };
  }

  /**
   * Resolves once no dump is running or queued: the initial listing, a
   * resynchronisation, or the route dump that finds deletions the kernel did
   * not announce. Then the view reflects every notification read so far.
   */
  settled(): Promise<void> {
    if (!this.sync && !this.pendingSync) return Promise.resolve();
    return new Promise((resolve) => this.settledWaiters.push(resolve));
  }

  /** Gives an id, in the watched namespace, to a named namespace that has none, so NETLINK_LISTEN_ALL_NSID reports it. */
  assignNsid(netns: NetnsRef): number {
    const rt = this.connection();
    return rt.nsid.get(netns) ?? rt.nsid.set(netns, 'auto');
  }

  /** Stops watching and closes the sockets; iterators end, pending `next()` calls resolve done. Never throws. */
  close(): void {
    if (!this.open) return;
    this.open = false;
    this.route?.close();
    this.nftables?.close();
    this.dumper?.close();
    this.dumper = undefined;
    for (const queue of this.iterators) {
      const wake = queue.wake;
      queue.wake = queue.fail = undefined;
      wake?.({ done: true, value: undefined });
    }
    this.iterators.clear();
    this.wakeSettled();
  }

  private assignNsids(): void {
    for (const name of listNetns()) {
      try {
        this.assignNsid(name);
      } catch {
        // A namespace deleted meanwhile, or one the kernel refuses: it stays unreported.
      }
    }
  }

  private connection(): RouteConnection {
    this.dumper ??= openRoute(this.netns === undefined ? {} : { netns: this.netns });
    return this.dumper;
  }

  private updateWatching(): void {
    if (!this.open) return;
    const wanted = this.view !== undefined || this.listeners.size > 0 || this.iterators.size > 0;
    for (const subscription of [this.route, this.nftables]) {
      if (!subscription) continue;
      if (wanted && !subscription.watching) subscription.watch(() => this.onReadable());
      else if (!wanted && subscription.watching) subscription.unwatch();
    }
  }

  private readonly deliverEvent = (event: MonitorEvent): void => this.deliver(event);

  private onReadable(): void {
    try {
      this.readAll(this.deliverEvent, DRAIN_PER_TURN);
    } catch (error) {
      // The socket failed (it cannot, short of a closed fd): report and stop.
      this.reportError(error instanceof Error ? error : new Error(String(error)));
      this.close();
    }
  }

  /** Drains both sockets, hands events to `emit` (holding rtnetlink ones while a synchronisation runs). */
  private readAll(emit: (event: MonitorEvent) => void, limit: number): void {
    if (this.route?.isOpen) {
      const drained = this.route.drain(limit);
      this.handleDrain(drained, 'route', emit);
      for (const { message, nsid } of drained.notifications) {
        let event: RouteObjectEvent | undefined;
        try {
          event = decodeRouteEvent(message, nsid);
        } catch (error) {
          if (error instanceof MalformedMessageError) {
            this.reportError(error);
            continue;
          }
          throw error;
        }
        if (!event) continue;
        if (this.sync) this.sync.held.push(event);
        else this.emitObjectEvent(event, emit);
      }
    }
    if (this.nftables?.isOpen) {
      const drained = this.nftables.drain(limit);
      this.handleDrain(drained, 'nftables', emit);
      for (const { message, nsid } of drained.notifications) {
        try {
          const event = decodeNftablesEvent(message);
          if (event) emit(nsid === undefined ? event : { ...event, nsid });
        } catch (error) {
          if (error instanceof MalformedMessageError) this.reportError(error);
          else throw error;
        }
      }
    }
  }

  private handleDrain(drained: DrainResult, source: 'route' | 'nftables', emit: (event: MonitorEvent) => void): void {
    for (const error of drained.malformed) this.reportError(error);
    if (!drained.overrun) return;
    // libuv stops a poll watcher that reported the socket error ENOBUFS raises: watch afresh.
    const subscription = source === 'route' ? this.route : this.nftables;
    if (subscription?.watching) {
      subscription.unwatch();
      subscription.watch(() => this.onReadable());
    }
    this.overruns++;
    const resyncing = source === 'route' && this.view !== undefined;
    const event: OverrunEvent = { kind: 'overrun', source, count: this.overruns, resyncing };
    emit(event);
    if (resyncing) this.schedule(new Set(this.routeKinds), 'resync');
  }

  /** Applies an event to the view, emits it, and the deletions it implies. */
  private emitObjectEvent(event: RouteObjectEvent, emit: (event: MonitorEvent) => void): void {
    const view = this.view;
    if (!view) {
      emit(event);
      return;
    }
    const before = event.kind === 'link' ? view.link(event.link.index) : undefined;
    // A repeat, or the removal of something the view does not hold (announced
    // after it was inferred, or never announced at all): nothing new to tell.
    if (!view.apply(event) && tracked(event)) return;
    emit(event);
    if (event.kind === 'link') this.inferFromLink(event.action, event.link, before, emit);
    if (event.kind === 'address' && event.action === 'del' && event.address.family === 4) {
      // The kernel silently drops routes that use the address as their source (fib_sync_down_addr).
      const address = event.address.local ?? event.address.address;
      if (view.hasIpv4RoutesFrom(address)) this.schedule(new Set(['route']), 'inferred');
    }
  }

  /**
   * A deleted device takes its addresses, neighbours and routes with it; the
   * kernel announces some of that, not all. A device going down loses its
   * IPv4 routes without a word: those are found by a fresh route dump.
   */
  private inferFromLink(action: 'new' | 'del', link: Link, before: Link | undefined, emit: (event: MonitorEvent) => void): void {
    const view = this.view!;
    if (action === 'del') {
      const index = link.index;
      const gone: RouteObjectEvent[] = [];
      for (const address of view.addresses.values()) if (address.index === index) gone.push({ kind: 'address', action: 'del', flags: 0, portId: 0, inferred: true, address });
      for (const neighbour of view.neighbours.values()) if (neighbour.ifindex === index) gone.push({ kind: 'neighbour', action: 'del', flags: 0, portId: 0, inferred: true, neighbour });
      for (const route of view.routes.values()) {
        const through = route.nexthops ? route.nexthops.every((hop) => hop.oif === index) : route.oif === index;
        if (through) gone.push({ kind: 'route', action: 'del', flags: 0, portId: 0, inferred: true, route });
      }
      for (const event of gone) {
        view.apply(event);
        emit(event);
      }
      return;
    }
    if (before?.up && !link.up) {
      if (view.hasIpv4RoutesThrough(link.index)) this.schedule(new Set(['route']), 'inferred');
    }
  }

  /** Starts (or queues) a dump of `kinds`: the initial listing, a resync, or a route check. */
  private schedule(kinds: Set<RouteObjectKind>, reason: 'initial' | 'resync' | 'inferred'): void {
    if (!this.open || kinds.size === 0) return;
    if (this.sync || reason !== 'initial') {
      if (this.pendingSync) {
        for (const kind of kinds) this.pendingSync.kinds.add(kind);
        if (reason === 'resync') this.pendingSync.reason = 'resync';
      } else {
        this.pendingSync = { kinds, reason: reason === 'initial' ? 'resync' : reason };
      }
      if (!this.sync) setImmediate(() => this.runPending());
      return;
    }
    void this.synchronise(kinds, reason);
  }

  private wakeSettled(): void {
    const waiters = this.settledWaiters;
    this.settledWaiters = [];
    for (const wake of waiters) wake();
  }

  private runPending(): void {
    if (!this.open) {
      this.wakeSettled();
      return;
    }
    if (this.sync || !this.pendingSync) return;
    const { kinds, reason } = this.pendingSync;
    this.pendingSync = undefined;
    void this.synchronise(kinds, reason);
  }

  /**
   * Dumps `kinds` while holding notifications, replays the held ones onto the
   * dump, and delivers the difference with the view (or, at the start, the
   * whole listing). Notifications keep arriving during the dump and are
   * neither lost nor delivered twice.
   */
  private async synchronise(kinds: Set<RouteObjectKind>, reason: 'initial' | 'resync' | 'inferred'): Promise<void> {
    const sync: Synchronisation = { held: [] };
    this.sync = sync;
    const view = this.view!;
    try {
      const fresh = new NetworkView();
      for (const kind of kinds) {
        const objects = await this.dump(kind);
        for (const object of objects) fresh.put(kind, objectKey(kind, object), object);
      }
      if (!this.open) return;
      this.sync = undefined;
      const deliver = (e: MonitorEvent): void => this.deliver(e);
      if (reason === 'initial') {
        // Everything held happened after the subscription: replayed in order
        // onto the dump, the last word on each object wins over what the dump
        // read, and the listing shows the result once.
        const heldOther: RouteObjectEvent[] = [];
        for (const event of sync.held) {
          if (kinds.has(event.kind)) fresh.apply(event);
          else heldOther.push(event);
        }
        for (const kind of kinds) this.deliverDifference(kind, view, fresh, { initial: true }, new Set());
        for (const event of heldOther) this.emitObjectEvent(event, deliver);
      } else {
        // Objects the kernel announced meanwhile are told by their own events
        // (with their flags and port id); the dump speaks for the rest.
        const announced = new Set(sync.held.filter((e) => kinds.has(e.kind) && tracked(e)).map((e) => `${e.kind}:${objectKey(e.kind, eventObject(e))}`));
        const marks = reason === 'resync' ? { resync: true as const } : { inferred: true as const };
        for (const kind of kinds) this.deliverDifference(kind, view, fresh, marks, announced);
        for (const event of sync.held) this.emitObjectEvent(event, deliver);
      }
      if (reason !== 'inferred') this.deliver({ kind: 'synced', reason: reason === 'initial' ? 'initial' : 'resync' });
    } catch (error) {
      this.sync = undefined;
      for (const event of sync.held) this.emitObjectEvent(event, (e) => this.deliver(e));
      if (this.open) this.reportError(error instanceof Error ? error : new Error(String(error)));
    } finally {
      if (this.sync === sync) this.sync = undefined;
      if (this.pendingSync && this.open) setImmediate(() => this.runPending());
      else this.wakeSettled();
    }
  }

  private deliverDifference(
    kind: RouteObjectKind, view: NetworkView, fresh: NetworkView, marks: { initial?: true; resync?: true; inferred?: true }, announced: ReadonlySet<string>,
  ): void {
    const current = view.mapOf(kind) as Map<string, ViewObjects[RouteObjectKind]>;
    const next = fresh.mapOf(kind) as Map<string, ViewObjects[RouteObjectKind]>;
    for (const [key, object] of current) {
      if (next.has(key) || announced.has(`${kind}:${key}`)) continue;
      const event = objectEvent(kind, 'del', object, marks);
      view.remove(kind, key);
      this.deliver(event);
    }
    for (const [key, object] of next) {
      if (announced.has(`${kind}:${key}`)) continue;
      const event = objectEvent(kind, 'new', object, marks);
      if (view.apply(event) || marks.initial) this.deliver(event);
    }
  }

  private async dump(kind: RouteObjectKind): Promise<ViewObjects[RouteObjectKind][]> {
    const rt = this.connection();
    const families = (family: 4 | 6): boolean => this.groups.includes(`ipv${family}-${kind}` as MonitorGroup) || this.groups.includes(kind as MonitorGroup);
    switch (kind) {
      case 'link': return rt.link.listAsync();
      case 'address': return (await Promise.all(([4, 6] as const).filter(families).map((family) => rt.addr.listAsync({ family })))).flat();
      case 'route': return (await Promise.all(([4, 6] as const).filter(families).map((family) => rt.route.listAsync({ family, table: 'all' })))).flat();
      case 'neighbour': return rt.neigh.listAsync();
      case 'rule': return (await Promise.all(([4, 6] as const).filter(families).map((family) => rt.rule.listAsync({ family })))).flat();
      case 'nsid': return rt.nsid.listAsync();
    }
  }

  private deliver(event: MonitorEvent): void {
    if (!this.open) return;
    for (const listener of this.listeners) {
      try {
        listener(event);
      } catch (error) {
        this.reportError(error instanceof Error ? error : new Error(String(error)));
      }
    }
    for (const queue of this.iterators) {
      if (queue.wake) {
        const wake = queue.wake;
        queue.wake = queue.fail = undefined;
        wake({ done: false, value: event });
        continue;
      }
      queue.events.push(event);
      if (queue.events.length > this.maxQueued) {
        // A consumer this far behind has lost track anyway: drop its backlog
        // and say so. The view (if any) is current: read it to catch up.
        queue.events.length = 0;
        this.overruns++;
        queue.events.push({ kind: 'overrun', source: 'consumer', count: this.overruns, resyncing: false });
      }
    }
  }

  private reportError(error: Error): void {
    if (this.errorListeners.size === 0) {
      process.emitWarning(`nlkit monitor: ${error.message}`, { code: 'NLKIT_MONITOR' });
      return;
    }
    for (const listener of this.errorListeners) {
      try {
        listener(error);
      } catch {
        // An error listener that throws has nowhere left to report to.
      }
    }
  }
}

function objectEvent(kind: RouteObjectKind, action: 'new' | 'del', object: ViewObjects[RouteObjectKind], marks: object): RouteObjectEvent {
  const base = { action, flags: 0, portId: 0, ...marks };
  switch (kind) {
    case 'link': return { kind, ...base, link: object as ViewObjects['link'] };
    case 'address': return { kind, ...base, address: object as ViewObjects['address'] };
    case 'route': return { kind, ...base, route: object as ViewObjects['route'] };
    case 'neighbour': return { kind, ...base, neighbour: object as ViewObjects['neighbour'] };
    case 'rule': return { kind, ...base, rule: object as ViewObjects['rule'] };
    case 'nsid': return { kind, ...base, netnsId: object as ViewObjects['nsid'] };
  }
}

export { MONITOR_GROUPS };
