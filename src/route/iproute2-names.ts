// The words `ip` uses for numbers the kernel reports, both ways: names
// iproute2 6.1 prints (its built-in names and this host's rt_tables,
// rt_protos, rt_scopes, rt_realms, rt_dsfield and group files, read by
// iproute2-databases.ts; netbase's /etc/protocols) and names callers may
// pass. Shared by every rtnetlink object: routes, rules, addresses,
// neighbours and links print the same words.
import { ICMPV6_ROUTER_PREF_HIGH, ICMPV6_ROUTER_PREF_LOW, ICMPV6_ROUTER_PREF_MEDIUM } from '../generated/icmpv6.js';
import {
  RT_SCOPE_UNIVERSE, RTN_ANYCAST, RTN_BLACKHOLE, RTN_BROADCAST, RTN_LOCAL, RTN_MULTICAST, RTN_NAT, RTN_PROHIBIT, RTN_THROW,
  RTN_UNICAST, RTN_UNREACHABLE, RTN_UNSPEC, RTN_XRESOLVE,
} from '../generated/rtnetlink.js';
import { InvalidArgumentError } from '../netlink/addresses.js';
import { once } from './constant-names.js';
import { textOf } from '../netlink/checks.js';
import { DSFIELD_DATABASE, GROUP_DATABASE, PROTOCOL_DATABASE, REALM_DATABASE, SCOPE_DATABASE, TABLE_DATABASE, type NameDatabase } from './iproute2-databases.js';

function invert(names: ReadonlyMap<number, string>): Map<string, number> {
  return new Map([...names].map(([value, name]) => [name, value]));
}

function parseNamed(value: unknown, values: ReadonlyMap<string, number> | NameDatabase, max: number, what: string, kind: string): number {
  if (typeof value === 'string') {
    const known = values instanceof Map ? values.get(value) : (values as NameDatabase).idOf(value);
    if (known !== undefined) return known;
    const names = values instanceof Map ? [...values.keys()] : (values as NameDatabase).allNames();
    throw new InvalidArgumentError(`${what} "${value}" is unknown; use one of ${names.join(', ')} or a number 0-${max}`);
  }
  if (typeof value === 'number' && Number.isInteger(value) && value >= 0 && value <= max) return value;
  throw new InvalidArgumentError(`${what} must be a ${kind} name or an integer 0-${max}, got ${textOf(value)}`);
}

// ---- routing tables ------------------------------------------------------------------

/** The routing tables `ip` knows by name everywhere: main (254), local (255), default (253); hosts name more in rt_tables. */
export type RouteTableName = 'main' | 'local' | 'default';

/** 'main', 'local', 'default', a name from this host's rt_tables, or the number as text (as `ip` prints tables). */
export function routeTableName(table: number): string {
  return TABLE_DATABASE.nameOf(table) ?? String(table);
}

/** A routing table by name (main, local, default, or one of this host's rt_tables) or id 1-2^32-1 (0 is "unspecified" and not a table). */
export function parseRouteTable(value: unknown, what = 'table'): number {
  const named = typeof value === 'string' ? TABLE_DATABASE.idOf(value) : undefined;
  if (typeof value === 'string' && named === undefined) {
    throw new InvalidArgumentError(`${what} "${value}" is unknown; use main, local, default, a name from /etc/iproute2/rt_tables or a number 1-4294967295`);
  }
  const table = named ?? parseNamed(value, TABLE_DATABASE, 0xffffffff, what, 'table');
  if (table === 0) throw new InvalidArgumentError(`${what} 0 is not a table; use main, local, default or a number 1-4294967295`);
  return table;
}

// ---- protocols (who installed a route, rule or neighbour) -----------------------------

/** Route origin names (rtm_protocol, RTPROT_*) as in iproute2's rt_protos: `ip route add ... proto static`. */
export type RouteProtocolName =
  | 'unspec' | 'redirect' | 'kernel' | 'boot' | 'static' | 'gated' | 'ra' | 'mrt' | 'zebra' | 'bird' | 'dnrouted' | 'xorp'
  | 'ntk' | 'dhcp' | 'keepalived' | 'babel' | 'openr' | 'bgp' | 'isis' | 'ospf' | 'rip' | 'eigrp';

/** `ip`'s name for an rtm_protocol value (`kernel`, `boot`, `static`, `dhcp`, ..., or this host's rt_protos names), or the number as text. */
export function routeProtocolName(protocol: number): string {
  return PROTOCOL_DATABASE.nameOf(protocol) ?? String(protocol);
}

/**
 * A protocol (RTPROT_*) by RouteProtocolName (or a name from this host's rt_protos) or as an integer 0-255.
 * @throws InvalidArgumentError for an unknown name or an out-of-range number; `what` names the field.
 */
export function parseRouteProtocol(value: unknown, what = 'protocol'): number {
  return parseNamed(value, PROTOCOL_DATABASE, 255, what, 'protocol');
}

// ---- scopes --------------------------------------------------------------------------

/** Scope names (RT_SCOPE_*) as `ip` takes them; `global` and `universe` are both 0. */
export type ScopeName = 'global' | 'universe' | 'site' | 'link' | 'host' | 'nowhere';

/** `ip`'s name for a scope, or the number as text. */
export function scopeName(scope: number): string {
  return SCOPE_DATABASE.nameOf(scope) ?? String(scope);
}

/** Accepts a scope name ('global'/'universe', 'site', 'link', 'host', 'nowhere') or 0-255. */
export function parseScope(value: unknown, what = 'scope'): number {
  if (typeof value === 'string') {
    // `universe` is nlkit's own alias for 0, beside the rt_scopes names.
    const scope = value === 'universe' ? RT_SCOPE_UNIVERSE : SCOPE_DATABASE.idOf(value);
    if (scope === undefined) {
      throw new InvalidArgumentError(`${what} "${value}" is unknown; use one of ${[...SCOPE_DATABASE.allNames(), 'universe'].join(', ')} or a number 0-255`);
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

/** The DS field / TOS name `ip` prints (rt_dsfield: AF11, CS1, EF, ...), else the value as `0x%02x`. */
export function dsfieldName(tos: number): string {
  return DSFIELD_DATABASE.nameOf(tos) ?? `0x${tos.toString(16).padStart(2, '0')}`;
}

/** The realm name `ip` prints (rt_realms: the stock file names only 0, `cosmos`), else the number as text. */
export function realmName(realm: number): string {
  return REALM_DATABASE.nameOf(realm) ?? String(realm);
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

/** Interface group names `ip` prints (the `group` file: the stock one names only group 0, "default"), else the number as text. */
export function groupName(group: number): string {
  return GROUP_DATABASE.nameOf(group) ?? String(group);
}
