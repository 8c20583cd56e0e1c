// What a pod's network is made of, checked in full before anything is sent:
// a bad spec must not leave a namespace or a veth behind.
import { randomFillSync } from 'node:crypto';
import { RTN_BLACKHOLE, RTN_PROHIBIT, RTN_THROW, RTN_UNICAST, RTN_UNREACHABLE } from '../generated/rtnetlink.js';
import { InvalidArgumentError } from '../netlink/addresses.js';
import { describeValue, requireObject } from '../netlink/checks.js';
import { validateNetnsName } from '../netns/names.js';
import { validateNetnsRef, type NetnsRef } from '../netns/reference.js';
import { prepareAddress, type AddressSpec, type PreparedAddress } from '../route/addresses/spec.js';
import { parseRouteType, type RouteTypeName } from '../route/iproute2-names.js';
import { validateIfName } from '../route/names.js';
import { prepareRoute, type PreparedRoute, type RouteSpec } from '../route/routes/spec.js';
import { NamespacePool } from './pool.js';

/** The host end of a pod's veth pair. */
export interface PodHostEnd {
  /** Its name in the host namespace, at most 15 bytes, e.g. `veth1a2b3c`. */
  name: string;
  /** The bridge (or other master) to enslave it to, by ifindex: the fast path looks no names up. */
  master?: number;
  /** MTU in bytes (the pod end gets the same unless it says otherwise). */
  mtu?: number;
  /** MAC address; random when absent. */
  address?: string;
}

/** The end of the veth pair that is born inside the pod. */
export interface PodEnd {
  /** Its name inside the pod; default `eth0`. */
  name?: string;
  /** MAC address; random (locally administered) when absent, and returned either way. */
  address?: string;
  /** MTU in bytes; the host end's when absent. */
  mtu?: number;
}

/** An address of the pod end: `'10.88.0.2/16'`, or an address spec without `dev`. */
export type PodAddress = string | Omit<AddressSpec, 'dev'>;

/** A route inside the pod; it goes through the pod end unless `dev` is `'lo'`. */
export type PodRoute = Omit<RouteSpec, 'dev' | 'nexthops'> & {
  /** `'lo'`, or the pod end's name (the default). */
  dev?: string;
};

/**
 * A pod's network: a namespace, a veth pair whose peer is born in it, and
 * what goes on inside. See {@link createPod}.
 */
export interface PodSpec {
  /**
   * The pod's namespace: a name to create (as `ip netns add NAME`; taken
   * from `pool` when one is given), or a reference object (`{ name }`,
   * `{ path }`, `{ pid }`, `{ fd }`) to an existing namespace.
   */
  netns: string | Exclude<NetnsRef, string>;
  /** The veth end that stays in the host namespace (the connection's). */
  hostEnd: PodHostEnd;
  /** The veth end inside the pod. */
  podEnd?: PodEnd;
  /** Bring `lo` up; default true. */
  loopback?: boolean;
  /** Addresses of the pod end, added before it comes up. */
  addresses?: readonly PodAddress[];
  /** Routes added once the pod end is up, e.g. `{ dst: 'default', gateway: '10.88.0.1' }`. */
  routes?: readonly PodRoute[];
  /**
   * Sysctls written inside the pod once its devices exist, e.g.
   * `{ 'net.ipv4.conf.eth0.arp_notify': 1 }`. Keys are under `net.`; dots or
   * slashes separate the parts (slashes when a device name holds a dot).
   */
  sysctls?: Readonly<Record<string, string | number>>;
  /**
   * IPv6 link-local addresses on the veth pair; default true (the kernel's
   * default). `false` sets `addrgenmode none` on both ends before either
   * comes up: no link-local address, so no duplicate address detection,
   * router solicitation or MLD report. On a bridge the kernel floods each
   * pod's start-up IPv6 packets into every other pod on it, so with them a
   * pod costs more the more pods share the bridge (docs/pods.md). For
   * IPv4-only pods; IPv6 addresses of the spec are still added.
   */
  ipv6LinkLocal?: boolean;
  /** Namespaces made ahead of time; only for a named (created) namespace. */
  pool?: NamespacePool;
}

/** A spec with every field checked and every request prepared. */
export interface PreparedPod {
  /** The name to create, or undefined for an existing namespace. */
  name: string | undefined;
  /** The existing namespace, when not created. */
  existing: Exclude<NetnsRef, string> | undefined;
  hostEnd: PodHostEnd;
  podEndName: string;
  podEndAddress: string;
  podEndMtu: number | undefined;
  loopback: boolean;
  addresses: PreparedAddress[];
  /** Routes, with the device each goes through (none for blackhole and the like). */
  routes: { prepared: PreparedRoute; device: 'lo' | 'pod' | undefined }[];
  /** `/proc/sys/...` paths and the text written to each. */
  sysctls: { path: string; value: string }[];
  /** Whether the veth ends get IPv6 link-local addresses (the `ipv6LinkLocal` field). */
  ipv6LinkLocal: boolean;
  pool: NamespacePool | undefined;
}

