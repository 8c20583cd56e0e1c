import { EADDRNOTAVAIL } from '../../generated/errno.js';
import { deriveFromDump } from '../../netlink/dump-retry.js';
import { RTM_DELADDR, RTM_GETADDR, RTM_NEWADDR } from '../../generated/rtnetlink.js';
import { InvalidArgumentError } from '../../netlink/addresses.js';
import { NetlinkBatchError, NetlinkError, type Operation } from '../../netlink/errors.js';
import { NLM_F_CREATE, NLM_F_EXCL, NLM_F_REPLACE } from '../../netlink/message.js';
import type { Request } from '../../netlink/socket.js';
import type { RouteContext } from '../context.js';
import { EncodedRequest } from '../encoded-request.js';
import { executeAll, executeAllAsync, executeOne, executeOneAsync, type RequestPlan } from '../execution.js';
import { addressFamily, validateFamily } from '../family.js';
import { ipValue } from '../ip-value.js';
import { parseScope, type ScopeName } from '../iproute2-names.js';
import { optionsObject, prepareEach } from '../keys.js';
import { LinkIndexes } from '../link-indexes.js';
import { LinkNotFoundError, validateLinkRef, type LinkRef } from '../resolve.js';
import './describe.js';
import {
  addressAttributeName, decodeAddress, encodeAddressDumpRequest, encodeAddressRequest, IFADDRMSG_LEN,
  type Address, type AddressRequest,
} from './message.js';
import { prepareAddress, type AddressSpec, type PreparedAddress } from './spec.js';
import { jsonOf } from '../../netlink/checks.js';

/** Which addresses `list` returns; the kernel filters by family and link. */
export interface AddressFilter {
  /** Only addresses on this link (`ip addr show dev eth0`); LinkNotFoundError if it does not exist. */
  dev?: LinkRef;
  /** Only IPv4 (`ip -4`) or IPv6 (`ip -6`) addresses; both when absent. */
  family?: 4 | 6;
}

/** Which addresses `flush` deletes: like `ip addr flush dev eth0 scope global label eth0:*`. */
export interface AddressFlushFilter extends AddressFilter {
  /** Only addresses of this scope, e.g. 'global' to keep link-local ones. */
  scope?: ScopeName | number;
  /** Exact IPv4 label; a trailing '*' matches any rest, as in `ip addr flush label 'eth0:*'`. */
  label?: string;
}

interface Kind {
  type: number;
  flags: number;
  operation: string;
  purpose: 'add' | 'delete';
}

const ADD: Kind = { type: RTM_NEWADDR, flags: NLM_F_CREATE | NLM_F_EXCL, operation: 'add address', purpose: 'add' };
const REPLACE: Kind = { type: RTM_NEWADDR, flags: NLM_F_CREATE | NLM_F_REPLACE, operation: 'replace address', purpose: 'add' };
const CHANGE: Kind = { type: RTM_NEWADDR, flags: NLM_F_REPLACE, operation: 'change address', purpose: 'add' };
const DELETE: Kind = { type: RTM_DELADDR, flags: 0, operation: 'delete address', purpose: 'delete' };

const LIST_KEYS = new Set(['dev', 'family']);
const FLUSH_KEYS = new Set(['dev', 'family', 'scope', 'label']);
/** Rounds of dump-and-delete before `flush` gives up on addresses that keep coming back. */
const FLUSH_ROUNDS = 10;

interface ListQuery {
  dev: LinkRef | undefined;
  family: 4 | 6 | undefined;
}

interface FlushQuery extends ListQuery {
  scope: number | undefined;
  label: string | undefined;
}

function matchesLabel(address: Address, pattern: string): boolean {
  const label = address.label;
  if (label === undefined) return false;
  return pattern.endsWith('*') ? label.startsWith(pattern.slice(0, -1)) : label === pattern;
}

/** The RTM_DELADDR that removes an address the kernel reported. */
function deletionOf(address: Address): AddressRequest {
  const family = address.family;
  return {
    family: addressFamily(family),
    prefixLength: address.prefixLength,
    flags: 0,
    scope: 0,
    index: address.index,
    local: ipValue(address.local ?? address.address, family),
    address: ipValue(address.address, family),
  };
}

/**
 * IPv4 and IPv6 addresses of one namespace (`rt.addr`), in the words of
 * `ip addr`. Every method has an `…Async` twin returning a Promise.
 */
export class AddressService {
  constructor(private readonly ctx: RouteContext) {}

  /** `ip addr add`: fails with EEXIST if the address is already there. */
  add(spec: AddressSpec): void {
    this.runOne(spec, ADD);
  }

  /** `ip addr replace`: creates the address or updates its lifetimes, flags and metric. */
  replace(spec: AddressSpec): void {
    this.runOne(spec, REPLACE);
  }

  /** `ip addr change`: updates an address without asking to create one (the kernel decides what a missing one gets). */
  change(spec: AddressSpec): void {
    this.runOne(spec, CHANGE);
  }

