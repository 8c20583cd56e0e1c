// A pod's network in the fewest sends the kernel allows and no name lookups:
// the namespace (created with its rtnetlink socket opened while the thread is
// inside, or taken from a pool), one RTM_NEWLINK on the host socket that makes
// the veth pair with the peer born in the pod, the host end enslaved and up,
// and echoed back (NLM_F_ECHO) so both ifindexes are known; then one send into
// the pod with loopback up, the addresses, the pod end up and the routes.
import { writeFileSync } from 'node:fs';
import { IFF_UP } from '../generated/if.js';
import { NETLINK_ROUTE } from '../generated/netlink.js';
import { RTM_DELLINK, RTM_NEWADDR, RTM_NEWLINK, RTM_NEWROUTE } from '../generated/rtnetlink.js';
import { InvalidArgumentError } from '../netlink/addresses.js';
import type { Operation } from '../netlink/errors.js';
import { NLM_F_CREATE, NLM_F_ECHO, NLM_F_EXCL } from '../netlink/message.js';
import { NetlinkSocket, type Request } from '../netlink/socket.js';
import { createNetnsWithin, deleteNetns, nameNetns } from '../netns/lifecycle.js';
import { describeNetns, openNetns, type NetnsHandle } from '../netns/reference.js';
import { withNetns } from '../netns/switch.js';
import * as libc from '../sys/libc.js';
import { encodeAddressRequest, IFADDRMSG_LEN, addressAttributeName } from '../route/addresses/message.js';
import { RouteConnection } from '../route/connection.js';
import { EncodedRequest } from '../route/encoded-request.js';
import { kindToCreate } from '../route/links/kinds/index.js';
import { decodeLink, encodeLinkRequest, type LinkRequest } from '../route/links/message.js';
import { linkOperation } from '../route/links/operation.js';
import { References } from '../route/links/references.js';
import type { Link } from '../route/links/types.js';
import { describeRoute } from '../route/routes/spec.js';
import { encodeRouteRequest, routeAttributeName, RTMSG_LEN } from '../route/routes/message.js';
import { createLog } from '../netlink/logger.js';
import type { PooledNamespace } from './pool.js';
import { preparePod, type PodSpec, type PreparedPod } from './spec.js';

const log = createLog('nlkit:pod');
const LOOPBACK_INDEX = 1;
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

/** What {@link createPod} made. */
export interface Pod {
  /** The pod's namespace: its name when the pod created it, else the reference given. */
  netns: PodSpec['netns'];
  /** Whether createPod created the namespace (and {@link deletePod} deletes it). */
  createdNetns: boolean;
  /** Whether the namespace came from a {@link NamespacePool}. */
  fromPool: boolean;
  /** The veth end in the host namespace. */
  hostEnd: PodDevice;
  /** The veth end inside the pod. */
  podEnd: PodDevice;
}

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
  label: string;
}

function openInside(handle: NetnsHandle): NetlinkSocket {
  return withNetns(handle, () => NetlinkSocket.open(NETLINK_ROUTE));
}

function ownedHandle(fd: number, label: string): NetnsHandle {
  let closed = false;
  return {
    fd, label,
    close() {
      if (!closed) {
        closed = true;
        libc.close(fd);
      }
    },
  };
}

/** Creates, takes or opens the pod's namespace; nothing is left behind if that fails. */
function acquireNamespace(p: PreparedPod): PodNamespace {
  if (p.existing) {
    const handle = openNetns(p.existing, 'pod spec netns');
    try {
      return { handle, socket: openInside(handle), created: false, fromPool: false, label: describeNetns(p.existing) };
    } catch (error) {
      handle.close();
      throw error;
    }
  }
  const name = p.name!;
  const label = `netns ${name}`;
  const pooled: PooledNamespace | undefined = p.pool?.take();
  if (pooled) {
    const handle = ownedHandle(pooled.fd, label);
    try {
      nameNetns(name, handle.fd);
    } catch (error) {
      // The name is taken (or the mount failed): the pooled namespace is dropped, not returned.
      handle.close();
      throw error;
    }
    try {
      return { handle, socket: openInside(handle), created: true, fromPool: true, label };
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
      return NetlinkSocket.open(NETLINK_ROUTE);
    } catch (error) {
      libc.close(fd);
      throw error;
    }
  });
  return { handle: ownedHandle(fd, label), socket, created: true, fromPool: false, label };
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
  return linkOperation('create pod veth', `${p.hostEnd.name} in ${host.label} with peer ${p.podEndName} in ${ns.label}`, veth);
}

function upRequest(index: number): Request {
  const body: LinkRequest = { index, flags: IFF_UP, change: IFF_UP };
  return { type: RTM_NEWLINK, flags: 0, encode: (w) => encodeLinkRequest(w, body) };
}

