// How route messages read in `DEBUG=nlkit:*` output.
import { RTM_DELROUTE, RTM_GETROUTE, RTM_NEWROUTE } from '../../generated/rtnetlink.js';
import type { Message } from '../../netlink/message.js';
import { registerRouteMessage } from '../describe.js';
import { familyName } from '../family.js';
import { routeProtocolName, routeTableName, routeTypeName, scopeName } from '../iproute2-names.js';
import { decodeRoute, RTMSG_LEN } from './message.js';

function describeRouteMessage(m: Message): string {
  // Throws MalformedMessageError for a message that does not fit its header.
  const r = decodeRoute(m);
  const family = familyName(m.buf[m.offset]!) ?? `family=${m.buf[m.offset]}`;
  // A legacy dump request: struct rtgenmsg, the family alone.
  if (m.end - m.offset < RTMSG_LEN) return `${family} (rtgenmsg)`;
  if (r === undefined) return family;
  const parts = [family, routeTypeName(r.type)];
  parts.push(r.dst !== undefined ? `${r.dst}/${r.dstLength}` : r.dstLength ? `0/${r.dstLength}` : 'default');
  if (r.src !== undefined) parts.push(`from ${r.src}/${r.srcLength}`);
  if (r.gateway !== undefined) parts.push(`via ${r.gateway}`);
  if (r.oif !== undefined) parts.push(`oif=${r.oif}`);
  if (r.iif !== undefined) parts.push(`iif=${r.iif}`);
  if (r.nexthops) parts.push(...r.nexthops.map((nh) => `nexthop${nh.gateway ? ` via ${nh.gateway}` : ''} oif=${nh.oif} weight ${nh.weight}`));
  parts.push(`table ${routeTableName(r.table)}`, `proto ${routeProtocolName(r.protocol)}`, `scope ${scopeName(r.scope)}`);
  if (r.priority !== undefined) parts.push(`metric ${r.priority}`);
  return parts.join(' ');
}

registerRouteMessage(RTM_NEWROUTE, 'RTM_NEWROUTE', describeRouteMessage);
registerRouteMessage(RTM_DELROUTE, 'RTM_DELROUTE', describeRouteMessage);
registerRouteMessage(RTM_GETROUTE, 'RTM_GETROUTE', describeRouteMessage);