  /** `ip addr del`. */
  delete(spec: AddressSpec): void {
    this.runOne(spec, DELETE);
  }

  /** Adds many addresses, packed into few sends; failures come back together as a NetlinkBatchError. */
  addMany(specs: readonly AddressSpec[]): void {
    this.runMany(specs, ADD);
  }

  /** Deletes many addresses (`ip addr del` each), packed into few sends; failures come back together as a NetlinkBatchError. */
  deleteMany(specs: readonly AddressSpec[]): void {
    this.runMany(specs, DELETE);
  }

  /** `ip addr show`: the kernel filters by link and family. */
  list(filter?: AddressFilter): Address[] {
    const query = this.listQuery(filter, LIST_KEYS);
    const index = query.dev === undefined ? 0 : LinkIndexes.resolve(this.ctx, [query.dev]).of(query.dev);
    try {
      return deriveFromDump(this.ctx.socket.dump(this.dumpRequest(query, index), this.listOp(query), decodeAddress), (d) => this.select(d, query, index));
    } catch (error) {
      throw this.missingLink(error, query);
    }
  }

  /**
   * `ip addr flush`: dumps the matching addresses and deletes them in packed
   * requests, until none is left; returns how many were removed.
   */
  flush(filter?: AddressFlushFilter): number {
    const query = this.flushQuery(filter);
    let deleted = 0;
    for (let round = 0; round < FLUSH_ROUNDS; round++) {
      const victims = this.list({ dev: query.dev, family: query.family }).filter((a) => this.flushes(a, query));
      if (victims.length === 0) return deleted;
      this.tolerateGone(() => this.ctx.socket.executeMany(this.deletions(victims), (i) => this.flushOp(victims[i]!)));
      deleted += victims.length;
    }
    throw this.flushStuck(query);
  }

  /** Promise form of {@link AddressService.add}. */
  async addAsync(spec: AddressSpec): Promise<void> {
    await this.runOneAsync(spec, ADD);
  }

  /** Promise form of {@link AddressService.replace}. */
  async replaceAsync(spec: AddressSpec): Promise<void> {
    await this.runOneAsync(spec, REPLACE);
  }

  /** Promise form of {@link AddressService.change}. */
  async changeAsync(spec: AddressSpec): Promise<void> {
    await this.runOneAsync(spec, CHANGE);
  }

  /** Promise form of {@link AddressService.delete}. */
  async deleteAsync(spec: AddressSpec): Promise<void> {
    await this.runOneAsync(spec, DELETE);
  }

  /** Promise form of {@link AddressService.addMany}. */
  async addManyAsync(specs: readonly AddressSpec[]): Promise<void> {
    await this.runManyAsync(specs, ADD);
  }

  /** Promise form of {@link AddressService.deleteMany}. */
  async deleteManyAsync(specs: readonly AddressSpec[]): Promise<void> {
    await this.runManyAsync(specs, DELETE);
  }

  /** Promise form of {@link AddressService.list}. */
  async listAsync(filter?: AddressFilter): Promise<Address[]> {
    const query = this.listQuery(filter, LIST_KEYS);
    const index = query.dev === undefined ? 0 : (await LinkIndexes.resolveAsync(this.ctx, [query.dev])).of(query.dev);
    try {
      return deriveFromDump(await this.ctx.socket.dumpAsync(this.dumpRequest(query, index), this.listOp(query), decodeAddress), (d) => this.select(d, query, index));
    } catch (error) {
      throw this.missingLink(error, query);
    }
  }

  /** Promise form of {@link AddressService.flush}. */
  async flushAsync(filter?: AddressFlushFilter): Promise<number> {
    const query = this.flushQuery(filter);
    let deleted = 0;
    for (let round = 0; round < FLUSH_ROUNDS; round++) {
      const victims = (await this.listAsync({ dev: query.dev, family: query.family })).filter((a) => this.flushes(a, query));
      if (victims.length === 0) return deleted;
      await this.tolerateGoneAsync(() => this.ctx.socket.executeManyAsync(this.deletions(victims), (i) => this.flushOp(victims[i]!)));
      deleted += victims.length;
    }
    throw this.flushStuck(query);
  }

  // ---- requests ----------------------------------------------------------------

  private plan(kind: Kind): RequestPlan<PreparedAddress> {
    return {
      links: (p) => [p.dev],
      request: (p, links) => {
        p.request.index = links.of(p.dev);
        return new EncodedRequest(kind.type, kind.flags, p.request, encodeAddressRequest);
      },
      op: (p) => ({
        operation: kind.operation,
        object: `${p.text} in ${this.ctx.label}`,
        headerLength: IFADDRMSG_LEN,
        attributeName: addressAttributeName,
      }),
    };
  }

  private runOne(spec: AddressSpec, kind: Kind): void {
    executeOne(this.ctx, prepareAddress(spec, kind.purpose), this.plan(kind));
  }

