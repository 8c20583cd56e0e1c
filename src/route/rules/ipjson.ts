import { FIB_RULE_IIF_DETACHED, FIB_RULE_OIF_DETACHED, FIB_RULE_UNRESOLVED, FR_ACT_GOTO, FR_ACT_NOP, FR_ACT_TO_TBL } from '../../generated/fib_rules.js';
import { RTA_GATEWAY, RTN_NAT, RTPROT_KERNEL } from '../../generated/rtnetlink.js';
import { formatIp } from '../../netlink/addresses.js';
import { AF_INET, AF_INET6 } from '../../sys/constants.js';
import { dsfieldName, groupName, ipProtocolName, realmName, routeProtocolName, routeTableName, routeTypeName } from '../iproute2-names.js';
import { hex0x } from '../ipjson.js';
import type { Rule } from './message.js';
import { requireArray, requireObject } from '../../netlink/checks.js';

/** One rule as `ip -j rule show` prints it. */
export type RuleIpJson = Record<string, string | number | null>;

/** Options of {@link ruleToIpJson} and {@link rulesToIpJson}. */
export interface RuleIpJsonOptions {
  /** As with `ip -d`: print the protocol of every rule, `kernel` and `unspec` included. Default true. */
  details?: boolean;
}

function hostLength(af: number): number {
  return af === AF_INET ? 32 : af === AF_INET6 ? 128 : 0;
}

/** Converts a rule to exactly the object `ip -j -d rule show` prints for it (iproute2 print_rule). */
export function ruleToIpJson(r: Rule, options: RuleIpJsonOptions = {}): RuleIpJson {
  requireObject(r, 'ruleToIpJson: rule', 'what rule.list() returns');
  requireObject(options, 'ruleToIpJson: options');
  const out: RuleIpJson = {};
  const host = hostLength(r.addressFamily);
  out.priority = r.priority ?? 0;
  if (r.not) out.not = null;
  if (r.src !== undefined) {
    out.src = r.src;
    if (r.srcLength !== host) out.srclen = r.srcLength;
  } else if (r.srcLength) {
    out.src = '0';
    out.srclen = r.srcLength;
  } else {
    out.src = 'all';
  }
  if (r.dst !== undefined) {
    out.dst = r.dst;
    if (r.dstLength !== host) out.dstlen = r.dstLength;
  } else if (r.dstLength) {
    out.dst = '0';
    out.dstlen = r.dstLength;
  }
  if (r.tos) out.tos = dsfieldName(r.tos);
  if (r.fwmark !== undefined || r.fwmask !== undefined) {
    out.fwmark = hex0x(r.fwmark ?? 0);
    if (r.fwmask !== undefined && r.fwmask !== 0xffffffff) out.fwmask = hex0x(r.fwmask);
  }
  if (r.iif !== undefined) {
    out.iif = r.iif;
    if (r.flags & FIB_RULE_IIF_DETACHED) out.iif_detached = null;
  }
  if (r.oif !== undefined) {
    out.oif = r.oif;
    if (r.flags & FIB_RULE_OIF_DETACHED) out.oif_detached = null;
  }
  if (r.l3mdev) out.l3mdev = null;
  if (r.uidrange !== undefined) {
    out.uid_start = r.uidrange[0];
    out.uid_end = r.uidrange[1];
  }
  if (r.ipproto !== undefined) out.ipproto = ipProtocolName(r.ipproto);
  for (const [key, range] of [['sport', r.sport], ['dport', r.dport]] as const) {
    if (range === undefined) continue;
    if (range[0] === range[1]) {
      out[key] = range[0];
    } else {
      out[`${key}_start`] = range[0];
      out[`${key}_end`] = range[1];
    }
  }
  if (r.tunId !== undefined) out.tun_id = Number(r.tunId);
  if (r.table) {
    out.table = routeTableName(r.table);
    if (r.suppressPrefixLength !== undefined && r.suppressPrefixLength !== -1) out.suppress_prefixlen = r.suppressPrefixLength;
    if (r.suppressIfgroup !== undefined && r.suppressIfgroup !== -1) out.suppress_ifgroup = groupName(r.suppressIfgroup);
  }
  if (r.flow !== undefined) {
    const from = r.flow >>> 16;
    if (from) out.flow_from = realmName(from);
    out.flow_to = realmName(r.flow & 0xffff);
  }
  if (r.action === RTN_NAT) {
    // Route NAT is long gone from the kernel; iproute2 still prints its gateway (an RTA_GATEWAY, kept as unknown).
    const gateway = r.unknown.find((a) => a.type === RTA_GATEWAY);
    if (gateway) out.nat_gateway = formatIp(gateway.data);
    else out.masquerade = null;
  } else if (r.action === FR_ACT_GOTO) {
    out.goto = r.goto ?? 'none';
    if (r.flags & FIB_RULE_UNRESOLVED) out.unresolved = null;
  } else if (r.action === FR_ACT_NOP) {
    out.nop = null;
  } else if (r.action !== FR_ACT_TO_TBL) {
    // iproute2 names rule actions with its route type names (6 blackhole, 7 unreachable, 8 prohibit).
    out.action = routeTypeName(r.action);
  }
  if (r.protocol !== undefined && ((r.protocol && r.protocol !== RTPROT_KERNEL) || (options.details ?? true))) {
    out.protocol = routeProtocolName(r.protocol);
  }
  return out;
}

/** `ruleToIpJson` over a list. */
export function rulesToIpJson(rules: readonly Rule[], options: RuleIpJsonOptions = {}): RuleIpJson[] {
  requireArray(rules, 'rulesToIpJson: rules');
  return rules.map((r) => ruleToIpJson(r, options));
}