const SPEC_KEYS = new Set(['netns', 'hostEnd', 'podEnd', 'loopback', 'addresses', 'routes', 'sysctls', 'ipv6LinkLocal', 'pool']);
const HOST_KEYS = new Set(['name', 'master', 'mtu', 'address']);
const POD_END_KEYS = new Set(['name', 'address', 'mtu']);
const NO_DEVICE_TYPES: ReadonlySet<number> = new Set([RTN_BLACKHOLE, RTN_UNREACHABLE, RTN_PROHIBIT, RTN_THROW]);
const MAC = /^[0-9a-f]{2}(:[0-9a-f]{2}){5}$/i;
const SYSCTL_PART = /^[A-Za-z0-9_.@:+-]+$/;

function checkKeys(object: Record<string, unknown>, keys: ReadonlySet<string>, what: string): void {
  for (const key of Object.keys(object)) {
    if (!keys.has(key)) throw new InvalidArgumentError(`${what} has no field "${key}" (known: ${[...keys].join(', ')})`);
  }
}

function optionalMtu(value: unknown, what: string): number | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 68 || value > 65535) throw new InvalidArgumentError(`${what} must be an integer from 68 to 65535, got ${describeValue(value)}`);
  return value;
}

function optionalMac(value: unknown, what: string): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'string' || !MAC.test(value)) throw new InvalidArgumentError(`${what} must be a MAC address like '02:00:00:00:00:01', got ${describeValue(value)}`);
  if (Number.parseInt(value.slice(0, 2), 16) & 1) throw new InvalidArgumentError(`${what} ${value} is a multicast address; a device needs a unicast one`);
  return value.toLowerCase();
}

const randomPool = Buffer.alloc(6 * 256);
let randomOffset = randomPool.length;

/** A random locally administered unicast MAC, as the kernel gives a veth end without one. */
export function randomMac(): string {
  if (randomOffset === randomPool.length) {
    randomFillSync(randomPool);
    randomOffset = 0;
  }
  const b = randomPool.subarray(randomOffset, (randomOffset += 6));
  b[0] = (b[0]! & 0xfe) | 0x02;
  let text = '';
  for (let i = 0; i < 6; i++) text += (i ? ':' : '') + b[i]!.toString(16).padStart(2, '0');
  return text;
}

function prepareSysctls(value: unknown): { path: string; value: string }[] {
  if (value === undefined) return [];
  const object = requireObject(value, 'sysctls', "{ 'net.ipv4.conf.eth0.arp_notify': 1 }");
  return Object.entries(object).map(([key, v]) => {
    const parts = key.includes('/') ? key.split('/') : key.split('.');
    if (parts[0] !== 'net' || parts.length < 3 || parts.some((p) => !SYSCTL_PART.test(p) || p === '.' || p === '..')) {
      throw new InvalidArgumentError(`sysctl "${key}" must name a setting under net. (a pod's namespace owns only those), like 'net.ipv4.conf.eth0.arp_notify'`);
    }
    if (typeof v !== 'string' && (typeof v !== 'number' || !Number.isFinite(v))) throw new InvalidArgumentError(`sysctl "${key}" must be set to a string or a number, got ${describeValue(v)}`);
    if (typeof v === 'string' && v.includes('\0')) throw new InvalidArgumentError(`sysctl "${key}": the value must not contain NUL bytes`);
    return { path: `/proc/sys/${parts.join('/')}`, value: String(v) };
  });
}

