// openMonitor: kernel change notifications as typed events, on the event
// loop (listeners, async iteration) or synchronously (poll). With a view it
// also lists first (no gap, no duplicate), infers the deletions the kernel
// does not announce, and resynchronises after an overrun.
import { InvalidArgumentError } from '../netlink/addresses.js';
import { describeValue, requireBoolean, requireInteger, requireObject } from '../netlink/checks.js';
import { MalformedMessageError, type Message } from '../netlink/message.js';
import { IFF_LOWER_UP, IFF_RUNNING } from '../generated/if.js';
import { NETLINK_NETFILTER, NETLINK_ROUTE } from '../generated/netlink.js';
import { listNetns } from '../netns/lifecycle.js';
import type { NetnsHandle, NetnsRef } from '../netns/reference.js';
import { openRoute, type RouteConnection } from '../route/connection.js';
import type { Link } from '../route/links/types.js';
import { pollAnyReadable } from '../sys/libc.js';
import { decodeRouteEvent } from './decode.js';
import type { MonitorEvent, OverrunEvent, RouteObjectEvent, RouteObjectKind } from './events.js';
import { MONITOR_GROUPS, type MonitorGroup, resolveGroups } from './groups.js';
import { decodeNftablesEvent, NFTABLES_EVENT_GROUP, type NftablesEvent } from './nftables-events.js';
import { Subscription, type NotificationSink } from './subscription.js';
import { eventObject, NetworkView, objectKey, tracked, type ViewObjects } from './view.js';

