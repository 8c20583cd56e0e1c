// A pod's network in the fewest sends the kernel allows and no name lookups:
// the namespace (created with its rtnetlink socket opened while the thread is
// inside, or taken from a pool), one RTM_NEWLINK on the host socket that makes
// the veth pair with the peer born in the pod, the host end enslaved and up,
// and echoed back (NLM_F_ECHO) so both ifindexes are known; then one send into
// the pod with loopback up, the addresses, the pod end up and the routes.
import { writeFileSync } from 'node:fs';
import { IFF_UP } from '../generated/if.js';
import { IFLA_ADDRESS, IFLA_IFNAME, IFLA_LINK } from '../generated/if_link.js';
import { NETLINK_ROUTE } from '../generated/netlink.js';
import { RTM_DELROUTE, RTM_NEWADDR, RTM_NEWLINK, RTM_NEWROUTE } from '../generated/rtnetlink.js';
import { formatMac, InvalidArgumentError } from '../netlink/addresses.js';
import { AttributeCursor } from '../netlink/attributes.js';
import { NetlinkBatchError, type Operation } from '../netlink/errors.js';
import { createLog } from '../netlink/logger.js';
import { MalformedMessageError, NLM_F_CREATE, NLM_F_ECHO, NLM_F_EXCL, type Message } from '../netlink/message.js';
import { ReceiveOverrunError } from '../netlink/socket-errors.js';
import { NetlinkSocket, type Request } from '../netlink/socket.js';
import { createNetnsWithin, deleteNetns, nameNetns } from '../netns/lifecycle.js';
import { nameNetnsOnto } from '../netns/mount-target.js';
import { describeNetns, openNetns, ownedNetnsHandle, type NetnsHandle, type NetnsRef } from '../netns/reference.js';
import { withNetns } from '../netns/switch.js';
import { addressAttributeName, encodeAddressRequest, IFADDRMSG_LEN } from '../route/addresses/message.js';
import { RouteConnection } from '../route/connection.js';
import { EncodedRequest } from '../route/encoded-request.js';
import { kindToCreate } from '../route/links/kinds/index.js';
import { encodeLinkRequest, type LinkRequest } from '../route/links/message.js';
import { linkOperation } from '../route/links/operation.js';
import { References } from '../route/links/references.js';
import type { Link } from '../route/links/types.js';
import { IFINFOMSG_LEN } from '../route/resolve.js';
import { encodeRouteRequest, routeAttributeName, RTMSG_LEN } from '../route/routes/message.js';
import { describeRoute } from '../route/routes/spec.js';
import * as libc from '../sys/libc.js';
import { PodSysctlError } from './errors.js';
import { downRequest, LOOPBACK_INDEX, noAddrGenRequest, upRequest } from './link-state.js';
import type { PooledNamespace } from './pool.js';
import { preparePod, type PodSpec, type PreparedPod } from './spec.js';

const log = createLog('nlkit:pod');
const veth = kindToCreate('veth');

/** A device a pod was given: its name, ifindex and MAC address. */
export interface PodDevice {
  /** Interface name. */
  name: string;
  /** Interface index in its namespace. */
  index: number;
  /** MAC address, lower-case colon-separated hex. */
  address: string;
}

/**
 * Per-step durations (ms) of the last createPod/createPodAsync on this
 * thread, recorded only while `enabled`: the benchmark's step breakdown.
 * @internal
 */
export const podStepTimes = { enabled: false, namespace: 0, veth: 0, sysctls: 0, inside: 0, close: 0 };

/** What every {@link Pod} has, wherever its namespace came from. */
export interface PodCommon {
  /** Whether the namespace came from a {@link NamespacePool}. */
  fromPool: boolean;
  /** The veth end in the host namespace. */
  hostEnd: PodDevice;
  /** The veth end inside the pod. */
  podEnd: PodDevice;
}

/** A pod whose namespace createPod made (and {@link deletePod} deletes). */
export interface CreatedNetnsPod extends PodCommon {
  /** Always true. */
  createdNetns: true;
  /** The namespace's name, as `ip netns list` shows it. */
  netns: string;
}

/** A pod put into an existing namespace ({@link deletePod} removes only its veth). */
export interface ExistingNetnsPod extends PodCommon {
  /** Always false. */
  createdNetns: false;
  /** The reference the spec gave. */
  netns: Exclude<NetnsRef, string>;
}

/** What {@link createPod} made: check `createdNetns` to know what `netns` is. */
export type Pod = CreatedNetnsPod | ExistingNetnsPod;

