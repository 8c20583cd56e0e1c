// How nsid messages read in `DEBUG=nlkit:*` output.
import { RTM_DELNSID, RTM_GETNSID, RTM_NEWNSID } from '../../generated/rtnetlink.js';
import type { Message } from '../../netlink/message.js';
import { registerRouteMessage } from '../describe.js';
import { decodeNsidMessage } from './message.js';

function describeNsidMessage(m: Message): string {
  const n = decodeNsidMessage(m);
  const parts: string[] = [];
  if (n.nsid !== undefined) parts.push(`nsid ${n.nsid}`);
  if (n.currentNsid !== undefined) parts.push(`current-nsid ${n.currentNsid}`);
  if (n.fd !== undefined) parts.push(`fd ${n.fd}`);
  if (n.pid !== undefined) parts.push(`pid ${n.pid}`);
  if (n.targetNsid !== undefined) parts.push(`target-nsid ${n.targetNsid}`);
  return parts.join(' ') || '(no attributes)';
}

registerRouteMessage(RTM_NEWNSID, 'RTM_NEWNSID', describeNsidMessage);
registerRouteMessage(RTM_DELNSID, 'RTM_DELNSID', describeNsidMessage);
registerRouteMessage(RTM_GETNSID, 'RTM_GETNSID', describeNsidMessage);
