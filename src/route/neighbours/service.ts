import { ENOENT } from '../../generated/errno.js';
import { deriveFromDump } from '../../netlink/dump-retry.js';
import { NTF_EXT_LEARNED, NTF_PROXY, NUD_NOARP, NUD_PERMANENT } from '../../generated/neighbour.js';
import { RTM_DELNEIGH, RTM_GETNEIGH, RTM_NEWNEIGH } from '../../generated/rtnetlink.js';
import { InvalidArgumentError, type IpFamily } from '../../netlink/addresses.js';
import { NetlinkBatchError, NetlinkError, type Operation } from '../../netlink/errors.js';
import { NLM_F_CREATE, NLM_F_EXCL, NLM_F_REPLACE } from '../../netlink/message.js';
import type { Request } from '../../netlink/socket.js';
import type { RouteContext } from '../context.js';
import { addressFamily, validateFamily } from '../family.js';
import { checkKeys, optionsObject } from '../keys.js';
import { resolveLinkIndex, resolveLinkIndexAsync, validateLinkRef, type LinkRef } from '../resolve.js';
import './describe.js';
import {
  decodeNeighbour, encodeNeighbour, encodeNeighbourDumpRequest, NDMSG_LEN, neighbourAttributeName,
  type Neighbour, type NeighbourMessage,
} from './message.js';
import { prepareNeighbour, type NeighbourSpec, type PreparedNeighbour } from './spec.js';
import { matchesStateMask, parseStateFilter, STATE_NONE_BIT, type NeighbourState } from './state.js';
import { jsonOf } from '../../netlink/checks.js';

/** Which entries `list` and `flush` take, like `ip neigh show dev eth0 nud stale` or `ip neigh show proxy`. */
export interface NeighbourFilter {
  /** Only entries on this link (NDA_IFINDEX filter); LinkNotFoundError if it does not exist. */
  dev?: LinkRef;
  /** Only ARP (4) or NDP (6) entries; both when absent. */
  family?: 4 | 6;
  /**
   * NUD states to keep: one, several, or 'all'. `list` keeps every state when
   * absent; `flush` then spares 'permanent' and 'noarp' entries, as `ip neigh flush` does.
   */
  state?: NeighbourState | readonly NeighbourState[] | 'all';
  /** The proxy table instead of the neighbour cache (`ip neigh show proxy`). */
  proxy?: boolean;
}

/** Which entry `get` looks up: `ip neigh get 10.0.0.9 dev eth0` (or `proxy 10.0.0.9`). */
export interface NeighbourQuery {
  /** The link the entry is on, by name or ifindex. */
  dev: LinkRef;
  /** The neighbour's IP address, without prefix length. */
  address: string;
  /** Look in the proxy table (NTF_PROXY) instead of the neighbour cache. */
  proxy?: boolean;
}

interface Kind {
  type: number;
  flags: number;
  operation: string;
}

const ADD: Kind = { type: RTM_NEWNEIGH, flags: NLM_F_CREATE | NLM_F_EXCL, operation: 'add neighbour' };
const REPLACE: Kind = { type: RTM_NEWNEIGH, flags: NLM_F_CREATE | NLM_F_REPLACE, operation: 'replace neighbour' };
const CHANGE: Kind = { type: RTM_NEWNEIGH, flags: NLM_F_REPLACE, operation: 'change neighbour' };
const DELETE: Kind = { type: RTM_DELNEIGH, flags: 0, operation: 'delete neighbour' };

const FILTER_KEYS = new Set(['dev', 'family', 'state', 'proxy']);
const QUERY_KEYS = new Set(['dev', 'address', 'proxy']);
/** Every state, NUD_NONE included. */
const ALL_STATES = 0xff | STATE_NONE_BIT;
/** What `ip neigh flush` removes unless told otherwise: everything but permanent and noarp entries. */
const FLUSH_STATES = ALL_STATES & ~(NUD_PERMANENT | NUD_NOARP);
/** Rounds of dump-and-delete before `flush` gives up on entries that keep coming back (iproute2's MAX_ROUNDS). */
const FLUSH_ROUNDS = 10;