function requireHost(host: unknown): RouteConnection {
  if (!(host instanceof RouteConnection)) throw new InvalidArgumentError(`createPod: the first argument must be the host namespace's RouteConnection (openRoute()), got ${host === null ? 'null' : typeof host}`);
  return host;
}

/** The namespace a pod is being made in, its open fd, and a socket inside it. */
interface PodNamespace {
  handle: NetnsHandle;
  socket: NetlinkSocket;
  created: boolean;
  fromPool: boolean;
  /** Lo is up already (a pooled namespace): the send inside leaves it out. */
  loopbackUp: boolean;
  label: string;
}

function openInside(handle: NetnsHandle): NetlinkSocket {
  return withNetns(handle, () => NetlinkSocket.openForFewReplies(NETLINK_ROUTE));
}

/** Creates, takes or opens the pod's namespace; nothing is left behind if that fails. */
function acquireNamespace(p: PreparedPod): PodNamespace {
  if (p.existing) {
    const handle = openNetns(p.existing, 'pod spec netns');
    try {
      return { handle, socket: openInside(handle), created: false, fromPool: false, loopbackUp: false, label: describeNetns(p.existing) };
    } catch (error) {
      handle.close();
      throw error;
    }
  }
  const name = p.name!;
  const label = `netns ${name}`;
  // Pooled namespaces come with lo up: a pod that wants it down makes its own.
  const pooled: PooledNamespace | undefined = p.loopback ? p.pool?.take() : undefined;
  if (pooled) {
    const handle = ownedNetnsHandle(pooled.fd, label);
    try {
      if (pooled.mountTarget === undefined) nameNetns(name, handle.fd);
      else nameNetnsOnto(name, handle.fd, pooled.mountTarget);
    } catch (error) {
      // The name is taken (or the mount failed): the pooled namespace is dropped, not returned.
      handle.close();
      throw error;
    } finally {
      // Linked (or not) and mounted over (or not), the target's fd has served.
      if (pooled.mountTarget !== undefined) libc.closeQuietly(pooled.mountTarget);
    }
    try {
      return { handle, socket: openInside(handle), created: true, fromPool: true, loopbackUp: pooled.loopbackUp, label };
    } catch (error) {
      handle.close();
      deleteNetns(name);
      throw error;
    }
  }
  let fd = -1;
  const socket = createNetnsWithin(name, () => {
    fd = libc.openReadOnly('/proc/thread-self/ns/net');
    try {
      return NetlinkSocket.openForFewReplies(NETLINK_ROUTE);
    } catch (error) {
      libc.close(fd);
      throw error;
    }
  });
  return { handle: ownedNetnsHandle(fd, label), socket, created: true, fromPool: false, loopbackUp: false, label };
}

/** The RTM_NEWLINK that makes the pair: host end named, enslaved and up; the peer born in the pod. */
function vethRequest(p: PreparedPod, ns: PodNamespace, refs: References): Request {
  const peerRef = { fd: ns.handle.fd };
  refs.open([peerRef]);
  const spec = {
    type: 'veth', name: p.hostEnd.name,
    peer: { name: p.podEndName, netns: peerRef, address: p.podEndAddress, ...(p.podEndMtu !== undefined ? { mtu: p.podEndMtu } : {}) },
  };
  const body: LinkRequest = {
    flags: IFF_UP, change: IFF_UP, name: p.hostEnd.name,
    mtu: p.hostEnd.mtu, address: p.hostEnd.address, master: p.hostEnd.master,
    create: { kind: veth, spec, ctx: refs },
  };
  return { type: RTM_NEWLINK, flags: NLM_F_CREATE | NLM_F_EXCL | NLM_F_ECHO, encode: (w) => encodeLinkRequest(w, body) };
}

function vethOperation(p: PreparedPod, host: RouteConnection, ns: PodNamespace): Operation {
  const master = p.hostEnd.master === undefined ? '' : `, master ifindex ${p.hostEnd.master}`;
  return linkOperation('create pod veth', `${p.hostEnd.name} in ${host.label}${master} with peer ${p.podEndName} in ${ns.label}`, veth);
}

/**
 * The requests of the one send inside the pod — loopback up, the addresses,
 * the pod end up, the routes, in the order the kernel needs — and for each
 * what reverts it where deleting the veth would not (lo brought up, routes
 * through lo or through no device), for a pod in an existing namespace.
 */
