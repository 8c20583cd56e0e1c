// A monitor event as the object iproute2's printers emit for the
// notification: what `ip -j monitor` prints, were its JSON context open.
//
// iproute2 6.1 (and every release since, up to 7.1) ignores -j under
// `ip monitor`: do_ipmonitor never calls new_json_obj, so the printers it
// shares with `ip link/addr/route/neigh/rule show` and `ip netns list-id`
// (print_linkinfo, print_addrinfo, print_route, print_neigh, print_rule,
// print_nsid) take their text branches and `ip -j monitor` prints text,
// one record per notification ("Deleted " before a removal). The JSON
// branches of those same printers are what this module reproduces: each
// record is one object, and a removal (RTM_DEL*) starts with
// "deleted": true, the print_bool that prints "Deleted " as text.
//
// What monitor mode changes relative to `ip -j [-d] ... show`:
// - links: print_linkinfo runs with do_link 0 and no queue filter, so
//   linkmode, inet6_addr_gen_mode (IFLA_AF_SPEC) and txqlen never print,
//   with or without -d; without -d the detail keys are left out as with
//   `ip -j link show`.
// - addresses: printed alone, not inside a link's addr_info, with the
//   oneline prefix: "index" and "dev" before "family".
// - routes: no table filter, so "table" prints for every table but main
//   (main too with -d); RTM_F_CLONED routes are not printed at all.
// - neighbours, rules, namespace ids, nexthops: as the show and list-id commands.
import { addressToIpJson } from '../route/addresses/ipjson.js';
import { ipLinkName, type IpJson } from '../route/ipjson.js';
import { linkToIpJson, type LinkDirectory } from '../route/links/ipjson.js';
import type { Link } from '../route/links/types.js';
import { neighbourToIpJson } from '../route/neighbours/ipjson.js';
import { nexthopToIpJson } from '../route/nexthops/ipjson.js';
import type { NetnsId } from '../route/nsid/message.js';
import { routeToIpJson } from '../route/routes/ipjson.js';
import { RTM_F_CLONED } from '../generated/rtnetlink.js';
import { ruleToIpJson } from '../route/rules/ipjson.js';
import { requireMap, requireObject } from '../netlink/checks.js';
import type { EventAction, RouteObjectEvent } from './events.js';
import { AF_BRIDGE } from '../sys/constants.js';

/** Options of {@link monitorEventToIpJson}: which `ip monitor` command line to mirror. */
export interface MonitorIpJsonOptions {
  /**
   * Mirror `ip -d monitor` (true) or plain `ip monitor` (default false): with
   * details, links add promiscuity, linkinfo, queue counts and GSO/TSO/GRO
   * sizes, routes print every key and the main table, rules their protocol.
   */
  details?: boolean;
  /**
   * Names of namespaces by id, as iproute2 finds them in /run/netns (or
   * remembers them from an earlier notification): nsid events print the
   * name of the namespace their id (current-nsid when present) stands for.
   */
  netnsNames?: ReadonlyMap<number, string>;
}

/** Keys print_linkinfo prints only with -d (show_details). */
const LINK_DETAIL_KEYS = [
  'promiscuity', 'allmulti', 'min_mtu', 'max_mtu', 'linkinfo', 'num_tx_queues', 'num_rx_queues', 'gso_max_size',
  'gso_max_segs', 'tso_max_size', 'tso_max_segs', 'gro_max_size', 'phys_port_name', 'phys_port_id', 'phys_switch_id',
  'parentbus', 'parentdev', 'ifalias',
];

/** Keys print_linkinfo prints only for `ip link` (do_link) or `ip link show`'s queue filter, never under ip monitor. */
const LINK_SHOW_ONLY_KEYS = ['linkmode', 'linkmode_index', 'inet6_addr_gen_mode', 'txqlen', 'stats', 'stats64'];

function byIndex(links: LinkDirectory | undefined): ReadonlyMap<number, Link> {
  if (!links) return new Map();
  if (links instanceof Map) return links as ReadonlyMap<number, Link>;
  return new Map([...(links as Iterable<Link>)].map((l) => [l.index, l]));
}