interface Selection {
  dev: LinkRef | undefined;
  family: IpFamily | undefined;
  stateMask: number;
  proxy: boolean;
}

function request(type: number, flags: number, message: NeighbourMessage): Request {
  return { type, flags, encode: (w) => encodeNeighbour(w, message) };
}

/** The RTM_DELNEIGH that removes an entry the kernel reported. */
function deletionOf(n: Neighbour): Request {
  return request(RTM_DELNEIGH, 0, { addressFamily: n.addressFamily, ifindex: n.ifindex, state: 0, flags: n.flags & NTF_PROXY, type: 0, dst: n.dst! });
}

/**
 * The ARP and NDP neighbour tables of one namespace (`rt.neigh`), in the words
 * of `ip neigh`. Every method has an `…Async` twin returning a Promise.
 */
export class NeighbourService {
  constructor(private readonly ctx: RouteContext) {}

  /** `ip neigh add`: fails with EEXIST if the entry exists. */
  add(spec: NeighbourSpec): void {
    this.runOne(spec, ADD);
  }

  /** `ip neigh replace`: creates the entry or overwrites its lladdr, state and flags. */
  replace(spec: NeighbourSpec): void {
    this.runOne(spec, REPLACE);
  }

  /** `ip neigh change`: overwrites an existing entry; NetlinkError ENOENT when there is none. */
  change(spec: NeighbourSpec): void {
    this.runOne(spec, CHANGE);
  }

  /** `ip neigh del`: only dev, address and proxy of the spec matter. */
  delete(spec: NeighbourSpec): void {
    const prepared = prepareNeighbour(spec, 'delete');
    prepared.message.ifindex = resolveLinkIndex(this.ctx, prepared.dev);
    this.ctx.socket.execute(request(DELETE.type, DELETE.flags, prepared.message), this.op(DELETE.operation, prepared.text));
  }

  /** `ip neigh get ADDR dev DEV`: one entry, straight from the kernel; NetlinkError ENOENT when there is none. */
  get(query: NeighbourQuery): Neighbour {
    const prepared = this.prepareQuery(query);
    prepared.message.ifindex = resolveLinkIndex(this.ctx, prepared.dev);
    return this.ctx.socket.execute(request(RTM_GETNEIGH, 0, prepared.message), this.op('get neighbour', prepared.text), decodeNeighbour)[0]!;
  }

  /** `ip neigh show nud all`: the kernel filters by family, link and table; states are filtered here. */
  list(filter?: NeighbourFilter): Neighbour[] {
    const selection = this.selection(filter, ALL_STATES);
    const ifindex = selection.dev === undefined ? 0 : resolveLinkIndex(this.ctx, selection.dev);
    return deriveFromDump(this.ctx.socket.dump(this.dumpRequest(selection, ifindex), this.listOp(selection), decodeNeighbour), (d) => this.select(d, selection, ifindex));
  }

  /** `ip neigh flush`: dumps the matching entries and deletes them in packed requests; returns how many went. */
  flush(filter?: NeighbourFilter): number {
    const selection = this.selection(filter, FLUSH_STATES);
    const ifindex = selection.dev === undefined ? 0 : resolveLinkIndex(this.ctx, selection.dev);
    let deleted = 0;
    for (let round = 0; round < FLUSH_ROUNDS; round++) {
      const victims = deriveFromDump(this.ctx.socket.dump(this.dumpRequest(selection, ifindex), this.listOp(selection), decodeNeighbour), (d) => this.select(d, selection, ifindex));
      if (victims.length === 0) return deleted;
      deleted += victims.length - this.tolerateGone(() => this.ctx.socket.executeMany(victims.map(deletionOf), (i) => this.flushOp(victims[i]!)));
    }
    throw this.flushStuck(selection);
  }

