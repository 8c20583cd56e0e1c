// EEXIST from a link creation names neither the taken name nor its
// namespace: a veth request takes two names, possibly in two namespaces. Only
// on that failure, nlkit looks the names up and says which one is taken and,
// when the holder is a device whose peer namespace is being destroyed, that
// waiting for the teardown is the fix.
import { IFLA_TARGET_NETNSID } from '../../generated/if_link.js';
import { RTM_GETLINK } from '../../generated/rtnetlink.js';
import { NetlinkError, type Operation } from '../../netlink/errors.js';
import type { Request } from '../../netlink/socket.js';
import type { MessageWriter } from '../../netlink/writer.js';
import type { NetnsRef } from '../../netns/reference.js';
import type { RouteContext } from '../context.js';
import { writeIfinfomsg } from './ifinfomsg.js';
import type { Link } from './types.js';

/** A name the failed request took, and what the lookup found under it. */
export interface TakenNameLookup {
  role: string;
  name: string;
  netns?: NetnsRef;
  /** Where the name was looked up, for the message (`netns pod1`). */
  where: string;
  /** The link that holds the name, or undefined when the name is free. */
  holder: Link | undefined;
  /** The holder's peer lives in a namespace the kernel is destroying. */
  peerDying: boolean;
}

/**
 * RTM_GETLINK of lo in the namespace an nsid names (IFLA_TARGET_NETNSID).
 * The kernel resolves the id only while that namespace is alive, so EINVAL
 * means it is being destroyed, though its id and devices still linger.
 */
class TargetNetnsProbe implements Request {
  readonly type = RTM_GETLINK;
  constructor(private readonly nsid: number) {}
  encode(w: MessageWriter): void {
    writeIfinfomsg(w, 1, 0, 0);
    w.s32(IFLA_TARGET_NETNSID, this.nsid);
  }
}

function probeOp(nsid: number): Operation {
  return { operation: 'probe namespace', object: `nsid ${nsid}` };
}

function dyingFrom(error: unknown): boolean {
  if (error instanceof NetlinkError && error.code === 'EINVAL') return true;
  throw error;
}

/** Whether `holder` is a device whose peer namespace is being torn down. */
export function peerNamespaceDying(ctx: RouteContext, holder: Link | undefined): boolean {
  const nsid = holder?.linkNetnsId;
  if (nsid === undefined) return false;
  if (nsid === PEER_NAMESPACE_DYING) return true;
  try {
    ctx.socket.execute(new TargetNetnsProbe(nsid), probeOp(nsid));
    return false;
  } catch (error) {
    return dyingFrom(error);
  }
}

export async function peerNamespaceDyingAsync(ctx: RouteContext, holder: Link | undefined): Promise<boolean> {
  const nsid = holder?.linkNetnsId;
  if (nsid === undefined) return false;
  if (nsid === PEER_NAMESPACE_DYING) return true;
  try {
    await ctx.socket.executeAsync(new TargetNetnsProbe(nsid), probeOp(nsid));
    return false;
  } catch (error) {
    return dyingFrom(error);
  }
}

/** NETNSA_NSID_NOT_ASSIGNED: the kernel reports it for a peer namespace that is being destroyed. */
const PEER_NAMESPACE_DYING = -1;

/**
 * A clearer EEXIST: which of the request's names is taken, where, and
 * whether a namespace teardown still in progress holds it. Returns the
 * original error when no looked-up name is taken (an ifindex, say).
 */
export function explainLinkExists(error: NetlinkError, op: Operation, lookups: readonly TakenNameLookup[]): NetlinkError {
  const taken = lookups.find((l) => l.holder !== undefined);
  // A clash the kernel explains itself is not about a name ("A VXLAN device
  // with the specified VNI already exists"): its words stand.
  if (!taken && error.extack?.message) return error;
  let message: string;
  if (!taken) {
    // Taken when the kernel checked, free a moment later: a device was on its way out.
    message =
      `a name of the new link (${lookups.map((l) => `${l.role} "${l.name}"`).join(', ')}) was taken when the kernel checked ` +
      'and is free now: a device was being removed, most likely by a namespace teardown in progress (delete namespaces with ' +
      'deleteNetnsAndWait() to wait for it), so retrying should work';
  } else {
    const holder = taken.holder!;
    message = `${taken.role} name "${taken.name}" is already taken in ${taken.where} (by link #${holder.index}${holder.kind ? `, a ${holder.kind}` : ''})`;
    if (taken.peerDying) {
      message +=
        '; the namespace of its peer is being torn down (deleted moments ago), and the kernel removes the device when that ends: ' +
        'delete namespaces with deleteNetnsAndWait() to wait for it, or retry shortly';
    } else if (holder.linkNetnsId !== undefined) {
      message +=
        `; its peer is in another namespace (nsid ${holder.linkNetnsId}) that is still alive: if you deleted that namespace ` +
        'moments ago, its teardown has not started yet (the kernel releases a detached mount lazily) or something still holds ' +
        'it (a process inside it, an open fd or netlink socket, another mount); deleteNetnsAndWait() waits for the teardown';
    }
  }
  return new NetlinkError(error.errno, op, { ...error.extack, message }, error.seq);
}
