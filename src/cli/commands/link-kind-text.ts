// The `-d` text of a link's kind and port options, as iproute2 6.1's
// print_opt functions (ip/iplink_bridge.c, iplink_bridge_slave.c,
// iplink_vxlan.c, iplink_macvlan.c, iptuntap.c) print them. Those functions
// print JSON and text from the same calls, so the JSON entry (which nlkit
// already prints as ip does) holds the values in ip's order; what differs is
// the word each value prints under, and a few values the text spells
// otherwise (`ttl auto`, `tos inherit`, `ageing none`, timers as `%4i.%.2i`).
import { JsonLiteral } from '../json-writer.js';

type Data = Record<string, unknown>;

/** ip's on/off spelling of a boolean (print_on_off). */
const onOff = (v: unknown) => (v ? 'on' : 'off');

/** A clock_t timer as `_print_timer` writes it in text: seconds right-aligned in four columns. */
function timerText(v: unknown): string {
  const text = v instanceof JsonLiteral ? v.text : Number(v).toFixed(2);
  const [seconds, hundredths] = text.split('.');
  return `${seconds!.padStart(4)}.${hundredths ?? '00'}`;
}

/** Fallback for a value no rule names: `key value`, as most print_uint calls read. */
function plain(key: string, v: unknown): string {
  if (v === null || typeof v === 'object') return '';
  return `${key} ${v} `;
}

/** bridge_print_opt: JSON keys whose text word differs. */
const BRIDGE_WORDS: Record<string, string> = {
  root_id: 'designated_root', group_addr: 'group_address', mcast_last_member_cnt: 'mcast_last_member_count',
  mcast_startup_query_cnt: 'mcast_startup_query_count', mcast_last_member_intvl: 'mcast_last_member_interval',
  mcast_membership_intvl: 'mcast_membership_interval', mcast_querier_intvl: 'mcast_querier_interval',
  mcast_query_intvl: 'mcast_query_interval', mcast_query_response_intvl: 'mcast_query_response_interval',
  mcast_startup_query_intvl: 'mcast_startup_query_interval',
};
const BRIDGE_TIMERS = new Set(['hello_timer', 'tcn_timer', 'topology_change_timer', 'gc_timer']);

function bridgeText(data: Data): string {
  let out = '';
  for (const [key, v] of Object.entries(data)) {
    if (BRIDGE_TIMERS.has(key)) out += `${key} ${timerText(v)} `;
    else out += plain(BRIDGE_WORDS[key] ?? key, v);
  }
  return out;
}

/** bridge_slave_print_opt: JSON keys whose text word differs. */
const PORT_WORDS: Record<string, string> = {
  id: 'port_id', no: 'port_no', bridge_id: 'designated_bridge', root_id: 'designated_root', multicast_router: 'mcast_router',
};
const PORT_TIMERS = new Set(['hold_timer', 'message_age_timer', 'forward_delay_timer']);

function bridgePortText(data: Data): string {
  let out = '';
  for (const [key, v] of Object.entries(data)) {
    if (PORT_TIMERS.has(key)) out += `${key} ${timerText(v)} `;
    else if (typeof v === 'boolean') out += `${key} ${onOff(v)} `;
    else out += plain(PORT_WORDS[key] ?? key, v);
    // ip prints fast leave twice: once as `fastleave`, once (text only) after the multicast router.
    if (key === 'multicast_router' && data.fastleave !== undefined) out += `mcast_fast_leave ${onOff(data.fastleave)} `;
  }
  return out;
}

function vxlanText(data: Data): string {
  let out = '';
  // TTL_INHERIT leaves `ttl` out of the JSON; the kernel sends IFLA_VXLAN_TTL otherwise.
  const ttlInherit = !('ttl' in data);
  for (const [key, v] of Object.entries(data)) {
    switch (key) {
      case 'external': case 'proxy': case 'rsc': case 'l2miss': case 'l3miss': case 'gbp': case 'gpe': out += `${key} `; break;
      // ip 6.1's format has no space after this word.
      case 'vnifilter': out += 'vnifilter'; break;
      case 'remcsum_tx': out += 'remcsumtx '; break;
      case 'remcsum_rx': out += 'remcsumrx '; break;
      case 'group6': out += `group ${v} `; break;
      case 'remote6': out += `remote ${v} `; break;
      case 'local6': out += `local ${v} `; break;
      case 'link': out += `dev ${v} `; break;
      case 'port_range': { const r = v as { low: number; high: number }; out += `srcport ${r.low} ${r.high} `; break; }
      case 'port': out += `dstport ${v} `; break;
      case 'learning': if (!v) out += 'nolearning '; break;
      case 'tos': out += v === '0x1' ? 'tos inherit ' : `tos ${v} `; break;
      case 'ttl': out += v === 0 ? 'ttl auto ' : `ttl ${v} `; break;
      case 'df':
        if (ttlInherit) out += 'ttl inherit ';
        // `df unset` is printed in JSON only.
        if (v !== 'unset') out += `df ${v} `;
        break;
      case 'label': out += `flowlabel ${v} `; break;
      case 'ageing': out += v === 0 ? 'ageing none ' : `ageing ${v} `; break;
      case 'limit': out += `maxaddr ${v} `; break;
      case 'udp_csum': out += `${v ? '' : 'no'}udpcsum `; break;
      case 'udp_zero_csum6_tx': out += `${v ? '' : 'no'}udp6zerocsumtx `; break;
      case 'udp_zero_csum6_rx': out += `${v ? '' : 'no'}udp6zerocsumrx `; break;
      default: out += plain(key, v);
    }
  }
  // A kernel without IFLA_VXLAN_DF still prints the inherited TTL where the TTL goes.
  if (ttlInherit && !('df' in data)) out += 'ttl inherit ';
  return out;
}

function macvlanText(data: Data): string {
  let out = '';
  for (const [key, v] of Object.entries(data)) {
    if (key === 'nopromisc' || key === 'nodst') out += `${key} `;
    else if (key === 'macaddr_count') out += `remotes (${v}) `;
    else if (key === 'macaddr_data') for (const mac of v as string[]) out += `${mac} `;
    else out += plain(key, v);
  }
  return out;
}

function tunText(data: Data): string {
  let out = '';
  for (const [key, v] of Object.entries(data)) {
    if (key === 'multi_queue') { if (v) out += 'multi_queue '; }
    else if (typeof v === 'boolean') out += `${key} ${onOff(v)} `;
    else out += plain(key, v);
  }
  return out;
}

const KIND_TEXT: Record<string, (data: Data) => string> = {
  bridge: bridgeText, vxlan: vxlanText, macvlan: macvlanText, macvtap: macvlanText, tun: tunText,
};

/** The text after `    KIND ` for a link's info_data (ip prints nothing for kinds without a print_opt: veth, ifb). */
export function kindDetailsText(kind: string, data: Data | undefined): string {
  if (!data) return '';
  const text = KIND_TEXT[kind];
  return text ? text(data) : Object.entries(data).map(([k, v]) => plain(k, v)).join('');
}

/** The text after `    KIND_slave ` for a port's info_slave_data. */
export function portDetailsText(masterKind: string, data: Data | undefined): string {
  if (!data) return '';
  if (masterKind === 'bridge') return bridgePortText(data);
  return Object.entries(data).map(([k, v]) => (typeof v === 'boolean' ? `${k} ${onOff(v)} ` : plain(k, v))).join('');
}
