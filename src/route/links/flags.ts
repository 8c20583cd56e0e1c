import * as arp from '../../generated/if_arp.js';
import {
  IFF_ALLMULTI, IFF_AUTOMEDIA, IFF_BROADCAST, IFF_DEBUG, IFF_DORMANT, IFF_DYNAMIC, IFF_ECHO, IFF_LOOPBACK, IFF_LOWER_UP,
  IFF_MASTER, IFF_MULTICAST, IFF_NOARP, IFF_NOTRAILERS, IFF_POINTOPOINT, IFF_PORTSEL, IFF_PROMISC, IFF_RUNNING, IFF_SLAVE, IFF_UP,
} from '../../generated/if.js';
import { formatIp } from '../../netlink/addresses.js';
import { formatMac } from '../../netlink/addresses.js';

// The order in which `ip link` lists interface flags (iproute2 print_link_flags).
const FLAG_ORDER: readonly (readonly [number, string])[] = [
  [IFF_LOOPBACK, 'LOOPBACK'], [IFF_BROADCAST, 'BROADCAST'], [IFF_POINTOPOINT, 'POINTOPOINT'], [IFF_MULTICAST, 'MULTICAST'],
  [IFF_NOARP, 'NOARP'], [IFF_ALLMULTI, 'ALLMULTI'], [IFF_PROMISC, 'PROMISC'], [IFF_MASTER, 'MASTER'], [IFF_SLAVE, 'SLAVE'],
  [IFF_DEBUG, 'DEBUG'], [IFF_DYNAMIC, 'DYNAMIC'], [IFF_AUTOMEDIA, 'AUTOMEDIA'], [IFF_PORTSEL, 'PORTSEL'],
  [IFF_NOTRAILERS, 'NOTRAILERS'], [IFF_UP, 'UP'], [IFF_LOWER_UP, 'LOWER_UP'], [IFF_DORMANT, 'DORMANT'], [IFF_ECHO, 'ECHO'],
];

function nameFlags(flags: number): string[] {
  const names: string[] = [];
  if (flags & IFF_UP && !(flags & IFF_RUNNING)) names.push('NO-CARRIER');
  let rest = flags & ~IFF_RUNNING;
  for (const [bit, name] of FLAG_ORDER) {
    if (rest & bit) {
      rest &= ~bit;
      names.push(name);
    }
  }
  if (rest) names.push((rest >>> 0).toString(16));
  return names;
}

// A namespace's links share a handful of flag combinations; naming them is
// done once per combination (bounded, in case something cycles through many).
const NAMED_FLAGS = new Map<number, readonly string[]>();
const NAMED_FLAGS_LIMIT = 1024;

/**
 * Interface flags named as `ip link` prints them: NO-CARRIER for an up link
 * without RUNNING, RUNNING itself left out, unnamed bits as one hex string.
 */
export function linkFlagNames(flags: number): string[] {
  let names = NAMED_FLAGS.get(flags);
  if (names === undefined) {
    names = nameFlags(flags);
    if (NAMED_FLAGS.size < NAMED_FLAGS_LIMIT) NAMED_FLAGS.set(flags, names);
  }
  // Every link gets an array of its own: callers may change theirs.
  return names.slice();
}

/** IFLA_OPERSTATE (RFC 2863 operational state, IF_OPER_*) as `ip link` prints it: UP means ready to pass packets. */
export type OperState = 'UNKNOWN' | 'NOTPRESENT' | 'DOWN' | 'LOWERLAYERDOWN' | 'TESTING' | 'DORMANT' | 'UP';
/** IF_OPER_* in value order (RFC 2863 operational states). */
export const OPER_STATES: readonly OperState[] = ['UNKNOWN', 'NOTPRESENT', 'DOWN', 'LOWERLAYERDOWN', 'TESTING', 'DORMANT', 'UP'];

/** IFLA_LINKMODE (IF_LINK_MODE_*): DORMANT lets a supplicant hold the link in operstate DORMANT until it authenticates. */
export type LinkMode = 'DEFAULT' | 'DORMANT' | 'TESTING';
/** IF_LINK_MODE_* in value order. */
export const LINK_MODES: readonly LinkMode[] = ['DEFAULT', 'DORMANT', 'TESTING'];

