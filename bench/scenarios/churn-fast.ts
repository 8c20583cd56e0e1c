// The churn scenario's fast rows: the pod fast path (createPod), the fast path
// with a namespace pool (in a burst, and paced at a sustained rate), and the
// floor: the same pod done with requests encoded before the clock starts and
// sent straight through src/sys, what a C program would send.
import { setTimeout as sleep } from 'node:timers/promises';
import { NETLINK_ROUTE } from '../../src/generated/netlink.js';
import { IFLA_NET_NS_FD } from '../../src/generated/if_link.js';
import { IFF_UP } from '../../src/generated/if.js';
import { MS_BIND } from '../../src/generated/mount.js';
import { RTM_NEWADDR, RTM_NEWLINK, RTM_NEWROUTE } from '../../src/generated/rtnetlink.js';
import { CLONE_NEWNET } from '../../src/generated/sched.js';
import { NLM_F_ACK, NLM_F_CREATE, NLM_F_EXCL, NLM_F_REQUEST, NLMSG_ERROR } from '../../src/netlink/message.js';
import { MessageWriter } from '../../src/netlink/writer.js';
import { netnsPath } from '../../src/netns/names.js';
import type { NamespacePool } from '../../src/pod/pool.js';
import type { PodSpec } from '../../src/pod/spec.js';
import { encodeAddressRequest } from '../../src/route/addresses/message.js';
import { prepareAddress } from '../../src/route/addresses/spec.js';
import type { RouteConnection } from '../../src/route/connection.js';
import { kindToCreate } from '../../src/route/links/kinds/index.js';
import { encodeLinkRequest, type LinkRequest } from '../../src/route/links/message.js';
import { References } from '../../src/route/links/references.js';
import { encodeRouteRequest } from '../../src/route/routes/message.js';
import { prepareRoute } from '../../src/route/routes/spec.js';
import * as libc from '../../src/sys/libc.js';
import { BRIDGE_ADDRESS, type PodPlan, type SetupTimes } from './churn-pod.js';

/** What the fast rows use of nlkit, loaded at run time so a broken build makes them n/a, not the scenario fail. */
export type PodApi = typeof import('../../src/pod/index.js') & Pick<typeof import('../../src/pod/create.js'), 'podStepTimes'>;

export async function loadPodApi(): Promise<{ api?: PodApi; unavailable?: string }> {
  try {
    return { api: { ...(await import('../../src/pod/index.js')), podStepTimes: (await import('../../src/pod/create.js')).podStepTimes } };
  } catch (error) {
    return { unavailable: `pod API not available: ${(error as Error).message.split('\n')[0]}` };
  }
}

/** Per-pod durations of the steps, ms: making (or naming) the namespace, the veth request, the send inside the pod. */
export interface StepSamples {
  namespace: number[];
  veth: number[];
  inside: number[];
}

export interface FastSetupTimes extends SetupTimes {
  steps: StepSamples;
}

/** The pod of the churn scenario as a createPod spec; `ipv6LinkLocal: false` only where a row asks for it. */
export function podSpecOf(pod: PodPlan, bridgeIndex: number, pool?: NamespacePool, ipv6LinkLocal = true): PodSpec {
  return {
    netns: pod.netns,
    hostEnd: { name: pod.hostEnd, master: bridgeIndex },
    addresses: [pod.address],
    routes: [{ dst: 'default', gateway: BRIDGE_ADDRESS }],
    ...(pool ? { pool } : {}),
    ...(ipv6LinkLocal ? {} : { ipv6LinkLocal }),
  };
}

function emptySteps(): StepSamples {
  return { namespace: [], veth: [], inside: [] };
}

