// How traffic-control messages read in `DEBUG=nlkit:*` output.
import {
  RTM_DELQDISC, RTM_DELTCLASS, RTM_DELTFILTER, RTM_GETQDISC, RTM_GETTCLASS, RTM_GETTFILTER, RTM_NEWQDISC, RTM_NEWTCLASS, RTM_NEWTFILTER,
} from '../../generated/rtnetlink.js';
import type { Message } from '../../netlink/message.js';
import { registerRouteMessage } from '../describe.js';
import { formatClassId } from './handle.js';
import { decodeTc } from './message.js';
import { tcProtocolName } from './protocol.js';

function describeTcMessage(m: Message): string {
  // Throws MalformedMessageError for a message that does not fit its header.
  const t = decodeTc(m);
  const parts = [t.kind ?? '-', `index=${t.ifindex}`, `handle ${formatClassId(t.handle)}`, `parent ${formatClassId(t.parent)}`];
  if (t.object === 'filter') {
    if (t.pref) parts.push(`pref ${t.pref}`);
    if (t.protocol) parts.push(`protocol ${tcProtocolName(t.protocol)}`);
    if (t.chain !== undefined) parts.push(`chain ${t.chain}`);
  }
  return parts.join(' ');
}

for (const [type, name] of [
  [RTM_NEWQDISC, 'RTM_NEWQDISC'], [RTM_DELQDISC, 'RTM_DELQDISC'], [RTM_GETQDISC, 'RTM_GETQDISC'],
  [RTM_NEWTCLASS, 'RTM_NEWTCLASS'], [RTM_DELTCLASS, 'RTM_DELTCLASS'], [RTM_GETTCLASS, 'RTM_GETTCLASS'],
  [RTM_NEWTFILTER, 'RTM_NEWTFILTER'], [RTM_DELTFILTER, 'RTM_DELTFILTER'], [RTM_GETTFILTER, 'RTM_GETTFILTER'],
] as const) registerRouteMessage(type, name, describeTcMessage);
