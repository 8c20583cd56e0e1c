// A nexthop object in ip's text (ipnexthop.c's __print_nexthop_entry), rebuilt
// from its JSON: `ip nexthop show` lines and `ip -d route show`'s nh_info.
import type { IpJson } from '../../route/index.js';

/** A nexthop object as ip's __print_nexthop_entry writes it (the `nh_info` line of `ip -d route show`), from its JSON. */
export function nexthopObjectText(o: IpJson): string {
  let s = `id ${o.id} `;
  const group = o.group as IpJson[] | undefined;
  if (group) s += `group ${group.map((m) => (m.weight !== undefined ? `${m.id},${m.weight}` : `${m.id}`)).join('/')} `;
  if (o.type !== undefined) s += `type ${o.type} `;
  const res = o.resilient_args as IpJson | undefined;
  if (res) s += `buckets ${res.buckets} idle_timer ${res.idle_timer} unbalanced_timer ${res.unbalanced_timer} unbalanced_time ${res.unbalanced_time} `;
  if (o.gateway !== undefined) s += `via ${o.gateway} `;
  if (o.dev !== undefined) s += `dev ${o.dev} `;
  if (o.scope !== undefined) s += `scope ${o.scope} `;
  if ('blackhole' in o) s += 'blackhole ';
  if (o.protocol !== undefined) s += `proto ${o.protocol} `;
  for (const f of (o.flags as string[] | undefined) ?? []) s += `${f} `;
  // Sic: ip writes no space after fdb.
  if ('fdb' in o) s += 'fdb';
  return s;
}
