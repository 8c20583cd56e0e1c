import { ENOENT } from '../../generated/errno.js';
import { RTM_DELNEXTHOP, RTM_GETNEXTHOP, RTM_NEWNEXTHOP } from '../../generated/rtnetlink.js';
import { deriveFromDump } from '../../netlink/dump-retry.js';
import { InvalidArgumentError } from '../../netlink/addresses.js';
import { optionalBoolean, requireObject } from '../../netlink/checks.js';
import { NetlinkError, type Operation } from '../../netlink/errors.js';
import { NLM_F_CREATE, NLM_F_ECHO, NLM_F_EXCL, NLM_F_REPLACE } from '../../netlink/message.js';
import type { Request } from '../../netlink/socket.js';
import type { RouteContext } from '../context.js';
import { parseRouteProtocol, type RouteProtocolName } from '../iproute2-names.js';
import { checkKeys, optionsObject } from '../keys.js';
import { describeLinkRef, resolveLinkIndex, resolveLinkIndexAsync, validateLinkRef, type LinkRef } from '../resolve.js';
import './describe.js';
import { decodeNexthop, encodeNexthop, nexthopAttributeName, NHMSG_LEN, type Nexthop, type NexthopMessage } from './message.js';
import { prepareNexthop, validateNexthopId, type NexthopSpec, type PreparedNexthop } from './spec.js';

/** Which nexthops `list` returns, as `ip nexthop show` selects them. */
export interface NexthopFilter {
  /** Only nexthops on this device (NHA_OIF; `dev`); LinkNotFoundError if it does not exist. */
  dev?: LinkRef;
  /** Only nexthops whose device is enslaved to this one, e.g. a VRF (NHA_MASTER; `master`). */
  master?: LinkRef;
  /** Only groups (NHA_GROUPS; `groups`). */
  groups?: boolean;
  /** Only fdb nexthops (NHA_FDB; `fdb`). */
  fdb?: boolean;
  /** Only the nexthop with this id (`id`): a one-element list, or empty when there is none; combines with protocol only. */
  id?: number;
  /** Only nexthops installed by this protocol (`protocol`); the kernel cannot filter on it, so this is done here. */
  protocol?: RouteProtocolName | number;
}

/** Which nexthop `delete` removes. */
export interface NexthopSelector {
  /** The nexthop's id. */
  id: number;
}

interface Kind {
  type: number;
  flags: number;
  operation: string;
  /** Whether a spec without id is refused before sending: the kernel can pick an id to create, not one to replace. */
  needsId: boolean;
}

const ADD: Kind = { type: RTM_NEWNEXTHOP, flags: NLM_F_CREATE | NLM_F_EXCL, operation: 'add nexthop', needsId: false };
const REPLACE: Kind = { type: RTM_NEWNEXTHOP, flags: NLM_F_CREATE | NLM_F_REPLACE, operation: 'replace nexthop', needsId: true };

const FILTER_KEYS = new Set(['dev', 'master', 'groups', 'fdb', 'id', 'protocol']);
const SELECTOR_KEYS = new Set(['id']);

/** A validated filter: what goes into the dump request and what is checked here. */
interface Selection {
  dev: LinkRef | undefined;
  master: LinkRef | undefined;
  groups: boolean;
  fdb: boolean;
  id: number | undefined;
  protocol: number | undefined;
  text: string;
}

function request(type: number, flags: number, message: NexthopMessage): Request {
  return { type, flags, encode: (w) => encodeNexthop(w, message) };
}

function byId(id: number): NexthopMessage {
  return { addressFamily: 0, scope: 0, protocol: 0, flags: 0, id };
}


/**
 * The nexthop objects of one namespace (`rt.nexthop`), in the words of
 * `ip nexthop`: gateways, blackholes and groups that routes point at with
 * `nhid`. Every method has an `…Async` twin returning a Promise.
 */
export class NexthopService {
  constructor(private readonly ctx: RouteContext) {}

  /**
   * `ip nexthop add`: creates the nexthop and returns its id, the spec's or,
   * when the spec has none, the one the kernel picked. NetlinkError EEXIST if
   * the id is taken.
   */
  add(spec: NexthopSpec): number {
    const prepared = this.prepare(spec, ADD);
    if (prepared.dev !== undefined) prepared.message.oif = resolveLinkIndex(this.ctx, prepared.dev);
    const request = this.modifyRequest(ADD, prepared);
    const echoed = this.ctx.socket.execute(request, this.modifyOp(ADD, prepared), decodeNexthop);
    return this.createdId(prepared, echoed);
  }

