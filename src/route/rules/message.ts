import * as fibRules from '../../generated/fib_rules.js';
import {
  FR_ACT_BLACKHOLE, FR_ACT_GOTO, FR_ACT_NOP, FR_ACT_PROHIBIT, FR_ACT_TO_TBL, FR_ACT_UNREACHABLE, FR_ACT_UNSPEC,
  FIB_RULE_INVERT, FRA_DPORT_RANGE, FRA_DST, FRA_FLOW, FRA_FWMARK, FRA_FWMASK, FRA_GOTO, FRA_IIFNAME, FRA_IP_PROTO,
  FRA_L3MDEV, FRA_OIFNAME, FRA_PRIORITY, FRA_PROTOCOL, FRA_SPORT_RANGE, FRA_SRC, FRA_SUPPRESS_IFGROUP,
  FRA_SUPPRESS_PREFIXLEN, FRA_TABLE, FRA_TUN_ID, FRA_UID_RANGE,
} from '../../generated/fib_rules.js';
import { RT_TABLE_COMPAT, RTM_GETRULE } from '../../generated/rtnetlink.js';
import { u16le, u32le } from '../../netlink/byte-reads.js';
import { encodeIp, type IpFamily } from '../../netlink/addresses.js';
import { AttributeCursor, type RawAttribute } from '../../netlink/attributes.js';
import type { Message } from '../../netlink/message.js';
import type { MessageWriter } from '../../netlink/writer.js';
import { constantNames } from '../constant-names.js';
import { requireRouteHeader, routeContext, widenRtgenmsg } from '../decode-context.js';
import { ipFamilyOf } from '../family.js';
import { flatAttributeName, writeRawAttributes } from '../flat-attributes.js';

/** sizeof(struct fib_rule_hdr): family, dst_len, src_len, tos, table, res1, res2, action (u8 each), flags (u32). */
export const FIB_RULE_HDR_LEN = 12;

/** An inclusive range: fib_rule_uid_range (u32 pair) or fib_rule_port_range (u16 pair). */
export type Range = [start: number, end: number];

/** Every field of a fib_rule_hdr and the attributes nlkit knows; what the encoder writes and the decoder reads. */
export interface RuleMessage {
  /** AF_INET, AF_INET6, or RTNL_FAMILY_IPMR/IP6MR for multicast routing rules. */
  addressFamily: number;
  /** Prefix length of `dst` (the header's dst_len); 0 matches every destination. */
  dstLength: number;
  /** Prefix length of `src` (the header's src_len); 0 matches every source. */
  srcLength: number;
  /** TOS / DS field to match (`ip rule ... tos`); 0 matches any. */
  tos: number;
  /** FRA_TABLE, which the kernel always reports; the header's byte only says RT_TABLE_COMPAT above 255. */
  table: number;
  /** FR_ACT_*. */
  action: number;
  /** FIB_RULE_* bits: INVERT, and the kernel's UNRESOLVED / IIF_DETACHED / OIF_DETACHED. */
  flags: number;
  /** FRA_PRIORITY; the kernel leaves it out for priority 0. */
  priority?: number;
  /** FRA_SRC: the source prefix's address (`from`); absent for `from all`. */
  src?: string;
  /** FRA_DST: the destination prefix's address (`to`); absent for `to all`. */
  dst?: string;
  /** FRA_IIFNAME / FRA_OIFNAME: interface names (the link need not exist). */
  iif?: string;
  /** FRA_OIFNAME: outgoing interface name (`oif`), for sockets bound to a device. */
  oif?: string;
  /** FRA_FWMARK: the packet mark to match (`fwmark`). */
  fwmark?: number;
  /** FRA_FWMASK: bits of the mark compared (`fwmark MARK/MASK`); the kernel assumes 0xffffffff with a mark and none given. */
  fwmask?: number;
  /** FRA_GOTO: priority of the rule to continue at. */
  goto?: number;
  /** FRA_FLOW: realms, (from << 16) | to. */
  flow?: number;
  /** FRA_TUN_ID (network byte order on the wire). */
  tunId?: bigint;
  /** -1 when unset: the kernel reports FRA_SUPPRESS_PREFIXLEN on every rule. */
  suppressPrefixLength?: number;
  /** FRA_SUPPRESS_IFGROUP: ignore lookup results whose device is in this group (`suppress_ifgroup`); absent when unset. */
  suppressIfgroup?: number;
  /** FRA_L3MDEV: 1 to look up the table of the packet's VRF (`ip rule add l3mdev`). */
  l3mdev?: number;
  /** FRA_UID_RANGE: inclusive range of socket owner uids (`uidrange 1000-1999`); absent when the rule has none. */
  uidrange?: Range;
  /** FRA_PROTOCOL: who installed the rule (RTPROT_*). */
  protocol?: number;
  /** FRA_IP_PROTO: IP protocol number to match (`ipproto tcp` is 6). */
  ipproto?: number;
  /** FRA_SPORT_RANGE: inclusive source port range (`sport 1024-65535`). */
  sport?: Range;
  /** FRA_DPORT_RANGE: inclusive destination port range (`dport 80`). */
  dport?: Range;
  /** Attributes nlkit does not decode, kept verbatim. */
  unknown?: RawAttribute[];
}