  private runOneAsync(spec: AddressSpec, kind: Kind): Promise<void> {
    return executeOneAsync(this.ctx, prepareAddress(spec, kind.purpose), this.plan(kind));
  }

  private prepareMany(specs: readonly AddressSpec[], kind: Kind): PreparedAddress[] {
    return prepareEach(specs, 'specs', (spec) => prepareAddress(spec, kind.purpose));
  }

  private runMany(specs: readonly AddressSpec[], kind: Kind): void {
    executeAll(this.ctx, this.prepareMany(specs, kind), this.plan(kind));
  }

  private runManyAsync(specs: readonly AddressSpec[], kind: Kind): Promise<void> {
    return executeAllAsync(this.ctx, this.prepareMany(specs, kind), this.plan(kind));
  }

  // ---- list and flush ------------------------------------------------------------

  private listQuery(filter: AddressFilter | undefined, keys: ReadonlySet<string>): ListQuery {
    const f = optionsObject(filter, keys, 'address filter');
    return {
      dev: f.dev === undefined ? undefined : validateLinkRef(f.dev),
      family: validateFamily(f.family),
    };
  }

  private flushQuery(filter: AddressFlushFilter | undefined): FlushQuery {
    const f = optionsObject(filter, FLUSH_KEYS, 'flush filter');
    if (f.label !== undefined && (typeof f.label !== 'string' || f.label === '')) {
      throw new InvalidArgumentError(`flush filter label must be a non-empty string, got ${jsonOf(f.label)}`);
    }
    return {
      ...this.listQuery({ dev: f.dev, family: f.family }, LIST_KEYS),
      scope: f.scope === undefined ? undefined : parseScope(f.scope),
      label: f.label,
    };
  }

  private dumpRequest(query: ListQuery, index: number): Request {
    const family = addressFamily(query.family);
    return { type: RTM_GETADDR, encode: (w) => encodeAddressDumpRequest(w, family, index) };
  }

  private listOp(query: ListQuery): Operation {
    const dev = query.dev === undefined ? '' : ` dev ${query.dev}`;
    const family = query.family === undefined ? '' : ` IPv${query.family}`;
    return { operation: 'list addresses', object: `${family}${dev} in ${this.ctx.label}`.trimStart(), headerLength: IFADDRMSG_LEN };
  }

  /**
   * The kernel already filtered (strict checking); this also covers sockets
   * opened without it. Compacted in place, as routes are: the dump's array is
   * this call's own, and an indexed loop is what the first call of a process
   * runs interpreted at little cost (for...of steps an iterator per element).
   */
  private select(found: (Address | undefined)[], query: ListQuery, index: number): Address[] {
    let kept = 0;
    for (let i = 0; i < found.length; i++) {
      const a = found[i];
      if (a === undefined) continue;
      if (query.family !== undefined && a.family !== query.family) continue;
      if (index !== 0 && a.index !== index) continue;
      found[kept++] = a;
    }
    found.length = kept;
    return found as Address[];
  }

  private missingLink(error: unknown, query: ListQuery): unknown {
    if (error instanceof NetlinkError && error.code === 'ENODEV' && query.dev !== undefined) return new LinkNotFoundError(query.dev, this.ctx.label);
    return error;
  }

  private flushes(address: Address, query: FlushQuery): boolean {
    if (query.scope !== undefined && address.scope !== query.scope) return false;
    if (query.label !== undefined && !matchesLabel(address, query.label)) return false;
    return true;
  }

  private deletions(victims: Address[]): Request[] {
    return victims.map((a) => new EncodedRequest(RTM_DELADDR, 0, deletionOf(a), encodeAddressRequest));
  }

  private flushOp(address: Address): Operation {
    const text = `${address.local ?? address.address}/${address.prefixLength} dev #${address.index}`;
    return { operation: 'flush address', object: `${text} in ${this.ctx.label}`, headerLength: IFADDRMSG_LEN, attributeName: addressAttributeName };
  }

  /**
   * Deleting a primary IPv4 address takes its secondaries with it, so their own
   * deletes find nothing (EADDRNOTAVAIL); `ip addr flush` ignores those too.
   */
  private tolerateGone(run: () => void): void {
    try {
      run();
    } catch (error) {
      this.rethrowUnlessGone(error);
    }
  }

  private async tolerateGoneAsync(run: () => Promise<void>): Promise<void> {
    try {
      await run();
    } catch (error) {
      this.rethrowUnlessGone(error);
    }
  }

  private rethrowUnlessGone(error: unknown): void {
    const isGone = (e: NetlinkError) => e.errno === EADDRNOTAVAIL;
    if (error instanceof NetlinkError && isGone(error)) return;
    if (error instanceof NetlinkBatchError && error.failures.every((f) => isGone(f.error))) return;
    throw error;
  }

  private flushStuck(query: FlushQuery): Error {
    return new Error(`flush addresses${query.dev === undefined ? '' : ` dev ${query.dev}`} in ${this.ctx.label}: addresses still present after ${FLUSH_ROUNDS} rounds`);
  }
}