  /** `ip nexthop replace`: creates the nexthop or changes it in place; routes using it follow. The spec needs an id. */
  replace(spec: NexthopSpec): void {
    const prepared = this.prepare(spec, REPLACE);
    if (prepared.dev !== undefined) prepared.message.oif = resolveLinkIndex(this.ctx, prepared.dev);
    this.ctx.socket.execute(this.modifyRequest(REPLACE, prepared), this.modifyOp(REPLACE, prepared));
  }

  /** `ip nexthop del id N`: NetlinkError ENOENT when there is none; routes using it go with it. */
  delete(selector: NexthopSelector): void {
    const id = this.selectorId(selector);
    this.ctx.socket.execute(request(RTM_DELNEXTHOP, 0, byId(id)), this.op('delete nexthop', `id ${id}`));
  }

  /** `ip nexthop get id N`: straight from the kernel; NetlinkError ENOENT when there is none. */
  get(id: number): Nexthop {
    const checked = validateNexthopId(id);
    return this.ctx.socket.execute(request(RTM_GETNEXTHOP, 0, byId(checked)), this.op('get nexthop', `id ${checked}`), decodeNexthop)[0]!;
  }

  /** `ip nexthop show [dev D] [master M] [groups] [fdb] [id N] [protocol P]`. */
  list(filter?: NexthopFilter): Nexthop[] {
    const s = this.selection(filter);
    if (s.id !== undefined) return this.select(this.maybeGet(s.id), s);
    const message = this.dumpMessage(s, s.dev === undefined ? undefined : resolveLinkIndex(this.ctx, s.dev),
      s.master === undefined ? undefined : resolveLinkIndex(this.ctx, s.master, 'master'));
    return deriveFromDump(this.ctx.socket.dump(request(RTM_GETNEXTHOP, 0, message), this.listOp(s), decodeNexthop), (d) => this.select(d, s));
  }

  /** Promise form of {@link NexthopService.add}: resolves to the nexthop's id. */
  async addAsync(spec: NexthopSpec): Promise<number> {
    const prepared = this.prepare(spec, ADD);
    if (prepared.dev !== undefined) prepared.message.oif = await resolveLinkIndexAsync(this.ctx, prepared.dev);
    const request = this.modifyRequest(ADD, prepared);
    const echoed = await this.ctx.socket.executeAsync(request, this.modifyOp(ADD, prepared), decodeNexthop);
    return this.createdId(prepared, echoed);
  }

  /** Promise form of {@link NexthopService.replace}. */
  async replaceAsync(spec: NexthopSpec): Promise<void> {
    const prepared = this.prepare(spec, REPLACE);
    if (prepared.dev !== undefined) prepared.message.oif = await resolveLinkIndexAsync(this.ctx, prepared.dev);
    await this.ctx.socket.executeAsync(this.modifyRequest(REPLACE, prepared), this.modifyOp(REPLACE, prepared));
  }

  /** Promise form of {@link NexthopService.delete}. */
  async deleteAsync(selector: NexthopSelector): Promise<void> {
    const id = this.selectorId(selector);
    await this.ctx.socket.executeAsync(request(RTM_DELNEXTHOP, 0, byId(id)), this.op('delete nexthop', `id ${id}`));
  }

  /** Promise form of {@link NexthopService.get}. */
  async getAsync(id: number): Promise<Nexthop> {
    const checked = validateNexthopId(id);
    return (await this.ctx.socket.executeAsync(request(RTM_GETNEXTHOP, 0, byId(checked)), this.op('get nexthop', `id ${checked}`), decodeNexthop))[0]!;
  }

  /** Promise form of {@link NexthopService.list}. */
  async listAsync(filter?: NexthopFilter): Promise<Nexthop[]> {
    const s = this.selection(filter);
    if (s.id !== undefined) return this.select(await this.maybeGetAsync(s.id), s);
    const message = this.dumpMessage(s, s.dev === undefined ? undefined : await resolveLinkIndexAsync(this.ctx, s.dev),
      s.master === undefined ? undefined : await resolveLinkIndexAsync(this.ctx, s.master, 'master'));
    return deriveFromDump(await this.ctx.socket.dumpAsync(request(RTM_GETNEXTHOP, 0, message), this.listOp(s), decodeNexthop), (d) => this.select(d, s));
  }

  private prepare(spec: NexthopSpec, kind: Kind): PreparedNexthop {
    const prepared = prepareNexthop(spec);
    if (kind.needsId && prepared.message.id === undefined) {
      throw new InvalidArgumentError(`${kind.operation} needs the id of the nexthop to create or change; only add lets the kernel pick one`);
    }
    return prepared;
  }

