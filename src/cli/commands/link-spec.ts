// `ip link add|set` words into nlkit's LinkSpec / LinkChanges (iproute2's
// iplink_parse and the per-kind parsers of ip/link_*.c, for the kinds nlkit
// builds).
import { existsSync } from 'node:fs';
import type { BridgePortOptions, LinkChanges, LinkSpec } from '../../route/index.js';
import { CliUsageError, duplicateArgument, invalidArgument, matches, parseUnsigned, Words } from '../args.js';
import { ipInvalid } from './prefix.js';

const ON_OFF_FLAGS: Record<string, 'promisc' | 'allmulticast' | 'multicast' | 'arp' | 'dynamic'> = {
  promisc: 'promisc', allmulticast: 'allmulticast', multicast: 'multicast', arp: 'arp', dynamic: 'dynamic',
};

function onOff(keyword: string, word: string): boolean {
  if (word === 'on') return true;
  if (word === 'off') return false;
  throw new CliUsageError(`Error: argument of "${keyword}" must be "on" or "off", not "${word}"`);
}

/** lib/utils.c parse_on_off(), which `carrier`, `protodown` and the bridge port words use (ip exits with 22 = EINVAL, or 1 for a port). */
function parseOnOff(keyword: string, word: string, status = 22): boolean {
  if (word === 'on') return true;
  if (word === 'off') return false;
  throw new CliUsageError(`Error: argument of "${keyword}" must be one of "off", "on", not "${word}"`, status);
}

const BRIDGE_SLAVE_USAGE = `Usage: ... bridge_slave [ fdb_flush ]
\t\t\t[ state STATE ]
\t\t\t[ priority PRIO ]
\t\t\t[ cost COST ]
\t\t\t[ guard {on | off} ]
\t\t\t[ hairpin {on | off} ]
\t\t\t[ fastleave {on | off} ]
\t\t\t[ root_block {on | off} ]
\t\t\t[ learning {on | off} ]
\t\t\t[ flood {on | off} ]
\t\t\t[ proxy_arp {on | off} ]
\t\t\t[ proxy_arp_wifi {on | off} ]
\t\t\t[ mcast_router MULTICAST_ROUTER ]
\t\t\t[ mcast_fast_leave {on | off} ]
\t\t\t[ mcast_flood {on | off} ]
\t\t\t[ bcast_flood {on | off} ]
\t\t\t[ mcast_to_unicast {on | off} ]
\t\t\t[ group_fwd_mask MASK ]
\t\t\t[ neigh_suppress {on | off} ]
\t\t\t[ vlan_tunnel {on | off} ]
\t\t\t[ isolated {on | off} ]
\t\t\t[ locked {on | off} ]
\t\t\t[ backup_port DEVICE ] [ nobackup_port ]`;

/** lib/utils.c get_integer(): a C int in strtol's base 0 (decimal, 0x hex, 0 octal), sign allowed. */
function integer(word: string, message: string): number {
  const m = /^\s*([+-]?)(0x[0-9a-f]+|0[0-7]*|[1-9][0-9]*)$/i.exec(word);
  const magnitude = m ? (/^0x/i.test(m[2]!) ? parseInt(m[2]!.slice(2), 16) : m[2]!.length > 1 && m[2]!.startsWith('0') ? parseInt(m[2]!, 8) : Number(m[2])) : NaN;
  const value = m?.[1] === '-' ? -magnitude : magnitude;
  if (!Number.isSafeInteger(value) || value < -0x80000000 || value > 0x7fffffff) throw ipInvalid(message, word);
  return value;
}

function group(word: string): number {
  return word === 'default' ? 0 : parseUnsigned(word, 'group');
}

/** The words iplink_parse reads before `type`, shared by add, set and a veth's peer. */
export interface CommonWords {
  name?: string;
  changes: LinkChanges & {
    index?: number; link?: string; numTxQueues?: number; numRxQueues?: number;
    /** `link-netnsid ID`, or `link-netns NAME` (its nsid is looked up, or assigned, when the command runs). */
    linkNetnsId?: number; linkNetns?: string;
  };
  type?: string;
  typeWords: string[];
}

