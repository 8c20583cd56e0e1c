import { FIB_RULE_INVERT, FR_ACT_GOTO, FR_ACT_TO_TBL, FR_ACT_UNSPEC } from '../../generated/fib_rules.js';
import { RT_TABLE_MAIN } from '../../generated/rtnetlink.js';
import { InvalidArgumentError, parseCidr, type IpFamily } from '../../netlink/addresses.js';
import { describeValue, optionalBoolean, requireObject, textOf } from '../../netlink/checks.js';
import { addressFamily, validateFamily } from '../family.js';
import { checkKeys } from '../keys.js';
import { validateIfName, validateInteger } from '../names.js';
import {
  parseIpProtocol, parseRouteProtocol, parseRouteTable, routeTableName, type RouteProtocolName, type RouteTableName,
} from '../iproute2-names.js';
import { ruleActionName, ruleActionValue, type Range, type RuleActionName, type RuleMessage } from './message.js';
import { prepareRealms, realmsText, type Realms } from '../realms.js';

/**
 * A policy routing rule in the words of `ip rule add`: selectors (from, to,
 * fwmark, iif, ...) and an action (lookup TABLE, goto PRIORITY, blackhole, ...).
 * `delete` matches rules on the fields given, as `ip rule del` does.
 */
export interface RuleSpec {
  /** Needed only when neither from nor to says it; IPv4 by default, like `ip rule`. */
  family?: IpFamily;
  /** `pref`: rules are tried in increasing priority; the kernel picks one below the last when absent. */
  priority?: number;
  /** Source prefix, e.g. '10.1.0.0/16' (a bare address is a host prefix). */
  from?: string;
  /** Destination prefix. */
  to?: string;
  /** TOS / DS field to match (0-255). */
  tos?: number;
  /** The table of a 'lookup' rule; 'main' when an added lookup rule names none. */
  table?: number | RouteTableName;
  /** Packet mark to match (`fwmark`), 0-0xffffffff. */
  fwmark?: number;
  /** Which bits of the mark to compare (`fwmark MARK/MASK`); all 32 when absent. */
  fwmask?: number;
  /** Incoming interface name (the link need not exist yet). */
  iif?: string;
  /** Outgoing interface name (for sockets bound to a device, VRFs). */
  oif?: string;
  /** 'lookup' by default; 'goto' needs `goto`. */
  action?: RuleActionName;
  /** Priority of the rule to continue at (implies action 'goto'). */
  goto?: number;
  /** Invert the selectors: `ip rule add not from ...`. */
  not?: boolean;
  /** IP protocol to match: 'tcp', 'udp', 'icmp', ... or 0-255. */
  ipproto?: number | string;
  /** Source port or inclusive port range. */
  sport?: number | Range;
  /** Destination port or inclusive port range. */
  dport?: number | Range;
  /** Inclusive range of socket owner uids. */
  uidrange?: Range;
  /** Ignore lookup results with a prefix length of this or less (`suppress_prefixlength`). */
  suppressPrefixLength?: number;
  /** Ignore lookup results whose device is in this interface group (`suppress_ifgroup`). */
  suppressIfgroup?: number;
  /**
   * Match only packets that belong to a VRF (l3mdev) and, with action
   * 'lookup', look up that VRF's table; other actions (goto, nop, blackhole)
   * apply to those packets as they are.
   */
  l3mdev?: boolean;
  /** FRA_PROTOCOL: who installs the rule ('static', 'bgp', ... or 0-255). */
  protocol?: RouteProtocolName | number;
  /** Tunnel id to match (metadata-based tunnels). */
  tunId?: number | bigint;
  /**
   * Realms (`realms [FROM/]TO`, FRA_FLOW) that a lookup through the rule gives
   * packets, for route-based accounting (`rtacct`, the `realm` match): `7`,
   * `'cosmos'`, `'3/5'` or `{ from: 3, to: 5 }`; names from
   * /etc/iproute2/rt_realms. IPv4 only: the kernel ignores them on IPv6 rules.
   */
  realms?: Realms;
}

/** What a spec is prepared for: `add` fills in defaults (action lookup, table main); `delete` sends only the fields given. */
export type RulePurpose = 'add' | 'delete';

/** A validated spec: the message to send and its text for errors. */
export interface PreparedRule {
  /** The checked fib_rule_hdr and attributes, ready to encode. */
  message: RuleMessage;
  /** e.g. 'priority 100 from 10.1.0.0/16 lookup 100'. */
  text: string;
}

