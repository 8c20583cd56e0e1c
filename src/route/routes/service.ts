import { RTM_DELROUTE, RTM_F_CLONED, RTM_GETROUTE, RTM_NEWROUTE } from '../../generated/rtnetlink.js';
import { requireBoolean, requireOneOf } from '../../netlink/checks.js';
import { deriveFromDump } from '../../netlink/dump-retry.js';
import { NetlinkError, type Operation } from '../../netlink/errors.js';
import { NLM_F_APPEND, NLM_F_CREATE, NLM_F_EXCL, NLM_F_REPLACE } from '../../netlink/message.js';
import type { Request } from '../../netlink/socket.js';
import type { RouteContext } from '../context.js';
import { EncodedRequest } from '../encoded-request.js';
import { executeAll, executeAllAsync, executeOne, executeOneAsync, type RequestPlan } from '../execution.js';
import { addressFamily, validateFamily } from '../family.js';
import {
  parseRouteProtocol, parseRouteTable, parseRouteType, parseScope, routeTableName, type RouteProtocolName, type RouteTableName,
  type RouteTypeName, type ScopeName,
} from '../iproute2-names.js';
import { optionsObject, prepareEach } from '../keys.js';
import { LinkIndexes } from '../link-indexes.js';
import { LinkNotFoundError, validateLinkRef, type LinkRef } from '../resolve.js';
import './describe.js';
import {
  decodeRoute, encodeRouteDumpRequest, encodeRouteRequest, routeAttributeName, RTMSG_LEN, type Route, type RouteDumpFilter,
} from './message.js';
import { describeRoute, prepareLookup, prepareRoute, type PreparedLookup, type PreparedRoute, type RouteLookup, type RouteSpec } from './spec.js';

/** A route lookup the kernel answered but nlkit cannot complete (no route in the reply, nothing to connect from). */
export class RouteLookupError extends Error {
  /** Always `'RouteLookupError'`. */
  override readonly name = 'RouteLookupError';
}

/**
 * Which routes `list` returns. Table (default 'main', like `ip route show`),
 * protocol, type and dev are filtered by the kernel (strict checking); family
 * selects the dump; scope is filtered here, as the kernel cannot.
 */
export interface RouteFilter {
  /** IPv4 or IPv6 routes only; both when absent. */
  family?: 4 | 6;
  /** Table to show; 'all' shows every table (`ip route show table all`). Default 'main'. */
  table?: number | RouteTableName | 'all';
  /** Only routes installed by this origin (`proto static`, `proto kernel`, ...). */
  protocol?: RouteProtocolName | number;
  /** Only routes of this type (`ip route show type blackhole`). */
  type?: RouteTypeName | number;
  /** Routes through this link (any nexthop of a multipath route counts). */
  dev?: LinkRef;
  /** Only routes of this scope (`scope link`). */
  scope?: ScopeName | number;
  /**
   * The routes the kernel cloned from the table's instead of the table's
   * own (`ip route show cached`): IPv6 exceptions (a learned path MTU, a
   * redirect) and IPv4 next-hop exceptions. They carry RTM_F_CLONED in
   * `flags` and, while they last, `expires`. Default false.
   */
  cloned?: boolean;
  /**
   * A table that does not exist: `'empty'` (default) lists it as empty;
   * `'throw'` lets the kernel's refusal through as a NetlinkError (ENOENT,
   * "FIB table does not exist"), as `ip route show table N` reports it.
   */
  missingTable?: 'empty' | 'throw';
}

interface Kind {
  type: number;
  flags: number;
  operation: string;
  purpose: 'add' | 'delete';
}

const ADD: Kind = { type: RTM_NEWROUTE, flags: NLM_F_CREATE | NLM_F_EXCL, operation: 'add route', purpose: 'add' };
const REPLACE: Kind = { type: RTM_NEWROUTE, flags: NLM_F_CREATE | NLM_F_REPLACE, operation: 'replace route', purpose: 'add' };
const APPEND: Kind = { type: RTM_NEWROUTE, flags: NLM_F_CREATE | NLM_F_APPEND, operation: 'append route', purpose: 'add' };
const CHANGE: Kind = { type: RTM_NEWROUTE, flags: NLM_F_REPLACE, operation: 'change route', purpose: 'add' };
const PREPEND: Kind = { type: RTM_NEWROUTE, flags: NLM_F_CREATE, operation: 'prepend route', purpose: 'add' };
const TEST: Kind = { type: RTM_NEWROUTE, flags: NLM_F_EXCL, operation: 'test route', purpose: 'add' };
const DELETE: Kind = { type: RTM_DELROUTE, flags: 0, operation: 'delete route', purpose: 'delete' };

