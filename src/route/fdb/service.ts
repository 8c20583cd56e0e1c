import { NLM_F_APPEND, NLM_F_CREATE, NLM_F_EXCL, NLM_F_REPLACE } from '../../netlink/message.js';
import { deriveFromDump } from '../../netlink/dump-retry.js';
import { RTM_DELNEIGH, RTM_GETNEIGH, RTM_NEWNEIGH } from '../../generated/rtnetlink.js';
import { requireInteger } from '../../netlink/checks.js';
import type { Operation } from '../../netlink/errors.js';
import type { Request } from '../../netlink/socket.js';
import type { RouteContext } from '../context.js';
import { optionsObject } from '../keys.js';
import { encodeNeighbour, NDMSG_LEN, neighbourAttributeName, type NeighbourMessage } from '../neighbours/message.js';
import { describeLinkRef, resolveLinkIndex, resolveLinkIndexAsync, validateLinkRef, type LinkRef } from '../resolve.js';
import { AF_BRIDGE } from '../../sys/constants.js';
import { decodeFdbEntry, type FdbEntry } from './entry.js';
import { prepareFdb, type FdbSpec, type PreparedFdb } from './spec.js';

/** Which entries `list` returns, like `bridge fdb show br br0 brport vh1 vlan 10`. */
export interface FdbFilter {
  /** Only entries on this link (`brport DEV` / `dev DEV`), filtered by the kernel. */
  dev?: LinkRef;
  /** Only entries of this bridge and its ports (`br DEV`), filtered by the kernel. */
  master?: LinkRef;
  /** Only entries of this VLAN (`vlan VID`). */
  vlan?: number;
}

interface Change {
  type: number;
  flags: number;
  operation: string;
}

// The header flags bridge sends for each command (do_fdb).
const ADD: Change = { type: RTM_NEWNEIGH, flags: NLM_F_CREATE | NLM_F_EXCL, operation: 'add fdb entry' };
const APPEND: Change = { type: RTM_NEWNEIGH, flags: NLM_F_CREATE | NLM_F_APPEND, operation: 'append fdb entry' };
const REPLACE: Change = { type: RTM_NEWNEIGH, flags: NLM_F_CREATE | NLM_F_REPLACE, operation: 'replace fdb entry' };
const DELETE: Change = { type: RTM_DELNEIGH, flags: 0, operation: 'delete fdb entry' };

const FILTER_KEYS = new Set(['dev', 'master', 'vlan']);

function request(type: number, flags: number, message: NeighbourMessage): Request {
  return { type, flags, encode: (w) => encodeNeighbour(w, message) };
}

/** The checked filter, and the dump request once its links are indexes. */
interface Selection {
  dev?: LinkRef;
  master?: LinkRef;
  vlan?: number;
}

function selection(filter: FdbFilter | undefined): Selection {
  const f = optionsObject(filter, FILTER_KEYS, 'fdb filter');
  return {
    dev: f.dev === undefined ? undefined : validateLinkRef(f.dev, 'filter.dev'),
    master: f.master === undefined ? undefined : validateLinkRef(f.master, 'filter.master'),
    vlan: f.vlan === undefined ? undefined : requireInteger(f.vlan, 'filter.vlan', 1, 4094),
  };
}

/**
 * With strict checking the kernel takes the port as NDA_IFINDEX and the
 * bridge as NDA_MASTER of an all-zero ndmsg (valid_fdb_dump_strict).
 */
function dumpRequest(dev: number | undefined, master: number | undefined): Request {
  return request(RTM_GETNEIGH, 0, { addressFamily: AF_BRIDGE, ifindex: 0, state: 0, flags: 0, type: 0, via: dev, master });
}

function keep(s: Selection, dev: number | undefined): (e: FdbEntry) => boolean {
  // Checked here too, as bridge does: kernels without strict checking ignore the port filter. VLANs are never filtered by the kernel.
  return (e) => (dev === undefined || e.ifindex === dev) && (s.vlan === undefined || e.vlan === s.vlan);
}

/**
 * The bridge forwarding database of one namespace (`rt.fdb`), in the words of
 * `bridge fdb`: entries on bridge ports, bridges and vxlan devices. Every
 * method has an `…Async` twin returning a Promise.
 */
export class FdbService {
  /** @param ctx - The connection whose namespace the entries are in (usually a RouteConnection). */
  constructor(private readonly ctx: RouteContext) {}

