import { NETNSA_NSID_NOT_ASSIGNED } from '../../generated/net_namespace.js';
import { RTM_GETNSID, RTM_NEWNSID } from '../../generated/rtnetlink.js';
import { InvalidArgumentError } from '../../netlink/addresses.js';
import type { Operation } from '../../netlink/errors.js';
import { NLM_F_ECHO } from '../../netlink/message.js';
import type { Request } from '../../netlink/socket.js';
import { describeNetns, openNetns, type NetnsHandle, type NetnsRef } from '../../netns/reference.js';
import type { RouteContext } from '../context.js';
import { optionsObject } from '../keys.js';
import { validateInteger } from '../names.js';
import './describe.js';
import { decodeNetnsId, encodeNsid, nsidAttributeName, RTGENMSG_LEN, type NetnsId, type NsidMessage } from './message.js';
import { jsonOf } from '../../netlink/checks.js';

/** Which table `list` shows: the socket's own namespace's, or (targetNsid) that of the namespace with this id. */
export interface NsidFilter {
  /** `ip netns list-id target-nsid N`: list the ids of the namespace that has id N here (NETNSA_TARGET_NSID); each entry then also carries `currentNsid`. */
  targetNsid?: number;
}

const FILTER_KEYS = new Set(['targetNsid']);
const NSID_MAX = 0x7fffffff;

function request(type: number, flags: number, message: NsidMessage): Request {
  return { type, flags, encode: (w) => encodeNsid(w, message) };
}

function parseId(id: unknown): number {
  if (id === 'auto') return NETNSA_NSID_NOT_ASSIGNED;
  if (typeof id !== 'number') throw new InvalidArgumentError(`nsid must be an integer 0-${NSID_MAX} or 'auto', got ${jsonOf(id)}`);
  return validateInteger(id, 'nsid', 0, NSID_MAX);
}

/**
 * Namespace ids (`rt.nsid`): the numbers by which this namespace refers to
 * its peers (IFLA_LINK_NETNSID of a veth whose peer lives elsewhere, ...), in
 * the words of `ip netns set` and `ip netns list-id`. Every method has an
 * `…Async` twin returning a Promise.
 */
export class NsidService {
  constructor(private readonly ctx: RouteContext) {}

  /**
   * `ip netns set NAME ID|auto` run in this namespace: gives `netns` an id here
   * and returns it (the kernel's pick for 'auto'). EEXIST if the peer already
   * has an id or the id is taken. The namespace fd is closed before returning.
   */
  set(netns: NetnsRef, id: number | 'auto'): number {
    const nsid = parseId(id);
    const handle = openNetns(netns);
    try {
      const replies = this.ctx.socket.execute(this.setRequest(handle, nsid), this.setOp(netns, id), decodeNetnsId);
      return this.confirmed(this.assigned(replies, nsid) ?? this.get(netns), netns);
    } finally {
      handle.close();
    }
  }

  /** The id `netns` has in this namespace, or undefined if it has none. */
  get(netns: NetnsRef): number | undefined {
    const handle = openNetns(netns);
    try {
      return this.idOf(this.ctx.socket.execute(this.getRequest(handle), this.getOp(netns), decodeNetnsId));
    } finally {
      handle.close();
    }
  }

  /** `ip netns list-id [target-nsid N]`: every id this namespace (or the target) has given. */
  list(filter?: NsidFilter): NetnsId[] {
    const target = this.target(filter);
    return this.ctx.socket.dump(this.dumpRequest(target), this.listOp(target), decodeNetnsId);
  }

  /** Promise form of {@link NsidService.set}. */
  async setAsync(netns: NetnsRef, id: number | 'auto'): Promise<number> {
    const nsid = parseId(id);
    const handle = openNetns(netns);
    try {
      const replies = await this.ctx.socket.executeAsync(this.setRequest(handle, nsid), this.setOp(netns, id), decodeNetnsId);
      return this.confirmed(this.assigned(replies, nsid) ?? (await this.getAsync(netns)), netns);
    } finally {
      handle.close();
    }
  }

  /** Promise form of {@link NsidService.get}. */
  async getAsync(netns: NetnsRef): Promise<number | undefined> {
    const handle = openNetns(netns);
    try {
      return this.idOf(await this.ctx.socket.executeAsync(this.getRequest(handle), this.getOp(netns), decodeNetnsId));
    } finally {
      handle.close();
    }
  }

  /** Promise form of {@link NsidService.list}. */
  async listAsync(filter?: NsidFilter): Promise<NetnsId[]> {
    const target = this.target(filter);
    return this.ctx.socket.dumpAsync(this.dumpRequest(target), this.listOp(target), decodeNetnsId);
  }

  // NLM_F_ECHO makes the kernel send its RTM_NEWNSID notification back to us: the id it assigned, in the same exchange.
  private setRequest(handle: NetnsHandle, nsid: number): Request {
    return request(RTM_NEWNSID, NLM_F_ECHO, { nsid, fd: handle.fd });
  }

  private getRequest(handle: NetnsHandle): Request {
    return request(RTM_GETNSID, 0, { fd: handle.fd });
  }

  private dumpRequest(target: number | undefined): Request {
    return request(RTM_GETNSID, 0, target === undefined ? {} : { targetNsid: target });
  }

  /** The id the echo reported; a numeric request needs no echo, 'auto' falls back to asking. */
  private assigned(replies: NetnsId[], requested: number): number | undefined {
    const echoed = replies[0]?.nsid;
    if (echoed !== undefined && echoed >= 0) return echoed;
    return requested >= 0 ? requested : undefined;
  }

  private confirmed(nsid: number | undefined, netns: NetnsRef): number {
    if (nsid === undefined) throw new Error(`set nsid auto for ${describeNetns(netns)} in ${this.ctx.label}: the kernel accepted it but reports no id`);
    return nsid;
  }

  private idOf(replies: NetnsId[]): number | undefined {
    const nsid = replies[0]?.nsid;
    return nsid === undefined || nsid < 0 ? undefined : nsid;
  }

  private target(filter: NsidFilter | undefined): number | undefined {
    const f = optionsObject(filter, FILTER_KEYS, 'nsid filter');
    return f.targetNsid === undefined ? undefined : validateInteger(f.targetNsid, 'targetNsid', 0, NSID_MAX);
  }

  private op(operation: string, object: string): Operation {
    return { operation, object: `${object} in ${this.ctx.label}`, headerLength: RTGENMSG_LEN, attributeName: nsidAttributeName };
  }

  private setOp(netns: NetnsRef, id: number | 'auto'): Operation {
    return this.op('set nsid', `${id} for ${describeNetns(netns)}`);
  }

  private getOp(netns: NetnsRef): Operation {
    return this.op('get nsid', `of ${describeNetns(netns)}`);
  }

  private listOp(target: number | undefined): Operation {
    return this.op('list nsids', target === undefined ? 'of this namespace' : `of target nsid ${target}`);
  }
}
