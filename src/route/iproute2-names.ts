// The words `ip` uses for numbers the kernel reports, both ways: names
// iproute2 6.1 prints (its built-in tables plus the rt_tables, rt_protos,
// rt_scopes, rt_realms, rt_dsfield and group files it ships, and netbase's
// /etc/protocols) and names callers may pass. Shared by every rtnetlink
// object: routes, rules, addresses, neighbours and links print the same words.
import { ICMPV6_ROUTER_PREF_HIGH, ICMPV6_ROUTER_PREF_LOW, ICMPV6_ROUTER_PREF_MEDIUM } from '../generated/icmpv6.js';
import {
  RT_SCOPE_HOST, RT_SCOPE_LINK, RT_SCOPE_NOWHERE, RT_SCOPE_SITE, RT_SCOPE_UNIVERSE, RT_TABLE_DEFAULT, RT_TABLE_LOCAL,
  RT_TABLE_MAIN, RTN_ANYCAST, RTN_BLACKHOLE, RTN_BROADCAST, RTN_LOCAL, RTN_MULTICAST, RTN_NAT, RTN_PROHIBIT, RTN_THROW,
  RTN_UNICAST, RTN_UNREACHABLE, RTN_UNSPEC, RTN_XRESOLVE, RTPROT_BABEL, RTPROT_BGP, RTPROT_BIRD, RTPROT_BOOT, RTPROT_DHCP,
  RTPROT_DNROUTED, RTPROT_EIGRP, RTPROT_GATED, RTPROT_ISIS, RTPROT_KEEPALIVED, RTPROT_KERNEL, RTPROT_MRT, RTPROT_NTK,
  RTPROT_OPENR, RTPROT_OSPF, RTPROT_RA, RTPROT_REDIRECT, RTPROT_RIP, RTPROT_STATIC, RTPROT_UNSPEC, RTPROT_XORP,
  RTPROT_ZEBRA,
} from '../generated/rtnetlink.js';
import { InvalidArgumentError } from '../netlink/addresses.js';
import { once } from './constant-names.js';
import { textOf } from '../netlink/checks.js';

function invert(names: ReadonlyMap<number, string>): Map<string, number> {
  return new Map([...names].map(([value, name]) => [name, value]));
}

function parseNamed(value: unknown, values: ReadonlyMap<string, number>, max: number, what: string, kind: string): number {
  if (typeof value === 'string') {
    const known = values.get(value);
    if (known !== undefined) return known;
    throw new InvalidArgumentError(`${what} "${value}" is unknown; use one of ${[...values.keys()].join(', ')} or a number 0-${max}`);
  }
  if (typeof value === 'number' && Number.isInteger(value) && value >= 0 && value <= max) return value;
  throw new InvalidArgumentError(`${what} must be a ${kind} name or an integer 0-${max}, got ${textOf(value)}`);
}

// ---- routing tables ------------------------------------------------------------------

const TABLE_NAMES = new Map<number, string>([[RT_TABLE_DEFAULT, 'default'], [RT_TABLE_MAIN, 'main'], [RT_TABLE_LOCAL, 'local']]);
const tableValues = once(() => invert(TABLE_NAMES));

/** The routing tables `ip` knows by name: main (254), local (255), default (253); any other table is a number. */
export type RouteTableName = 'main' | 'local' | 'default';

/** 'main', 'local', 'default', or the number as text (as `ip` prints tables). */
export function routeTableName(table: number): string {
  return TABLE_NAMES.get(table) ?? String(table);
}

/** A routing table by name or id 1-2^32-1 (0 is "unspecified" and not a table). */
export function parseRouteTable(value: unknown, what = 'table'): number {
  if (typeof value === 'string' && !tableValues().has(value)) {
    throw new InvalidArgumentError(`${what} "${value}" is unknown; use main, local, default or a number 1-4294967295`);
  }
  const table = parseNamed(value, tableValues(), 0xffffffff, what, 'table');
  if (table === 0) throw new InvalidArgumentError(`${what} 0 is not a table; use main, local, default or a number 1-4294967295`);
  return table;
}

// ---- protocols (who installed a route, rule or neighbour) -----------------------------