  private op(operation: string, object: string): Operation {
    return { operation, object: `${object} in ${this.ctx.label}`, headerLength: NDMSG_LEN, attributeName: neighbourAttributeName };
  }

  private resolve(prepared: PreparedFdb): NeighbourMessage {
    const message = { ...prepared.message, ifindex: resolveLinkIndex(this.ctx, prepared.dev) };
    if (prepared.via !== undefined) message.via = resolveLinkIndex(this.ctx, prepared.via, 'via');
    return message;
  }

  private async resolveAsync(prepared: PreparedFdb): Promise<NeighbourMessage> {
    const message = { ...prepared.message, ifindex: await resolveLinkIndexAsync(this.ctx, prepared.dev) };
    if (prepared.via !== undefined) message.via = await resolveLinkIndexAsync(this.ctx, prepared.via, 'via');
    return message;
  }

  private change(spec: FdbSpec, change: Change): void {
    const prepared = prepareFdb(spec);
    this.ctx.socket.execute(request(change.type, change.flags, this.resolve(prepared)), this.op(change.operation, prepared.text));
  }

  private async changeAsync(spec: FdbSpec, change: Change): Promise<void> {
    const prepared = prepareFdb(spec);
    await this.ctx.socket.executeAsync(request(change.type, change.flags, await this.resolveAsync(prepared)), this.op(change.operation, prepared.text));
  }

  private listOp(s: Selection): Operation {
    const what = [s.master === undefined ? '' : `br ${describeLinkRef(s.master)}`, s.dev === undefined ? '' : `brport ${describeLinkRef(s.dev)}`];
    return this.op('list fdb', what.filter(Boolean).join(' ') || 'all');
  }

  /** `bridge fdb add`: EEXIST if the entry exists. */
  add(spec: FdbSpec): void {
    this.change(spec, ADD);
  }

  /** `bridge fdb append`: adds another remote to a vxlan entry (several `dst` for one MAC, e.g. the all-zero flooding entry). */
  append(spec: FdbSpec): void {
    this.change(spec, APPEND);
  }

  /** `bridge fdb replace`: creates the entry or changes its port, state, flags or (vxlan) remote. */
  replace(spec: FdbSpec): void {
    this.change(spec, REPLACE);
  }

  /** `bridge fdb del`: dev, mac, self/master, vlan and (vxlan) the remote identify the entry. */
  delete(spec: FdbSpec): void {
    this.change(spec, DELETE);
  }

  /** `bridge fdb show`: every entry, or those of one bridge, port or VLAN. */
  list(filter?: FdbFilter): FdbEntry[] {
    const s = selection(filter);
    const dev = s.dev === undefined ? undefined : resolveLinkIndex(this.ctx, s.dev, 'filter.dev');
    const master = s.master === undefined ? undefined : resolveLinkIndex(this.ctx, s.master, 'filter.master');
    return deriveFromDump(this.ctx.socket.dump(dumpRequest(dev, master), this.listOp(s), decodeFdbEntry), (d) => d.filter(keep(s, dev)));
  }

  /** Promise form of {@link FdbService.add}. */
  async addAsync(spec: FdbSpec): Promise<void> {
    await this.changeAsync(spec, ADD);
  }

  /** Promise form of {@link FdbService.append}. */
  async appendAsync(spec: FdbSpec): Promise<void> {
    await this.changeAsync(spec, APPEND);
  }

  /** Promise form of {@link FdbService.replace}. */
  async replaceAsync(spec: FdbSpec): Promise<void> {
    await this.changeAsync(spec, REPLACE);
  }

  /** Promise form of {@link FdbService.delete}. */
  async deleteAsync(spec: FdbSpec): Promise<void> {
    await this.changeAsync(spec, DELETE);
  }

  /** Promise form of {@link FdbService.list}. */
  async listAsync(filter?: FdbFilter): Promise<FdbEntry[]> {
    const s = selection(filter);
    const dev = s.dev === undefined ? undefined : await resolveLinkIndexAsync(this.ctx, s.dev, 'filter.dev');
    const master = s.master === undefined ? undefined : await resolveLinkIndexAsync(this.ctx, s.master, 'filter.master');
    return deriveFromDump(await this.ctx.socket.dumpAsync(dumpRequest(dev, master), this.listOp(s), decodeFdbEntry), (d) => d.filter(keep(s, dev)));
  }
}
