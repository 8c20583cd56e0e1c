// Deleting a namespace returns at once; the kernel destroys it (and the
// devices in other namespaces that die with it, such as the host ends of its
// veths) a little later, in a work queue, batched with other dying
// namespaces. Re-creating a pod under the same names in between gets EEXIST.
// These calls delete a namespace and wait until those devices are gone.
import { InvalidArgumentError } from '../netlink/addresses.js';
import { sleepAsync, sleepSync } from '../netlink/dump-retry.js';
import { NetlinkError } from '../netlink/errors.js';
import { deleteNetns } from '../netns/lifecycle.js';
import { validateNetnsName } from '../netns/names.js';
import type { NetnsRef } from '../netns/reference.js';
import { openRoute } from './connection.js';
import type { Link } from './links/types.js';
import { LinkNotFoundError } from './resolve.js';
import { textOf } from '../netlink/checks.js';

/** Options of {@link deleteNetnsAndWait}: which namespace to watch, and for how long. */
export interface NetnsTeardownOptions {
  /**
   * The namespace whose devices die with the deleted one (the host ends of
   * its veths). Default: the calling thread's namespace.
   */
  watch?: NetnsRef;
  /** Longest wait for the devices to go. Default 10,000 ms. */
  timeoutMs?: number;
}

/** A device in the watched namespace that went away with the deleted namespace. */
export interface TornDownLink {
  /** Its ifindex in the watched namespace. */
  index: number;
  /** Its interface name in the watched namespace (e.g. the host end of a veth). */
  name: string;
}

/** What {@link deleteNetnsAndWait} observed: the devices that went with the namespace, and how long it took. */
export interface NetnsTeardown {
  /** Devices of the watched namespace that the kernel removed with the namespace. */
  links: TornDownLink[];
  /** From the unmount to the last device gone. */
  elapsedMs: number;
}

/**
 * The namespace was deleted, but its devices were still present when the
 * wait ended: something else keeps the namespace alive (a process inside
 * it, an open fd or socket, another bind mount), or the machine is very slow.
 */
