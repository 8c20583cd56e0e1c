// How neighbour messages read in `DEBUG=nlkit:*` output.
import { RTM_DELNEIGH, RTM_GETNEIGH, RTM_NEWNEIGH } from '../../generated/rtnetlink.js';
import type { Message } from '../../netlink/message.js';
import { registerRouteMessage } from '../describe.js';
import { familyName } from '../family.js';
import { decodeNeighbour, NDMSG_LEN } from './message.js';

function describeNeighbourMessage(m: Message): string {
  // Throws MalformedMessageError for a message that does not fit its header.
  const n = decodeNeighbour(m);
  const parts = [familyName(n.addressFamily) ?? `family=${n.addressFamily}`];
  // A legacy dump request: struct rtgenmsg, the family alone.
  if (m.end - m.offset < NDMSG_LEN) return `${parts[0]} (rtgenmsg)`;
  if (n.dst !== undefined) parts.push(n.dst);
  parts.push(`index=${n.ifindex}`);
  if (n.lladdr !== undefined) parts.push(`lladdr ${n.lladdr}`);
  if (n.stateNames.length) parts.push(n.stateNames.join(','));
  if (n.flagNames.length) parts.push(n.flagNames.join(','));
  return parts.join(' ');
}

registerRouteMessage(RTM_NEWNEIGH, 'RTM_NEWNEIGH', describeNeighbourMessage);
registerRouteMessage(RTM_DELNEIGH, 'RTM_DELNEIGH', describeNeighbourMessage);
registerRouteMessage(RTM_GETNEIGH, 'RTM_GETNEIGH', describeNeighbourMessage);