const SPEC_KEYS = new Set([
  'family', 'priority', 'from', 'to', 'tos', 'table', 'fwmark', 'fwmask', 'iif', 'oif', 'action', 'goto', 'not',
  'ipproto', 'sport', 'dport', 'uidrange', 'suppressPrefixLength', 'suppressIfgroup', 'l3mdev', 'protocol', 'tunId', 'realms',
]);
const ACTIONS: readonly RuleActionName[] = ['lookup', 'goto', 'nop', 'blackhole', 'unreachable', 'prohibit'];
const U32_MAX = 0xffffffff;


/** fib_rule_port_range_valid: 0 and 65535 are not ports a range may hold. */
function parsePortRange(value: unknown, what: string): Range {
  const range = typeof value === 'number' ? [value, value] : value;
  if (!Array.isArray(range) || range.length !== 2) throw new InvalidArgumentError(`${what} must be a port or a [first, last] pair, got ${describeValue(value)}`);
  const [start, end] = [validateInteger(range[0], `${what} first port`, 1, 65534), validateInteger(range[1], `${what} last port`, 1, 65534)];
  if (start > end) throw new InvalidArgumentError(`${what} range [${start}, ${end}] is reversed`);
  return [start, end];
}

/** uid_valid: every uid but (uid_t)-1. */
function parseUidRange(value: unknown): Range {
  if (!Array.isArray(value) || value.length !== 2) throw new InvalidArgumentError(`uidrange must be a [first, last] pair of uids, got ${describeValue(value)}`);
  const [start, end] = [validateInteger(value[0], 'uidrange first uid', 0, U32_MAX - 1), validateInteger(value[1], 'uidrange last uid', 0, U32_MAX - 1)];
  if (start > end) throw new InvalidArgumentError(`uidrange [${start}, ${end}] is reversed`);
  return [start, end];
}

function parseTunId(value: unknown): bigint {
  const id = typeof value === 'number' && Number.isSafeInteger(value) ? BigInt(value) : value;
  if (typeof id !== 'bigint' || id < 0n || id > 0xffffffffffffffffn) throw new InvalidArgumentError(`tunId must be an integer 0-2^64-1 (number or bigint), got ${textOf(value)}`);
  return id;
}

function parseAction(value: unknown): RuleActionName {
  if (!ACTIONS.includes(value as RuleActionName)) throw new InvalidArgumentError(`rule action must be one of ${ACTIONS.join(', ')}; got ${describeValue(value)}`);
  return value as RuleActionName;
}

/** The family the prefixes and the explicit option agree on. */
function ruleFamily(spec: RuleSpec): { family: IpFamily; from?: ReturnType<typeof parseCidr>; to?: ReturnType<typeof parseCidr> } {
  const explicit = validateFamily(spec.family);
  const from = spec.from === undefined ? undefined : parseCidr(spec.from, 'from');
  const to = spec.to === undefined ? undefined : parseCidr(spec.to, 'to');
  const family = explicit ?? from?.family ?? to?.family ?? 4;
  for (const [name, cidr] of [['from', from], ['to', to]] as const) {
    if (cidr && cidr.family !== family) throw new InvalidArgumentError(`${name} "${name === 'from' ? spec.from : spec.to}" is IPv${cidr.family} but the rule is IPv${family}`);
  }
  return { family, ...(from && { from }), ...(to && { to }) };
}

