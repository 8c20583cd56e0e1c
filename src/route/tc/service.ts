import { RTM_DELQDISC, RTM_DELTCLASS, RTM_DELTFILTER, RTM_GETQDISC, RTM_GETTCLASS, RTM_GETTFILTER, RTM_NEWQDISC, RTM_NEWTCLASS, RTM_NEWTFILTER } from '../../generated/rtnetlink.js';
import { InvalidArgumentError } from '../../netlink/addresses.js';
import { deriveFromDump } from '../../netlink/dump-retry.js';
import type { Operation } from '../../netlink/errors.js';
import { NLM_F_CREATE, NLM_F_EXCL, NLM_F_REPLACE } from '../../netlink/message.js';
import type { Request } from '../../netlink/socket.js';
import type { RouteContext } from '../context.js';
import { optionsObject } from '../keys.js';
import { LinkIndexes } from '../link-indexes.js';
import { resolveLinkIndex, resolveLinkIndexAsync, validateLinkRef, type LinkRef } from '../resolve.js';
import { pschedClock } from './clock.js';
import './describe.js';
import type { TcHandle } from './handle.js';
import type { TcEncodeContext, TcObjectType } from './kind.js';
import { decodeTc, encodeTc, encodeTcDump, tcAttributeName, TCMSG_LEN, type TcMessage } from './message.js';
import {
  parseFilterParent, prepareClass, prepareFilter, prepareQdisc, type ClassSpec, type FilterSpec, type PreparedTc, type QdiscSpec, type TcPurpose, type QdiscRef, type ClassRef, type FilterRef,
} from './spec.js';
import { parseClassId } from './handle.js';
import { parseTcProtocol, protocolToInfo, type TcProtocol } from './protocol.js';
import { jsonOf } from '../../netlink/checks.js';

/** Which objects `list` returns: `tc qdisc show [dev D]`, `tc class show dev D`, `tc filter show dev D [parent P]`. */
export interface TcListFilter {
  /** Only objects on this link; classes and filters need it (the kernel dumps them per link). */
  dev?: LinkRef;
  /** Only objects under this parent. For filters, the qdisc whose filters are listed ('ingress', 'egress', 'ffff:', '1:'); the root qdisc's when absent. */
  parent?: TcHandle;
  /** Filters: only this chain. */
  chain?: number;
  /** Filters: only this protocol. */
  protocol?: TcProtocol;
  /** Filters: only this preference. */
  pref?: number;
}

interface Types {
  object: TcObjectType;
  newType: number;
  delType: number;
  getType: number;
  /** Flags of `replace`: qdiscs ask for NLM_F_REPLACE; classes and filters, like tc, only for NLM_F_CREATE. */
  replaceFlags: number;
}

const LIST_KEYS = new Set(['dev', 'parent', 'chain', 'protocol', 'pref']);

/**
 * One kind of traffic-control object (`rt.tc.qdisc`, `rt.tc.class`,
 * `rt.tc.filter`) in the words of `tc qdisc|class|filter add|change|replace|del|show`.
 * Every method has an `…Async` twin returning a Promise.
 */
export class TcObjectService<Spec, Ref> {
  /** @internal {@link TcService} makes the three. */
  constructor(
    private readonly ctx: RouteContext,
    private readonly types: Types,
    private readonly prepare: (spec: Spec | Ref, purpose: TcPurpose) => PreparedTc,
  ) {}

  /** `tc … add`: fails with EEXIST if the object exists. */
  add(spec: Spec): void {
    this.run(spec, 'create', this.types.newType, NLM_F_CREATE | NLM_F_EXCL, 'add');
  }

  /** `tc … change`: changes an existing object's options (ENOENT when there is none). */
  change(spec: Spec): void {
    this.run(spec, 'create', this.types.newType, 0, 'change');
  }

  /** `tc … replace`: creates the object or replaces the existing one. */
  replace(spec: Spec): void {
    this.run(spec, 'create', this.types.newType, this.types.replaceFlags, 'replace');
  }

  /** `tc … del`: the spec's dev, parent and handle (and a filter's pref, protocol, chain) name the object. */
  delete(spec: Ref): void {
    this.run(spec, 'delete', this.types.delType, 0, 'delete');
  }