const MISSING_TABLE = ['empty', 'throw'] as const;
const FILTER_KEYS = new Set(['family', 'table', 'protocol', 'type', 'dev', 'scope', 'cloned', 'missingTable']);

interface ListQuery {
  family: 4 | 6 | undefined;
  /** undefined: every table. */
  table: number | undefined;
  protocol: number | undefined;
  type: number | undefined;
  dev: LinkRef | undefined;
  scope: number | undefined;
  cloned: boolean;
  missingTableThrows: boolean;
}

/** No link to resolve: a route through a gateway alone (most of a large batch), without an array of its own. */
const NO_LINKS: readonly (LinkRef | undefined)[] = [];

/** The links a route names: its dev and its nexthops' (a list rather than a generator: batches resolve tens of thousands). */
function devsOf(prepared: PreparedRoute): readonly (LinkRef | undefined)[] {
  if (prepared.nexthopDevs) return [prepared.dev, ...prepared.nexthopDevs];
  return prepared.dev === undefined ? NO_LINKS : [prepared.dev];
}

function usesLink(route: Route, index: number): boolean {
  if (route.oif === index) return true;
  return route.nexthops !== undefined && route.nexthops.some((nh) => nh.oif === index);
}

/**
 * IPv4 and IPv6 routes of one namespace (`rt.route`), in the words of
 * `ip route`. Every method has an `…Async` twin returning a Promise.
 */
export class RouteService {
  constructor(private readonly ctx: RouteContext) {}

  /** `ip route add`: fails with EEXIST if the route is already there. */
  add(spec: RouteSpec): void {
    this.runOne(spec, ADD);
  }

  /** `ip route replace`: adds the route or replaces the one with the same destination, table, tos and metric. */
  replace(spec: RouteSpec): void {
    this.runOne(spec, REPLACE);
  }

  /** `ip route append`: IPv4 adds another route for the same prefix; IPv6 adds a path to an existing route. */
  append(spec: RouteSpec): void {
    this.runOne(spec, APPEND);
  }

  /** `ip route change`: replaces a route without asking to create one (the kernel's answer when there is none: IPv6 refuses with ENOENT). */
  change(spec: RouteSpec): void {
    this.runOne(spec, CHANGE);
  }

  /** `ip route prepend`: IPv4 adds another route for the same prefix ahead of the others; IPv6 adds a path to an existing route. */
  prepend(spec: RouteSpec): void {
    this.runOne(spec, PREPEND);
  }

  /**
   * `ip route test`: an add without NLM_F_CREATE. IPv4 never creates the
   * route (ENOENT when it is not there, EEXIST when it is); IPv6 adds it as
   * `add` does (the kernel only warns about the missing flag).
   */
  test(spec: RouteSpec): void {
    this.runOne(spec, TEST);
  }

  /** `ip route del`: what the spec leaves out (type, protocol, scope, metric, gateway) matches anything. */
  delete(spec: RouteSpec): void {
    this.runOne(spec, DELETE);
  }

  /** Adds many routes, packed into few sends; failures come back together as a NetlinkBatchError. */
  addMany(specs: readonly RouteSpec[]): void {
    this.runMany(specs, ADD);
  }

  /** Deletes many routes (`ip route del` each), packed into few sends; failures come back together as a NetlinkBatchError. */
  deleteMany(specs: readonly RouteSpec[]): void {
    this.runMany(specs, DELETE);
  }

  /** `ip route get`: the kernel's answer for one destination. */
  get(lookup: RouteLookup): Route {
    const prepared = prepareLookup(lookup);
    const links = LinkIndexes.resolve(this.ctx, [prepared.iif, prepared.oif]);
    const route = this.answer(this.ctx.socket.execute(this.lookupRequest(prepared, links), this.lookupOp(prepared), decodeRoute), prepared);
    const again = this.connectedLookup(lookup, route, prepared);
    return again === undefined ? route : this.get(again);
  }

  /** `ip route show`: routes of table main unless `table` says otherwise. */
  list(filter?: RouteFilter): Route[] {
    const query = this.listQuery(filter);
    const index = query.dev === undefined ? 0 : LinkIndexes.resolve(this.ctx, [query.dev]).of(query.dev);
    try {
      return deriveFromDump(this.ctx.socket.dump(this.dumpRequest(query, index), this.listOp(query), decodeRoute), (d) => this.select(d, query, index));
    } catch (error) {
      return this.emptyOrThrow(error, query);
    }
  }

  /** Promise form of {@link RouteService.add}. */
  async addAsync(spec: RouteSpec): Promise<void> {
    await this.runOneAsync(spec, ADD);
  }

  /** Promise form of {@link RouteService.replace}. */
  async replaceAsync(spec: RouteSpec): Promise<void> {
    await this.runOneAsync(spec, REPLACE);
  }