export class NetnsTeardownTimeoutError extends Error {
  /** Always `'NetnsTeardownTimeoutError'`. */
  override readonly name = 'NetnsTeardownTimeoutError';
  /** Always `'ETIMEDOUT'`. */
  readonly code = 'ETIMEDOUT';
  constructor(
    /** The namespace name that was deleted (its /run/netns entry is already gone). */
    readonly netns: string,
    /** Devices of the watched namespace that were still present when the wait ended. */
    readonly remaining: TornDownLink[],
    /** How long the call waited, in milliseconds. */
    readonly timeoutMs: number,
  ) {
    super(
      `network namespace "${netns}" was deleted, but after ${timeoutMs} ms the kernel still had not removed ` +
        `${remaining.map((l) => `${l.name} (#${l.index})`).join(', ')}: something still holds the namespace ` +
        '(a process inside it, an open fd or netlink socket, another mount of it)',
    );
  }
}

const FIRST_POLL_MS = 0.25;
const MAX_POLL_MS = 10;

function checkOptions(options: unknown): { watch: NetnsRef | undefined; timeoutMs: number } {
  if (options === undefined) return { watch: undefined, timeoutMs: 10_000 };
  if (typeof options !== 'object' || options === null || Array.isArray(options)) {
    throw new InvalidArgumentError(`deleteNetnsAndWait: options must be an object like { timeoutMs: 5000 }, got ${options === null ? 'null' : typeof options}`);
  }
  const { watch, timeoutMs, ...rest } = options as NetnsTeardownOptions;
  const unknown = Object.keys(rest);
  if (unknown.length) throw new InvalidArgumentError(`deleteNetnsAndWait: unknown option "${unknown[0]}"; known options: watch, timeoutMs`);
  if (timeoutMs !== undefined && (typeof timeoutMs !== 'number' || !Number.isInteger(timeoutMs) || timeoutMs < 0)) {
    throw new InvalidArgumentError(`deleteNetnsAndWait: timeoutMs must be a non-negative integer, got ${textOf(timeoutMs)}`);
  }
  return { watch, timeoutMs: timeoutMs ?? 10_000 };
}

/** The watched namespace as a reference a socket in another namespace can open. */
function watchRef(watch: NetnsRef | undefined): NetnsRef {
  return watch ?? { path: '/proc/thread-self/ns/net' };
}

/**
 * Devices of the watched namespace that die with `name`: seen from inside
 * `name`, every link whose peer (IFLA_LINK) lives in the watched namespace.
 * The socket inside is closed before returning: an open socket would keep
 * the namespace alive.
 */
/**
 * Pair devices die with their peer: deleting the namespace removes the ends
 * it holds, and the kernel then removes their peers in the watched namespace.
 * Other links pointing there (a macvlan or vxlan over a host device) only
 * name their lower device, which stays.
 */
const PAIR_KINDS = new Set(['veth', 'netkit', 'vxcan']);

function peersIn(links: readonly Link[], id: number): number[] {
  return links
    .filter((l) => l.linkNetnsId === id && l.link !== undefined && l.link > 0 && PAIR_KINDS.has(l.kind ?? ''))
    .map((l) => l.link!);
}

function dependents(name: string, watchAt: NetnsRef): number[] {
  const inside = openRoute({ netns: name });
  try {
    // Listing first lets the kernel assign the watched namespace an id there.
    const links = inside.link.list();
    const id = inside.nsid.get(watchAt);
    if (id === undefined) return [];
    return peersIn(links, id);
  } finally {
    inside.close();
  }
}

async function dependentsAsync(name: string, watchAt: NetnsRef): Promise<number[]> {
  const inside = openRoute({ netns: name });
  try {
    const links = await inside.link.listAsync();
    const id = await inside.nsid.getAsync(watchAt);
    if (id === undefined) return [];
    return peersIn(links, id);
  } finally {
    inside.close();
  }
}

function isGone(error: unknown): boolean {
  return (error instanceof LinkNotFoundError || error instanceof NetlinkError) && error.code === 'ENODEV';
}

/** Whether a lookup finds its link; errors other than "no such device" propagate. */
function present(lookup: () => unknown): boolean {
  try {
    lookup();
    return true;
  } catch (error) {
    if (isGone(error)) return false;
    throw error;
  }
}

async function presentAsync(lookup: () => Promise<unknown>): Promise<boolean> {
  try {
    await lookup();
    return true;
  } catch (error) {
    if (isGone(error)) return false;
    throw error;
  }
}

/** After a round of lookups: the result once nothing is left, the timeout error, or how long to wait before the next round. */
function afterRound(name: string, links: TornDownLink[], pending: Set<TornDownLink>, started: number, timeoutMs: number, poll: number): NetnsTeardown | number {
  const elapsedMs = performance.now() - started;
  if (pending.size === 0) return { links, elapsedMs };
  if (elapsedMs >= timeoutMs) throw new NetnsTeardownTimeoutError(name, [...pending], timeoutMs);
  return Math.min(poll, timeoutMs - elapsedMs);
}

/**
 * Deletes a named namespace like `deleteNetns`, then blocks until the
 * kernel has removed the devices of the watched namespace that die with it
 * (the host ends of its veths), so their names can be used again. Throws
 * NetnsTeardownTimeoutError if they outlive `timeoutMs`.
 */
export function deleteNetnsAndWait(name: string, options?: NetnsTeardownOptions): NetnsTeardown {
  validateNetnsName(name);
  const { watch, timeoutMs } = checkOptions(options);
  const rt = openRoute(watch === undefined ? {} : { netns: watch });
  try {
    const links = dependents(name, watchRef(watch)).flatMap((index) => {
      try {
        return [{ index, name: rt.link.get(index).name }];
      } catch (error) {
        if (isGone(error)) return [];
        throw error;
      }
    });
    const started = performance.now();
    deleteNetns(name);
    const pending = new Set(links);
    for (let poll = FIRST_POLL_MS; ; poll = Math.min(MAX_POLL_MS, poll * 2)) {
      for (const link of [...pending]) if (!present(() => rt.link.get(link.index))) pending.delete(link);
      const next = afterRound(name, links, pending, started, timeoutMs, poll);
      if (typeof next !== 'number') return next;
      sleepSync(next);
    }
  } finally {
    rt.close();
  }
}

/** Promise form of `deleteNetnsAndWait`: polls on the event loop. */
export async function deleteNetnsAndWaitAsync(name: string, options?: NetnsTeardownOptions): Promise<NetnsTeardown> {
  validateNetnsName(name);
  const { watch, timeoutMs } = checkOptions(options);
  const rt = openRoute(watch === undefined ? {} : { netns: watch });
  try {
    const links: TornDownLink[] = [];
    for (const index of await dependentsAsync(name, watchRef(watch))) {
      try {
        links.push({ index, name: (await rt.link.getAsync(index)).name });
      } catch (error) {
        if (!isGone(error)) throw error;
      }
    }
    const started = performance.now();
    deleteNetns(name);
    const pending = new Set(links);
    for (let poll = FIRST_POLL_MS; ; poll = Math.min(MAX_POLL_MS, poll * 2)) {
      for (const link of [...pending]) if (!(await presentAsync(() => rt.link.getAsync(link.index)))) pending.delete(link);
      const next = afterRound(name, links, pending, started, timeoutMs, poll);
      if (typeof next !== 'number') return next;
      await sleepAsync(next);
    }
  } finally {
    rt.close();
  }
}
