// `ip link show` text, rebuilt from the JSON entry (iproute2 prints both from
// the same print_* calls, so the order and values agree). Details (-d) follow
// print_linkinfo's format strings, spaces included; the kinds' and ports'
// options are link-kind-text.ts's.
import type { IpJson, Link, LinkStats64 } from '../../route/index.js';
import { kindDetailsText, portDetailsText } from './link-kind-text.js';

export function linkSuffix(j: IpJson): string {
  if (j.link === null) return '@NONE';
  if (typeof j.link === 'string') return `@${j.link}`;
  if (typeof j.link_index === 'number') return `@if${j.link_index}`;
  return '';
}

/** The first line(s) of a link, without the trailing newline: shared by `link show` and `addr show`. */
export interface LinkHeadOptions {
  /** `mode DEFAULT`: `link show` prints it, `addr show` does not. */
  linkmode: boolean;
  details: boolean;
  /** The name under /run/netns of an nsid (ip prints `link-netns NAME` for a peer namespace it can name). */
  netnsName?: (nsid: number) => string | undefined;
}

export function linkHeadText(j: IpJson, options: LinkHeadOptions): string {
  let s = `${j.ifindex}: ${j.ifname}${linkSuffix(j)}: <${(j.flags as string[]).join(',')}> mtu ${j.mtu}`;
  if (j.qdisc !== undefined) s += ` qdisc ${j.qdisc}`;
  if (j.master !== undefined) s += ` master ${j.master}`;
  if (j.operstate !== undefined) s += ` state ${j.operstate}`;
  if (options.linkmode && j.linkmode !== undefined) s += ` mode ${j.linkmode}`;
  if (j.group !== undefined) s += ` group ${j.group}`;
  if (j.txqlen !== undefined) s += ` qlen ${j.txqlen}`;
  if (j.link_type !== undefined) {
    // `    link/%s ` keeps its space when no address follows (tun's `link/none `).
    s += `\n    link/${j.link_type} `;
    if (j.address !== undefined) s += j.address;
    if (j.broadcast !== undefined) s += `${j.link_pointtopoint ? ' peer' : ' brd'} ${j.broadcast}`;
    if (j.permaddr !== undefined) s += ` permaddr ${j.permaddr}`;
  }
  if (typeof j.link_netnsid === 'number') {
    const id = j.link_netnsid;
    const name = id >= 0 ? options.netnsName?.(id) : undefined;
    s += name !== undefined ? ` link-netns ${name}` : ` link-netnsid ${id >= 0 ? id : 'unknown'}`;
  }
  if (j.proto_down) s += ' protodown on ';
  if (Array.isArray(j.proto_down_reason) && j.proto_down_reason.length > 0) s += `protodown_reason <${j.proto_down_reason.join(',')}>`;
  if (options.details) {
    // print_linkinfo's show_details block: each format carries its own spaces.
    let d = '';
    if (j.promiscuity !== undefined) d += ` promiscuity ${j.promiscuity} `;
    if (j.allmulti !== undefined) d += ` allmulti ${j.allmulti} `;
    if (j.min_mtu !== undefined) d += `minmtu ${j.min_mtu} `;
    if (j.max_mtu !== undefined) d += `maxmtu ${j.max_mtu} `;
    const info = j.linkinfo as Record<string, any> | undefined;
    if (info?.info_kind !== undefined) d += `\n    ${info.info_kind} ${kindDetailsText(info.info_kind, info.info_data)}`;
    if (info?.info_slave_kind !== undefined) d += `\n    ${info.info_slave_kind}_slave ${portDetailsText(info.info_slave_kind, info.info_slave_data)}`;
    if (j.inet6_addr_gen_mode !== undefined) d += `addrgenmode ${j.inet6_addr_gen_mode} `;
    const words: [string, string][] = [
      ['num_tx_queues', 'numtxqueues'], ['num_rx_queues', 'numrxqueues'], ['gso_max_size', 'gso_max_size'], ['gso_max_segs', 'gso_max_segs'],
      ['tso_max_size', 'tso_max_size'], ['tso_max_segs', 'tso_max_segs'], ['gro_max_size', 'gro_max_size'], ['phys_port_name', 'portname'],
      ['phys_port_id', 'portid'], ['phys_switch_id', 'switchid'], ['parentbus', 'parentbus'], ['parentdev', 'parentdev'],
    ];
    for (const [key, word] of words) if (j[key] !== undefined) d += `${word} ${j[key]} `;
    s += d;
  }
  if (j.ifalias !== undefined) s += `\n    alias ${j.ifalias}`;
  if (Array.isArray(j.altnames)) for (const name of j.altnames) s += `\n    altname ${name}`;
  return s;
}

/** How `-s` counters print: `-s -s` adds the error rows, `-h` scales them (by 1024 with `-iec`). */
export interface StatsTextOptions {
  level: number;
  human?: boolean;
  iec?: boolean;
}