// iproute2's names for ARPHRD_* types (lib/ll_types.c); types it does not name print as "[N]".
const LINK_TYPE_NAMES = new Map<number, string>([
  [arp.ARPHRD_NETROM, 'netrom'], [arp.ARPHRD_ETHER, 'ether'], [arp.ARPHRD_EETHER, 'eether'], [arp.ARPHRD_AX25, 'ax25'],
  [arp.ARPHRD_PRONET, 'pronet'], [arp.ARPHRD_CHAOS, 'chaos'], [arp.ARPHRD_IEEE802, 'ieee802'], [arp.ARPHRD_ARCNET, 'arcnet'],
  [arp.ARPHRD_APPLETLK, 'atalk'], [arp.ARPHRD_DLCI, 'dlci'], [arp.ARPHRD_ATM, 'atm'], [arp.ARPHRD_METRICOM, 'metricom'],
  [arp.ARPHRD_IEEE1394, 'ieee1394'], [arp.ARPHRD_INFINIBAND, 'infiniband'], [arp.ARPHRD_SLIP, 'slip'], [arp.ARPHRD_CSLIP, 'cslip'],
  [arp.ARPHRD_SLIP6, 'slip6'], [arp.ARPHRD_CSLIP6, 'cslip6'], [arp.ARPHRD_RSRVD, 'rsrvd'], [arp.ARPHRD_ADAPT, 'adapt'],
  [arp.ARPHRD_ROSE, 'rose'], [arp.ARPHRD_X25, 'x25'], [arp.ARPHRD_HWX25, 'hwx25'], [arp.ARPHRD_CAN, 'can'], [arp.ARPHRD_PPP, 'ppp'],
  [arp.ARPHRD_HDLC, 'hdlc'], [arp.ARPHRD_LAPB, 'lapb'], [arp.ARPHRD_DDCMP, 'ddcmp'], [arp.ARPHRD_RAWHDLC, 'rawhdlc'],
  [arp.ARPHRD_TUNNEL, 'ipip'], [arp.ARPHRD_TUNNEL6, 'tunnel6'], [arp.ARPHRD_FRAD, 'frad'], [arp.ARPHRD_SKIP, 'skip'],
  [arp.ARPHRD_LOOPBACK, 'loopback'], [arp.ARPHRD_LOCALTLK, 'ltalk'], [arp.ARPHRD_FDDI, 'fddi'], [arp.ARPHRD_BIF, 'bif'],
  [arp.ARPHRD_SIT, 'sit'], [arp.ARPHRD_IPDDP, 'ip/ddp'], [arp.ARPHRD_IPGRE, 'gre'], [arp.ARPHRD_PIMREG, 'pimreg'],
  [arp.ARPHRD_HIPPI, 'hippi'], [arp.ARPHRD_ASH, 'ash'], [arp.ARPHRD_ECONET, 'econet'], [arp.ARPHRD_IRDA, 'irda'],
  [arp.ARPHRD_FCPP, 'fcpp'], [arp.ARPHRD_FCAL, 'fcal'], [arp.ARPHRD_FCPL, 'fcpl'],
  ...Array.from({ length: 13 }, (_, i) => [arp.ARPHRD_FCFABRIC + i, `fcfb${i}`] as [number, string]),
  [arp.ARPHRD_IEEE802_TR, 'tr'], [arp.ARPHRD_IEEE80211, 'ieee802.11'], [arp.ARPHRD_IEEE80211_PRISM, 'ieee802.11/prism'],
  [arp.ARPHRD_IEEE80211_RADIOTAP, 'ieee802.11/radiotap'], [arp.ARPHRD_IEEE802154, 'ieee802.15.4'],
  [arp.ARPHRD_IEEE802154_MONITOR, 'ieee802.15.4/monitor'], [arp.ARPHRD_PHONET, 'phonet'], [arp.ARPHRD_PHONET_PIPE, 'phonet_pipe'],
  [arp.ARPHRD_CAIF, 'caif'], [arp.ARPHRD_IP6GRE, 'gre6'], [arp.ARPHRD_NETLINK, 'netlink'], [arp.ARPHRD_6LOWPAN, '6lowpan'],
  [arp.ARPHRD_NONE, 'none'], [arp.ARPHRD_VOID, 'void'],
]);

/** The link type (ifi_type, an ARPHRD_* value) as `ip link` names it: `ether`, `loopback`, `none`, ... */
export function linkTypeName(type: number): string {
  return LINK_TYPE_NAMES.get(type) ?? `[${type}]`;
}

/**
 * A hardware address formatted the way `ip link` prints it for this link
 * type: IPv4/IPv6 for IP tunnels, colon-separated hex otherwise.
 */
export function formatLinkAddress(buf: Buffer, at: number, length: number, type: number): string {
  if (length === 4 && (type === arp.ARPHRD_TUNNEL || type === arp.ARPHRD_SIT || type === arp.ARPHRD_IPGRE)) return formatIp(buf, at, 4);
  if (length === 16 && (type === arp.ARPHRD_TUNNEL6 || type === arp.ARPHRD_IP6GRE)) return formatIp(buf, at, 16);
  return formatMac(buf, at, length);
}