  /** Promise form of {@link RouteService.append}. */
  async appendAsync(spec: RouteSpec): Promise<void> {
    await this.runOneAsync(spec, APPEND);
  }

  /** Promise form of {@link RouteService.change}. */
  async changeAsync(spec: RouteSpec): Promise<void> {
    await this.runOneAsync(spec, CHANGE);
  }

  /** Promise form of {@link RouteService.prepend}. */
  async prependAsync(spec: RouteSpec): Promise<void> {
    await this.runOneAsync(spec, PREPEND);
  }

  /** Promise form of {@link RouteService.test}. */
  async testAsync(spec: RouteSpec): Promise<void> {
    await this.runOneAsync(spec, TEST);
  }

  /** Promise form of {@link RouteService.delete}. */
  async deleteAsync(spec: RouteSpec): Promise<void> {
    await this.runOneAsync(spec, DELETE);
  }

  /** Promise form of {@link RouteService.addMany}. */
  async addManyAsync(specs: readonly RouteSpec[]): Promise<void> {
    await this.runManyAsync(specs, ADD);
  }

  /** Promise form of {@link RouteService.deleteMany}. */
  async deleteManyAsync(specs: readonly RouteSpec[]): Promise<void> {
    await this.runManyAsync(specs, DELETE);
  }

  /** Promise form of {@link RouteService.get}. */
  async getAsync(lookup: RouteLookup): Promise<Route> {
    const prepared = prepareLookup(lookup);
    const links = await LinkIndexes.resolveAsync(this.ctx, [prepared.iif, prepared.oif]);
    const route = this.answer(await this.ctx.socket.executeAsync(this.lookupRequest(prepared, links), this.lookupOp(prepared), decodeRoute), prepared);
    const again = this.connectedLookup(lookup, route, prepared);
    return again === undefined ? route : this.getAsync(again);
  }

  /** Promise form of {@link RouteService.list}. */
  async listAsync(filter?: RouteFilter): Promise<Route[]> {
    const query = this.listQuery(filter);
    const index = query.dev === undefined ? 0 : (await LinkIndexes.resolveAsync(this.ctx, [query.dev])).of(query.dev);
    try {
      return deriveFromDump(await this.ctx.socket.dumpAsync(this.dumpRequest(query, index), this.listOp(query), decodeRoute), (d) => this.select(d, query, index));
    } catch (error) {
      return this.emptyOrThrow(error, query);
    }
  }

  // ---- add, replace, append, delete ---------------------------------------------------

  private plan(kind: Kind): RequestPlan<PreparedRoute> {
    return {
      links: devsOf,
      request: (p, links) => {
        const r = p.request;
        if (p.dev !== undefined) r.oif = links.of(p.dev);
        if (p.nexthopDevs && r.nexthops) {
          for (let i = 0; i < r.nexthops.length; i++) {
            const dev = p.nexthopDevs[i];
            if (dev !== undefined) r.nexthops[i]!.oif = links.of(dev);
          }
        }
        return new EncodedRequest(kind.type, kind.flags, r, encodeRouteRequest);
      },
      op: (p) => ({
        operation: kind.operation,
        object: `${describeRoute(p)} in ${this.ctx.label}`,
        headerLength: RTMSG_LEN,
        attributeName: routeAttributeName,
      }),
    };
  }

  private runOne(spec: RouteSpec, kind: Kind): void {
    executeOne(this.ctx, prepareRoute(spec, kind.purpose), this.plan(kind));
  }

  private runOneAsync(spec: RouteSpec, kind: Kind): Promise<void> {
    return executeOneAsync(this.ctx, prepareRoute(spec, kind.purpose), this.plan(kind));
  }

  private prepareMany(specs: readonly RouteSpec[], kind: Kind): PreparedRoute[] {
    return prepareEach(specs, 'specs', (spec) => prepareRoute(spec, kind.purpose));
  }

  private runMany(specs: readonly RouteSpec[], kind: Kind): void {
    executeAll(this.ctx, this.prepareMany(specs, kind), this.plan(kind));
  }

  private runManyAsync(specs: readonly RouteSpec[], kind: Kind): Promise<void> {
    return executeAllAsync(this.ctx, this.prepareMany(specs, kind), this.plan(kind));
  }

  // ---- get ----------------------------------------------------------------------------

  private lookupRequest(prepared: PreparedLookup, links: LinkIndexes): Request {
    const r = prepared.request;
    if (prepared.iif !== undefined) r.iif = links.of(prepared.iif);
    if (prepared.oif !== undefined) r.oif = links.of(prepared.oif);
    return new EncodedRequest(RTM_GETROUTE, 0, r, encodeRouteRequest);
  }