/** Reads link words until `type` (whose arguments are returned unparsed). */
export function readLinkWords(words: Words, options: { nameIsDevice?: boolean; deviceGiven?: boolean } = {}): CommonWords {
  const out: CommonWords = { changes: {}, typeWords: [] };
  const c = out.changes as Record<string, unknown>;
  while (!words.done) {
    const word = words.take()!;
    switch (word) {
      case 'up': c.up = true; break;
      case 'down': c.up = false; break;
      case 'name': out.name = words.argument(word); if (options.nameIsDevice) c.name = out.name; break;
      case 'index': c.index = parseUnsigned(words.argument(word), 'index'); break;
      case 'link': c.link = words.argument(word); break;
      case 'address': c.address = words.argument(word); break;
      case 'mtu': c.mtu = parseUnsigned(words.argument(word), 'mtu'); break;
      case 'txqueuelen': case 'qlen': case 'txqlen': c.txqueuelen = parseUnsigned(words.argument(word), 'txqueuelen'); break;
      case 'netns': {
        const v = words.argument(word);
        // ip resolves the name while parsing: a missing one is a bad argument, before anything is sent.
        if (!/^\d+$/.test(v) && !existsSync(`/run/netns/${v}`)) throw new CliUsageError(`Error: argument "${v}" is wrong: Invalid "netns" value`, 255, true);
        c.netns = /^\d+$/.test(v) ? Number(v) : v;
        break;
      }
      case 'broadcast': case 'brd': c.broadcast = words.argument(word); break;
      case 'numtxqueues': c.numTxQueues = parseUnsigned(words.argument(word), word); break;
      case 'numrxqueues': c.numRxQueues = parseUnsigned(words.argument(word), word); break;
      case 'link-netns': case 'link-netnsid': {
        const v = words.argument(word);
        if (c.linkNetnsId !== undefined || c.linkNetns !== undefined) throw new CliUsageError(`Error: duplicate "link-netns/link-netnsid": "${v}" is the second value.`, 255);
        if (word === 'link-netnsid') c.linkNetnsId = integer(v, 'Invalid "link-netnsid" value\n');
        else if (existsSync(`/run/netns/${v}`)) c.linkNetns = v;
        else throw ipInvalid('Invalid "link-netns" value\n', v);
        break;
      }
      case 'parentdev':
        // ip sends IFLA_PARENT_DEV_NAME; the kernel reads it only for a wwan
        // link (the WWAN device to attach to) and ignores it on every other
        // kind and on setlink. nlkit builds no wwan links and the library has
        // no field for it, so the word is read and nothing is sent: the kernel
        // ends in the same state, as test/cli/parentdev.test.ts checks.
        words.argument(word);
        break;
      case 'trailers':
        // A word of ip's grammar the library has no field for: refused with a line that says so.
        throw new CliUsageError(`Error: nlkit does not set "${word}" on a link.`, 2);
      case 'group': c.group = group(words.argument(word)); break;
      case 'master': c.master = words.argument(word); break;
      case 'nomaster': c.master = null; break;
      case 'alias': c.alias = words.argument(word); break;
      case 'gso_max_size': c.gsoMaxSize = parseUnsigned(words.argument(word), word); break;
      case 'gso_max_segs': c.gsoMaxSegs = parseUnsigned(words.argument(word), word); break;
      case 'gro_max_size': c.groMaxSize = parseUnsigned(words.argument(word), word); break;
      case 'carrier': c.carrier = parseOnOff(word, words.argument(word)); break;
      case 'protodown': c.protodown = parseOnOff(word, words.argument(word)); break;
      case 'type':
        out.type = words.argument(word);
        out.typeWords = words.rest();
        break;
      case 'dev': {
        const dev = words.argument(word);
        // ip's iplink_parse: a second device (`link set lo up dev lo`) is duparg2 on its name.
        if (options.deviceGiven) throw duplicateArgument('dev', dev);
        out.name = dev;
        break;
      }
      default:
        if (ON_OFF_FLAGS[word]) c[ON_OFF_FLAGS[word]!] = onOff(word, words.argument(word));
        else if (out.name === undefined && !options.deviceGiven && !word.startsWith('-')) out.name = word;
        else throw duplicateArgument('dev', word);
    }
  }
  return out;
}

type KindParser = (words: Words, spec: Record<string, unknown>) => void;