function insideRequests(p: PreparedPod, ns: PodNamespace, podIndex: number, loopbackWasUp: boolean): { requests: Request[]; ops: Operation[]; reverts: (Request | undefined)[] } {
  const label = ns.label;
  const requests: Request[] = [];
  const ops: Operation[] = [];
  const reverts: (Request | undefined)[] = [];
  if (p.loopback && !ns.loopbackUp) {
    requests.push(upRequest(LOOPBACK_INDEX));
    ops.push(linkOperation('set link', `lo up in ${label}`));
    reverts[requests.length - 1] = loopbackWasUp ? undefined : downRequest(LOOPBACK_INDEX);
  }
  for (const a of p.addresses) {
    const request = { ...a.request, index: podIndex };
    requests.push(new EncodedRequest(RTM_NEWADDR, NLM_F_CREATE | NLM_F_EXCL, request, encodeAddressRequest));
    ops.push({ operation: 'add address', object: `${a.text} in ${label}`, headerLength: IFADDRMSG_LEN, attributeName: addressAttributeName });
  }
  if (!p.ipv6LinkLocal) {
    requests.push(noAddrGenRequest(podIndex));
    ops.push(linkOperation('set link', `${p.podEndName} addrgenmode none in ${label}`));
  }
  requests.push(upRequest(podIndex));
  ops.push(linkOperation('set link', `${p.podEndName} up in ${label}`));
  for (const { prepared, device } of p.routes) {
    const request = device === undefined ? prepared.request : { ...prepared.request, oif: device === 'lo' ? LOOPBACK_INDEX : podIndex };
    requests.push(new EncodedRequest(RTM_NEWROUTE, NLM_F_CREATE | NLM_F_EXCL, request, encodeRouteRequest));
    ops.push({ operation: 'add route', object: `${describeRoute(prepared)} in ${label}`, headerLength: RTMSG_LEN, attributeName: routeAttributeName });
    if (device !== 'pod') reverts[requests.length - 1] = new EncodedRequest(RTM_DELROUTE, 0, request, encodeRouteRequest);
  }
  return { requests, ops, reverts };
}

function writeSysctls(p: PreparedPod, ns: PodNamespace): void {
  if (p.sysctls.length === 0) return;
  // /proc/sys/net resolves to the namespace of the thread that opens the file.
  withNetns(ns.handle, () => {
    for (const { path, value } of p.sysctls) {
      try {
        writeFileSync(path, value);
      } catch (error) {
        const e = error as NodeJS.ErrnoException;
        throw new PodSysctlError(path.slice(10).replaceAll('/', '.'), value, e.code ?? 'EIO', ns.label, e.message);
      }
    }
  });
}

/** A pod being made: what it needs until it is returned or undone. */
class PodBuild {
  readonly refs = new References();
  /** The host end's ifindex once the pair exists: what to delete if a later step fails in an existing namespace. */
  private hostIndex: number | undefined;
  /** In an existing namespace: whether lo was up before the pod (then undo leaves it up). */
  loopbackWasUp = true;
  /** Per request of the send inside, what reverts it (see insideRequests); set once it is sent. */
  private reverts: (Request | undefined)[] | undefined;

  constructor(
    readonly host: RouteConnection,
    readonly p: PreparedPod,
    readonly ns: PodNamespace,
  ) {}

  vethRequest(): Request {
    return vethRequest(this.p, this.ns, this.refs);
  }

  vethOperation(): Operation {
    return vethOperation(this.p, this.host, this.ns);
  }

  /** A connection on the pod's socket, for the lookups a kernel without NLM_F_ECHO on RTM_NEWLINK (before Linux 6.3) needs. */
  inside(): RouteConnection {
    return new RouteConnection(this.ns.socket, this.ns.label);
  }

  /** The devices the echoed host end names; undefined when the kernel did not echo. */
  echoed(links: EchoedLink[]): PodDevices | undefined {
    const link = links.find((l) => l.name === this.p.hostEnd.name);
    if (!link?.name || link.peerIndex === undefined || link.address === undefined) return undefined;
    this.hostIndex = link.index;
    return { hostEnd: { name: link.name, index: link.index, address: link.address }, podIndex: link.peerIndex };
  }

  lookedUp(hostEnd: Link, podEnd: Link): PodDevices {
    this.hostIndex = hostEnd.index;
    return { hostEnd: { name: hostEnd.name, index: hostEnd.index, address: hostEnd.address ?? '' }, podIndex: podEnd.index };
  }

  /** Whether undo needs lo's state first: in a namespace the pod did not make, lo may have been down. */
  get needsLoopbackState(): boolean {
    return !this.ns.created && this.p.loopback;
  }