/** Checks a pod spec and prepares its requests; InvalidArgumentError names the first thing wrong. */
export function preparePod(input: PodSpec): PreparedPod {
  const spec = requireObject(input, 'pod spec', "{ netns: 'pod1', hostEnd: { name: 'veth1' }, addresses: ['10.88.0.2/16'] }") as unknown as PodSpec;
  checkKeys(spec as unknown as Record<string, unknown>, SPEC_KEYS, 'pod spec');
  let name: string | undefined;
  let existing: Exclude<NetnsRef, string> | undefined;
  if (typeof spec.netns === 'string') name = validateNetnsName(spec.netns, 'pod spec netns');
  else if (spec.netns === undefined) throw new InvalidArgumentError(`pod spec needs netns: a name to create ('pod1') or an existing namespace ({ name }, { path }, { pid } or { fd })`);
  else existing = validateNetnsRef(spec.netns, 'pod spec netns') as Exclude<NetnsRef, string>;
  const pool = spec.pool;
  if (pool !== undefined) {
    if (!(pool instanceof NamespacePool)) throw new InvalidArgumentError(`pod spec pool must be a NamespacePool from openNamespacePool(), got ${describeValue(pool)}`);
    if (existing) throw new InvalidArgumentError(`pod spec pool applies only to a namespace the pod creates (netns given as a name), not to an existing one`);
  }

  const host = requireObject(spec.hostEnd, 'pod spec hostEnd', "{ name: 'veth1', master: bridgeIndex }");
  checkKeys(host, HOST_KEYS, 'pod spec hostEnd');
  validateIfName(host.name, 'hostEnd.name');
  if (host.master !== undefined && (typeof host.master !== 'number' || !Number.isInteger(host.master) || host.master < 1 || host.master > 0x7fffffff)) {
    throw new InvalidArgumentError(`hostEnd.master must be the master's ifindex (the fast path looks no names up: get it once with rt.link.get(name).index), got ${describeValue(host.master)}`);
  }
  const hostEnd: PodHostEnd = { name: host.name as string };
  if (host.master !== undefined) hostEnd.master = host.master as number;
  const hostMtu = optionalMtu(host.mtu, 'hostEnd.mtu');
  if (hostMtu !== undefined) hostEnd.mtu = hostMtu;
  const hostMac = optionalMac(host.address, 'hostEnd.address');
  if (hostMac !== undefined) hostEnd.address = hostMac;

  const podEnd = spec.podEnd === undefined ? {} : requireObject(spec.podEnd, 'pod spec podEnd', "{ name: 'eth0' }");
  checkKeys(podEnd, POD_END_KEYS, 'pod spec podEnd');
  const podEndName = podEnd.name === undefined ? 'eth0' : validateIfName(podEnd.name, 'podEnd.name');
  if (podEndName === 'lo') throw new InvalidArgumentError(`podEnd.name cannot be "lo": every namespace has its loopback device under that name`);
  const podEndAddress = optionalMac(podEnd.address, 'podEnd.address') ?? randomMac();
  const podEndMtu = optionalMtu(podEnd.mtu, 'podEnd.mtu') ?? hostEnd.mtu;

  if (spec.loopback !== undefined && typeof spec.loopback !== 'boolean') throw new InvalidArgumentError(`pod spec loopback must be true or false, got ${describeValue(spec.loopback)}`);
  if (spec.ipv6LinkLocal !== undefined && typeof spec.ipv6LinkLocal !== 'boolean') throw new InvalidArgumentError(`pod spec ipv6LinkLocal must be true or false, got ${describeValue(spec.ipv6LinkLocal)}`);
  if (spec.addresses !== undefined && !Array.isArray(spec.addresses)) throw new InvalidArgumentError(`pod spec addresses must be an array like ['10.88.0.2/16'], got ${describeValue(spec.addresses)}`);
  if (spec.routes !== undefined && !Array.isArray(spec.routes)) throw new InvalidArgumentError(`pod spec routes must be an array like [{ dst: 'default', gateway: '10.88.0.1' }], got ${describeValue(spec.routes)}`);
  const addresses = (spec.addresses ?? []).map((a, i) => {
    if (typeof a === 'string') return prepareAddress({ dev: podEndName, address: a }, 'add');
    const object = requireObject(a, `pod spec addresses[${i}]`, "'10.88.0.2/16' or { address: '10.88.0.2/16', flags: { nodad: true } }");
    if ('dev' in object) throw new InvalidArgumentError(`pod spec addresses[${i}] takes no dev: the pod's addresses go on its veth end`);
    return prepareAddress({ ...(object as Omit<AddressSpec, 'dev'>), dev: podEndName }, 'add');
  });
  const routes = (spec.routes ?? []).map((r, i) => {
    const object = requireObject(r, `pod spec routes[${i}]`, "{ dst: 'default', gateway: '10.88.0.1' }");
    if ('nexthops' in object) throw new InvalidArgumentError(`pod spec routes[${i}]: a pod has one device besides lo, so routes take gateway, not nexthops`);
    const dev = object.dev;
    if (dev !== undefined && dev !== 'lo' && dev !== podEndName) throw new InvalidArgumentError(`pod spec routes[${i}] dev must be "lo" or the pod end "${podEndName}", got ${describeValue(dev)}`);
    // Routes that drop or reject have no next hop; every other one leaves through a device.
    const type = object.type === undefined ? RTN_UNICAST : parseRouteType(object.type as RouteTypeName);
    const device: 'lo' | 'pod' | undefined = dev === 'lo' ? 'lo' : dev !== undefined || !NO_DEVICE_TYPES.has(type) ? 'pod' : undefined;
    const routeSpec = { ...object, ...(device === undefined ? {} : { dev: dev ?? podEndName }) } as unknown as RouteSpec;
    return { prepared: prepareRoute(routeSpec, 'add'), device };
  });
  return {
    name, existing, hostEnd, podEndName, podEndAddress, podEndMtu,
    loopback: spec.loopback ?? true,
    addresses, routes,
    sysctls: prepareSysctls(spec.sysctls),
    ipv6LinkLocal: spec.ipv6LinkLocal ?? true,
    pool,
  };
}