/** Rule actions (FR_ACT_*) as `ip rule` names them: `lookup` is FR_ACT_TO_TBL. */
export type RuleActionName = 'lookup' | 'goto' | 'nop' | 'blackhole' | 'unreachable' | 'prohibit';

/** A policy routing rule as the kernel reports it (RTM_NEWRULE). */
export interface Rule extends RuleMessage {
  /** 4 or 6; 0 for the multicast routing families (see addressFamily). */
  family: IpFamily | 0;
  /** The action in `ip rule`'s words; 'unspec' or the number for anything else. */
  actionName: RuleActionName | string;
  /** FIB_RULE_INVERT: `ip rule add not ...`. */
  not: boolean;
  unknown: RawAttribute[];
}

const ACTION_NAMES = new Map<number, RuleActionName | 'unspec'>([
  [FR_ACT_UNSPEC, 'unspec'], [FR_ACT_TO_TBL, 'lookup'], [FR_ACT_GOTO, 'goto'], [FR_ACT_NOP, 'nop'],
  [FR_ACT_BLACKHOLE, 'blackhole'], [FR_ACT_UNREACHABLE, 'unreachable'], [FR_ACT_PROHIBIT, 'prohibit'],
]);

/** `ip rule`'s word for a FR_ACT_* value (`lookup`, `goto`, `blackhole`, ...), or the number as text. */
export function ruleActionName(action: number): string {
  return ACTION_NAMES.get(action) ?? String(action);
}

export function ruleActionValue(name: RuleActionName): number | undefined {
  for (const [value, known] of ACTION_NAMES) if (known === name) return value;
  return undefined;
}

function writeRange(writer: MessageWriter, type: number, range: Range, bytes: 2 | 4): void {
  const data = Buffer.alloc(bytes * 2);
  if (bytes === 2) {
    data.writeUInt16LE(range[0], 0);
    data.writeUInt16LE(range[1], 2);
  } else {
    data.writeUInt32LE(range[0], 0);
    data.writeUInt32LE(range[1], 4);
  }
  writer.binary(type, data);
}

/**
 * Writes fib_rule_hdr and attributes in the kernel's own order
 * (fib_nl_fill_rule, then the family's addresses), so a decoded dump
 * re-encodes to its bytes; unknown attributes go last.
 */
export function encodeRule(writer: MessageWriter, r: RuleMessage): void {
  const at = writer.reserve(FIB_RULE_HDR_LEN);
  const b = writer.buf;
  b[at] = r.addressFamily;
  b[at + 1] = r.dstLength;
  b[at + 2] = r.srcLength;
  b[at + 3] = r.tos;
  b[at + 4] = r.table < 256 ? r.table : RT_TABLE_COMPAT;
  b[at + 7] = r.action;
  b.writeUInt32LE(r.flags >>> 0, at + 8);
  writer.u32(FRA_TABLE, r.table);
  if (r.suppressPrefixLength !== undefined) writer.s32(FRA_SUPPRESS_PREFIXLEN, r.suppressPrefixLength);
  if (r.protocol !== undefined) writer.u8(FRA_PROTOCOL, r.protocol);
  if (r.iif !== undefined) writer.string(FRA_IIFNAME, r.iif);
  if (r.oif !== undefined) writer.string(FRA_OIFNAME, r.oif);
  if (r.priority !== undefined) writer.u32(FRA_PRIORITY, r.priority);
  if (r.fwmark !== undefined) writer.u32(FRA_FWMARK, r.fwmark);
  if (r.fwmask !== undefined) writer.u32(FRA_FWMASK, r.fwmask);
  if (r.goto !== undefined) writer.u32(FRA_GOTO, r.goto);
  if (r.tunId !== undefined) writer.be64(FRA_TUN_ID, r.tunId);
  if (r.suppressIfgroup !== undefined) writer.s32(FRA_SUPPRESS_IFGROUP, r.suppressIfgroup);
  if (r.l3mdev !== undefined) writer.u8(FRA_L3MDEV, r.l3mdev);
  if (r.uidrange !== undefined) writeRange(writer, FRA_UID_RANGE, r.uidrange, 4);
  if (r.sport !== undefined) writeRange(writer, FRA_SPORT_RANGE, r.sport, 2);
  if (r.dport !== undefined) writeRange(writer, FRA_DPORT_RANGE, r.dport, 2);
  if (r.ipproto !== undefined) writer.u8(FRA_IP_PROTO, r.ipproto);
  if (r.dst !== undefined) writer.binary(FRA_DST, encodeIp(r.dst));
  if (r.src !== undefined) writer.binary(FRA_SRC, encodeIp(r.src));
  if (r.flow !== undefined) writer.u32(FRA_FLOW, r.flow);
  writeRawAttributes(writer, r.unknown);
}

