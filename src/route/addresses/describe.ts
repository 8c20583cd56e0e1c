// How address messages read in `DEBUG=nlkit:*` output.
import { RTM_DELADDR, RTM_GETADDR, RTM_NEWADDR } from '../../generated/rtnetlink.js';
import { u32le } from '../../netlink/byte-reads.js';
import type { Message } from '../../netlink/message.js';
import { registerRouteMessage } from '../describe.js';
import { familyName } from '../family.js';
import { decodeAddress, IFADDRMSG_LEN } from './message.js';

function describeAddressMessage(m: Message): string {
  // Throws MalformedMessageError for a message that does not fit its header.
  const address = decodeAddress(m);
  const family = familyName(m.buf[m.offset]!) ?? `family=${m.buf[m.offset]}`;
  // A legacy dump request: struct rtgenmsg, the family alone.
  if (m.end - m.offset < IFADDRMSG_LEN) return `${family} (rtgenmsg)`;
  // A dump request carries only the header: family and maybe an ifindex.
  if (address === undefined || address.address === '') return `${family} index=${u32le(m.buf, m.offset + 4)}`;
  const local = address.local ?? address.address;
  const peer = address.local !== undefined && address.local !== address.address ? ` peer ${address.address}` : '';
  const flags = address.flagNames.length ? ` ${address.flagNames.join(',')}` : '';
  return `${family} ${local}/${address.prefixLength}${peer} index=${address.index} scope ${address.scopeName}${flags}`;
}

registerRouteMessage(RTM_NEWADDR, 'RTM_NEWADDR', describeAddressMessage);
registerRouteMessage(RTM_DELADDR, 'RTM_DELADDR', describeAddressMessage);
registerRouteMessage(RTM_GETADDR, 'RTM_GETADDR', describeAddressMessage);
