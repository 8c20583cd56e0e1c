import { IFF_POINTOPOINT, IFF_UP } from '../../generated/if.js';
import { IN6_ADDR_GEN_MODE_EUI64, IN6_ADDR_GEN_MODE_NONE, IN6_ADDR_GEN_MODE_RANDOM, IN6_ADDR_GEN_MODE_STABLE_PRIVACY } from '../../generated/if_link.js';
import { groupName } from '../iproute2-names.js';
import { ipLinkName, type IpJson } from '../ipjson.js';
import { linkKind, slaveKind, type IpJsonNames } from './kinds/index.js';
import type { Link, LinkXdp } from './types.js';
import { requireObject } from '../../netlink/checks.js';

/** One entry of `ip -j -d link show`; keys and value formats exactly as iproute2 6.1 prints them. */
export type IpLinkJson = IpJson;

// Names from iproute2's print_link_event (notifications only).
const EVENTS = ['NONE', 'REBOOT', 'FEATURE CHANGE', 'BONDING FAILOVER', 'NOTIFY PEERS', 'RESEND IGMP', 'BONDING OPTION'];

const ADDR_GEN_MODES = new Map<number, string>([
  [IN6_ADDR_GEN_MODE_EUI64, 'eui64'],
  [IN6_ADDR_GEN_MODE_NONE, 'none'],
  [IN6_ADDR_GEN_MODE_STABLE_PRIVACY, 'stable_secret'],
  [IN6_ADDR_GEN_MODE_RANDOM, 'random'],
]);

/** The other links of the namespace, as ip looks them up by index. */
export type LinkDirectory = Iterable<Link> | ReadonlyMap<number, Link>;

function directory(links: LinkDirectory | undefined): IpJsonNames {
  let byIndex: ReadonlyMap<number, Link>;
  if (!links) byIndex = new Map();
  else if (links instanceof Map) byIndex = links;
  else byIndex = new Map([...(links as Iterable<Link>)].map((l) => [l.index, l]));
  return {
    name: (index) => ipLinkName(index, byIndex.get(index)?.name),
    flags: (index) => byIndex.get(index)?.flags,
  };
}

function xdpJson(xdp: LinkXdp): Record<string, unknown> {
  // ip adds the program's name, tag and jited state from bpf(2); nlkit has only the ids.
  const attached: Record<string, unknown>[] = [];
  const one = (id: number | undefined, mode: number) => {
    if (id !== undefined) attached.push({ mode, id });
  };
  if (xdp.genericProgId !== undefined || xdp.driverProgId !== undefined || xdp.offloadProgId !== undefined) {
    one(xdp.genericProgId, 2);
    one(xdp.driverProgId, 1);
    one(xdp.offloadProgId, 3);
  } else one(xdp.progId, xdp.attached);
  const out: Record<string, unknown> = { mode: xdp.attached };
  if (xdp.progId) out.id = xdp.progId;
  out.attached = attached;
  return out;
}

function linkInfoJson(link: Link, names: IpJsonNames): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  if (link.kind !== undefined) {
    out.info_kind = link.kind;
    const kind = linkKind(link.kind);
    if (kind?.toIpJson) out.info_data = kind.toIpJson(link.info, names);
  }
  if (link.slaveKind !== undefined) {
    out.info_slave_kind = link.slaveKind;
    const kind = slaveKind(link.slaveKind);
    if (kind?.toIpJson) out.info_slave_data = kind.toIpJson(link.slaveInfo, names);
  }
  return out;
}

/**
 * The object `ip -j -d link show` prints for `link`. Fields that hold another
 * link's index (master, link, vxlan's dev, a bridge port's backup port) print
 * as names, and a lower link that is down adds "M-DOWN": pass the namespace's
 * links (e.g. from `list()`) for those; an index not among them prints as
 * `if<N>`, as ip does for an index it cannot resolve.
 */
