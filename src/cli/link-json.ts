// A link's entry as `ip -j link show` prints it without -d, with -s: the
// details renderer's output (linkToIpJson, which mirrors `ip -j -d`) less
// the keys only -d prints, plus the counters -s adds.
import { linkToIpJson, type IpJson, type Link, type LinkDirectory } from '../route/index.js';
import { JsonLiteral } from './json-writer.js';
import { groupName, userName } from './user-names.js';

/** Keys print_linkinfo prints only under show_details (iproute2 6.1). */
const DETAIL_KEYS = [
  'promiscuity', 'allmulti', 'min_mtu', 'max_mtu', 'linkinfo', 'inet6_addr_gen_mode', 'num_tx_queues', 'num_rx_queues',
  'gso_max_size', 'gso_max_segs', 'tso_max_size', 'tso_max_segs', 'gro_max_size', 'phys_port_name', 'phys_port_id',
  'phys_switch_id', 'parentbus', 'parentdev',
];

/** Keys print_linkinfo prints only when no family filter (or -d) is given: the link-layer part. */
const LINK_LAYER_KEYS = ['link_type', 'address', 'link_pointtopoint', 'broadcast', 'permaddr'];

export interface LinkJsonOptions {
  details: boolean;
  stats: number;
  /** `-4`/`-6` given without -d: ip leaves the link-layer keys out. */
  familyFiltered?: boolean;
}

/** The `stats64` object of `ip -j -s link` (-s -s adds the error breakdown). */
export function linkStatsJson(link: Link, level: number): IpJson | undefined {
  const s = link.stats64;
  if (!s) return undefined;
  const rx: IpJson = { bytes: s.rxBytes, packets: s.rxPackets, errors: s.rxErrors, dropped: s.rxDropped, over_errors: s.rxOverErrors, multicast: s.multicast };
  const tx: IpJson = { bytes: s.txBytes, packets: s.txPackets, errors: s.txErrors, dropped: s.txDropped, carrier_errors: s.txCarrierErrors, collisions: s.collisions };
  if (s.rxCompressed) rx.compressed = s.rxCompressed;
  if (s.txCompressed) tx.compressed = s.txCompressed;
  if (level > 1) {
    Object.assign(rx, { length_errors: s.rxLengthErrors, crc_errors: s.rxCrcErrors, frame_errors: s.rxFrameErrors, fifo_errors: s.rxFifoErrors, missed_errors: s.rxMissedErrors });
    if (s.rxNohandler) rx.nohandler = s.rxNohandler;
    Object.assign(tx, { aborted_errors: s.txAbortedErrors, fifo_errors: s.txFifoErrors, window_errors: s.txWindowErrors, heartbeat_errors: s.txHeartbeatErrors });
    if (link.carrierChanges !== undefined) tx.carrier_changes = link.carrierChanges;
  }
  return { rx, tx };
}

/** Bridge and bridge port timers, which ip writes as `%i.%.2i` (`0.00`), not as JSON numbers. */
const TIMERS = ['hello_timer', 'tcn_timer', 'topology_change_timer', 'gc_timer', 'hold_timer', 'message_age_timer', 'forward_delay_timer'];

/** What ip prints in a way the library's numbers cannot carry: timers with two decimals, a tun owner's names. */
function ipSpellings(info: Record<string, unknown> | undefined, kind: unknown): void {
  if (!info) return;
  if (kind === 'bridge') for (const key of TIMERS) if (typeof info[key] === 'number') info[key] = new JsonLiteral((info[key] as number).toFixed(2));
  if (kind === 'tun') {
    if (typeof info.user === 'number') info.user = userName(info.user) ?? info.user;
    if (typeof info.group === 'number') info.group = groupName(info.group) ?? info.group;
  }
}

export function linkJson(link: Link, directory: LinkDirectory, options: LinkJsonOptions): IpJson {
  const out = linkToIpJson(link, directory);
  const linkinfo = out.linkinfo as Record<string, any> | undefined;
  if (linkinfo) {
    ipSpellings(linkinfo.info_data, linkinfo.info_kind);
    ipSpellings(linkinfo.info_slave_data, linkinfo.info_slave_kind);
  }
  if (!options.details) {
    for (const key of DETAIL_KEYS) delete out[key];
    if (options.familyFiltered) for (const key of LINK_LAYER_KEYS) delete out[key];
  }
  if (options.stats > 0) {
    const stats = linkStatsJson(link, options.stats);
    if (stats) {
      // ip prints the counters right after ifalias (before altnames and vf info).
      const altnames = out.altnames;
      delete out.altnames;
      out.stats64 = stats;
      if (altnames !== undefined) out.altnames = altnames;
    }
  }
  return out;
}
