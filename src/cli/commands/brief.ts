// `-br` / `-brief`: one line per link, as print_linkinfo_brief and
// print_addrinfo print it: name[@link], operstate, then the link-layer address
// and flags (`link show`) or the addresses (`addr show`). Built from the full
// JSON entries, which hold every value the brief form prints.
import type { IpJson } from '../../route/index.js';
import type { CliContext } from '../context.js';
import { printList } from '../output.js';
import { linkSuffix } from './link-text.js';

/** The brief JSON of one entry (`{}` stays `{}`: a link ip's own tests skipped). */
function briefJson(e: IpJson, addresses: boolean): IpJson {
  const o: IpJson = {};
  for (const key of ['link', 'link_index', 'ifname', 'operstate', 'operstate_index']) if (e[key] !== undefined) o[key] = e[key];
  if (!addresses) {
    if (e.address !== undefined) o.address = e.address;
    if (e.flags !== undefined) o.flags = e.flags;
  } else if (e.addr_info !== undefined) {
    o.addr_info = (e.addr_info as IpJson[]).map((a) => {
      const b: IpJson = {};
      for (const key of ['local', 'address', 'prefixlen', 'metric']) if (a[key] !== undefined) b[key] = a[key];
      return b;
    });
  }
  return o;
}

function briefText(o: IpJson, addresses: boolean): string {
  if (!('ifname' in o) && !('addr_info' in o)) return '';
  let s = '';
  if (o.ifname !== undefined) s += `${`${o.ifname}${linkSuffix(o)}`.padEnd(16)} `;
  if (o.operstate !== undefined) s += `${String(o.operstate).padEnd(14)} `;
  if (!addresses) {
    if (o.address !== undefined) s += `${o.address} `;
    if (o.flags !== undefined) s += `<${(o.flags as string[]).join(',')}> `;
  } else {
    for (const a of (o.addr_info as IpJson[] | undefined) ?? []) {
      if (a.local === undefined) continue;
      s += String(a.local);
      if (a.address !== undefined) s += ` peer ${a.address}`;
      s += `/${a.prefixlen} `;
      if (a.metric !== undefined) s += `metric ${a.metric} `;
    }
  }
  return s + '\n';
}

/** Prints `entries` (full `ip -j link|addr show` entries) the way `ip -br` does, or `ip -br -j`. */
export function printBrief(ctx: CliContext, entries: readonly IpJson[], addresses: boolean): void {
  printList(ctx, entries.map((e) => briefJson(e, addresses)), (o) => briefText(o, addresses));
}