function namesOf(directory: ReadonlyMap<number, Link>): Map<number, string> {
  return new Map([...directory].map(([index, link]) => [index, link.name]));
}

function linkJson(link: Link, directory: ReadonlyMap<number, Link>, details: boolean): IpJson {
  const o = linkToIpJson(link, directory);
  for (const key of LINK_SHOW_ONLY_KEYS) delete o[key];
  if (!details) for (const key of LINK_DETAIL_KEYS) delete o[key];
  // A bridge's AF_BRIDGE notifications (br_fill_ifinfo) carry no IFLA_GROUP; Link.group reads 0 then, and ip prints none.
  if (link.family === AF_BRIDGE) delete o.group;
  return o;
}

function nsidJson(id: NetnsId, action: EventAction, names: ReadonlyMap<number, string> | undefined): IpJson {
  // print_nsid: the name of the namespace current-nsid (else nsid) stands for; a new id it
  // did not know yet is looked up by nsid in /run/netns, a released one only by that key.
  const o: IpJson = {};
  if (id.nsid >= 0) o.nsid = id.nsid;
  if (id.currentNsid !== undefined && id.currentNsid >= 0) o['current-nsid'] = id.currentNsid;
  let name = names?.get(id.currentNsid ?? id.nsid);
  if (name === undefined && action === 'new') name = names?.get(id.nsid);
  if (name !== undefined) o.name = name;
  return o;
}

/**
 * The object iproute2 6.1's `ip -j monitor` printers emit for a notification
 * (`ip -j -d monitor` with `details`); undefined where ip prints nothing (a
 * route with RTM_F_CLONED). A removal starts with `"deleted": true`; the
 * rest is what `ip -j link/route/neigh/rule show` and `ip -j netns list-id`
 * print for the object, less what only those commands print, and an
 * address prints alone with its link's "index" and "dev".
 *
 * ip 6.1 itself ignores -j under monitor and prints its text form, one record
 * per notification; this is that record's JSON form, key for key.
 *
 * `links` are the namespace's links as ip knows them when the event arrives
 * (ip follows link notifications), by which ifindexes print as names and a
 * lower link that is down adds M-DOWN; an index not among them prints as
 * `if<N>`, as ip prints a link that no longer exists.
 */
export function monitorEventToIpJson(event: RouteObjectEvent, links?: LinkDirectory, options: MonitorIpJsonOptions = {}): IpJson | undefined {
  requireObject(event, 'monitorEventToIpJson: event', 'a monitor event');
  requireObject(options, 'monitorEventToIpJson: options');
  if (options.netnsNames !== undefined) requireMap(options.netnsNames, 'monitorEventToIpJson: options.netnsNames');
  const details = options.details ?? false;
  const directory = byIndex(links);
  let body: IpJson;
  switch (event.kind) {
    case 'link':
      body = linkJson(event.link, directory, details);
      break;
    case 'address': {
      const index = event.address.index;
      body = { index, dev: ipLinkName(index, directory.get(index)?.name), ...addressToIpJson(event.address) };
      break;
    }
    case 'route':
      if (event.route.flags & RTM_F_CLONED) return undefined;
      body = routeToIpJson(event.route, namesOf(directory), { details, showTable: true });
      break;
    case 'neighbour':
      body = neighbourToIpJson(event.neighbour, namesOf(directory));
      break;
    case 'rule':
      body = ruleToIpJson(event.rule, { details });
      break;
    case 'nsid':
      body = nsidJson(event.netnsId, event.action, options.netnsNames);
      break;
    case 'nexthop':
      body = nexthopToIpJson(event.nexthop, namesOf(directory), { details });
      break;
    default: {
      const unknown: never = event;
      throw new TypeError(`monitorEventToIpJson: unknown event kind ${String((unknown as { kind?: unknown }).kind)}`);
    }
  }
  return event.action === 'del' ? { deleted: true, ...body } : body;
}