function vethArgs(words: Words, spec: Record<string, unknown>): void {
  if (words.done) return;
  if (words.take() !== 'peer') throw new CliUsageError('Error: unknown veth argument; expected "peer"');
  const peer = readLinkWords(new Words(words.rest()));
  // Without a name the kernel calls the peer vethN. `up` goes to the kernel as given: it refuses a peer created up (ENOTCONN), as it does for ip.
  if (peer.name === undefined && peer.changes.group !== undefined) throw new CliUsageError('group cannot be used when creating devices.', 255);
  spec.peer = { ...(peer.name === undefined ? {} : { name: peer.name }), ...peer.changes };
}

const BRIDGE_NUMBERS: Record<string, string> = {
  forward_delay: 'forwardDelay', hello_time: 'helloTime', max_age: 'maxAge', ageing_time: 'ageingTime', priority: 'priority',
  vlan_default_pvid: 'vlanDefaultPvid', group_fwd_mask: 'groupFwdMask', mcast_router: 'mcastRouter', mcast_hash_max: 'mcastHashMax',
  mcast_last_member_count: 'mcastLastMemberCount', mcast_startup_query_count: 'mcastStartupQueryCount',
  mcast_last_member_interval: 'mcastLastMemberInterval', mcast_membership_interval: 'mcastMembershipInterval',
  mcast_querier_interval: 'mcastQuerierInterval', mcast_query_interval: 'mcastQueryInterval',
  mcast_query_response_interval: 'mcastQueryResponseInterval', mcast_startup_query_interval: 'mcastStartupQueryInterval',
  mcast_igmp_version: 'mcastIgmpVersion', mcast_mld_version: 'mcastMldVersion',
};
const BRIDGE_BOOLEANS: Record<string, string> = {
  stp_state: 'stp', vlan_filtering: 'vlanFiltering', vlan_stats_enabled: 'vlanStatsEnabled', mcast_snooping: 'mcastSnooping',
  mcast_querier: 'mcastQuerier', mcast_query_use_ifaddr: 'mcastQueryUseIfaddr', mcast_stats_enabled: 'mcastStatsEnabled',
  nf_call_iptables: 'nfCallIptables', nf_call_ip6tables: 'nfCallIp6tables', nf_call_arptables: 'nfCallArptables',
  mcast_vlan_snooping: 'mcastVlanSnooping', no_linklocal_learn: 'noLinklocalLearn',
};

function bridgeArgs(words: Words, spec: Record<string, unknown>): void {
  while (!words.done) {
    const word = words.take()!;
    if (word === 'fdb_flush') spec.fdbFlush = true;
    else if (BRIDGE_NUMBERS[word]) spec[BRIDGE_NUMBERS[word]!] = parseUnsigned(words.argument(word), word);
    else if (BRIDGE_BOOLEANS[word]) spec[BRIDGE_BOOLEANS[word]!] = parseUnsigned(words.argument(word), word, 1) === 1;
    else if (word === 'vlan_protocol') spec.vlanProtocol = words.argument(word);
    else if (word === 'group_address') spec.groupAddress = words.argument(word);
    else throw new CliUsageError(`bridge: unknown command "${word}"?`);
  }
}

function macvlanArgs(words: Words, spec: Record<string, unknown>): void {
  while (!words.done) {
    const word = words.take()!;
    if (word === 'mode') spec.mode = words.argument(word);
    else if (word === 'nopromisc') spec.nopromisc = true;
    else if (word === 'bcqueuelen') spec.bcqueuelen = parseUnsigned(words.argument(word), word);
    else throw new CliUsageError(`macvlan: unknown command "${word}"?`);
  }
}

