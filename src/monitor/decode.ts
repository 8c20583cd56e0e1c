// rtnetlink notifications to typed events, with the decoders dumps use.
import type { Message } from '../netlink/message.js';
import { decodeAddress } from '../route/addresses/message.js';
import { decodeLink } from '../route/links/message.js';
import { decodeNeighbour } from '../route/neighbours/message.js';
import { decodeNetnsId } from '../route/nsid/message.js';
import { decodeRoute } from '../route/routes/message.js';
import { decodeRule } from '../route/rules/message.js';
import {
  RTM_DELADDR, RTM_DELLINK, RTM_DELNEIGH, RTM_DELNSID, RTM_DELROUTE, RTM_DELRULE,
  RTM_NEWADDR, RTM_NEWLINK, RTM_NEWNEIGH, RTM_NEWNSID, RTM_NEWROUTE, RTM_NEWRULE,
} from '../generated/rtnetlink.js';
import type { EventAction, EventOrigin, RouteObjectEvent } from './events.js';

function origin(message: Message, action: EventAction, nsid: number | undefined): EventOrigin {
  const o: EventOrigin = { action, flags: message.flags, portId: message.pid };
  if (nsid !== undefined) o.nsid = nsid;
  return o;
}

/**
 * The event an rtnetlink notification announces; undefined for message types
 * and address families a monitor does not report (multicast routes, MPLS,
 * bridge FDB entries). MalformedMessageError when it does not decode.
 */
export function decodeRouteEvent(message: Message, nsid?: number): RouteObjectEvent | undefined {
  switch (message.type) {
    case RTM_NEWLINK:
    case RTM_DELLINK:
      return { kind: 'link', ...origin(message, message.type === RTM_NEWLINK ? 'new' : 'del', nsid), link: decodeLink(message) };
    case RTM_NEWADDR:
    case RTM_DELADDR: {
      const address = decodeAddress(message);
      return address && { kind: 'address', ...origin(message, message.type === RTM_NEWADDR ? 'new' : 'del', nsid), address };
    }
    case RTM_NEWROUTE:
    case RTM_DELROUTE: {
      const route = decodeRoute(message);
      return route && { kind: 'route', ...origin(message, message.type === RTM_NEWROUTE ? 'new' : 'del', nsid), route };
    }
    case RTM_NEWNEIGH:
    case RTM_DELNEIGH: {
      const neighbour = decodeNeighbour(message);
      if (neighbour.family === 0) return undefined;
      return { kind: 'neighbour', ...origin(message, message.type === RTM_NEWNEIGH ? 'new' : 'del', nsid), neighbour };
    }
    case RTM_NEWRULE:
    case RTM_DELRULE: {
      const rule = decodeRule(message);
      return { kind: 'rule', ...origin(message, message.type === RTM_NEWRULE ? 'new' : 'del', nsid), rule };
    }
    case RTM_NEWNSID:
    case RTM_DELNSID:
      return { kind: 'nsid', ...origin(message, message.type === RTM_NEWNSID ? 'new' : 'del', nsid), netnsId: decodeNetnsId(message) };
    default:
      return undefined;
  }
}