  /** `tc … show`: the objects the kernel reports, decoded. */
  list(filter?: TcListFilter): TcMessage[] {
    const f = this.listFilter(filter);
    const ifindex = f.dev === undefined ? 0 : resolveLinkIndex(this.ctx, f.dev);
    return deriveFromDump(this.ctx.socket.dump(this.dumpRequest(f, ifindex), this.listOp(f), decodeTc), (d) => this.select(d, f, ifindex));
  }

  /** Promise form of {@link TcObjectService.add}. */
  async addAsync(spec: Spec): Promise<void> {
    await this.runAsync(spec, 'create', this.types.newType, NLM_F_CREATE | NLM_F_EXCL, 'add');
  }

  /** Promise form of {@link TcObjectService.change}. */
  async changeAsync(spec: Spec): Promise<void> {
    await this.runAsync(spec, 'create', this.types.newType, 0, 'change');
  }

  /** Promise form of {@link TcObjectService.replace}. */
  async replaceAsync(spec: Spec): Promise<void> {
    await this.runAsync(spec, 'create', this.types.newType, this.types.replaceFlags, 'replace');
  }

  /** Promise form of {@link TcObjectService.delete}. */
  async deleteAsync(spec: Ref): Promise<void> {
    await this.runAsync(spec, 'delete', this.types.delType, 0, 'delete');
  }

  /** Promise form of {@link TcObjectService.list}. */
  async listAsync(filter?: TcListFilter): Promise<TcMessage[]> {
    const f = this.listFilter(filter);
    const ifindex = f.dev === undefined ? 0 : await resolveLinkIndexAsync(this.ctx, f.dev);
    return deriveFromDump(await this.ctx.socket.dumpAsync(this.dumpRequest(f, ifindex), this.listOp(f), decodeTc), (d) => this.select(d, f, ifindex));
  }

  // ---- requests ----------------------------------------------------------------

  private refs(p: PreparedTc): LinkRef[] {
    return [p.dev, ...(p.message.kind?.linkRefs?.(p.message.prepared) ?? [])];
  }

  private request(p: PreparedTc, links: LinkIndexes, type: number, flags: number): Request {
    const ctx: TcEncodeContext = { linkIndex: (ref) => links.of(ref), clock: pschedClock() };
    const message = { ...p.message, ifindex: links.of(p.dev) };
    return { type, flags, encode: (w) => encodeTc(w, message, ctx) };
  }

  private op(verb: string, p: PreparedTc): Operation {
    return { operation: `${verb} ${this.types.object}`, object: `${p.text} in ${this.ctx.label}`, headerLength: TCMSG_LEN, attributeName: tcAttributeName };
  }

  /** What the kind opens for the request (a pinned bpf program); deletions carry no options and open nothing. */
  private acquire(p: PreparedTc): (() => void) | undefined {
    return p.message.prepared === undefined ? undefined : p.message.kind?.acquire?.(p.message.prepared);
  }

  private run(spec: Spec | Ref, purpose: TcPurpose, type: number, flags: number, verb: string): void {
    const p = this.prepare(spec, purpose);
    const links = LinkIndexes.resolve(this.ctx, this.refs(p));
    const release = this.acquire(p);
    try {
      this.ctx.socket.execute(this.request(p, links, type, flags), this.op(verb, p));
    } finally {
      release?.();
    }
  }

  private async runAsync(spec: Spec | Ref, purpose: TcPurpose, type: number, flags: number, verb: string): Promise<void> {
    const p = this.prepare(spec, purpose);
    const links = await LinkIndexes.resolveAsync(this.ctx, this.refs(p));
    const release = this.acquire(p);
    try {
      await this.ctx.socket.executeAsync(this.request(p, links, type, flags), this.op(verb, p));
    } finally {
      release?.();
    }
  }

  // ---- list ------------------------------------------------------------------------