/** Checks a spec completely before anything is sent. */
export function prepareRule(spec: RuleSpec, purpose: RulePurpose): PreparedRule {
  requireObject(spec, 'rule spec', "{ from: '10.1.0.0/16', table: 100 }");
  checkKeys(spec, SPEC_KEYS, 'rule spec');
  if (purpose === 'delete' && Object.entries(spec).every(([key, value]) => key === 'family' || value === undefined)) {
    // The kernel deletes the first rule that matches what it is given: with
    // nothing given, priority 0 `lookup local`, and the namespace stops
    // delivering packets to its own addresses.
    throw new InvalidArgumentError('a rule to delete needs at least one selector (priority, from, to, table, fwmark, iif, ...): with none the kernel deletes the first rule, priority 0 lookup local');
  }
  const { family, from, to } = ruleFamily(spec);
  const not = optionalBoolean(spec.not, 'not');
  const l3mdev = optionalBoolean(spec.l3mdev, 'l3mdev');
  const m: RuleMessage = {
    addressFamily: addressFamily(family),
    dstLength: to?.prefixLength ?? 0,
    srcLength: from?.prefixLength ?? 0,
    tos: spec.tos === undefined ? 0 : validateInteger(spec.tos, 'tos', 0, 255),
    table: 0,
    action: FR_ACT_UNSPEC,
    flags: not ? FIB_RULE_INVERT : 0,
  };
  const words: string[] = [];
  if (spec.priority !== undefined) {
    m.priority = validateInteger(spec.priority, 'priority', 0, U32_MAX);
    words.push(`priority ${m.priority}`);
  }
  if (not) words.push('not');
  if (from) {
    m.src = from.address;
    words.push(`from ${spec.from}`);
  }
  if (to) {
    m.dst = to.address;
    words.push(`to ${spec.to}`);
  }
  if (spec.fwmark !== undefined) {
    m.fwmark = validateInteger(spec.fwmark, 'fwmark', 0, U32_MAX);
    words.push(`fwmark 0x${m.fwmark.toString(16)}`);
  }
  if (spec.fwmask !== undefined) m.fwmask = validateInteger(spec.fwmask, 'fwmask', 0, U32_MAX);
  if (spec.iif !== undefined) {
    m.iif = validateIfName(spec.iif, 'iif');
    words.push(`iif ${m.iif}`);
  }
  if (spec.oif !== undefined) {
    m.oif = validateIfName(spec.oif, 'oif');
    words.push(`oif ${m.oif}`);
  }
  if (spec.ipproto !== undefined) m.ipproto = parseIpProtocol(spec.ipproto);
  if (spec.sport !== undefined) m.sport = parsePortRange(spec.sport, 'sport');
  if (spec.dport !== undefined) m.dport = parsePortRange(spec.dport, 'dport');
  if (spec.uidrange !== undefined) m.uidrange = parseUidRange(spec.uidrange);
  if (spec.suppressPrefixLength !== undefined) {
    m.suppressPrefixLength = validateInteger(spec.suppressPrefixLength, 'suppressPrefixLength', 0, family === 4 ? 32 : 128);
  }
  if (spec.suppressIfgroup !== undefined) m.suppressIfgroup = validateInteger(spec.suppressIfgroup, 'suppressIfgroup', 0, 0x7fffffff);
  if (spec.protocol !== undefined) m.protocol = parseRouteProtocol(spec.protocol);
  if (spec.tunId !== undefined) m.tunId = parseTunId(spec.tunId);
  if (spec.realms !== undefined) {
    // fib6 rules have no realms: the kernel would accept FRA_FLOW and drop it, a rule other than the one asked for.
    if (family === 6) throw new InvalidArgumentError('realms only apply to IPv4 rules: the kernel ignores them on IPv6 rules');
    m.flow = prepareRealms(spec.realms, 'realms');
    words.push(realmsText(m.flow));
  }
  if (l3mdev) m.l3mdev = 1;

  let action = spec.action === undefined ? undefined : parseAction(spec.action);
  if (spec.goto !== undefined) {
    if (action !== undefined && action !== 'goto') throw new InvalidArgumentError(`goto ${spec.goto} needs action 'goto', not '${action}'`);
    action = 'goto';
    m.goto = validateInteger(spec.goto, 'goto', 1, U32_MAX);
  } else if (action === 'goto') {
    throw new InvalidArgumentError("action 'goto' needs goto: the priority of the rule to continue at");
  }
  if (spec.table !== undefined) {
    if (action !== undefined && action !== 'lookup') throw new InvalidArgumentError(`a table only applies to action 'lookup', not '${action}'`);
    if (l3mdev) throw new InvalidArgumentError('an l3mdev rule looks up the VRF\'s own table; leave table out');
    m.table = parseRouteTable(spec.table);
  }
  // `ip rule add` makes a rule a lookup in main unless told otherwise; `ip rule del` matches only what it is given.
  if (purpose === 'add') {
    action ??= 'lookup';
    if (action === 'lookup' && m.table === 0 && !l3mdev) m.table = RT_TABLE_MAIN;
  }
  if (action !== undefined) m.action = ruleActionValue(action)!;
  if (m.action === FR_ACT_TO_TBL && m.table) words.push(`lookup ${routeTableName(m.table)}`);
  else if (l3mdev && (m.action === FR_ACT_TO_TBL || m.action === FR_ACT_UNSPEC)) words.push('lookup l3mdev');
  else if (l3mdev) words.push('l3mdev');
  if (m.action === FR_ACT_GOTO) words.push(`goto ${m.goto}`);
  else if (m.action !== FR_ACT_UNSPEC && m.action !== FR_ACT_TO_TBL) words.push(ruleActionName(m.action));
  return { message: m, text: words.length ? words.join(' ') : `IPv${family} rule` };
}