  /**
   * The request on the host connection once the pair exists, if any: the host
   * end's `addrgenmode none` (ipv6LinkLocal: false). It must go before the pod
   * end comes up: until then the pair has no carrier, so the kernel has not
   * configured IPv6 on the host end yet.
   */
  hostRequest(devices: PodDevices): [Request, Operation] | undefined {
    if (this.p.ipv6LinkLocal) return undefined;
    return [noAddrGenRequest(devices.hostEnd.index), linkOperation('set link', `${this.p.hostEnd.name} addrgenmode none in ${this.host.label}`)];
  }

  /** After hostRequest: the sysctls, then the requests of the one send inside the pod. */
  configure(devices: PodDevices): { requests: Request[]; ops: (index: number) => Operation } {
    writeSysctls(this.p, this.ns);
    const { requests, ops, reverts } = insideRequests(this.p, this.ns, devices.podIndex, this.loopbackWasUp);
    this.reverts = reverts;
    return { requests, ops: (i) => ops[i]! };
  }

  pod(devices: PodDevices): Pod {
    log('pod %s: host end %s (%d), pod end %s (%d)', this.ns.label, this.p.hostEnd.name, devices.hostEnd.index, this.p.podEndName, devices.podIndex);
    const common: PodCommon = {
      fromPool: this.ns.fromPool,
      hostEnd: devices.hostEnd,
      podEnd: { name: this.p.podEndName, index: devices.podIndex, address: this.p.podEndAddress },
    };
    return this.ns.created ? { netns: this.p.name!, createdNetns: true, ...common } : { netns: this.p.existing!, createdNetns: false, ...common };
  }

  /**
   * Undoes a pod that failed half-way: its namespace if it made one; else
   * what succeeded inside that the veth's deletion would not take (lo up,
   * routes through lo or no device), then the veth. Returns the error to throw.
   */
  undo(error: unknown): unknown {
    try {
      if (this.ns.created) deleteNetns(this.p.name!);
      else if (this.hostIndex !== undefined) {
        this.revertInside(error);
        this.host.link.delete(this.hostIndex);
      }
    } catch (cleanup) {
      log('undo of pod %s failed: %s', this.ns.label, (cleanup as Error).message);
    }
    return error;
  }

  private revertInside(error: unknown): void {
    if (!this.reverts) return;
    // Only requests known to have succeeded are reverted: a route the kernel
    // refused as existing belongs to someone else. After an overrun nothing is known.
    if (!(error instanceof NetlinkBatchError)) {
      if (error instanceof ReceiveOverrunError) log('undo of pod %s: outcome inside unknown after an overrun; lo and routes not through the pod end are left', this.ns.label);
      if (error instanceof ReceiveOverrunError || error instanceof PodSysctlError) return;
    }
    const failed = new Set(error instanceof NetlinkBatchError ? error.failures.map((f) => f.index) : []);
    const reverts = this.reverts.flatMap((request, index) => (request && !failed.has(index) ? [request] : []));
    if (reverts.length === 0) return;
    try {
      this.ns.socket.executeMany(reverts, linkOperation('undo pod', this.ns.label));
    } catch (cleanup) {
      log('undo of pod %s inside failed: %s', this.ns.label, (cleanup as Error).message);
    }
  }

  release(): void {
    this.refs.close();
    this.ns.socket.close();
    this.ns.handle.close();
    this.p.pool?.resumeRefill();
  }
}

/** What createPod reads of the echoed host end. */
interface EchoedLink {
  index: number;
  name: string | undefined;
  address: string | undefined;
  /** IFLA_LINK: the peer's ifindex (in the peer's namespace). */
  peerIndex: number | undefined;
}

/**
 * Reads the four fields createPod needs from the echoed RTM_NEWLINK, not the
 * whole link (a kilobyte and a half of statistics and per-family settings):
 * a full decode cost about a tenth of the veth step.
 */
function readEchoedLink(m: Message): EchoedLink {
  if (m.end - m.offset < IFINFOMSG_LEN) throw new MalformedMessageError(`echoed link: ${m.end - m.offset} bytes, shorter than an ifinfomsg`, { family: 'rtnetlink', attribute: 'ifinfomsg', offset: m.offset });
  const link: EchoedLink = { index: m.buf.readInt32LE(m.offset + 4), name: undefined, address: undefined, peerIndex: undefined };
  const c = new AttributeCursor(m.buf, m.offset + IFINFOMSG_LEN, m.end);
  while (c.next()) {
    if (c.type === IFLA_IFNAME) link.name = c.string();
    else if (c.type === IFLA_ADDRESS) link.address = formatMac(c.buf, c.start, c.length);
    else if (c.type === IFLA_LINK) link.peerIndex = c.u32();
  }
  return link;
}