const PROTOCOL_NAMES = new Map<number, string>([
  [RTPROT_UNSPEC, 'unspec'], [RTPROT_REDIRECT, 'redirect'], [RTPROT_KERNEL, 'kernel'], [RTPROT_BOOT, 'boot'],
  [RTPROT_STATIC, 'static'], [RTPROT_GATED, 'gated'], [RTPROT_RA, 'ra'], [RTPROT_MRT, 'mrt'], [RTPROT_ZEBRA, 'zebra'],
  [RTPROT_BIRD, 'bird'], [RTPROT_DNROUTED, 'dnrouted'], [RTPROT_XORP, 'xorp'], [RTPROT_NTK, 'ntk'], [RTPROT_DHCP, 'dhcp'],
  [RTPROT_KEEPALIVED, 'keepalived'], [RTPROT_BABEL, 'babel'], [RTPROT_OPENR, 'openr'], [RTPROT_BGP, 'bgp'],
  [RTPROT_ISIS, 'isis'], [RTPROT_OSPF, 'ospf'], [RTPROT_RIP, 'rip'], [RTPROT_EIGRP, 'eigrp'],
]);
const protocolValues = once(() => invert(PROTOCOL_NAMES));

/** Route origin names (rtm_protocol, RTPROT_*) as in iproute2's rt_protos: `ip route add ... proto static`. */
export type RouteProtocolName =
  | 'unspec' | 'redirect' | 'kernel' | 'boot' | 'static' | 'gated' | 'ra' | 'mrt' | 'zebra' | 'bird' | 'dnrouted' | 'xorp'
  | 'ntk' | 'dhcp' | 'keepalived' | 'babel' | 'openr' | 'bgp' | 'isis' | 'ospf' | 'rip' | 'eigrp';

/** `ip`'s name for an rtm_protocol value (`kernel`, `boot`, `static`, `dhcp`, ...), or the number as text. */
export function routeProtocolName(protocol: number): string {
  return PROTOCOL_NAMES.get(protocol) ?? String(protocol);
}

/**
 * A protocol (RTPROT_*) by RouteProtocolName or as an integer 0-255.
 * @throws InvalidArgumentError for an unknown name or an out-of-range number; `what` names the field.
 */
export function parseRouteProtocol(value: unknown, what = 'protocol'): number {
  return parseNamed(value, protocolValues(), 255, what, 'protocol');
}

// ---- scopes --------------------------------------------------------------------------

/** RT_SCOPE_UNIVERSE is "global". */
const SCOPE_NAMES = new Map<number, string>([
  [RT_SCOPE_UNIVERSE, 'global'],
  [RT_SCOPE_SITE, 'site'],
  [RT_SCOPE_LINK, 'link'],
  [RT_SCOPE_HOST, 'host'],
  [RT_SCOPE_NOWHERE, 'nowhere'],
]);

const scopeValues = once(() => new Map<string, number>([...invert(SCOPE_NAMES), ['universe', RT_SCOPE_UNIVERSE]]));

/** Scope names (RT_SCOPE_*) as `ip` takes them; `global` and `universe` are both 0. */
export type ScopeName = 'global' | 'universe' | 'site' | 'link' | 'host' | 'nowhere';

/** `ip`'s name for a scope, or the number as text. */
export function scopeName(scope: number): string {
  return SCOPE_NAMES.get(scope) ?? String(scope);
}

/** Accepts a scope name ('global'/'universe', 'site', 'link', 'host', 'nowhere') or 0-255. */
export function parseScope(value: unknown, what = 'scope'): number {
  if (typeof value === 'string') {
    const scope = scopeValues().get(value);
    if (scope === undefined) {
      throw new InvalidArgumentError(`${what} "${value}" is unknown; use one of ${[...scopeValues().keys()].join(', ')} or a number 0-255`);
    }
    return scope;
  }
  if (typeof value === 'number' && Number.isInteger(value) && value >= 0 && value <= 255) return value;
  throw new InvalidArgumentError(`${what} must be a scope name (global, link, host, ...) or an integer 0-255, got ${textOf(value)}`);
}

// ---- route types (also the names of rule actions) -------------------------------------

const TYPE_NAMES = new Map<number, string>([
  [RTN_UNSPEC, 'none'], [RTN_UNICAST, 'unicast'], [RTN_LOCAL, 'local'], [RTN_BROADCAST, 'broadcast'],
  [RTN_ANYCAST, 'anycast'], [RTN_MULTICAST, 'multicast'], [RTN_BLACKHOLE, 'blackhole'], [RTN_UNREACHABLE, 'unreachable'],
  [RTN_PROHIBIT, 'prohibit'], [RTN_THROW, 'throw'], [RTN_NAT, 'nat'], [RTN_XRESOLVE, 'xresolve'],
]);
const typeValues = once(() => {
  const values = invert(TYPE_NAMES);
  values.delete('none');
  return values;
});

/** Route types (rtm_type, RTN_*) as `ip route add TYPE PREFIX` takes them; RTN_UNSPEC is not settable. */
export type RouteTypeName =
  | 'unicast' | 'local' | 'broadcast' | 'anycast' | 'multicast' | 'blackhole' | 'unreachable' | 'prohibit' | 'throw'
  | 'nat' | 'xresolve';

