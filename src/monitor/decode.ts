// rtnetlink notifications to typed events, with the decoders dumps use.
import type { Message } from '../netlink/message.js';
import { decodeAddress } from '../route/addresses/message.js';
import { decodeLink } from '../route/links/message.js';
import { decodeNeighbour } from '../route/neighbours/message.js';
import { decodeNexthop } from '../route/nexthops/message.js';
import { decodeNetnsId } from '../route/nsid/message.js';
import { decodeRoute } from '../route/routes/message.js';
import { decodeRule } from '../route/rules/message.js';
import {
  RTM_DELADDR, RTM_DELLINK, RTM_DELNEIGH, RTM_DELNEXTHOP, RTM_DELNSID, RTM_DELROUTE, RTM_DELRULE,
  RTM_NEWADDR, RTM_NEWLINK, RTM_NEWNEIGH, RTM_NEWNEXTHOP, RTM_NEWNSID, RTM_NEWROUTE, RTM_NEWRULE,
} from '../generated/rtnetlink.js';
import type { RouteObjectEvent } from './events.js';

/**
 * The event an rtnetlink notification announces; undefined for message types
 * and address families a monitor does not report (multicast routes, MPLS,
 * bridge FDB entries). MalformedMessageError when it does not decode.
 */
export function decodeRouteEvent(message: Message, nsid?: number): RouteObjectEvent | undefined {
  switch (message.type) {
    case RTM_NEWLINK:
    case RTM_DELLINK:
      return withNsid({ kind: 'link', action: message.type === RTM_NEWLINK ? 'new' : 'del', flags: message.flags, portId: message.pid, link: decodeLink(message) }, nsid);
    case RTM_NEWADDR:
    case RTM_DELADDR: {
      const address = decodeAddress(message);
      return address && withNsid({ kind: 'address', action: message.type === RTM_NEWADDR ? 'new' : 'del', flags: message.flags, portId: message.pid, address }, nsid);
    }
    case RTM_NEWROUTE:
    case RTM_DELROUTE: {
      const route = decodeRoute(message);
      return route && withNsid({ kind: 'route', action: message.type === RTM_NEWROUTE ? 'new' : 'del', flags: message.flags, portId: message.pid, route }, nsid);
    }
    case RTM_NEWNEIGH:
    case RTM_DELNEIGH: {
      const neighbour = decodeNeighbour(message);
      if (neighbour.family === 0) return undefined;
      return withNsid({ kind: 'neighbour', action: message.type === RTM_NEWNEIGH ? 'new' : 'del', flags: message.flags, portId: message.pid, neighbour }, nsid);
    }
    case RTM_NEWRULE:
    case RTM_DELRULE: {
      const rule = decodeRule(message);
      return withNsid({ kind: 'rule', action: message.type === RTM_NEWRULE ? 'new' : 'del', flags: message.flags, portId: message.pid, rule }, nsid);
    }
    case RTM_NEWNSID:
    case RTM_DELNSID:
      return withNsid({ kind: 'nsid', action: message.type === RTM_NEWNSID ? 'new' : 'del', flags: message.flags, portId: message.pid, netnsId: decodeNetnsId(message) }, nsid);
    case RTM_NEWNEXTHOP:
    case RTM_DELNEXTHOP:
      return withNsid({ kind: 'nexthop', action: message.type === RTM_NEWNEXTHOP ? 'new' : 'del', flags: message.flags, portId: message.pid, nexthop: decodeNexthop(message) }, nsid);
    default:
      return undefined;
  }
}

// Object literals of one shape per kind (no spread: it makes every event a
// dictionary-shaped copy), the nsid added only where there is one.
function withNsid<E extends RouteObjectEvent>(event: E, nsid: number | undefined): E {
  if (nsid !== undefined) event.nsid = nsid;
  keepExemplar(event);
  return event;
}

/**
 * The latest event of each kind, action, family and (for routes) local or
 * not. A full garbage collection that finds no object of a hidden class
 * drops the class and the code optimized for it (see route/shape-keeper.ts);
 * a monitor without a view keeps none of its events, so after each full
 * collection the next burst of notifications ran unoptimized until V8
 * compiled the decoders again, which cost more than the decoding. These few
 * events (and the objects they carry) keep the classes a burst uses.
 */
const KIND_SLOT = { link: 0, address: 1, route: 2, neighbour: 3, rule: 4, nsid: 5, nexthop: 6 } as const;
const exemplars: (RouteObjectEvent | undefined)[] = new Array<RouteObjectEvent | undefined>(8 * Object.keys(KIND_SLOT).length).fill(undefined);

function keepExemplar(event: RouteObjectEvent): void {
  let slot = KIND_SLOT[event.kind] * 8 + (event.action === 'del' ? 4 : 0);
  if (event.kind === 'address') slot += event.address.family === 6 ? 2 : 0;
  else if (event.kind === 'route') slot += (event.route.family === 6 ? 2 : 0) + (event.route.table === 255 ? 1 : 0);
  exemplars[slot] = event;
}