  /** Promise form of {@link NeighbourService.add}. */
  async addAsync(spec: NeighbourSpec): Promise<void> {
    await this.runOneAsync(spec, ADD);
  }

  /** Promise form of {@link NeighbourService.replace}. */
  async replaceAsync(spec: NeighbourSpec): Promise<void> {
    await this.runOneAsync(spec, REPLACE);
  }

  /** Promise form of {@link NeighbourService.change}. */
  async changeAsync(spec: NeighbourSpec): Promise<void> {
    await this.runOneAsync(spec, CHANGE);
  }

  /** Promise form of {@link NeighbourService.delete}. */
  async deleteAsync(spec: NeighbourSpec): Promise<void> {
    const prepared = prepareNeighbour(spec, 'delete');
    prepared.message.ifindex = await resolveLinkIndexAsync(this.ctx, prepared.dev);
    await this.ctx.socket.executeAsync(request(DELETE.type, DELETE.flags, prepared.message), this.op(DELETE.operation, prepared.text));
  }

  /** Promise form of {@link NeighbourService.get}. */
  async getAsync(query: NeighbourQuery): Promise<Neighbour> {
    const prepared = this.prepareQuery(query);
    prepared.message.ifindex = await resolveLinkIndexAsync(this.ctx, prepared.dev);
    return (await this.ctx.socket.executeAsync(request(RTM_GETNEIGH, 0, prepared.message), this.op('get neighbour', prepared.text), decodeNeighbour))[0]!;
  }

  /** Promise form of {@link NeighbourService.list}. */
  async listAsync(filter?: NeighbourFilter): Promise<Neighbour[]> {
    const selection = this.selection(filter, ALL_STATES);
    const ifindex = selection.dev === undefined ? 0 : await resolveLinkIndexAsync(this.ctx, selection.dev);
    return deriveFromDump(await this.ctx.socket.dumpAsync(this.dumpRequest(selection, ifindex), this.listOp(selection), decodeNeighbour), (d) => this.select(d, selection, ifindex));
  }

  /** Promise form of {@link NeighbourService.flush}. */
  async flushAsync(filter?: NeighbourFilter): Promise<number> {
    const selection = this.selection(filter, FLUSH_STATES);
    const ifindex = selection.dev === undefined ? 0 : await resolveLinkIndexAsync(this.ctx, selection.dev);
    let deleted = 0;
    for (let round = 0; round < FLUSH_ROUNDS; round++) {
      const victims = deriveFromDump(await this.ctx.socket.dumpAsync(this.dumpRequest(selection, ifindex), this.listOp(selection), decodeNeighbour), (d) => this.select(d, selection, ifindex));
      if (victims.length === 0) return deleted;
      deleted += victims.length - (await this.tolerateGoneAsync(() => this.ctx.socket.executeManyAsync(victims.map(deletionOf), (i) => this.flushOp(victims[i]!))));
    }
    throw this.flushStuck(selection);
  }

  // ---- requests ----------------------------------------------------------------

  private op(operation: string, text: string): Operation {
    return { operation, object: `${text} in ${this.ctx.label}`, headerLength: NDMSG_LEN, attributeName: neighbourAttributeName };
  }

  private runOne(spec: NeighbourSpec, kind: Kind): void {
    const prepared = prepareNeighbour(spec, 'add');
    prepared.message.ifindex = resolveLinkIndex(this.ctx, prepared.dev);
    this.ctx.socket.execute(request(kind.type, kind.flags, prepared.message), this.op(kind.operation, prepared.text));
  }

  private async runOneAsync(spec: NeighbourSpec, kind: Kind): Promise<void> {
    const prepared = prepareNeighbour(spec, 'add');
    prepared.message.ifindex = await resolveLinkIndexAsync(this.ctx, prepared.dev);
    await this.ctx.socket.executeAsync(request(kind.type, kind.flags, prepared.message), this.op(kind.operation, prepared.text));
  }

