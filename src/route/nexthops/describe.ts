// How nexthop messages read in `DEBUG=nlkit:*` output.
import { RTM_DELNEXTHOP, RTM_GETNEXTHOP, RTM_NEWNEXTHOP } from '../../generated/rtnetlink.js';
import type { Message } from '../../netlink/message.js';
import { registerRouteMessage } from '../describe.js';
import { familyName } from '../family.js';
import { decodeNexthop } from './message.js';

function describeNexthopMessage(m: Message): string {
  // Throws MalformedMessageError for a message that does not fit its header.
  const n = decodeNexthop(m);
  const parts = [n.addressFamily ? familyName(n.addressFamily) ?? `family=${n.addressFamily}` : 'unspec'];
  if (n.id) parts.push(`id ${n.id}`);
  if (n.group) parts.push(`group ${n.group.map((g) => (g.weight === 1 ? g.id : `${g.id},${g.weight}`)).join('/')}`);
  if (n.gateway !== undefined) parts.push(`via ${n.gateway}`);
  if (n.oif !== undefined) parts.push(`oif ${n.oif}`);
  if (n.blackhole) parts.push('blackhole');
  if (n.fdb) parts.push('fdb');
  if (n.groups) parts.push('groups');
  return parts.join(' ');
}

registerRouteMessage(RTM_NEWNEXTHOP, 'RTM_NEWNEXTHOP', describeNexthopMessage);
registerRouteMessage(RTM_DELNEXTHOP, 'RTM_DELNEXTHOP', describeNexthopMessage);
registerRouteMessage(RTM_GETNEXTHOP, 'RTM_GETNEXTHOP', describeNexthopMessage);
