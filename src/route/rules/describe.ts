// How rule messages read in `DEBUG=nlkit:*` output.
import { RTM_DELRULE, RTM_GETRULE, RTM_NEWRULE } from '../../generated/rtnetlink.js';
import type { Message } from '../../netlink/message.js';
import { registerRouteMessage } from '../describe.js';
import { familyName } from '../family.js';
import { routeTableName } from '../iproute2-names.js';
import { decodeRule, FIB_RULE_HDR_LEN } from './message.js';

function describeRuleMessage(m: Message): string {
  // Throws MalformedMessageError for a message that does not fit its header.
  const r = decodeRule(m);
  const parts = [familyName(r.addressFamily) ?? `family=${r.addressFamily}`];
  // A legacy dump request: struct rtgenmsg, the family alone.
  if (m.end - m.offset < FIB_RULE_HDR_LEN) return `${parts[0]} (rtgenmsg)`;
  if (r.priority !== undefined) parts.push(`priority ${r.priority}`);
  if (r.not) parts.push('not');
  if (r.src !== undefined) parts.push(`from ${r.src}/${r.srcLength}`);
  if (r.dst !== undefined) parts.push(`to ${r.dst}/${r.dstLength}`);
  if (r.iif !== undefined) parts.push(`iif ${r.iif}`);
  if (r.oif !== undefined) parts.push(`oif ${r.oif}`);
  if (r.fwmark !== undefined) parts.push(`fwmark 0x${r.fwmark.toString(16)}`);
  parts.push(r.actionName === 'lookup' ? `lookup ${routeTableName(r.table)}` : r.actionName);
  return parts.join(' ');
}

registerRouteMessage(RTM_NEWRULE, 'RTM_NEWRULE', describeRuleMessage);
registerRouteMessage(RTM_DELRULE, 'RTM_DELRULE', describeRuleMessage);
registerRouteMessage(RTM_GETRULE, 'RTM_GETRULE', describeRuleMessage);