  private prepareQuery(query: NeighbourQuery): PreparedNeighbour {
    if (typeof query !== 'object' || query === null) throw new InvalidArgumentError(`neighbour query must be an object like { dev, address }, got ${query === null ? 'null' : typeof query}`);
    checkKeys(query, QUERY_KEYS, 'neighbour query');
    return prepareNeighbour(query, 'get');
  }

  // ---- list and flush ------------------------------------------------------------

  private selection(filter: NeighbourFilter | undefined, defaultStates: number): Selection {
    const f = optionsObject(filter, FILTER_KEYS, 'neighbour filter');
    if (f.proxy !== undefined && typeof f.proxy !== 'boolean') throw new InvalidArgumentError(`neighbour filter proxy must be true or false, got ${jsonOf(f.proxy)}`);
    const proxy = f.proxy ?? false;
    if (proxy && f.state !== undefined) throw new InvalidArgumentError('proxy entries have no NUD state; leave state out of a proxy filter');
    return {
      dev: f.dev === undefined ? undefined : validateLinkRef(f.dev),
      family: validateFamily(f.family),
      stateMask: f.state === undefined ? defaultStates : parseStateFilter(f.state),
      proxy,
    };
  }

  private dumpRequest(selection: Selection, ifindex: number): Request {
    const family = addressFamily(selection.family);
    const flags = selection.proxy ? NTF_PROXY : 0;
    return { type: RTM_GETNEIGH, encode: (w) => encodeNeighbourDumpRequest(w, family, flags, ifindex) };
  }

  private listOp(selection: Selection): Operation {
    const what = [selection.proxy ? 'proxy' : '', selection.family ? `IPv${selection.family}` : '', selection.dev === undefined ? '' : `dev ${selection.dev}`];
    return { operation: 'list neighbours', object: [...what, `in ${this.ctx.label}`].filter(Boolean).join(' '), headerLength: NDMSG_LEN };
  }

  /** The kernel already filtered by family and link (strict checking); states are matched here. */
  private select(found: Neighbour[], selection: Selection, ifindex: number): Neighbour[] {
    return found.filter((n) => {
      if (selection.family !== undefined && n.family !== selection.family) return false;
      if (ifindex !== 0 && n.ifindex !== ifindex) return false;
      // Proxy entries carry no state; the proxy table is chosen whole. Externally
      // learned entries pass any state filter, as in ip's print_neigh (so
      // `ip neigh show` lists a NOARP extern_learn entry, and flush takes it).
      return selection.proxy || (n.flags & NTF_EXT_LEARNED) !== 0 || matchesStateMask(n.state, selection.stateMask);
    });
  }

  private flushOp(n: Neighbour): Operation {
    return this.op('flush neighbour', `${n.flags & NTF_PROXY ? 'proxy ' : ''}${n.dst} dev #${n.ifindex}`);
  }

  /** An entry that vanished between dump and delete (expired, or its link went) is already flushed. */
  private tolerateGone(run: () => void): number {
    try {
      run();
      return 0;
    } catch (error) {
      return goneCount(error);
    }
  }

  private async tolerateGoneAsync(run: () => Promise<void>): Promise<number> {
    try {
      await run();
      return 0;
    } catch (error) {
      return goneCount(error);
    }
  }

  private flushStuck(selection: Selection): Error {
    return new Error(`flush neighbours${selection.dev === undefined ? '' : ` dev ${selection.dev}`} in ${this.ctx.label}: entries still present after ${FLUSH_ROUNDS} rounds`);
  }
}

function goneCount(error: unknown): number {
  const isGone = (e: NetlinkError) => e.errno === ENOENT;
  if (error instanceof NetlinkError && isGone(error)) return 1;
  if (error instanceof NetlinkBatchError && error.failures.every((f) => isGone(f.error))) return error.failures.length;
  throw error;
}