  private listFilter(filter: TcListFilter | undefined): { dev?: LinkRef; parent?: number; chain?: number; protocol?: number; pref?: number } {
    const f = optionsObject(filter, LIST_KEYS, `${this.types.object} list filter`);
    const object = this.types.object;
    if (object !== 'qdisc' && f.dev === undefined) throw new InvalidArgumentError(`listing ${object === 'class' ? 'classes' : 'filters'} needs dev: the kernel dumps them per link`);
    if (object !== 'filter' && (f.chain !== undefined || f.protocol !== undefined || f.pref !== undefined)) {
      throw new InvalidArgumentError(`chain, protocol and pref select filters, not ${object === 'class' ? 'classes' : 'qdiscs'}`);
    }
    return {
      dev: f.dev === undefined ? undefined : validateLinkRef(f.dev),
      parent: f.parent === undefined ? undefined : object === 'filter' ? parseFilterParent(f.parent) : parseClassId(f.parent, `${object} list parent`),
      chain: f.chain === undefined ? undefined : (requireU32(f.chain, 'filter list chain')),
      protocol: f.protocol === undefined ? undefined : parseTcProtocol(f.protocol, 'filter list protocol'),
      pref: f.pref === undefined ? undefined : requireU32(f.pref, 'filter list pref'),
    };
  }

  private dumpRequest(f: { parent?: number; chain?: number; protocol?: number; pref?: number }, ifindex: number): Request {
    const object = this.types.object;
    // The kernel picks the qdisc whose filters it dumps by tcm_parent (0: the root qdisc).
    const parent = object === 'filter' ? f.parent ?? 0 : 0;
    const info = object === 'filter' ? (((f.pref ?? 0) << 16) | protocolToInfo(f.protocol ?? 0)) >>> 0 : 0;
    return { type: this.types.getType, encode: (w) => encodeTcDump(w, ifindex, parent, info, object === 'filter' ? f.chain : undefined) };
  }

  private listOp(f: { dev?: LinkRef; parent?: number }): Operation {
    const what = this.types.object === 'class' ? 'classes' : `${this.types.object}s`;
    return { operation: `list ${what}`, object: `${f.dev === undefined ? '' : `dev ${f.dev} `}in ${this.ctx.label}`, headerLength: TCMSG_LEN };
  }

  private select(found: TcMessage[], f: { parent?: number; chain?: number; protocol?: number; pref?: number }, ifindex: number): TcMessage[] {
    return found.filter((m) => {
      if (ifindex !== 0 && m.ifindex !== ifindex) return false;
      if (this.types.object !== 'filter' && f.parent !== undefined && m.parent !== f.parent) return false;
      if (f.chain !== undefined && m.chain !== f.chain) return false;
      if (f.protocol !== undefined && m.protocol !== f.protocol) return false;
      if (f.pref !== undefined && m.pref !== f.pref) return false;
      return true;
    });
  }
}

function requireU32(value: unknown, what: string): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0 || value > 0xffffffff) throw new InvalidArgumentError(`${what} must be an integer from 0 to 4294967295, got ${jsonOf(value)}`);
  return value;
}

/** Traffic control of one namespace (`rt.tc`): qdiscs, classes and filters, as `tc` manages them. */
export class TcService {
  /** `tc qdisc`: RTM_NEWQDISC/DELQDISC/GETQDISC. */
  readonly qdisc: TcObjectService<QdiscSpec, QdiscRef>;
  /** `tc class`: RTM_NEWTCLASS/DELTCLASS/GETTCLASS. */
  readonly class: TcObjectService<ClassSpec, ClassRef>;
  /** `tc filter`: RTM_NEWTFILTER/DELTFILTER/GETTFILTER. */
  readonly filter: TcObjectService<FilterSpec, FilterRef>;

  constructor(ctx: RouteContext) {
    this.qdisc = new TcObjectService(ctx, { object: 'qdisc', newType: RTM_NEWQDISC, delType: RTM_DELQDISC, getType: RTM_GETQDISC, replaceFlags: NLM_F_CREATE | NLM_F_REPLACE }, prepareQdisc);
    this.class = new TcObjectService(ctx, { object: 'class', newType: RTM_NEWTCLASS, delType: RTM_DELTCLASS, getType: RTM_GETTCLASS, replaceFlags: NLM_F_CREATE }, prepareClass);
    this.filter = new TcObjectService(ctx, { object: 'filter', newType: RTM_NEWTFILTER, delType: RTM_DELTFILTER, getType: RTM_GETTFILTER, replaceFlags: NLM_F_CREATE }, prepareFilter);
  }
}