interface PodDevices {
  hostEnd: PodDevice;
  podIndex: number;
}

function beginPod(host: RouteConnection, spec: PodSpec): PodBuild {
  requireHost(host);
  const p = preparePod(spec);
  // Until release(): the pool's worker would slow this pod down (see RefillGate).
  p.pool?.pauseRefill();
  try {
    return new PodBuild(host, p, acquireNamespace(p));
  } catch (error) {
    p.pool?.resumeRefill();
    throw error;
  }
}

/**
 * Creates a pod's network in the fewest sends the kernel allows, without
 * looking any name up: the namespace (made, taken from `spec.pool`, or an
 * existing one), a veth pair with the peer born inside it and the host end
 * enslaved to `hostEnd.master` and up, then in one send inside the pod:
 * loopback up, the addresses, the pod end up, the routes. Returns the
 * devices' indexes and MAC addresses. If any step fails, what was made is
 * removed again (the namespace when the pod made it, else the veth) and the
 * error is thrown. Tear a pod down with {@link deletePod}.
 * @param host - A connection in the namespace the host end goes into.
 * @throws InvalidArgumentError before anything is made when the spec is wrong.
 * @throws NetlinkError / NetlinkBatchError when the kernel refuses a step.
 */
export function createPod(host: RouteConnection, spec: PodSpec): Pod {
  const timed = podStepTimes.enabled;
  let t = timed ? performance.now() : 0;
  const build = beginPod(host, spec);
  if (timed) t = step('namespace', t);
  try {
    const echoed = host.socket.execute(build.vethRequest(), build.vethOperation(), readEchoedLink);
    if (timed) t = step('veth', t);
    const devices = build.echoed(echoed) ?? build.lookedUp(host.link.get(build.p.hostEnd.name), build.inside().link.get(build.p.podEndName));
    if (build.needsLoopbackState) build.loopbackWasUp = build.inside().link.get(LOOPBACK_INDEX).up;
    const hostRequest = build.hostRequest(devices);
    if (hostRequest) host.socket.execute(...hostRequest);
    const { requests, ops } = build.configure(devices);
    if (timed) t = step('sysctls', t);
    build.ns.socket.executeMany(requests, ops);
    if (timed) t = step('inside', t);
    return build.pod(devices);
  } catch (error) {
    throw build.undo(error);
  } finally {
    build.release();
    if (timed) step('close', t);
  }
}

function step(name: 'namespace' | 'veth' | 'sysctls' | 'inside' | 'close', since: number): number {
  const now = performance.now();
  podStepTimes[name] = now - since;
  return now;
}

/**
 * Promise form of {@link createPod}: the kernel requests run off the event
 * loop; making or naming the namespace (a few system calls) runs on it.
 */
export async function createPodAsync(host: RouteConnection, spec: PodSpec): Promise<Pod> {
  const build = beginPod(host, spec);
  try {
    const echoed = await host.socket.executeAsync(build.vethRequest(), build.vethOperation(), readEchoedLink);
    const devices = build.echoed(echoed) ?? build.lookedUp(await host.link.getAsync(build.p.hostEnd.name), await build.inside().link.getAsync(build.p.podEndName));
    if (build.needsLoopbackState) build.loopbackWasUp = (await build.inside().link.getAsync(LOOPBACK_INDEX)).up;
    const hostRequest = build.hostRequest(devices);
    if (hostRequest) await host.socket.executeAsync(...hostRequest);
    const { requests, ops } = build.configure(devices);
    await build.ns.socket.executeManyAsync(requests, ops);
    return build.pod(devices);
  } catch (error) {
    throw build.undo(error);
  } finally {
    build.release();
  }
}

/**
 * Tears a pod down by deleting its namespace (umount and unlink, as
 * `ip netns delete`); the kernel then removes the pod end and, with it, the
 * host end, about a millisecond later. A pod made in an existing namespace
 * loses only its veth pair (deleted through `host`).
 * @param host - Needed only for a pod in an existing namespace.
 */
export function deletePod(pod: Pod, host?: RouteConnection): void {
  if (pod === null || typeof pod !== 'object' || typeof pod.hostEnd !== 'object') throw new InvalidArgumentError(`deletePod: expected the Pod createPod returned, got ${pod === null ? 'null' : typeof pod}`);
  if (pod.createdNetns) {
    deleteNetns(pod.netns);
    return;
  }
  if (!(host instanceof RouteConnection)) throw new InvalidArgumentError(`deletePod: a pod in an existing namespace is removed by deleting its veth, which needs the host RouteConnection as second argument`);
  host.link.delete(pod.hostEnd.index);
}