function vxlanArgs(words: Words, spec: Record<string, unknown>): void {
  while (!words.done) {
    const word = words.take()!;
    switch (word) {
      case 'id': case 'vni': spec.id = parseUnsigned(words.argument(word), 'id', 0xffffff); break;
      case 'remote': spec.remote = words.argument(word); break;
      case 'group': spec.group = words.argument(word); break;
      case 'local': spec.local = words.argument(word); break;
      case 'dev': spec.link = words.argument(word); break;
      case 'dstport': spec.dstport = parseUnsigned(words.argument(word), word, 0xffff); break;
      case 'srcport': spec.srcport = [parseUnsigned(words.argument(word), word, 0xffff), parseUnsigned(words.argument(word), word, 0xffff)]; break;
      case 'ttl': case 'hoplimit': { const v = words.argument(word); spec.ttl = v === 'inherit' || v === 'auto' ? v : parseUnsigned(v, 'ttl', 255); break; }
      case 'tos': case 'dsfield': { const v = words.argument(word); spec.tos = v === 'inherit' ? v : parseUnsigned(v, 'tos', 255); break; }
      case 'df': spec.df = words.argument(word); break;
      case 'flowlabel': spec.label = parseUnsigned(words.argument(word), word); break;
      case 'learning': spec.learning = true; break;
      case 'nolearning': spec.learning = false; break;
      case 'proxy': spec.proxy = true; break;
      case 'noproxy': spec.proxy = false; break;
      case 'rsc': spec.rsc = true; break;
      case 'norsc': spec.rsc = false; break;
      case 'ageing': spec.ageing = parseUnsigned(words.argument(word), word); break;
      case 'maxaddress': spec.maxAddresses = parseUnsigned(words.argument(word), word); break;
      case 'udpcsum': spec.udpCsum = true; break;
      case 'noudpcsum': spec.udpCsum = false; break;
      case 'external': spec.external = true; break;
      case 'noexternal': spec.external = false; break;
      case 'gbp': spec.gbp = true; break;
      default: throw invalidArgument('unknown vxlan argument', word);
    }
  }
}

const KINDS: Record<string, KindParser> = {
  veth: vethArgs,
  bridge: bridgeArgs,
  macvlan: macvlanArgs,
  vxlan: vxlanArgs,
  ifb: (words) => {
    if (!words.done) throw invalidArgument('ifb takes no arguments', words.peek()!);
  },
};

/** Bridge port options' on/off words (iplink_bridge_slave.c), in ip's order for its abbreviations. */
const BRIDGE_PORT_FLAGS: readonly (readonly [string, keyof BridgePortOptions])[] = [
  ['hairpin', 'hairpin'], ['guard', 'guard'], ['root_block', 'rootBlock'], ['fastleave', 'fastLeave'], ['learning', 'learning'],
  ['flood', 'flood'], ['mcast_flood', 'mcastFlood'], ['bcast_flood', 'bcastFlood'], ['mcast_to_unicast', 'mcastToUnicast'],
  ['proxy_arp', 'proxyArp'], ['proxy_arp_wifi', 'proxyArpWifi'],
];

function u(word: string, max: number, message: string): number {
  if (!/^(\d+|0x[0-9a-f]+)$/i.test(word) || Number(word) > max) throw new CliUsageError(`Error: argument "${word}" is wrong: ${message}`, 255, true);
  return Number(word);
}

/** `ip link set DEV type bridge_slave ARGS` (bridge_slave_parse_opt) as BridgePortOptions. */
function bridgePortArgs(words: Words): BridgePortOptions {
  const o: Record<string, unknown> = {};
  while (!words.done) {
    const word = words.take()!;
    const flag = BRIDGE_PORT_FLAGS.find(([k]) => matches(word, k));
    if (matches(word, 'fdb_flush')) o.fdbFlush = true;
    else if (matches(word, 'state')) o.state = u(words.argument(word), 0xff, 'state is invalid');
    else if (matches(word, 'priority')) o.priority = u(words.argument(word), 0xffff, 'priority is invalid');
    else if (matches(word, 'cost')) o.cost = u(words.argument(word), 0xffffffff, 'cost is invalid');
    else if (flag) o[flag[1]] = parseOnOff(flag[0], words.argument(word), 1);
    else if (matches(word, 'mcast_router')) o.mcastRouter = u(words.argument(word), 0xff, 'invalid mcast_router');
    else if (matches(word, 'mcast_fast_leave')) o.fastLeave = parseOnOff('mcast_fast_leave', words.argument(word), 1);
    else if (matches(word, 'neigh_suppress')) o.neighSuppress = parseOnOff('neigh_suppress', words.argument(word), 1);
    else if (matches(word, 'group_fwd_mask')) o.groupFwdMask = u(words.argument(word), 0xffff, 'invalid group_fwd_mask');
    else if (matches(word, 'vlan_tunnel')) o.vlanTunnel = parseOnOff('vlan_tunnel', words.argument(word), 1);
    else if (matches(word, 'isolated')) o.isolated = parseOnOff('isolated', words.argument(word), 1);
    else if (matches(word, 'locked')) o.locked = parseOnOff('locked', words.argument(word), 1);
    else if (matches(word, 'backup_port')) o.backupPort = words.argument(word);
    else if (matches(word, 'nobackup_port')) o.backupPort = null;
    else throw new CliUsageError(`bridge_slave: unknown option "${word}"?\n${BRIDGE_SLAVE_USAGE}`);
  }
  return o as BridgePortOptions;
}

