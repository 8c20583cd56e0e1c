// Shared by the address and route tests: services on a socket in a test
// namespace, link names from `ip`, and the link part of `ip -j -d addr show`
// turned back into the Link fields addressesToIpJson reads.
import type { Test } from 'tap';
import { NETLINK_ROUTE } from '../../src/generated/netlink.js';
import { IFF_RUNNING, IFF_UP } from '../../src/generated/if.js';
import type { NetlinkSocket } from '../../src/netlink/socket.js';
import { openNetlinkSocket } from '../../src/netns/index.js';
import { AddressService } from '../../src/route/addresses/service.js';
import { LINK_FLAG_NAMES, type AddressLinkInfo } from '../../src/route/addresses/ipjson.js';
import { RouteService } from '../../src/route/routes/service.js';
import { ip, ipJson } from '../helpers/netns.js';

export interface Services {
  socket: NetlinkSocket;
  addr: AddressService;
  route: RouteService;
  label: string;
}

/** An rtnetlink socket in `netns` with the two services on it, closed on teardown. */
export function services(t: Test, netns: string): Services {
  const socket = openNetlinkSocket(NETLINK_ROUTE, { netns });
  t.teardown(() => socket.close());
  const ctx = { socket, label: `netns ${netns}` };
  return { socket, addr: new AddressService(ctx), route: new RouteService(ctx), label: ctx.label };
}

/** A veth pair v0/v1, both up (so v0 has carrier), plus whatever else the test adds. */
export function vethPair(netns: string, a = 'v0', b = 'v1'): void {
  ip(netns, 'link', 'add', a, 'type', 'veth', 'peer', 'name', b);
  ip(netns, 'link', 'set', a, 'up');
  ip(netns, 'link', 'set', b, 'up');
}

/** ifindex → name, as `ip` resolves `dev`. */
export function linkNames(netns: string): Map<number, string> {
  return new Map(ipJson<{ ifindex: number; ifname: string }[]>(netns, 'link', 'show').map((l) => [l.ifindex, l.ifname]));
}

export function ifindex(netns: string, name: string): number {
  return ipJson<{ ifindex: number }[]>(netns, 'link', 'show', 'dev', name)[0]!.ifindex;
}

const FLAG_BITS = new Map(LINK_FLAG_NAMES.map(([bit, name]) => [name, bit]));

type IpLinkJson = Record<string, any>;

/**
 * The Link fields behind one link entry of `ip -j -d link/addr show`, so
 * addressesToIpJson can be checked until the links module decodes links.
 * RUNNING is implied by UP without NO-CARRIER, as ip prints it.
 */
export function linkInfoFromIpJson(j: IpLinkJson, names: ReadonlyMap<number, string>): AddressLinkInfo {
  const indexOf = (name: string) => {
    for (const [index, n] of names) if (n === name) return index;
    return Number(String(name).replace(/^if/, ''));
  };
  let flags = 0;
  for (const name of j.flags as string[]) flags |= FLAG_BITS.get(name) ?? 0;
  if (flags & IFF_UP && !(j.flags as string[]).includes('NO-CARRIER')) flags |= IFF_RUNNING;
  const link: AddressLinkInfo = { index: j.ifindex, name: j.ifname, flags };
  const copy: [keyof AddressLinkInfo, string][] = [
    ['mtu', 'mtu'], ['qdisc', 'qdisc'], ['txqueuelen', 'txqlen'], ['linkType', 'link_type'], ['address', 'address'],
    ['broadcast', 'broadcast'], ['permAddress', 'permaddr'], ['linkNetnsId', 'link_netnsid'], ['protoDown', 'proto_down'],
    ['promiscuity', 'promiscuity'], ['allmulti', 'allmulti'], ['minMtu', 'min_mtu'], ['maxMtu', 'max_mtu'],
    ['numTxQueues', 'num_tx_queues'], ['numRxQueues', 'num_rx_queues'], ['gsoMaxSize', 'gso_max_size'],
    ['gsoMaxSegs', 'gso_max_segs'], ['tsoMaxSize', 'tso_max_size'], ['tsoMaxSegs', 'tso_max_segs'],
    ['groMaxSize', 'gro_max_size'], ['physPortName', 'phys_port_name'], ['physPortId', 'phys_port_id'],
    ['physSwitchId', 'phys_switch_id'], ['parentDevBusName', 'parentbus'], ['parentDevName', 'parentdev'],
    ['alias', 'ifalias'], ['altNames', 'altnames'],
  ];
  for (const [field, key] of copy) if (j[key] !== undefined) (link as any)[field] = j[key];
  if (j.operstate !== undefined) link.operstate = j.operstate;
  if (j.operstate_index !== undefined) link.operstate = j.operstate_index;
  if (j.group !== undefined) link.group = j.group === 'default' ? 0 : Number(j.group);
  if (j.master !== undefined) link.master = indexOf(j.master);
  if ('link' in j) link.link = j.link === null ? 0 : indexOf(j.link);
  if (j.link_index !== undefined) link.link = j.link_index;
  if (j.linkinfo?.info_kind !== undefined) link.kind = j.linkinfo.info_kind;
  if (j.linkinfo?.info_slave_kind !== undefined) link.slaveKind = j.linkinfo.info_slave_kind;
  return link;
}

/**
 * `ip -j -d addr show` with the kind-specific linkinfo data removed: that is
 * the links module's to print (addressesToIpJson takes its linkToIpJson).
 */
export function ipAddrShow(netns: string, ...args: string[]): IpLinkJson[] {
  const out = ipJson<IpLinkJson[]>(netns, '-d', 'addr', 'show', ...args);
  for (const l of out) {
    if (l.linkinfo) {
      delete l.linkinfo.info_data;
      delete l.linkinfo.info_slave_data;
    }
  }
  return out;
}

/**
 * Lifetimes and expiry times count down between two reads: when both sides
 * have a finite value within `slack` seconds, take the expected one.
 */
export function alignCountdowns(actual: any, expected: any, slack = 2): void {
  if (Array.isArray(actual) && Array.isArray(expected)) {
    actual.forEach((a, i) => alignCountdowns(a, expected[i], slack));
    return;
  }
  if (typeof actual !== 'object' || actual === null || typeof expected !== 'object' || expected === null) return;
  for (const key of Object.keys(actual)) {
    const a = actual[key];
    const e = expected[key];
    if (['valid_life_time', 'preferred_life_time', 'expires'].includes(key) && typeof a === 'number' && typeof e === 'number') {
      if (a !== 0xffffffff && e !== 0xffffffff && Math.abs(a - e) <= slack) actual[key] = e;
    } else {
      alignCountdowns(a, e, slack);
    }
  }
}

/**
 * Reads nlkit's view between two reads of ip's that agree, so both describe
 * one state: DAD finishing, or an address's local route appearing, would
 * otherwise slip in between.
 */
export function readTogether<T>(readIp: () => any, readNlkit: () => T): { mine: T; theirs: any } {
  for (let attempt = 0; attempt < 20; attempt++) {
    const before = readIp();
    const mine = readNlkit();
    const theirs = readIp();
    if (JSON.stringify(before) === JSON.stringify(theirs)) return { mine, theirs };
  }
  throw new Error('the namespace kept changing between reads');
}