/** A dump request: with strict checking the kernel takes only the family (AF_UNSPEC for all). */
export function encodeRuleDumpRequest(writer: MessageWriter, family: number): void {
  const at = writer.reserve(FIB_RULE_HDR_LEN);
  writer.buf[at] = family;
}

/** fib_rule_uid_range (u32 pair) or fib_rule_port_range (u16 pair); MalformedMessageError when shorter. */
function readRange(c: AttributeCursor, bytes: 2 | 4): Range {
  c.need(bytes * 2);
  return bytes === 2
    ? [u16le(c.buf, c.start), u16le(c.buf, c.start + 2)]
    : [u32le(c.buf, c.start), u32le(c.buf, c.start + 4)];
}

/**
 * Decodes an RTM_NEWRULE/RTM_DELRULE message (or a request, for debug
 * output). A legacy RTM_GETRULE dump request (struct rtgenmsg, the family
 * byte alone) decodes as a fib_rule_hdr with only the family set.
 * MalformedMessageError for a header or attribute that does not fit.
 */
export function decodeRule(message: Message): Rule {
  const legacy = widenRtgenmsg(message, RTM_GETRULE, FIB_RULE_HDR_LEN);
  if (legacy) return decodeRuleMessage(legacy.message, legacy.offsetBias);
  requireRouteHeader(message, FIB_RULE_HDR_LEN, 'fib_rule_hdr');
  return decodeRuleMessage(message, 0);
}

function decodeRuleMessage(message: Message, offsetBias: number): Rule {
  const b = message.buf;
  const o = message.offset;
  const addressFamily = b[o]!;
  const action = b[o + 7]!;
  const flags = u32le(b, o + 8);
  const r: Rule = {
    family: ipFamilyOf(addressFamily),
    addressFamily,
    dstLength: b[o + 1]!,
    srcLength: b[o + 2]!,
    tos: b[o + 3]!,
    table: b[o + 4]!,
    action,
    actionName: ruleActionName(action),
    flags,
    not: (flags & FIB_RULE_INVERT) !== 0,
    unknown: [],
  };
  const c = new AttributeCursor(b, o + FIB_RULE_HDR_LEN, message.end, routeContext(message, ruleAttributeName, offsetBias));
  while (c.next()) {
    switch (c.type) {
      case FRA_TABLE: r.table = c.u32(); break;
      case FRA_SUPPRESS_PREFIXLEN: r.suppressPrefixLength = c.s32(); break;
      case FRA_PROTOCOL: r.protocol = c.u8(); break;
      case FRA_IIFNAME: r.iif = c.string(); break;
      case FRA_OIFNAME: r.oif = c.string(); break;
      case FRA_PRIORITY: r.priority = c.u32(); break;
      case FRA_FWMARK: r.fwmark = c.u32(); break;
      case FRA_FWMASK: r.fwmask = c.u32(); break;
      case FRA_GOTO: r.goto = c.u32(); break;
      case FRA_TUN_ID: r.tunId = c.be64(); break;
      case FRA_SUPPRESS_IFGROUP: r.suppressIfgroup = c.s32(); break;
      case FRA_L3MDEV: r.l3mdev = c.u8(); break;
      case FRA_IP_PROTO: r.ipproto = c.u8(); break;
      case FRA_DST: r.dst = c.ip(); break;
      case FRA_SRC: r.src = c.ip(); break;
      case FRA_FLOW: r.flow = c.u32(); break;
      case FRA_UID_RANGE: r.uidrange = readRange(c, 4); break;
      case FRA_SPORT_RANGE: r.sport = readRange(c, 2); break;
      case FRA_DPORT_RANGE: r.dport = readRange(c, 2); break;
      default: r.unknown.push(c.raw());
    }
  }
  return r;
}

// FRA_IFNAME is an alias of FRA_IIFNAME; name the attribute as the enum does.
const FRA_NAMES = constantNames(fibRules, 'FRA_', ['FRA_IFNAME']);

/** Names an attribute path for error messages, e.g. [FRA_IIFNAME] → 'FRA_IIFNAME'. */
export function ruleAttributeName(path: readonly number[]): string {
  return flatAttributeName(FRA_NAMES, path);
}