/**
 * `ip link add ...` words as a LinkSpec; a `link-netns NAME` stays in the
 * spec as `linkNetns` until the command turns it into `linkNetnsId`.
 */
export function parseLinkAdd(args: readonly string[]): LinkSpec {
  const parsed = readLinkWords(new Words(args));
  if (parsed.name === undefined) throw new CliUsageError('Not enough information: "dev" argument is required.');
  if (parsed.type === undefined) throw new CliUsageError('Not enough information: "type" argument is required');
  const parser = KINDS[parsed.type];
  if (!parser) throw new CliUsageError(`Error: nlkit does not create links of type "${parsed.type}" (it builds ${Object.keys(KINDS).join(', ')}).`, 2);
  const { link, master, linkNetnsId, linkNetns, ...rest } = parsed.changes;
  const spec: Record<string, unknown> = { name: parsed.name, type: parsed.type, ...rest };
  if (linkNetnsId !== undefined || linkNetns !== undefined) {
    // The kinds whose lower device the kernel looks up in IFLA_LINK_NETNSID's namespace.
    if (parsed.type !== 'macvlan' && parsed.type !== 'vxlan') {
      throw new CliUsageError(`Error: nlkit sends "${linkNetns !== undefined ? 'link-netns' : 'link-netnsid'}" only for types macvlan and vxlan, not "${parsed.type}".`, 2);
    }
    spec.linkNetnsId = linkNetnsId;
    spec.linkNetns = linkNetns;
  }
  if (master !== undefined && master !== null) spec.master = master;
  if (link !== undefined) {
    if (parsed.type === 'macvlan' || parsed.type === 'vxlan') spec.link = link;
    else throw new CliUsageError(`Error: "link" does not apply to type "${parsed.type}".`);
  }
  parser(new Words(parsed.typeWords), spec);
  return spec as unknown as LinkSpec;
}

/** `ip link set DEV ...` words: the device and its changes. */
export function parseLinkSet(args: readonly string[]): { dev: string; changes: LinkChanges; linkNetns?: string | number } {
  const words = new Words(args);
  let dev: string | undefined;
  if (words.peek() === 'dev') {
    words.take();
    dev = words.argument('dev');
  } else if (!words.done) dev = words.take();
  if (dev === undefined) throw new CliUsageError('Not enough of information: "dev" argument is required.');
  const parsed = readLinkWords(words, { nameIsDevice: true, deviceGiven: true });
  const { index: _index, link: _link, numTxQueues, numRxQueues, linkNetnsId, linkNetns, ...changes } = parsed.changes;
  if (numTxQueues !== undefined || numRxQueues !== undefined) {
    // ip sends them and the kernel ignores them: a link's queues are allocated at creation.
    throw new CliUsageError(`Error: "${numTxQueues !== undefined ? 'numtxqueues' : 'numrxqueues'}" is fixed when a link is created; the kernel ignores it on an existing link.`, 2);
  }
  if (parsed.type === 'bridge_slave') {
    (changes as LinkChanges).bridgePort = bridgePortArgs(new Words(parsed.typeWords));
  } else if (parsed.type !== undefined) {
    // The kind's own options, parsed as for `link add`, go to the kind's changelink.
    const parser = KINDS[parsed.type];
    if (!parser) throw new CliUsageError(`Error: nlkit's "link set" changes the options of types ${Object.keys(KINDS).join(', ')} and bridge_slave, not of "type ${parsed.type}".`, 2);
    const options: Record<string, unknown> = { type: parsed.type };
    parser(new Words(parsed.typeWords), options);
    (changes as LinkChanges).kind = options as unknown as LinkChanges['kind'];
  }
  return { dev, changes, ...(linkNetnsId !== undefined || linkNetns !== undefined ? { linkNetns: linkNetns ?? linkNetnsId! } : {}) };
}
