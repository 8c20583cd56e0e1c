// Words `ip rule` prints that `ip route` does not: IP protocol names (from
// /etc/protocols, as netbase ships it) and interface group names (iproute2's
// stock `group` file names only group 0). Tables, protocols, types, DS fields
// and realms share the route vocabulary in ../routes/names.ts.
import { InvalidArgumentError } from '../../netlink/addresses.js';

const IP_PROTOCOL_NAMES = new Map<number, string>([
  [0, 'ip'], [1, 'icmp'], [2, 'igmp'], [3, 'ggp'], [4, 'ipencap'], [5, 'st'], [6, 'tcp'], [8, 'egp'], [9, 'igp'],
  [12, 'pup'], [17, 'udp'], [20, 'hmp'], [22, 'xns-idp'], [27, 'rdp'], [29, 'iso-tp4'], [33, 'dccp'], [36, 'xtp'],
  [37, 'ddp'], [38, 'idpr-cmtp'], [41, 'ipv6'], [43, 'ipv6-route'], [44, 'ipv6-frag'], [45, 'idrp'], [46, 'rsvp'],
  [47, 'gre'], [50, 'esp'], [51, 'ah'], [57, 'skip'], [58, 'ipv6-icmp'], [59, 'ipv6-nonxt'], [60, 'ipv6-opts'],
  [73, 'rspf'], [81, 'vmtp'], [88, 'eigrp'], [89, 'ospf'], [93, 'ax.25'], [94, 'ipip'], [97, 'etherip'], [98, 'encap'],
  [103, 'pim'], [108, 'ipcomp'], [112, 'vrrp'], [115, 'l2tp'], [124, 'isis'], [132, 'sctp'], [133, 'fc'],
  [135, 'mobility-header'], [136, 'udplite'], [137, 'mpls-in-ip'], [138, 'manet'], [139, 'hip'], [140, 'shim6'],
  [141, 'wesp'], [142, 'rohc'], [143, 'ethernet'],
]);
const IP_PROTOCOL_VALUES = new Map<string, number>([
  ...[...IP_PROTOCOL_NAMES].map(([value, name]) => [name, value] as [string, number]),
  ['hopopt', 0], ['icmpv6', 58],
]);

/** The name `ip rule` prints for an IP protocol number, or ipproto-N. */
export function ipProtocolName(protocol: number): string {
  return IP_PROTOCOL_NAMES.get(protocol) ?? `ipproto-${protocol}`;
}

/** An IP protocol by name ('tcp', 'udp', 'icmp', 'ipv6-icmp', ...) or number 0-255. */
export function parseIpProtocol(value: unknown, what = 'ipproto'): number {
  if (typeof value === 'string') {
    const protocol = IP_PROTOCOL_VALUES.get(value);
    if (protocol === undefined) throw new InvalidArgumentError(`${what} "${value}" is not a known IP protocol name; use e.g. 'tcp', 'udp', 'icmp' or a number 0-255`);
    return protocol;
  }
  if (typeof value === 'number' && Number.isInteger(value) && value >= 0 && value <= 255) return value;
  throw new InvalidArgumentError(`${what} must be an IP protocol name or an integer 0-255, got ${String(value)}`);
}

/** Interface group names `ip` prints: group 0 is "default", others their number. */
export function groupName(group: number): string {
  return group === 0 ? 'default' : String(group);
}