/** print_num(): a counter right-aligned in `width`, and a space. */
function num(width: number, count: number, o: StatsTextOptions): string {
  const base = o.iec ? 1024 : 1000;
  if (!o.human || count < base) return `${String(count).padStart(width)} `;
  const prefixes = 'kMGTPE';
  let p = 0;
  let powi = 1;
  for (;;) {
    powi *= base;
    if (Math.floor(count / base) < powi || p === prefixes.length - 1) break;
    p++;
  }
  let precision = 2;
  for (let powj = 10; precision > 0; precision--, powj *= 10) if (Math.floor(count / powi) < powj) break;
  return `${`${(count / powi).toFixed(precision)}${prefixes[p]}${o.iec ? 'i' : ''}`.padStart(width)} `;
}

/** The `-s` text block of `ip link show` (print_stats64), each line after a line break. */
export function statsText(s: LinkStats64, carrierChanges: number | undefined, o: StatsTextOptions): string {
  const cols = ['*X errors:', 'packets', 'errors', 'dropped', 'heartbt', 'overrun', 'compressed', 'otherhost'].map((w) => w.length);
  const size = (...values: number[]) => {
    if (o.human) return;
    values.forEach((v, i) => (cols[i] = Math.max(cols[i]!, String(v).length)));
  };
  const extended = o.level > 1;
  size(s.rxBytes, s.rxPackets, s.rxErrors, s.rxDropped, s.rxMissedErrors, s.multicast, s.rxCompressed, 0);
  if (extended) size(0, s.rxLengthErrors, s.rxCrcErrors, s.rxFrameErrors, s.rxFifoErrors, s.rxOverErrors, s.rxNohandler ?? 0, s.rxOtherhostDropped ?? 0);
  size(s.txBytes, s.txPackets, s.txErrors, s.txDropped, s.txCarrierErrors, s.collisions, s.txCompressed, 0);
  if (extended) size(0, 0, s.txAbortedErrors, s.txFifoErrors, s.txWindowErrors, s.txHeartbeatErrors, carrierChanges ?? 0, 0);
  const c = (i: number) => cols[i]!;
  const head = (title: string, names: string[], compressed: number) =>
    `\n    ${title}: ${'bytes'.padStart(c(0) - 4)} ${names.map((n, i) => n.padStart(c(i + 1))).join(' ')} ${(compressed ? 'compressed' : '').padStart(c(6))}`;
  const row = (values: number[], compressed: number) => `\n    ${values.map((v, i) => num(c(i), v, o)).join('')}${compressed ? num(c(6), compressed, o) : ''}`;
  let out = head('RX', ['packets', 'errors', 'dropped', 'missed', 'mcast'], s.rxCompressed);
  out += row([s.rxBytes, s.rxPackets, s.rxErrors, s.rxDropped, s.rxMissedErrors, s.multicast], s.rxCompressed);
  if (extended) {
    const nohandler = s.rxNohandler ?? 0;
    const otherhost = s.rxOtherhostDropped ?? 0;
    out += `\n    RX errors:${''.padStart(c(0) - 10)} ${['length', 'crc', 'frame', 'fifo', 'overrun'].map((n, i) => n.padStart(c(i + 1))).join(' ')}`;
    out += `${nohandler ? ' nohandler'.padStart(c(6) + 1) : ''}${otherhost ? ' otherhost'.padStart(c(7) + 1) : ''}`;
    out += `\n${''.padStart(c(0) + 5)}${[s.rxLengthErrors, s.rxCrcErrors, s.rxFrameErrors, s.rxFifoErrors, s.rxOverErrors].map((v, i) => num(c(i + 1), v, o)).join('')}`;
    if (nohandler) out += num(c(6), nohandler, o);
    if (otherhost) out += num(c(7), otherhost, o);
  }
  out += head('TX', ['packets', 'errors', 'dropped', 'carrier', 'collsns'], s.txCompressed);
  out += row([s.txBytes, s.txPackets, s.txErrors, s.txDropped, s.txCarrierErrors, s.collisions], s.txCompressed);
  if (extended) {
    out += `\n    TX errors:${''.padStart(c(0) - 10)} ${['aborted', 'fifo', 'window', 'heartbt'].map((n, i) => n.padStart(c(i + 1))).join(' ')} ${(carrierChanges !== undefined ? 'transns' : '').padStart(c(5))}`;
    out += `\n${''.padStart(c(0) + 5)}${[s.txAbortedErrors, s.txFifoErrors, s.txWindowErrors, s.txHeartbeatErrors].map((v, i) => num(c(i + 1), v, o)).join('')}`;
    if (carrierChanges !== undefined) out += num(c(5), carrierChanges, o);
  }
  return out;
}

/** One link of `ip link show`, with its newline; with -s, `stats` prints its counters. */
export function linkText(j: IpJson, head: Omit<LinkHeadOptions, 'linkmode'>, stats?: { link: Link; options: StatsTextOptions }): string {
  let s = linkHeadText(j, { ...head, linkmode: true });
  if (stats?.link.stats64) s += statsText(stats.link.stats64, stats.link.carrierChanges, stats.options);
  return s + '\n';
}