/** `ip`'s name for an rtm_type value (`unicast`, `blackhole`, ...; 0 is `none`), or the number as text. */
export function routeTypeName(type: number): string {
  return TYPE_NAMES.get(type) ?? String(type);
}

/**
 * A route type by RouteTypeName or as an integer 1-255.
 * @throws InvalidArgumentError for an unknown name, 0 (RTN_UNSPEC) or an out-of-range number.
 */
export function parseRouteType(value: unknown, what = 'type'): number {
  const type = parseNamed(value, typeValues(), 255, what, 'route type');
  if (type === RTN_UNSPEC) throw new InvalidArgumentError(`${what} 0 (RTN_UNSPEC) is not a route type; use unicast, blackhole, ...`);
  return type;
}

// ---- IPv6 router preference (RTA_PREF) ------------------------------------------------

const PREF_NAMES = new Map<number, string>([[ICMPV6_ROUTER_PREF_LOW, 'low'], [ICMPV6_ROUTER_PREF_MEDIUM, 'medium'], [ICMPV6_ROUTER_PREF_HIGH, 'high']]);
const prefValues = once(() => invert(PREF_NAMES));

/** IPv6 router preference (RTA_PREF, RFC 4191) as `ip -6 route add ... pref low|medium|high` takes it. */
export type RoutePrefName = 'low' | 'medium' | 'high';

/** The name of an RTA_PREF value; undefined for a value outside low/medium/high (e.g. the reserved 2). */
export function routePrefName(pref: number): string | undefined {
  return PREF_NAMES.get(pref);
}

/**
 * The RTA_PREF value (ICMPV6_ROUTER_PREF_*) for 'low', 'medium' or 'high'; numbers are not accepted.
 * @throws InvalidArgumentError for anything else.
 */
export function parseRoutePref(value: unknown, what = 'pref'): number {
  const pref = prefValues().get(value as string);
  if (pref === undefined) throw new InvalidArgumentError(`${what} must be 'low', 'medium' or 'high', got ${textOf(value)}`);
  return pref;
}

// ---- TOS / DS field (rt_dsfield) and realms (rt_realms) --------------------------------

const DSFIELD_NAMES = new Map<number, string>([
  [0x00, 'default'], [0x28, 'AF11'], [0x30, 'AF12'], [0x38, 'AF13'], [0x48, 'AF21'], [0x50, 'AF22'], [0x58, 'AF23'],
  [0x68, 'AF31'], [0x70, 'AF32'], [0x78, 'AF33'], [0x88, 'AF41'], [0x90, 'AF42'], [0x98, 'AF43'], [0x20, 'CS1'],
  [0x40, 'CS2'], [0x60, 'CS3'], [0x80, 'CS4'], [0xa0, 'CS5'], [0xc0, 'CS6'], [0xe0, 'CS7'], [0xb8, 'EF'],
]);

export function dsfieldName(tos: number): string {
  return DSFIELD_NAMES.get(tos) ?? `0x${tos.toString(16).padStart(2, '0')}`;
}

/** Realm names `ip` prints (iproute2's rt_realms names only realm 0). */
export function realmName(realm: number): string {
  return realm === 0 ? 'cosmos' : String(realm);
}

// ---- IP protocols (/etc/protocols, as netbase ships it) -------------------------------

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
const ipProtocolValues = once(() => new Map<string, number>([...invert(IP_PROTOCOL_NAMES), ['hopopt', 0], ['icmpv6', 58]]));

/** The name `ip rule` prints for an IP protocol number, or ipproto-N. */
export function ipProtocolName(protocol: number): string {
  return IP_PROTOCOL_NAMES.get(protocol) ?? `ipproto-${protocol}`;
}

/** An IP protocol by name ('tcp', 'udp', 'icmp', 'ipv6-icmp', ...) or number 0-255. */
export function parseIpProtocol(value: unknown, what = 'ipproto'): number {
  if (typeof value === 'string') {
    const protocol = ipProtocolValues().get(value);
    if (protocol === undefined) throw new InvalidArgumentError(`${what} "${value}" is not a known IP protocol name; use e.g. 'tcp', 'udp', 'icmp' or a number 0-255`);
    return protocol;
  }
  if (typeof value === 'number' && Number.isInteger(value) && value >= 0 && value <= 255) return value;
  throw new InvalidArgumentError(`${what} must be an IP protocol name or an integer 0-255, got ${textOf(value)}`);
}

// ---- interface groups ------------------------------------------------------------------

/** Interface group names `ip` prints: the stock `group` file names only group 0, "default". */
export function groupName(group: number): string {
  return group === 0 ? 'default' : String(group);
}