  private lookupOp(prepared: PreparedLookup): Operation {
    return { operation: 'look up route', object: `${prepared.text} in ${this.ctx.label}`, headerLength: RTMSG_LEN, attributeName: routeAttributeName };
  }

  /** `connected` without `from`: the same lookup from the first answer's source address (iproute2's iproute_get). */
  private connectedLookup(lookup: RouteLookup, first: Route, prepared: PreparedLookup): RouteLookup | undefined {
    if (!lookup.connected || lookup.from !== undefined) return undefined;
    const from = first.prefsrc ?? first.src;
    if (from === undefined) {
      throw new RouteLookupError(`look up route ${prepared.text} connected in ${this.ctx.label}: the answer has no source address to connect from (ip: "Failed to connect the route"); give from`);
    }
    return { ...lookup, from, connected: false };
  }

  private answer(replies: (Route | undefined)[], prepared: PreparedLookup): Route {
    const route = replies.find((r) => r !== undefined);
    if (!route) throw new RouteLookupError(`look up route ${prepared.text} in ${this.ctx.label}: the kernel sent no route`);
    return route;
  }

  // ---- list ---------------------------------------------------------------------------

  private listQuery(filter: RouteFilter | undefined): ListQuery {
    const f = optionsObject(filter, FILTER_KEYS, 'route filter');
    return {
      family: validateFamily(f.family),
      table: f.table === 'all' ? undefined : parseRouteTable(f.table ?? 'main'),
      protocol: f.protocol === undefined ? undefined : parseRouteProtocol(f.protocol),
      type: f.type === undefined ? undefined : parseRouteType(f.type),
      dev: f.dev === undefined ? undefined : validateLinkRef(f.dev),
      scope: f.scope === undefined ? undefined : parseScope(f.scope),
      cloned: f.cloned === undefined ? false : requireBoolean(f.cloned, 'route filter cloned'),
      missingTableThrows: f.missingTable === undefined ? false : requireOneOf(f.missingTable, 'route filter missingTable', MISSING_TABLE) === 'throw',
    };
  }

  /** With NETLINK_GET_STRICT_CHK the kernel honours rtm_table/RTA_TABLE, rtm_protocol, rtm_type and RTA_OIF. */
  private dumpRequest(query: ListQuery, index: number): Request {
    const filter: RouteDumpFilter = {
      family: addressFamily(query.family),
      table: query.table ?? 0,
      protocol: query.protocol ?? 0,
      type: query.type ?? 0,
      oif: index,
      flags: query.cloned ? RTM_F_CLONED : 0,
    };
    return { type: RTM_GETROUTE, encode: (w) => encodeRouteDumpRequest(w, filter) };
  }

  private listOp(query: ListQuery): Operation {
    const parts = [
      query.family === undefined ? '' : `IPv${query.family}`,
      `table ${query.table === undefined ? 'all' : routeTableName(query.table)}`,
      query.dev === undefined ? '' : `dev ${query.dev}`,
    ].filter(Boolean);
    return { operation: query.cloned ? 'list cloned routes' : 'list routes', object: `${parts.join(' ')} in ${this.ctx.label}`, headerLength: RTMSG_LEN, attributeName: routeAttributeName };
  }

  /** Applies the whole filter again: the kernel cannot filter scope, nor anything on a socket without strict checking. */
  private select(found: (Route | undefined)[], query: ListQuery, index: number): Route[] {
    // Compacted in place: the dump's array is this call's own, and a second
    // array of 100,000 routes grown by push costs more than the checks.
    let kept = 0;
    for (let i = 0; i < found.length; i++) {
      const r = found[i];
      if (r === undefined) continue;
      if (query.family !== undefined && r.family !== query.family) continue;
      if (query.table !== undefined && r.table !== query.table) continue;
      if (query.protocol !== undefined && r.protocol !== query.protocol) continue;
      if (query.type !== undefined && r.type !== query.type) continue;
      if (query.scope !== undefined && r.scope !== query.scope) continue;
      if (index !== 0 && !usesLink(r, index)) continue;
      // A kernel without strict checking ignores RTM_F_CLONED and sends the table's routes.
      if (query.cloned && (r.flags & RTM_F_CLONED) === 0) continue;
      found[kept++] = r;
    }
    found.length = kept;
    return found as Route[];
  }

  /** A table that does not exist yet has no routes; the kernel says ENOENT when asked for it by family. */
  private emptyOrThrow(error: unknown, query: ListQuery): Route[] {
    if (error instanceof NetlinkError) {
      if (error.code === 'ENOENT' && query.table !== undefined && !query.missingTableThrows) return [];
      if (error.code === 'ENODEV' && query.dev !== undefined) throw new LinkNotFoundError(query.dev, this.ctx.label);
    }
    throw error;
  }
}
