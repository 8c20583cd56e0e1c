// `ip link show` text, rebuilt from the JSON entry (iproute2 prints both from
// the same print_* calls, so the order and values agree). Details (-d) print
// the JSON's detail keys in ip's words where they are simple, and linkinfo's
// data as `key value` pairs: close to ip's text, not identical for every kind.
import type { IpJson } from '../../route/index.js';

function linkSuffix(j: IpJson): string {
  if (j.link === null) return '@NONE';
  if (typeof j.link === 'string') return `@${j.link}`;
  if (typeof j.link_index === 'number') return `@if${j.link_index}`;
  return '';
}

function words(data: Record<string, unknown> | undefined): string {
  if (!data) return '';
  let out = '';
  for (const [k, v] of Object.entries(data)) {
    if (v === undefined || typeof v === 'object') continue;
    if (typeof v === 'boolean') out += v ? `${k} ` : `no${k} `;
    else out += `${k} ${v} `;
  }
  return out;
}

/** The first line(s) of a link, without the trailing newline: shared by `link show` and `addr show`. */
export function linkHeadText(j: IpJson, options: { linkmode: boolean; details: boolean }): string {
  let s = `${j.ifindex}: ${j.ifname}${linkSuffix(j)}: <${(j.flags as string[]).join(',')}> mtu ${j.mtu}`;
  if (j.qdisc !== undefined) s += ` qdisc ${j.qdisc}`;
  if (j.master !== undefined) s += ` master ${j.master}`;
  if (j.operstate !== undefined) s += ` state ${j.operstate}`;
  if (options.linkmode && j.linkmode !== undefined) s += ` mode ${j.linkmode}`;
  if (j.group !== undefined) s += ` group ${j.group}`;
  if (j.txqlen !== undefined) s += ` qlen ${j.txqlen}`;
  if (j.link_type !== undefined) {
    s += `\n    link/${j.link_type}`;
    if (j.address !== undefined) s += ` ${j.address}`;
    if (j.broadcast !== undefined) s += `${j.link_pointtopoint ? ' peer' : ' brd'} ${j.broadcast}`;
    if (j.permaddr !== undefined) s += ` permaddr ${j.permaddr}`;
  }
  if (j.link_netnsid !== undefined) s += ` link-netnsid ${j.link_netnsid}`;
  if (j.proto_down) s += ' protodown on';
  if (options.details) {
    let d = '';
    if (j.promiscuity !== undefined) d += ` promiscuity ${j.promiscuity}`;
    if (j.allmulti !== undefined) d += ` allmulti ${j.allmulti}`;
    if (j.min_mtu !== undefined) d += ` minmtu ${j.min_mtu}`;
    if (j.max_mtu !== undefined) d += ` maxmtu ${j.max_mtu}`;
    const info = j.linkinfo as Record<string, any> | undefined;
    if (info?.info_kind !== undefined) d += ` \n    ${info.info_kind} ${words(info.info_data)}`;
    if (info?.info_slave_kind !== undefined) d += `\n    ${info.info_slave_kind} ${words(info.info_slave_data)}`;
    if (j.inet6_addr_gen_mode !== undefined) d += `addrgenmode ${j.inet6_addr_gen_mode} `;
    const numbers: [string, string][] = [
      ['num_tx_queues', 'numtxqueues'], ['num_rx_queues', 'numrxqueues'], ['gso_max_size', 'gso_max_size'], ['gso_max_segs', 'gso_max_segs'],
      ['tso_max_size', 'tso_max_size'], ['tso_max_segs', 'tso_max_segs'], ['gro_max_size', 'gro_max_size'], ['parentbus', 'parentbus'], ['parentdev', 'parentdev'],
    ];
    for (const [key, word] of numbers) if (j[key] !== undefined) d += `${word} ${j[key]} `;
    s += d;
  }
  if (j.ifalias !== undefined) s += `\n    alias ${j.ifalias}`;
  if (Array.isArray(j.altnames)) for (const name of j.altnames) s += `\n    altname ${name}`;
  return s;
}

function statsText(stats: Record<string, Record<string, number>>): string {
  const table = (title: string, row: Record<string, number>) => {
    const keys = Object.keys(row);
    const head = keys.map((k) => k.replace(/_errors$/, '').replace('carrier_changes', 'transns').padEnd(9)).join('');
    const values = keys.map((k) => String(row[k]).padEnd(9)).join('');
    return `\n    ${title}: ${head.trimEnd()}\n    ${values.trimEnd()}`;
  };
  return table('RX', stats.rx ?? {}) + table('TX', stats.tx ?? {});
}

/** One link of `ip link show`, with its newline. */
export function linkText(j: IpJson, details: boolean): string {
  let s = linkHeadText(j, { linkmode: true, details });
  if (j.stats64) s += statsText(j.stats64 as Record<string, Record<string, number>>);
  return s + '\n';
}