export function linkToIpJson(link: Link, links?: LinkDirectory): IpLinkJson {
  requireObject(link, 'linkToIpJson: link', 'what link.get() returns');
  const names = directory(links);
  const out: IpLinkJson = { ifindex: link.index };
  let lowerDown = false;
  if (link.link !== undefined) {
    if (link.link === 0) out.link = null;
    else if (link.linkNetnsId !== undefined) out.link_index = link.link;
    else {
      out.link = names.name(link.link);
      const flags = names.flags(link.link);
      lowerDown = flags !== undefined && (flags & IFF_UP) === 0;
    }
  }
  out.ifname = link.name;
  out.flags = lowerDown ? [...link.flagNames, 'M-DOWN'] : [...link.flagNames];
  out.mtu = link.mtu;
  if (link.xdp && link.xdp.attached !== 0) out.xdp = xdpJson(link.xdp);
  if (link.qdisc !== undefined) out.qdisc = link.qdisc;
  if (link.master !== undefined) out.master = names.name(link.master);
  if (typeof link.operstate === 'number') out.operstate_index = link.operstate;
  else out.operstate = link.operstate;
  if (link.linkmode !== undefined) {
    // ip names only DEFAULT and DORMANT.
    if (link.linkmode === 'DEFAULT' || link.linkmode === 'DORMANT') out.linkmode = link.linkmode;
    else out.linkmode_index = typeof link.linkmode === 'number' ? link.linkmode : 2;
  }
  out.group = groupName(link.group);
  // ip prints the u32 as an int (print_int): a length past 2^31 (`txqlen -5` sent as is) reads negative.
  if (link.txqueuelen) out.txqlen = link.txqueuelen | 0;
  if (link.event) out.event = EVENTS[link.event] ?? link.event;
  out.link_type = link.linkType;
  if (link.address !== undefined) out.address = link.address;
  if (link.broadcast !== undefined) {
    if (link.flags & IFF_POINTOPOINT) out.link_pointtopoint = true;
    out.broadcast = link.broadcast;
  }
  if (link.permAddress !== undefined && link.permAddress !== link.address) out.permaddr = link.permAddress;
  if (link.linkNetnsId !== undefined) out.link_netnsid = link.linkNetnsId;
  if (link.protoDown) out.proto_down = true;
  const reasons = protoDownReasons(link);
  if (reasons) out.proto_down_reason = reasons;
  if (link.promiscuity !== undefined) out.promiscuity = link.promiscuity;
  if (link.allmulti !== undefined) out.allmulti = link.allmulti;
  if (link.minMtu !== undefined) out.min_mtu = link.minMtu;
  if (link.maxMtu !== undefined) out.max_mtu = link.maxMtu;
  if (link.kind !== undefined || link.slaveKind !== undefined) out.linkinfo = linkInfoJson(link, names);
  if (link.inet6AddrGenMode !== undefined) {
    out.inet6_addr_gen_mode = ADDR_GEN_MODES.get(link.inet6AddrGenMode) ?? `0x${link.inet6AddrGenMode.toString(16).padStart(2, '0')}`;
  }
  if (link.numTxQueues !== undefined) out.num_tx_queues = link.numTxQueues;
  if (link.numRxQueues !== undefined) out.num_rx_queues = link.numRxQueues;
  if (link.gsoMaxSize !== undefined) out.gso_max_size = link.gsoMaxSize;
  if (link.gsoMaxSegs !== undefined) out.gso_max_segs = link.gsoMaxSegs;
  if (link.tsoMaxSize !== undefined) out.tso_max_size = link.tsoMaxSize;
  if (link.tsoMaxSegs !== undefined) out.tso_max_segs = link.tsoMaxSegs;
  if (link.groMaxSize !== undefined) out.gro_max_size = link.groMaxSize;
  if (link.physPortName !== undefined) out.phys_port_name = link.physPortName;
  if (link.physPortId !== undefined) out.phys_port_id = link.physPortId;
  if (link.physSwitchId !== undefined) out.phys_switch_id = link.physSwitchId;
  if (link.parentDevBusName !== undefined) out.parentbus = link.parentDevBusName;
  if (link.parentDevName !== undefined) out.parentdev = link.parentDevName;
  if (link.alias !== undefined) out.ifalias = link.alias;
  if (link.altNames !== undefined) out.altnames = [...link.altNames];
  return out;
}

/**
 * The reason bits ip prints (print_proto_down, iproute2 6.1): only the low
 * byte of the value, as numbers (names come from /etc/iproute2/protodown_reasons.d,
 * which nlkit does not read), and only when the message carries attribute 2
 * (ip tests tb[IFLA_PROTO_DOWN_REASON_VALUE] of the top level, which is IFLA_BROADCAST).
 */
function protoDownReasons(link: Link): string[] | undefined {
  let reason = (link.protoDownReason ?? 0) & 0xff;
  if (!reason || link.broadcast === undefined) return undefined;
  const bits: string[] = [];
  for (let bit = 0; reason; bit++, reason >>= 1) if (reason & 1) bits.push(String(bit));
  return bits;
}