/** Loopback up, the addresses, the pod end up, the routes: one send, in the order the kernel needs. */
function insideRequests(p: PreparedPod, podIndex: number, label: string): { requests: Request[]; ops: Operation[] } {
  const requests: Request[] = [];
  const ops: Operation[] = [];
  if (p.loopback) {
    requests.push(upRequest(LOOPBACK_INDEX));
    ops.push(linkOperation('set link', `lo up in ${label}`));
  }
  for (const a of p.addresses) {
    const request = { ...a.request, index: podIndex };
    requests.push(new EncodedRequest(RTM_NEWADDR, NLM_F_CREATE | NLM_F_EXCL, request, encodeAddressRequest));
    ops.push({ operation: 'add address', object: `${a.text} in ${label}`, headerLength: IFADDRMSG_LEN, attributeName: addressAttributeName });
  }
  requests.push(upRequest(podIndex));
  ops.push(linkOperation('set link', `${p.podEndName} up in ${label}`));
  for (const { prepared, device } of p.routes) {
    const request = device === undefined ? prepared.request : { ...prepared.request, oif: device === 'lo' ? LOOPBACK_INDEX : podIndex };
    requests.push(new EncodedRequest(RTM_NEWROUTE, NLM_F_CREATE | NLM_F_EXCL, request, encodeRouteRequest));
    ops.push({ operation: 'add route', object: `${describeRoute(prepared)} in ${label}`, headerLength: RTMSG_LEN, attributeName: routeAttributeName });
  }
  return { requests, ops };
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
        throw new InvalidArgumentError(`sysctl ${path.slice(10).replaceAll('/', '.')} = ${value} in ${ns.label}: ${e.code === 'ENOENT' ? 'no such setting' : e.message}`);
      }
    }
  });
}

/** The devices the echoed host end names, or undefined when the kernel did not echo (before Linux 6.3). */
function devicesFromEcho(echoed: Link[], p: PreparedPod): { hostEnd: PodDevice; podIndex: number } | undefined {
  const link = echoed.find((l) => l.name === p.hostEnd.name);
  if (!link || link.link === undefined || link.address === undefined) return undefined;
  return { hostEnd: { name: link.name, index: link.index, address: link.address }, podIndex: link.link };
}

/** Undoes a pod that failed half-way: its namespace if it made one, else its veth. Never throws. */
function undo(host: RouteConnection, ns: PodNamespace, p: PreparedPod, hostIndex: number | undefined): void {
  try {
    if (ns.created) deleteNetns(p.name!);
    else if (hostIndex !== undefined) host.socket.execute({ type: RTM_DELLINK, flags: 0, encode: (w) => encodeLinkRequest(w, { index: hostIndex }) }, linkOperation('delete link', `${p.hostEnd.name} in ${host.label}`));
  } catch (error) {
    log('undo of pod %s failed: %s', ns.label, (error as Error).message);
  }
}

function finish(p: PreparedPod, ns: PodNamespace, hostEnd: PodDevice, podIndex: number): Pod {
  return {
    netns: p.name ?? p.existing!,
    createdNetns: ns.created,
    fromPool: ns.fromPool,
    hostEnd,
    podEnd: { name: p.podEndName, index: podIndex, address: p.podEndAddress },
  };
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
  requireHost(host);
  const p = preparePod(spec);
  const timed = podStepTimes.enabled;
  let t = timed ? performance.now() : 0;
  const ns = acquireNamespace(p);
  if (timed) t = step('namespace', t);
  const refs = new References();
  let hostIndex: number | undefined;
  try {
    const echoed = host.socket.execute(vethRequest(p, ns, refs), vethOperation(p, host, ns), decodeLink);
    if (timed) t = step('veth', t);
    let devices = devicesFromEcho(echoed, p);
    if (!devices) {
      const hostLink = host.link.get(p.hostEnd.name);
      devices = { hostEnd: { name: hostLink.name, index: hostLink.index, address: hostLink.address! }, podIndex: new RouteConnection(ns.socket, ns.label).link.get(p.podEndName).index };
    }
    hostIndex = devices.hostEnd.index;
    writeSysctls(p, ns);
    if (timed) t = step('sysctls', t);
    const { requests, ops } = insideRequests(p, devices.podIndex, ns.label);
    ns.socket.executeMany(requests, (i) => ops[i]!);
    if (timed) t = step('inside', t);
    log('pod %s: host end %s (%d), pod end %s (%d)', ns.label, p.hostEnd.name, hostIndex, p.podEndName, devices.podIndex);
    return finish(p, ns, devices.hostEnd, devices.podIndex);
  } catch (error) {
    undo(host, ns, p, hostIndex);
    throw error;
  } finally {
    refs.close();
    ns.socket.close();
    ns.handle.close();
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
  requireHost(host);
  const p = preparePod(spec);
  const ns = acquireNamespace(p);
  const refs = new References();
  let hostIndex: number | undefined;
  try {
    const echoed = await host.socket.executeAsync(vethRequest(p, ns, refs), vethOperation(p, host, ns), decodeLink);
    let devices = devicesFromEcho(echoed, p);
    if (!devices) {
      const hostLink = await host.link.getAsync(p.hostEnd.name);
      devices = { hostEnd: { name: hostLink.name, index: hostLink.index, address: hostLink.address! }, podIndex: (await new RouteConnection(ns.socket, ns.label).link.getAsync(p.podEndName)).index };
    }
    hostIndex = devices.hostEnd.index;
    writeSysctls(p, ns);
    const { requests, ops } = insideRequests(p, devices.podIndex, ns.label);
    await ns.socket.executeManyAsync(requests, (i) => ops[i]!);
    return finish(p, ns, devices.hostEnd, devices.podIndex);
  } catch (error) {
    undo(host, ns, p, hostIndex);
    throw error;
  } finally {
    refs.close();
    ns.socket.close();
    ns.handle.close();
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
    deleteNetns(pod.netns as string);
    return;
  }
  if (!(host instanceof RouteConnection)) throw new InvalidArgumentError(`deletePod: a pod in an existing namespace is removed by deleting its veth, which needs the host RouteConnection as second argument`);
  host.link.delete(pod.hostEnd.index);
}
