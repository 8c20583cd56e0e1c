import { IFA_F_DEPRECATED, IFA_F_PERMANENT, IFA_F_SECONDARY } from '../../generated/if_addr.js';
import {
  IFF_ALLMULTI, IFF_AUTOMEDIA, IFF_BROADCAST, IFF_DEBUG, IFF_DORMANT, IFF_DYNAMIC, IFF_ECHO, IFF_LOOPBACK, IFF_LOWER_UP,
  IFF_MASTER, IFF_MULTICAST, IFF_NOARP, IFF_NOTRAILERS, IFF_POINTOPOINT, IFF_PORTSEL, IFF_PROMISC, IFF_RUNNING, IFF_SLAVE,
  IFF_UP,
} from '../../generated/if.js';
import { ADDRESS_FLAG_NAMES } from './flags.js';
import { FOREVER, type Address } from './message.js';

/**
 * The link fields `ip -d addr show` prints, named as in nlkit's `Link`, so a
 * decoded Link can be passed as it is. Only index, name and flags are required.
 */
export interface AddressLinkInfo {
  index: number;
  name: string;
  /** IFF_* bits. */
  flags: number;
  mtu?: number;
  qdisc?: string;
  /** ifindex of the master (bridge, bond, VRF). */
  master?: number;
  /** 'UP', 'DOWN', 'UNKNOWN', ...; a number when ip has no name for it. */
  operstate?: string | number;
  group?: number;
  txqueuelen?: number;
  /** 'ether', 'loopback', 'none', ... */
  linkType?: string;
  address?: string;
  broadcast?: string;
  permAddress?: string;
  /** IFLA_LINK: the lower device's ifindex (0 = none). */
  link?: number;
  linkNetnsId?: number;
  protoDown?: boolean;
  promiscuity?: number;
  allmulti?: number;
  minMtu?: number;
  maxMtu?: number;
  kind?: string;
  slaveKind?: string;
  numTxQueues?: number;
  numRxQueues?: number;
  gsoMaxSize?: number;
  gsoMaxSegs?: number;
  tsoMaxSize?: number;
  tsoMaxSegs?: number;
  groMaxSize?: number;
  physPortName?: string;
  physPortId?: string;
  physSwitchId?: string;
  parentDevBusName?: string;
  parentDevName?: string;
  alias?: string;
  altNames?: string[];
}

export interface AddressesIpJsonOptions<L> {
  /**
   * The link part as `ip -j -d link show` prints it (e.g. nlkit's
   * `linkToIpJson`), which knows every kind's `info_data`. Without it the link
   * part is built here from the generic fields, and `linkinfo` holds only
   * `info_kind` / `info_slave_kind`.
   */
  linkToIpJson?: (link: L) => Record<string, unknown>;
  /**
   * Names of links not in `links` (ifindex → name), for `link` and `master`
   * when only some links are shown, as with `ip addr show dev X`.
   */
  linkNames?: ReadonlyMap<number, string>;
}

export type IpJson = Record<string, unknown>;

/** IFF_* bits with ip's names, in the order `ip link` prints them. */
export const LINK_FLAG_NAMES: readonly (readonly [number, string])[] = [
  [IFF_LOOPBACK, 'LOOPBACK'], [IFF_BROADCAST, 'BROADCAST'], [IFF_POINTOPOINT, 'POINTOPOINT'], [IFF_MULTICAST, 'MULTICAST'],
  [IFF_NOARP, 'NOARP'], [IFF_ALLMULTI, 'ALLMULTI'], [IFF_PROMISC, 'PROMISC'], [IFF_MASTER, 'MASTER'], [IFF_SLAVE, 'SLAVE'],
  [IFF_DEBUG, 'DEBUG'], [IFF_DYNAMIC, 'DYNAMIC'], [IFF_AUTOMEDIA, 'AUTOMEDIA'], [IFF_PORTSEL, 'PORTSEL'],
  [IFF_NOTRAILERS, 'NOTRAILERS'], [IFF_UP, 'UP'], [IFF_LOWER_UP, 'LOWER_UP'], [IFF_DORMANT, 'DORMANT'], [IFF_ECHO, 'ECHO'],
];

