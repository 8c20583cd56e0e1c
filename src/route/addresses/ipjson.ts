import { IFA_F_DEPRECATED, IFA_F_PERMANENT, IFA_F_SECONDARY } from '../../generated/if_addr.js';
import type { IpJson } from '../ipjson.js';
import { linkToIpJson, type LinkDirectory } from '../links/ipjson.js';
import type { Link } from '../links/types.js';
import { ADDRESS_FLAG_NAMES } from './flags.js';
import { FOREVER, type Address } from './message.js';
import { requireArray, requireObject } from '../../netlink/checks.js';

/** Options of {@link addressesToIpJson}. */
export interface AddressesIpJsonOptions {
  /**
   * Every link of the namespace, by which the links' `link` and `master`
   * print as names (and a lower link that is down adds M-DOWN), when `links`
   * holds only some of them, as with `ip addr show dev X`. Default: `links`.
   */
  directory?: LinkDirectory;
  /**
   * Prints the link part of an entry; by default the links module's
   * `linkToIpJson`, which knows every kind's `info_data`.
   */
  linkToIpJson?: (link: Link) => IpJson;
}

/** Keys only `ip link` prints (its do_link branches), dropped from a link's JSON under `ip addr`. */
const LINK_ONLY_KEYS = ['linkmode', 'linkmode_index', 'inet6_addr_gen_mode', 'stats', 'stats64'];

/** One `addr_info` entry exactly as `ip -j addr show` prints it. */
export function addressToIpJson(address: Address): IpJson {
  requireObject(address, 'addressToIpJson: address', 'what addr.list() returns');
  const o: IpJson = { family: address.family === 4 ? 'inet' : 'inet6' };
  const local = address.local ?? address.address;
  if (local !== '') {
    o.local = local;
    if (address.address !== local) o.address = address.address;
    o.prefixlen = address.prefixLength;
    if (address.metric !== undefined) o.metric = address.metric;
  }
  if (address.broadcast !== undefined) o.broadcast = address.broadcast;
  if (address.anycast !== undefined) o.anycast = address.anycast;
  o.scope = address.scopeName;
  const flags = address.flags;
  let rest = flags;
  for (const [bit, name] of ADDRESS_FLAG_NAMES) {
    if (bit === IFA_F_PERMANENT) {
      if (!(flags & bit)) o.dynamic = true;
    } else if (flags & bit) {
      o[bit === IFA_F_SECONDARY && address.family === 6 ? 'temporary' : name] = true;
    }
    rest &= ~bit;
  }
  if (rest) o.ifa_flags = (rest >>> 0).toString(16).padStart(2, '0');
  if (address.label !== undefined) o.label = address.label;
  // ip prints lifetimes only when the message had IFA_CACHEINFO (which carries the time stamps).
  if (address.created !== undefined) {
    o.valid_life_time = address.validLifetime === 'forever' ? FOREVER : address.validLifetime;
    const preferred = address.preferredLifetime === 'forever' ? FOREVER : address.preferredLifetime;
    // A deprecated address's remaining preferred time is printed signed.
    o.preferred_life_time = flags & IFA_F_DEPRECATED && preferred !== FOREVER ? preferred | 0 : preferred;
  }
  return o;
}

/**
 * What `ip -j -d addr show` prints: every link in the order given (its part as
 * `ip -j -d link show` prints it, less the keys only `ip link` prints), each
 * with the addresses on it in the order given (the kernel's dump order).
 */
export function addressesToIpJson(links: readonly Link[], addresses: readonly Address[], options: AddressesIpJsonOptions = {}): IpJson[] {
  requireArray(links, 'addressesToIpJson: links');
  requireArray(addresses, 'addressesToIpJson: addresses');
  requireObject(options, 'addressesToIpJson: options');
  const given = options.directory ?? links;
  // Indexed once, not once per printed link.
  const directory = given instanceof Map ? given : new Map([...(given as Iterable<Link>)].map((l) => [l.index, l]));
  const printLink = options.linkToIpJson ?? ((link: Link) => linkToIpJson(link, directory));
  const byLink = new Map<number, IpJson[]>();
  for (const a of addresses) {
    let list = byLink.get(a.index);
    if (!list) byLink.set(a.index, (list = []));
    list.push(addressToIpJson(a));
  }
  return links.map((link) => {
    const o: IpJson = { ...printLink(link) };
    for (const key of LINK_ONLY_KEYS) delete o[key];
    o.addr_info = byLink.get(link.index) ?? [];
    return o;
  });
}