  // Without an id the kernel picks one; NLM_F_ECHO has it send its RTM_NEWNEXTHOP
  // notification back in the same exchange, which says which. With an id there is nothing to learn.
  private modifyRequest(kind: Kind, prepared: PreparedNexthop): Request {
    const echo = prepared.message.id === undefined ? NLM_F_ECHO : 0;
    return request(kind.type, kind.flags | echo, prepared.message);
  }

  private createdId(prepared: PreparedNexthop, echoed: Nexthop[]): number {
    if (prepared.message.id !== undefined) return prepared.message.id;
    const id = echoed.find((n) => n.id > 0)?.id;
    if (id === undefined) {
      // The kernel echoes every nexthop it creates (nexthop_notify); only a broken reply gets here.
      throw new Error(`add nexthop ${prepared.text} in ${this.ctx.label}: the kernel created it but did not say which id it picked`);
    }
    return id;
  }

  private modifyOp(kind: Kind, prepared: PreparedNexthop): Operation {
    return this.op(kind.operation, prepared.message.id === undefined ? `(kernel-chosen id) ${prepared.text}` : prepared.text);
  }

  private op(operation: string, text: string): Operation {
    return { operation, object: `${text} in ${this.ctx.label}`, headerLength: NHMSG_LEN, attributeName: nexthopAttributeName };
  }

  private listOp(s: Selection): Operation {
    return { operation: 'list nexthops', object: `${s.text}in ${this.ctx.label}`, headerLength: NHMSG_LEN, attributeName: nexthopAttributeName };
  }

  private selectorId(selector: NexthopSelector): number {
    const object = requireObject<NexthopSelector>(selector, 'nexthop selector', '{ id: 1 }');
    checkKeys(object, SELECTOR_KEYS, 'nexthop selector');
    return validateNexthopId(object.id, 'nexthop selector id');
  }

  // `show id N` of a nexthop that is not there is an empty list, as with every other filter.
  private maybeGet(id: number): Nexthop[] {
    try {
      return [this.get(id)];
    } catch (error) {
      if (error instanceof NetlinkError && error.errno === ENOENT) return [];
      throw error;
    }
  }

  private async maybeGetAsync(id: number): Promise<Nexthop[]> {
    try {
      return [await this.getAsync(id)];
    } catch (error) {
      if (error instanceof NetlinkError && error.errno === ENOENT) return [];
      throw error;
    }
  }

  private selection(filter: NexthopFilter | undefined): Selection {
    const f = optionsObject(filter, FILTER_KEYS, 'nexthop filter');
    const s: Selection = {
      dev: f.dev === undefined ? undefined : validateLinkRef(f.dev, 'dev'),
      master: f.master === undefined ? undefined : validateLinkRef(f.master, 'master'),
      groups: optionalBoolean(f.groups, 'groups'),
      fdb: optionalBoolean(f.fdb, 'fdb'),
      id: f.id === undefined ? undefined : validateNexthopId(f.id, 'nexthop filter id'),
      protocol: f.protocol === undefined ? undefined : parseRouteProtocol(f.protocol),
      text: '',
    };
    // The kernel refuses NHA_GROUPS with NHA_OIF or NHA_MASTER (a group has no device); say so before asking.
    if (s.groups && (s.dev !== undefined || s.master !== undefined)) {
      throw new InvalidArgumentError('nexthop filter: groups cannot be combined with dev or master (groups have no device)');
    }
    if (s.id !== undefined && (s.dev !== undefined || s.master !== undefined || s.groups || s.fdb)) {
      throw new InvalidArgumentError('nexthop filter: id names one nexthop; only protocol can be combined with it');
    }
    const words: string[] = [];
    if (s.id !== undefined) words.push(`id ${s.id}`);
    if (s.dev !== undefined) words.push(`dev ${describeLinkRef(s.dev)}`);
    if (s.master !== undefined) words.push(`master ${describeLinkRef(s.master)}`);
    if (s.groups) words.push('groups');
    if (s.fdb) words.push('fdb');
    if (s.protocol !== undefined) words.push(`protocol ${s.protocol}`);
    s.text = words.length ? `${words.join(' ')} ` : '';
    return s;
  }

  private dumpMessage(s: Selection, oif: number | undefined, master: number | undefined): NexthopMessage {
    const m: NexthopMessage = { addressFamily: 0, scope: 0, protocol: 0, flags: 0 };
    if (oif !== undefined) m.oif = oif;
    if (master !== undefined) m.master = master;
    if (s.groups) m.groups = true;
    if (s.fdb) m.fdb = true;
    return m;
  }

  private select(nexthops: Nexthop[], s: Selection): Nexthop[] {
    return s.protocol === undefined ? nexthops : nexthops.filter((n) => n.protocol === s.protocol);
  }
}