/** Keys only `ip link` prints (its do_link branches), dropped from a link's JSON under `ip addr`. */
const LINK_ONLY_KEYS = ['linkmode', 'linkmode_index', 'inet6_addr_gen_mode', 'stats', 'stats64'];

/** The flags array of `ip link`/`ip addr`, NO-CARRIER and M-DOWN included. */
export function linkFlagsToIpJson(flags: number, lowerDown: boolean): string[] {
  const out: string[] = [];
  if (flags & IFF_UP && !(flags & IFF_RUNNING)) out.push('NO-CARRIER');
  let rest = flags & ~IFF_RUNNING;
  for (const [bit, name] of LINK_FLAG_NAMES) {
    if (rest & bit) {
      rest &= ~bit;
      out.push(name);
    }
  }
  if (rest) out.push((rest >>> 0).toString(16));
  if (lowerDown) out.push('M-DOWN');
  return out;
}

interface LinkLookup {
  byIndex: ReadonlyMap<number, AddressLinkInfo>;
  names: ReadonlyMap<number, string> | undefined;
}

function nameOf(lookup: LinkLookup, index: number): string {
  return index === 0 ? '*' : lookup.byIndex.get(index)?.name ?? lookup.names?.get(index) ?? `if${index}`;
}

/** The link part of one `ip -j -d addr show` entry, from generic Link fields. */
function linkToAddrShowJson(link: AddressLinkInfo, lookup: LinkLookup): IpJson {
  const o: IpJson = { ifindex: link.index };
  let lowerDown = false;
  if (link.link !== undefined) {
    if (link.link === 0) o.link = null;
    else if (link.linkNetnsId !== undefined) o.link_index = link.link;
    else {
      o.link = nameOf(lookup, link.link);
      // M-DOWN: the lower link is down (known only when it is among the links given).
      const lower = lookup.byIndex.get(link.link);
      lowerDown = lower !== undefined && !(lower.flags & IFF_UP);
    }
  }
  o.ifname = link.name;
  o.flags = linkFlagsToIpJson(link.flags, lowerDown);
  if (link.mtu !== undefined) o.mtu = link.mtu;
  if (link.qdisc !== undefined) o.qdisc = link.qdisc;
  if (link.master !== undefined) o.master = nameOf(lookup, link.master);
  if (typeof link.operstate === 'number') o.operstate_index = link.operstate;
  else if (link.operstate !== undefined) o.operstate = link.operstate;
  if (link.group !== undefined) o.group = link.group === 0 ? 'default' : String(link.group);
  if (link.txqueuelen) o.txqlen = link.txqueuelen;
  if (link.linkType !== undefined) o.link_type = link.linkType;
  if (link.address !== undefined) o.address = link.address;
  if (link.broadcast !== undefined) {
    if (link.flags & IFF_POINTOPOINT) o.link_pointtopoint = true;
    o.broadcast = link.broadcast;
  }
  if (link.permAddress !== undefined && link.permAddress !== link.address) o.permaddr = link.permAddress;
  if (link.linkNetnsId !== undefined) o.link_netnsid = link.linkNetnsId;
  if (link.protoDown) o.proto_down = true;
  if (link.promiscuity !== undefined) o.promiscuity = link.promiscuity;
  if (link.allmulti !== undefined) o.allmulti = link.allmulti;
  if (link.minMtu !== undefined) o.min_mtu = link.minMtu;
  if (link.maxMtu !== undefined) o.max_mtu = link.maxMtu;
  if (link.kind !== undefined || link.slaveKind !== undefined) {
    const info: IpJson = {};
    if (link.kind !== undefined) info.info_kind = link.kind;
    if (link.slaveKind !== undefined) info.info_slave_kind = link.slaveKind;
    o.linkinfo = info;
  }
  if (link.numTxQueues !== undefined) o.num_tx_queues = link.numTxQueues;
  if (link.numRxQueues !== undefined) o.num_rx_queues = link.numRxQueues;
  if (link.gsoMaxSize !== undefined) o.gso_max_size = link.gsoMaxSize;
  if (link.gsoMaxSegs !== undefined) o.gso_max_segs = link.gsoMaxSegs;
  if (link.tsoMaxSize !== undefined) o.tso_max_size = link.tsoMaxSize;
  if (link.tsoMaxSegs !== undefined) o.tso_max_segs = link.tsoMaxSegs;
  if (link.groMaxSize !== undefined) o.gro_max_size = link.groMaxSize;
  if (link.physPortName !== undefined) o.phys_port_name = link.physPortName;
  if (link.physPortId !== undefined) o.phys_port_id = link.physPortId;
  if (link.physSwitchId !== undefined) o.phys_switch_id = link.physSwitchId;
  if (link.parentDevBusName !== undefined) o.parentbus = link.parentDevBusName;
  if (link.parentDevName !== undefined) o.parentdev = link.parentDevName;
  if (link.alias !== undefined) o.ifalias = link.alias;
  if (link.altNames !== undefined) o.altnames = [...link.altNames];
  return o;
}