/** createPod for one pod after another; per pod its latency and its steps. */
export function setupPodsFast(api: PodApi, host: RouteConnection, bridgeIndex: number, pods: readonly PodPlan[], pool?: NamespacePool): FastSetupTimes {
  const { createPod, podStepTimes } = api;
  const latencies: number[] = [];
  const steps = emptySteps();
  podStepTimes.enabled = true;
  try {
    const t0 = performance.now();
    for (const pod of pods) {
      const p0 = performance.now();
      createPod(host, podSpecOf(pod, bridgeIndex, pool));
      latencies.push(performance.now() - p0);
      steps.namespace.push(podStepTimes.namespace);
      steps.veth.push(podStepTimes.veth);
      steps.inside.push(podStepTimes.inside + podStepTimes.sysctls);
    }
    return { ms: performance.now() - t0, latencies, steps };
  } finally {
    podStepTimes.enabled = false;
  }
}

/**
 * createPod with a pool at a sustained rate: pod i starts at i / rate
 * seconds (or as soon as the one before is done, when behind); the event
 * loop runs between pods, so the pool's worker can hand over what it made.
 */
export async function setupPodsPaced(api: PodApi, host: RouteConnection, bridgeIndex: number, pods: readonly PodPlan[], pool: NamespacePool, perSecond: number, ipv6LinkLocal = true): Promise<SetupTimes & { fromPool: number }> {
  const latencies: number[] = [];
  let fromPool = 0;
  const interval = 1000 / perSecond;
  const t0 = performance.now();
  for (const [i, pod] of pods.entries()) {
    const due = t0 + i * interval;
    const wait = due - performance.now();
    if (wait >= 1) await sleep(Math.floor(wait));
    else await new Promise((resolve) => setImmediate(resolve));
    const p0 = performance.now();
    if (api.createPod(host, podSpecOf(pod, bridgeIndex, pool, ipv6LinkLocal)).fromPool) fromPool++;
    latencies.push(performance.now() - p0);
  }
  return { ms: performance.now() - t0, latencies, fromPool };
}

// ---- the floor --------------------------------------------------------------

/** A value no fd has: its place in the encoded veth request is where the real fd goes. */
const FD_MARKER = 0x5a5a5a5a;
const LO_INDEX = 1;
/** In a new namespace, lo is 1 and the first device made there gets 2. */
const FIRST_INDEX = 2;

/** The bytes of one pod's requests, encoded before the clock starts. */
export interface RawPod {
  path: string;
  veth: Buffer;
  /** Offset of IFLA_NET_NS_FD's value in `veth`. */
  fdOffset: number;
  inside: Buffer;
  insideRequests: number;
}

function message(w: MessageWriter, type: number, flags: number, seq: number, encode: (w: MessageWriter) => void): void {
  const start = w.beginMessage(type, NLM_F_REQUEST | NLM_F_ACK | flags, seq);
  encode(w);
  w.endMessage(start);
}