/** Options of {@link openMonitor}. */
export interface MonitorOptions {
  /** The namespace to watch (`'pod1'`, `{ path }`, `{ pid }`, `{ fd }`, a handle); the caller's when absent. */
  netns?: NetnsRef | NetnsHandle;
  /**
   * What to subscribe to. Default: every rtnetlink group (`link`, `address`,
   * `route`, `neighbour`, `rule`, `nsid`, `nexthop`); add `'nftables'` for nf_tables
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
/**
 * Datagrams read (one recvmmsg) before their events are delivered: a small
 * batch is dead by the next young-generation collection, so the collector
 * has next to nothing to copy, however many a turn reads.
 */
const DELIVER_EVERY = 64;
/**
 * A turn that reads at least this many datagrams has met a burst, and the
 * monitor stops watching for BURST_PAUSE_MS before it reads again. Woken for
 * every few notifications, it spent more on wake-ups and system calls than on
 * the notifications themselves; after the pause one recvmmsg takes a full
 * batch. A lone notification still wakes it at once: only a burst waits.
 */
const BURST_DATAGRAMS = 8;
const BURST_PAUSE_MS = 1;

const OPTION_KEYS = new Set(['netns', 'groups', 'list', 'resync', 'listenAllNsid', 'receiveBufferSize', 'maxQueuedEvents']);

/**
 * An async iterator's backlog: `events[head..]` are not yet taken. A batch of
 * events wakes a waiting `next()` once (in a microtask after the batch), and
 * the following calls take the rest without waiting.
 */
interface IteratorQueue {
  events: (MonitorEvent | undefined)[];
  head: number;
  wake: ((result: IteratorResult<MonitorEvent>) => void) | undefined;
  /** A wake-up is queued as a microtask. */
  waking: boolean;
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
  /** Replaced, never changed, when a listener is added or removed: delivery walks it by index. */
  private listeners: readonly MonitorListener[] = [];
  private readonly errorListeners = new Set<MonitorErrorListener>();
  private readonly iterators = new Set<IteratorQueue>();
  private dumper: RouteConnection | undefined;
  private sync: Synchronisation | undefined;
  private pendingSync: { kinds: Set<RouteObjectKind>; reason: 'resync' | 'inferred' } | undefined;
  private overruns = 0;
  private open = true;
  private settledWaiters: (() => void)[] = [];
  /** Where the drain in progress puts its events (and malformed notifications), in order; undefined between drains. */
  private received: MonitorEvent[] | undefined;
  private receivedErrors: Error[] = [];
  /** The last `readAll` stopped at its limit on a socket: more may be queued. */
  private mayHaveMore = false;
  /** Datagrams the last `readAll` read from both sockets. */
  private datagramsRead = 0;
  /** Set while the sockets go unwatched after a burst (see BURST_PAUSE_MS). */
  private burstPause: NodeJS.Timeout | undefined;
  private readonly routeSink: NotificationSink = {
    notification: (message, nsid) => this.routeNotification(message, nsid),
    overrun: () => this.overrun('route'),
    malformed: (error) => this.receivedErrors.push(error),
  };
  private readonly nftablesSink: NotificationSink = {
    notification: (message, nsid) => this.nftablesNotification(message, nsid),
    overrun: () => this.overrun('nftables'),
    malformed: (error) => this.receivedErrors.push(error),
  };

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
      // rtnetlink decoders keep no view of their input: decoded in place.
      this.route = new Subscription({ protocol: NETLINK_ROUTE, groups: resolved.routeGroups, netns: this.netns, receiveBufferSize, listenAllNsid, inPlace: true });
    }
    try {
      if (resolved.nftables) {
        this.nftables = new Subscription({ protocol: NETLINK_NETFILTER, groups: [NFTABLES_EVENT_GROUP], netns: this.netns, receiveBufferSize, listenAllNsid, inPlace: false });
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
    if (type === 'event') {
      if (!this.listeners.includes(listener as MonitorListener)) this.listeners = [...this.listeners, listener as MonitorListener];
    }
    else if (type === 'error') this.errorListeners.add(listener as MonitorErrorListener);
    else throw new InvalidArgumentError(`monitor.on: type must be 'event' or 'error', got ${describeValue(type)}`);
    this.updateWatching();
    return () => this.off(type as 'event', listener as MonitorListener);
  }

  /** Removes a listener added with `on`. */
  off(type: 'event' | 'error', listener: MonitorListener | MonitorErrorListener): void {
    if (type === 'event') this.listeners = this.listeners.filter((l) => l !== listener);
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
    return this.readAll(Infinity);
  }

  /** Delivers events in order as they arrive; ends when the monitor is closed. */
  [Symbol.asyncIterator](): AsyncIterator<MonitorEvent> {
    const queue: IteratorQueue = { events: [], head: 0, wake: undefined, waking: false };
    if (this.open) this.iterators.add(queue);
    this.updateWatching();
    const finish = (): IteratorResult<MonitorEvent> => {
      this.iterators.delete(queue);
      this.updateWatching();
      return { done: true, value: undefined };
    };
    return {
      next: () => {
        const event = takeQueued(queue);
        if (event) return Promise.resolve({ done: false, value: event });
        if (!this.open || !this.iterators.has(queue)) return Promise.resolve(finish());
        return new Promise((resolve) => {
          queue.wake = resolve;
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
    clearTimeout(this.burstPause);
    this.burstPause = undefined;
    this.route?.close();
    this.nftables?.close();
    this.dumper?.close();
    this.dumper = undefined;
    for (const queue of this.iterators) {
      const wake = queue.wake;
      queue.wake = undefined;
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
    if (!this.open || this.burstPause !== undefined) return;
    const wanted = this.view !== undefined || this.listeners.length > 0 || this.iterators.size > 0;
    for (const subscription of [this.route, this.nftables]) {
      if (!subscription) continue;
      if (wanted && !subscription.watching) subscription.watch(() => this.onReadable());
      else if (!wanted && subscription.watching) subscription.unwatch();
    }
  }

  private onReadable(): void {
    let datagrams = 0;
    for (let read = 0; read < DRAIN_PER_TURN && this.open; read += DELIVER_EVERY) {
      let events: MonitorEvent[];
      try {
        events = this.readAll(DELIVER_EVERY);
      } catch (error) {
        // The socket failed (it cannot, short of a closed fd): report and stop.
        this.reportError(error instanceof Error ? error : new Error(String(error)));
        this.close();
        return;
      }
      datagrams += this.datagramsRead;
      this.deliverAll(events);
      if (!this.mayHaveMore) break;
    }
    if (datagrams >= BURST_DATAGRAMS && this.open && this.burstPause === undefined) this.pauseAfterBurst();
  }

  /** Stops watching for BURST_PAUSE_MS, then reads what came meanwhile and watches again. */
  private pauseAfterBurst(): void {
    this.route?.unwatch();
    this.nftables?.unwatch();
    this.burstPause = setTimeout(() => {
      this.burstPause = undefined;
      this.updateWatching();
      // Listeners, iterators and view may all have gone meanwhile: then nothing is read.
      if (this.route?.watching || this.nftables?.watching) this.onReadable();
    }, BURST_PAUSE_MS);
  }

  /**
   * Drains both sockets and returns their events in order (rtnetlink ones
   * held instead while a synchronisation runs). No user code runs meanwhile:
   * malformed notifications are reported after the drain.
   */
  private readAll(limit: number): MonitorEvent[] {
    const out: MonitorEvent[] = [];
    this.received = out;
    this.mayHaveMore = false;
    this.datagramsRead = 0;
    try {
      if (this.route?.isOpen) this.countRead(this.route.drain(limit, this.routeSink), limit);
      if (this.nftables?.isOpen) this.countRead(this.nftables.drain(limit, this.nftablesSink), limit);
    } finally {
      this.received = undefined;
    }
    if (this.receivedErrors.length > 0) {
      const errors = this.receivedErrors;
      this.receivedErrors = [];
      for (const error of errors) this.reportError(error);
    }
    return out;
  }

  private countRead(datagrams: number, limit: number): void {
    this.datagramsRead += datagrams;
    if (datagrams >= limit) this.mayHaveMore = true;
  }

  /** One rtnetlink notification, decoded while its bytes are valid. */
  private routeNotification(message: Message, nsid: number | undefined): void {
    let event: RouteObjectEvent | undefined;
    try {
      event = decodeRouteEvent(message, nsid);
    } catch (error) {
      if (!(error instanceof MalformedMessageError)) throw error;
      this.receivedErrors.push(error);
      return;
    }
    if (!event) return;
    if (this.sync) this.sync.held.push(event);
    else this.emitObjectEvent(event, this.received!);
  }

  private nftablesNotification(message: Message, nsid: number | undefined): void {
    let event: NftablesEvent | undefined;
    try {
      event = decodeNftablesEvent(message);
    } catch (error) {
      if (!(error instanceof MalformedMessageError)) throw error;
      this.receivedErrors.push(error);
      return;
    }
    if (event) this.received!.push(nsid === undefined ? event : { ...event, nsid });
  }

  /** The kernel dropped notifications of `source`: say so in the stream, where it happened, and resynchronise a view. */
  private overrun(source: 'route' | 'nftables'): void {
    // libuv stops a poll watcher that reported the socket error ENOBUFS raises: watch afresh.
    const subscription = source === 'route' ? this.route : this.nftables;
    if (subscription?.watching) {
      subscription.unwatch();
      subscription.watch(() => this.onReadable());
    }
    this.overruns++;
    const resyncing = source === 'route' && this.view !== undefined;
    const event: OverrunEvent = { kind: 'overrun', source, count: this.overruns, resyncing };
    this.received!.push(event);
    if (resyncing) this.schedule(new Set(this.routeKinds), 'resync');
  }

  /** Applies an event to the view, emits it, and the deletions it implies. */
  private emitObjectEvent(event: RouteObjectEvent, out: MonitorEvent[]): void {
    const view = this.view;
    if (!view) {
      out.push(event);
      return;
    }
    const before = event.kind === 'link' ? view.link(event.link.index) : undefined;
    // A repeat, or the removal of something the view does not hold (announced
    // after it was inferred, or never announced at all): nothing new to tell.
    if (!view.apply(event) && tracked(event)) return;
    out.push(event);
    if (event.kind === 'link') this.inferFromLink(event.action, event.link, before, out);
    if (event.kind === 'address' && event.action === 'del' && event.address.family === 4) {
      // The kernel silently drops routes that use the address as their source (fib_sync_down_addr).
      const address = event.address.local ?? event.address.address;
      if (view.hasIpv4RoutesFrom(address)) this.schedule(new Set(['route']), 'inferred');
    }
    // Routes that name a deleted nexthop object go with it; the kernel does not announce the IPv4 ones.
    if (event.kind === 'nexthop' && event.action === 'del' && view.hasRoutesUsingNexthop(event.nexthop.id)) {
      this.schedule(new Set(['route']), 'inferred');
    }
  }

  /**
   * A deleted device takes its addresses, neighbours and routes with it; the
   * kernel announces some of that, not all. A device going down loses its
   * IPv4 routes without a word: those are found by a fresh route dump.
   */
  private inferFromLink(action: 'new' | 'del', link: Link, before: Link | undefined, out: MonitorEvent[]): void {
    const view = this.view!;
    // A device that goes away, down or loses its carrier takes its nexthops with it (nexthop_flush_dev)
    // without a notification; which ones, and how their groups shrank, only a dump tells.
    const usable = action === 'new' && link.up && (link.flags & (IFF_RUNNING | IFF_LOWER_UP)) !== 0;
    if (!usable && view.hasNexthopsThrough(link.index)) this.schedule(new Set(['nexthop']), 'inferred');
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
        out.push(event);
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
    const out: MonitorEvent[] = [];
    try {
      const fresh = new NetworkView();
      for (const kind of kinds) {
        const objects = await this.dump(kind);
        for (const object of objects) fresh.put(kind, objectKey(kind, object), object);
      }
      if (!this.open) return;
      this.sync = undefined;
      if (reason === 'initial') {
        // Everything held happened after the subscription: replayed in order
        // onto the dump, the last word on each object wins over what the dump
        // read, and the listing shows the result once.
        const heldOther: RouteObjectEvent[] = [];
        for (const event of sync.held) {
          if (kinds.has(event.kind)) fresh.apply(event);
          else heldOther.push(event);
        }
        for (const kind of kinds) this.deliverDifference(kind, view, fresh, { initial: true }, new Set(), out);
        for (const event of heldOther) this.emitObjectEvent(event, out);
      } else {
        // Objects the kernel announced meanwhile are told by their own events
        // (with their flags and port id); the dump speaks for the rest.
        const announced = new Set(sync.held.filter((e) => kinds.has(e.kind) && tracked(e)).map((e) => `${e.kind}:${objectKey(e.kind, eventObject(e))}`));
        const marks = reason === 'resync' ? { resync: true as const } : { inferred: true as const };
        for (const kind of kinds) this.deliverDifference(kind, view, fresh, marks, announced, out);
        for (const event of sync.held) this.emitObjectEvent(event, out);
      }
      if (reason !== 'inferred') out.push({ kind: 'synced', reason: reason === 'initial' ? 'initial' : 'resync' });
      this.deliverAll(out);
    } catch (error) {
      this.sync = undefined;
      out.length = 0;
      for (const event of sync.held) this.emitObjectEvent(event, out);
      this.deliverAll(out);
      if (this.open) this.reportError(error instanceof Error ? error : new Error(String(error)));
    } finally {
      if (this.sync === sync) this.sync = undefined;
      if (this.pendingSync && this.open) setImmediate(() => this.runPending());
      else this.wakeSettled();
    }
  }

  private deliverDifference(
    kind: RouteObjectKind, view: NetworkView, fresh: NetworkView, marks: { initial?: true; resync?: true; inferred?: true }, announced: ReadonlySet<string>,
    out: MonitorEvent[],
  ): void {
    const current = view.mapOf(kind) as Map<string, ViewObjects[RouteObjectKind]>;
    const next = fresh.mapOf(kind) as Map<string, ViewObjects[RouteObjectKind]>;
    for (const [key, object] of current) {
      if (next.has(key) || announced.has(`${kind}:${key}`)) continue;
      const event = objectEvent(kind, 'del', object, marks);
      view.remove(kind, key);
      out.push(event);
      // A nexthop that went unannounced (with its device) took its IPv4 routes along, unannounced too.
      if (event.kind === 'nexthop' && view.hasRoutesUsingNexthop(event.nexthop.id)) this.schedule(new Set(['route']), 'inferred');
    }
    for (const [key, object] of next) {
      if (announced.has(`${kind}:${key}`)) continue;
      const event = objectEvent(kind, 'new', object, marks);
      if (view.apply(event) || marks.initial) out.push(event);
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
      case 'nexthop': return rt.nexthop.listAsync();
    }
  }

  /**
   * Hands `events` in order to every listener, then to every iterator's
   * queue. One try block for the whole batch: a listener that throws is
   * reported on `'error'` (never to the monitor's caller) and delivery goes
   * on with the next listener. Stops when a listener closes the monitor.
   */
  private deliverAll(events: readonly MonitorEvent[]): void {
    let i = 0;
    let j = 0;
    while (i < events.length && this.open) {
      try {
        for (; i < events.length && this.open; i++, j = 0) {
          const event = events[i]!;
          const listeners = this.listeners;
          for (; j < listeners.length; j++) listeners[j]!(event);
          if (this.iterators.size > 0) this.enqueue(event);
        }
      } catch (error) {
        this.reportError(error instanceof Error ? error : new Error(String(error)));
        j++;
      }
    }
  }

  private enqueue(event: MonitorEvent): void {
    for (const queue of this.iterators) {
      queue.events.push(event);
      if (queue.events.length - queue.head > this.maxQueued) {
        // A consumer this far behind has lost track anyway: drop its backlog
        // and say so. The view (if any) is current: read it to catch up.
        queue.events = [];
        queue.head = 0;
        this.overruns++;
        queue.events.push({ kind: 'overrun', source: 'consumer', count: this.overruns, resyncing: false });
      }
      if (queue.wake && !queue.waking) {
        queue.waking = true;
        queueMicrotask(() => wakeQueue(queue));
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

/** The next event of an iterator's backlog, undefined when it is empty. */
function takeQueued(queue: IteratorQueue): MonitorEvent | undefined {
  if (queue.head >= queue.events.length) return undefined;
  const event = queue.events[queue.head];
  queue.events[queue.head++] = undefined;
  if (queue.head === queue.events.length) {
    queue.events.length = 0;
    queue.head = 0;
  } else if (queue.head >= 1024 && queue.head * 2 >= queue.events.length) {
    // A consumer that is always a little behind never empties its queue: drop the taken half.
    queue.events.splice(0, queue.head);
    queue.head = 0;
  }
  return event;
}

/** After a batch: resolves a waiting `next()` with the first queued event. */
function wakeQueue(queue: IteratorQueue): void {
  queue.waking = false;
  const wake = queue.wake;
  if (!wake) return;
  const event = takeQueued(queue);
  if (!event) return;
  queue.wake = undefined;
  wake({ done: false, value: event });
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
    case 'nexthop': return { kind, ...base, nexthop: object as ViewObjects['nexthop'] };
  }
}

export { MONITOR_GROUPS };