/** One `addr_info` entry exactly as `ip -j addr show` prints it. */
export function addressToIpJson(address: Address): IpJson {
  const o: IpJson = { family: address.family === 4 ? 'inet' : 'inet6' };
  const local = address.local ?? address.address;
  if (local !== '') {
    o.local = local;
    if (address.address !== local) o.address = address.address;
    o.prefixlen = address.prefixLength;
    if (address.metric !== undefined) o.metric = address.metric;
  }
  if (address.broadcast !== undefined) o.broadcast = address.broadcast;
  if (address.anycast !== undefined) o.anycast = address.anycast;
  o.scope = address.scopeName;
  const flags = address.flags;
  let rest = flags;
  for (const [bit, name] of ADDRESS_FLAG_NAMES) {
    if (bit === IFA_F_PERMANENT) {
      if (!(flags & bit)) o.dynamic = true;
    } else if (flags & bit) {
      o[bit === IFA_F_SECONDARY && address.family === 6 ? 'temporary' : name] = true;
    }
    rest &= ~bit;
  }
  if (rest) o.ifa_flags = (rest >>> 0).toString(16).padStart(2, '0');
  if (address.label !== undefined) o.label = address.label;
  // ip prints lifetimes only when the message had IFA_CACHEINFO (which carries the time stamps).
  if (address.created !== undefined) {
    o.valid_life_time = address.validLifetime === 'forever' ? FOREVER : address.validLifetime;
    const preferred = address.preferredLifetime === 'forever' ? FOREVER : address.preferredLifetime;
    // A deprecated address's remaining preferred time is printed signed.
    o.preferred_life_time = flags & IFA_F_DEPRECATED && preferred !== FOREVER ? preferred | 0 : preferred;
  }
  return o;
}

/**
 * What `ip -j -d addr show` prints: every link in the order given, each with
 * the addresses on it in the order given (the kernel's dump order).
 */
export function addressesToIpJson<L extends AddressLinkInfo>(links: readonly L[], addresses: readonly Address[], options: AddressesIpJsonOptions<L> = {}): IpJson[] {
  const lookup: LinkLookup = { byIndex: new Map(links.map((l) => [l.index, l])), names: options.linkNames };
  const byLink = new Map<number, IpJson[]>();
  for (const a of addresses) {
    let list = byLink.get(a.index);
    if (!list) byLink.set(a.index, (list = []));
    list.push(addressToIpJson(a));
  }
  return links.map((link) => {
    let o: IpJson;
    if (options.linkToIpJson) {
      o = { ...options.linkToIpJson(link) };
      for (const key of LINK_ONLY_KEYS) delete o[key];
    } else {
      o = linkToAddrShowJson(link, lookup);
    }
    o.addr_info = byLink.get(link.index) ?? [];
    return o;
  });
}