/** Encodes a pod's requests: the veth (fd to patch in), then lo up, address, eth0 up, default route in one buffer. */
export function encodeRawPod(pod: PodPlan, bridgeIndex: number): RawPod {
  const veth = kindToCreate('veth');
  const peerRef = { fd: FD_MARKER };
  const refs = new References().open([peerRef]);
  const spec = { type: 'veth', name: pod.hostEnd, peer: { name: 'eth0', netns: peerRef } };
  const body: LinkRequest = { flags: IFF_UP, change: IFF_UP, name: pod.hostEnd, master: bridgeIndex, create: { kind: veth, spec, ctx: refs } };
  const w = new MessageWriter(512);
  message(w, RTM_NEWLINK, NLM_F_CREATE | NLM_F_EXCL, 1, (x) => encodeLinkRequest(x, body));
  const vethBytes = Buffer.from(w.bytes());
  refs.close();
  const attribute = Buffer.alloc(8);
  attribute.writeUInt16LE(8, 0);
  attribute.writeUInt16LE(IFLA_NET_NS_FD, 2);
  attribute.writeUInt32LE(FD_MARKER, 4);
  const fdOffset = vethBytes.indexOf(attribute) + 4;
  if (fdOffset < 4) throw new Error('the encoded veth request has no IFLA_NET_NS_FD');

  const inside = new MessageWriter(512);
  message(inside, RTM_NEWLINK, 0, 2, (x) => encodeLinkRequest(x, { index: LO_INDEX, flags: IFF_UP, change: IFF_UP }));
  const address = prepareAddress({ dev: FIRST_INDEX, address: pod.address }, 'add').request;
  address.index = FIRST_INDEX;
  message(inside, RTM_NEWADDR, NLM_F_CREATE | NLM_F_EXCL, 3, (x) => encodeAddressRequest(x, address));
  message(inside, RTM_NEWLINK, 0, 4, (x) => encodeLinkRequest(x, { index: FIRST_INDEX, flags: IFF_UP, change: IFF_UP }));
  const route = prepareRoute({ dst: 'default', gateway: BRIDGE_ADDRESS, dev: FIRST_INDEX }, 'add').request;
  route.oif = FIRST_INDEX;
  message(inside, RTM_NEWROUTE, NLM_F_CREATE | NLM_F_EXCL, 5, (x) => encodeRouteRequest(x, route));
  return { path: netnsPath(pod.netns), veth: vethBytes, fdOffset, inside: Buffer.from(inside.bytes()), insideRequests: 4 };
}

/** Reads acks until `count` arrived; throws on the first error. */
function readAcks(fd: number, buffer: Buffer, count: number, what: string): void {
  let acks = 0;
  while (acks < count) {
    const length = libc.recv(fd, buffer, 0);
    for (let at = 0; at + 16 <= length;) {
      const size = buffer.readUInt32LE(at);
      if (buffer.readUInt16LE(at + 4) === NLMSG_ERROR) {
        const errno = -buffer.readInt32LE(at + 16);
        if (errno !== 0) throw new Error(`${what}: kernel error ${errno}`);
        acks++;
      }
      if (size < 16) break;
      at += (size + 3) & ~3;
    }
  }
}

/**
 * The floor: per pod the system calls a C program makes — the namespace
 * (file, unshare, bind mount, its fd, a socket inside, back), the encoded
 * veth request with the fd patched in, the four requests inside in one send.
 */
export function setupPodsRaw(hostFd: number, raws: readonly RawPod[]): FastSetupTimes {
  const latencies: number[] = [];
  const steps = emptySteps();
  const reply = Buffer.alloc(1 << 16);
  const original = libc.openReadOnly('/proc/thread-self/ns/net');
  try {
    const t0 = performance.now();
    for (const raw of raws) {
      const p0 = performance.now();
      libc.close(libc.createExclusive(raw.path));
      libc.unshare(CLONE_NEWNET);
      let nsFd: number;
      let socket: number;
      try {
        libc.mount('/proc/thread-self/ns/net', raw.path, 'none', MS_BIND);
        nsFd = libc.openReadOnly('/proc/thread-self/ns/net');
        socket = libc.netlinkSocket(NETLINK_ROUTE);
      } finally {
        libc.setns(original, CLONE_NEWNET, 'original namespace');
      }
      const p1 = performance.now();
      raw.veth.writeInt32LE(nsFd, raw.fdOffset);
      libc.send(hostFd, raw.veth, raw.veth.length);
      readAcks(hostFd, reply, 1, `veth of ${raw.path}`);
      const p2 = performance.now();
      libc.send(socket, raw.inside, raw.inside.length);
      readAcks(socket, reply, raw.insideRequests, `inside ${raw.path}`);
      libc.close(socket);
      libc.close(nsFd);
      const p3 = performance.now();
      latencies.push(p3 - p0);
      steps.namespace.push(p1 - p0);
      steps.veth.push(p2 - p1);
      steps.inside.push(p3 - p2);
    }
    return { ms: performance.now() - t0, latencies, steps };
  } finally {
    libc.close(original);
  }
}
