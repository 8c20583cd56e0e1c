// `ip link add|set` words into nlkit's LinkSpec / LinkChanges (iproute2's
// iplink_parse and the per-kind parsers of ip/link_*.c, for the kinds nlkit
// builds).
import { existsSync } from 'node:fs';
import type { BridgePortOptions, LinkChanges, LinkSpec } from '../../route/index.js';
import { CliUsageError, duplicateArgument, integerWord, invalidArgument, matches, strtoulWord, unsignedArgument, Words } from '../args.js';
import { dsfield } from './ip-names.js';
import { BRIDGE_USAGE, MACVLAN_USAGE, VXLAN_USAGE } from './link-kind-usage.js';
import { groupNumber } from './link-group.js';
import { lladdr } from './lladdr.js';
import { ipInvalid, parseAddress, prefixText } from './prefix.js';

/** What ip looks up or prints while it parses link words. */
export interface LinkWordsContext {
  /**
   * The kind of the link called `name` in the current namespace ('' for one
   * without a kind), undefined when there is none: ip resolves `master`,
   * `vrf`, vxlan's `dev` and a port's `backup_port` as it reads them.
   */
  linkKind?: (name: string) => string | undefined;
  /**
   * What ip sends for a device word it resolves with ll_name_to_index
   * (`master`, `link`, vxlan's `dev`, `backup_port`): the name, the index an
   * `ifN` word spells when no link has that name, undefined for neither.
   */
  deviceWord?: (name: string) => string | number | undefined;
  /** Prints one of ip's warnings (a vxlan without `dstport`). */
  warn?: (line: string) => void;
  /**
   * The nsid `link-netns NAME` stands for, assigned first when NAME has none
   * here (ip does both while it reads a veth peer's words); throws ip's
   * invalid-argument error when there is none to be had.
   */
  linkNetnsId?: (name: string) => number;
}

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

/** get_integer() or ip's invarg with `message`. */
function integer(word: string, message: string): number {
  const value = integerWord(word);
  if (value === undefined) throw ipInvalid(message, word);
  return value;
}

/** A link's `group` word: ip's invarg where rtnl_group_a2n refuses it. */
function group(word: string): number {
  const n = groupNumber(word);
  if (n === undefined) throw ipInvalid('Invalid "group" value\n', word);
  return n;
}

/** check_ifname(): what the kernel's dev_valid_name takes, less its `.`/`..` and `:` checks; `length` off for check_altifname. */
function validIfname(name: string, length = true): boolean {
  if (name === '' || (length && Buffer.byteLength(name) >= 16)) return false;
  for (let i = 0; i < name.length; i++) {
    const c = name.charCodeAt(i);
    if (c === 0x2f || c === 0x20 || (c >= 0x09 && c <= 0x0d)) return false;
  }
  return true;
}

/** get_operstate()'s names (ip compares them without case). */
const OPERSTATES = ['unknown', 'notpresent', 'down', 'lowerlayerdown', 'testing', 'dormant', 'up'];

/** The words iplink_parse reads before `type`, shared by add, set and a veth's peer. */
export interface CommonWords {
  name?: string;
  changes: LinkChanges & {
    index?: number; link?: string; numTxQueues?: number; numRxQueues?: number;
    /** `link-netnsid ID`, or `link-netns NAME` (its nsid is looked up, or assigned, when the command runs). */
    linkNetnsId?: number; linkNetns?: string;
  };
  /** The device word (`dev NAME` or a bare NAME), when `name` renames it. */
  dev?: string;
  type?: string;
  typeWords: string[];
}

/** A keyword of ip's grammar the library has no field for: its value checked as ip checks it, then refused with a line that says so. */
function notSet(word: string): CliUsageError {
  return new CliUsageError(`Error: nlkit does not set "${word}" on a link.`, 2);
}

/**
 * The keywords iplink_parse compares whole (true) or as abbreviations
 * (false), in its order: an abbreviation stands for the first it abbreviates.
 */
const LINK_KEYWORDS: readonly (readonly [string, boolean])[] = [
  ['up', true], ['down', true], ['name', true], ['index', true], ['link', false], ['address', false], ['broadcast', false],
  ['brd', true], ['txqueuelen', false], ['qlen', true], ['txqlen', false], ['mtu', true], ['xdpgeneric', true], ['xdpdrv', true],
  ['xdpoffload', true], ['xdp', true], ['netns', true], ['multicast', true], ['allmulticast', true], ['promisc', true],
  ['trailers', true], ['arp', true], ['carrier', true], ['vf', true], ['master', false], ['vrf', true], ['nomaster', false],
  ['dynamic', false], ['type', false], ['alias', false], ['group', true], ['mode', true], ['state', true], ['numtxqueues', false],
  ['numrxqueues', false], ['addrgenmode', false], ['link-netns', false], ['link-netnsid', false], ['protodown', true],
  ['protodown_reason', true], ['gso_max_size', true], ['gso_max_segs', true], ['gro_max_size', true], ['parentdev', true],
];

function linkKeyword(word: string): string | undefined {
  for (const [keyword, whole] of LINK_KEYWORDS) if (whole ? word === keyword : matches(word, keyword)) return keyword;
  return undefined;
}

/** Reads link words until `type` (whose arguments are returned unparsed). */
export function readLinkWords(words: Words, options: { nameIsDevice?: boolean; deviceGiven?: boolean; creating?: boolean } = {}, context: LinkWordsContext = {}): CommonWords {
  const out: CommonWords = { changes: {}, typeWords: [] };
  const c = out.changes as Record<string, unknown>;
  let nameGiven = false;
  while (!words.done) {
    const word = words.take()!;
    const keyword = linkKeyword(word);
    switch (keyword) {
      case 'up': c.up = true; break;
      case 'down': c.up = false; break;
      case 'name': {
        const v = words.argument(word);
        if (nameGiven) throw new CliUsageError(`Error: duplicate "name": "${v}" is the second value.`, 255, true);
        if (!validIfname(v)) throw ipInvalid('"name" not a valid ifname', v);
        nameGiven = true;
        out.name = v;
        if (options.nameIsDevice) c.name = v;
        break;
      }
      case 'index': {
        const v = words.argument(word);
        if (c.index !== undefined) throw new CliUsageError(`Error: duplicate "index": "${v}" is the second value.`, 255, true);
        // atoi(): the leading number, whatever follows it.
        const n = parseInt(v.trimStart(), 10);
        if (!(n > 0) || n > 0x7fffffff) throw ipInvalid('Invalid "index" value', v);
        c.index = n;
        break;
      }
      case 'link': c.link = words.argument(word); break;
      case 'address': c.address = lladdr(words.argument(word)); break;
      case 'broadcast': case 'brd': c.broadcast = lladdr(words.argument(word)); break;
      case 'txqueuelen': case 'qlen': case 'txqlen': {
        const v = words.argument(word);
        if (c.txqueuelen !== undefined) throw new CliUsageError(`Error: duplicate "txqueuelen": "${v}" is the second value.`, 255, true);
        // A negative length goes to the kernel as its u32, as ip sends it.
        c.txqueuelen = integer(v, 'Invalid "txqueuelen" value\n') >>> 0;
        break;
      }
      case 'mtu': {
        const v = words.argument(word);
        if (c.mtu !== undefined) throw new CliUsageError(`Error: duplicate "mtu": "${v}" is the second value.`, 255, true);
        c.mtu = integer(v, 'Invalid "mtu" value\n') >>> 0;
        break;
      }
      case 'netns': {
        const v = words.argument(word);
        if (c.netns !== undefined) throw new CliUsageError(`Error: duplicate "netns": "${v}" is the second value.`, 255, true);
        // ip resolves the name while parsing, else reads a pid: a missing name is a bad argument, before anything is sent.
        if (existsSync(`/run/netns/${v}`)) c.netns = v;
        else {
          const pid = integerWord(v);
          if (pid === undefined) throw ipInvalid('Invalid "netns" value\n', v);
          c.netns = pid;
        }
        break;
      }
      case 'multicast': case 'allmulticast': case 'promisc': case 'arp': c[keyword] = onOff(keyword, words.argument(word)); break;
      case 'trailers': onOff(keyword, words.argument(word)); throw notSet(keyword);
      case 'carrier': c.carrier = parseOnOff(word, words.argument(word)); break;
      case 'protodown': c.protodown = parseOnOff(word, words.argument(word)); break;
      case 'dynamic': c.dynamic = onOff('dynamic', words.argument(word)); break;
      case 'master': {
        const v = words.argument(word);
        const device = context.deviceWord ? context.deviceWord(v) : v;
        if (device === undefined) throw ipInvalid('Device does not exist\n', v);
        c.master = device;
        break;
      }
      case 'vrf': {
        const v = words.argument(word);
        if (context.linkKind && context.linkKind(v) !== 'vrf') throw ipInvalid('Not a valid VRF name\n', v);
        c.master = v;
        break;
      }
      case 'nomaster': c.master = null; break;
      case 'alias': {
        const v = words.argument(word);
        if (Buffer.byteLength(v) >= 256) throw ipInvalid('alias too long\n', v);
        c.alias = v;
        break;
      }
      case 'group': {
        const v = words.argument(word);
        if (c.group !== undefined) throw new CliUsageError(`Error: duplicate "group": "${v}" is the second value.`, 255, true);
        c.group = group(v);
        break;
      }
      case 'mode': {
        const v = words.argument(word);
        if (v.toLowerCase() !== 'default' && v.toLowerCase() !== 'dormant') throw ipInvalid('Invalid link mode\n', v);
        throw notSet(keyword);
      }
      case 'state': {
        const v = words.argument(word);
        if (!OPERSTATES.includes(v.toLowerCase())) throw ipInvalid('Invalid operstate\n', v);
        throw notSet(keyword);
      }
      case 'numtxqueues': case 'numrxqueues': {
        const v = words.argument(word);
        const key = keyword === 'numtxqueues' ? 'numTxQueues' : 'numRxQueues';
        if (c[key] !== undefined) throw new CliUsageError(`Error: duplicate "${keyword}": "${v}" is the second value.`, 255, true);
        c[key] = integer(v, `Invalid "${keyword}" value\n`) >>> 0;
        break;
      }
      case 'addrgenmode': {
        const v = words.argument(word);
        if (!['eui64', 'none', 'stable_secret', 'random'].includes(v.toLowerCase())) throw ipInvalid('Invalid address generation mode\n', v);
        throw notSet(keyword);
      }
      case 'link-netns': case 'link-netnsid': {
        const v = words.argument(word);
        if (c.linkNetnsId !== undefined || c.linkNetns !== undefined) throw new CliUsageError(`Error: duplicate "link-netns/link-netnsid": "${v}" is the second value.`, 255, true);
        if (keyword === 'link-netnsid') c.linkNetnsId = integer(v, 'Invalid "link-netnsid" value\n');
        else if (existsSync(`/run/netns/${v}`)) c.linkNetns = v;
        else throw ipInvalid('Invalid "link-netns" value\n', v);
        break;
      }
      case 'gso_max_size': c.gsoMaxSize = unsignedArgument(words.argument(word), 0xffffffff, 'Invalid "gso_max_size" value\n'); break;
      case 'gso_max_segs': c.gsoMaxSegs = unsignedArgument(words.argument(word), 0xffff, 'Invalid "gso_max_segs" value\n'); break;
      case 'gro_max_size': c.groMaxSize = unsignedArgument(words.argument(word), 0xffffffff, 'Invalid "gro_max_size" value\n'); break;
      case 'parentdev':
        // ip sends IFLA_PARENT_DEV_NAME; the kernel reads it only for a wwan
        // link (the WWAN device to attach to) and ignores it on every other
        // kind and on setlink. nlkit builds no wwan links and the library has
        // no field for it, so the word is read and nothing is sent: the kernel
        // ends in the same state, as test/cli/parentdev.test.ts checks.
        words.argument(word);
        break;
      case 'xdpgeneric': case 'xdpdrv': case 'xdpoffload': case 'xdp': case 'vf': case 'protodown_reason':
        throw notSet(keyword);
      case 'type':
        out.type = words.argument(word);
        out.typeWords = words.rest();
        break;
      default: {
        if (matches(word, 'help')) throw new CliUsageError(LINK_USAGE.slice(0, -1), 255, true);
        const dev = word === 'dev' ? words.argument(word) : word;
        // ip's iplink_parse: a second device (`link set lo up dev lo`) is duparg2 on its name.
        if (options.deviceGiven || out.dev !== undefined) throw duplicateArgument('dev', dev);
        if (!validIfname(dev, false)) throw ipInvalid('"dev" not a valid ifname', dev);
        out.dev = dev;
        if (!nameGiven) out.name = dev;
      }
    }
  }
  // iplink_parse: a new link (or veth peer) takes one name, by `name` or as the bare word, not both.
  if (options.creating && nameGiven && out.dev !== undefined) throw new CliUsageError('both "name" and "dev" cannot be used when creating devices.', 255, true);
  return out;
}

export const LINK_USAGE = 'Usage: nlkit link add [link DEV] [name] NAME [mtu MTU] [address LLADDR] ... type TYPE [ARGS]\n       nlkit link delete DEV\n       nlkit link set DEV [up|down] [mtu MTU] [name NAME] [master DEV|nomaster] ...\n       nlkit link show [DEV] [up] [master DEV] [type TYPE] [group GROUP]\n';

type KindParser = (words: Words, spec: Record<string, unknown>, context: LinkWordsContext, creating: boolean) => void;

/** ETH_ALEN: veth_validate refuses a peer address of any other length. */
const ETHERNET_ADDRESS_BYTES = 6;
/** ETH_MIN_MTU and ETH_MAX_MTU: veth_validate refuses a peer MTU outside them. */
const VETH_MTU = { min: 68, max: 65535 } as const;
/** The kernel's limit on a new link's queues (rtnl_create_link refuses 0 and more). */
const MAX_QUEUES = 4096;

/**
 * `type veth peer WORDS` as veth_parse_opt reads it: WORDS are link words
 * (iplink_parse again), written into the peer's own ifinfomsg and attributes.
 * The kernel makes the peer from them as it makes any new link
 * (rtnl_create_link, then rtnl_configure_link for the header's flags), so
 * some reach the peer and some are read, checked and then ignored there, as
 * the comments below say; nlkit checks those as ip does and sends nothing for them.
 */
function vethArgs(words: Words, spec: Record<string, unknown>, context: LinkWordsContext): void {
  if (words.done) return;
  // ip prints its usage on standard output here, and nothing on standard error.
  if (words.take() !== 'peer') throw new CliUsageError('Usage: nlkit link <options> type veth [peer <options>]\nTo get <options> type \'nlkit link add help\'');
  const peer = readLinkWords(words, { creating: true }, context);
  if (peer.type !== undefined) throw new CliUsageError(`Error: duplicate "type": "${peer.type}" is the second value.`, 255, true);
  if (peer.name === undefined && peer.changes.group !== undefined) throw new CliUsageError('group cannot be used when creating devices.', 255);
  const {
    // Read and checked while parsing; the kernel does not enslave a peer (only the new link's IFLA_MASTER counts).
    master: _master,
    // IFLA_IFALIAS, IFLA_CARRIER, IFLA_PROTO_DOWN: rtnl_create_link reads none of them.
    alias: _alias, carrier: _carrier, protodown: _protodown,
    // IFLA_LINK_NETNSID: the kernel reads the peer's namespace from IFLA_NET_NS_* only.
    linkNetnsId: _linkNetnsId, linkNetns,
    link, index, up, netns, address, mtu, numTxQueues, numRxQueues, ...kept
  } = peer.changes;
  // ip looks up (and, when it has none, assigns) the nsid as it reads the word, and sends it to no effect.
  if (linkNetns !== undefined) context.linkNetnsId?.(linkNetns);
  // iplink_parse looks the peer's `link` up after its words; veth ignores IFLA_LINK.
  if (link !== undefined && context.deviceWord && context.deviceWord(String(link)) === undefined) throw new CliUsageError(`Cannot find device "${link}"`);
  const out: Record<string, unknown> = { ...(peer.name === undefined ? {} : { name: peer.name }), ...kept };
  // veth_newlink gives the peer the index asked for only when the new link asks for one too.
  if (index !== undefined && spec.index !== undefined) out.index = index;
  // The kernel's refusals below come in its order: the peer's address and MTU, its namespace, its queues, its broadcast address.
  if (address !== undefined) {
    // veth_validate: EINVAL for a peer address that is no Ethernet address.
    if ((address.length + 1) / 3 !== ETHERNET_ADDRESS_BYTES) throw new CliUsageError('RTNETLINK answers: Invalid argument', 2);
    out.address = address;
  }
  if (mtu !== undefined) {
    // veth_validate again; ip sends a negative MTU as its u32, which the library does not take.
    if (mtu < VETH_MTU.min || mtu > VETH_MTU.max) throw new CliUsageError('RTNETLINK answers: Invalid argument', 2);
    out.mtu = mtu;
  }
  if (typeof netns === 'number') {
    // `netns PID` (no such name under /run/netns): ip sends the number, and the kernel finds no process by it (ESRCH).
    if (netns <= 0 || !existsSync(`/proc/${netns}/ns/net`)) throw new CliUsageError('RTNETLINK answers: No such process', 2);
    out.netns = { pid: netns };
  } else if (netns !== undefined) out.netns = netns;
  for (const [queues, value, key] of [['transmit', numTxQueues, 'numTxQueues'], ['receive', numRxQueues, 'numRxQueues']] as const) {
    if (value === undefined) continue;
    if (value < 1 || value > MAX_QUEUES) throw new CliUsageError(`Error: Invalid number of ${queues} queues.`, 2);
    out[key] = value;
  }
  if (out.broadcast !== undefined) {
    // The kernel refuses a broadcast address shorter than the link's and
    // copies a longer one whole, of which the link has its first 6 bytes:
    // the library's 6-byte address ends alike.
    const bytes = (out.broadcast as string).split(':');
    if (bytes.length < ETHERNET_ADDRESS_BYTES) throw new CliUsageError('RTNETLINK answers: Invalid argument', 2);
    out.broadcast = bytes.slice(0, ETHERNET_ADDRESS_BYTES).join(':');
  }
  if (up === true) {
    // ip asks for IFF_UP in the peer's header, and the kernel's veth_open
    // refuses it (the pair is not joined yet) and undoes the creation. The
    // library brings a peer up after creating it instead, which would leave
    // the pair in place; nlkit answers with the kernel's refusal and sends nothing.
    throw new CliUsageError('RTNETLINK answers: Transport endpoint is not connected', 2);
  }
  spec.peer = out;
}

/**
 * bridge_parse_opt's words in its order (an abbreviation stands for the
 * first it abbreviates; `true`: compared whole), BridgeSpec's name, and how ip
 * reads the value: a u8/u16/u32/u64, or a u8/u32 the kernel takes as a
 * boolean (any non-zero value is on).
 */
const BRIDGE_WORDS: readonly (readonly [string, boolean, string, 'u8' | 'u16' | 'u32' | 'u64' | 'flag8' | 'flag32' | 'protocol' | 'lladdr' | 'none'])[] = [
  ['forward_delay', false, 'forwardDelay', 'u32'], ['hello_time', false, 'helloTime', 'u32'], ['max_age', false, 'maxAge', 'u32'],
  ['ageing_time', false, 'ageingTime', 'u32'], ['stp_state', false, 'stp', 'flag32'], ['priority', false, 'priority', 'u16'],
  ['vlan_filtering', false, 'vlanFiltering', 'flag8'], ['vlan_protocol', false, 'vlanProtocol', 'protocol'],
  ['group_fwd_mask', false, 'groupFwdMask', 'u16'], ['group_address', false, 'groupAddress', 'lladdr'],
  ['no_linklocal_learn', true, 'noLinklocalLearn', 'flag8'], ['fdb_flush', false, 'fdbFlush', 'none'],
  ['vlan_default_pvid', false, 'vlanDefaultPvid', 'u16'], ['vlan_stats_enabled', false, 'vlanStatsEnabled', 'flag8'],
  ['vlan_stats_per_port', false, 'vlanStatsPerPort', 'flag8'], ['mcast_router', false, 'mcastRouter', 'u8'],
  ['mcast_snooping', false, 'mcastSnooping', 'flag8'], ['mcast_vlan_snooping', true, 'mcastVlanSnooping', 'flag8'],
  ['mcast_query_use_ifaddr', false, 'mcastQueryUseIfaddr', 'flag8'], ['mcast_querier', false, 'mcastQuerier', 'flag8'],
  ['mcast_hash_elasticity', false, 'mcastHashElasticity', 'u32'], ['mcast_hash_max', false, 'mcastHashMax', 'u32'],
  ['mcast_last_member_count', false, 'mcastLastMemberCount', 'u32'], ['mcast_startup_query_count', false, 'mcastStartupQueryCount', 'u32'],
  ['mcast_last_member_interval', false, 'mcastLastMemberInterval', 'u64'], ['mcast_membership_interval', false, 'mcastMembershipInterval', 'u64'],
  ['mcast_querier_interval', false, 'mcastQuerierInterval', 'u64'], ['mcast_query_interval', false, 'mcastQueryInterval', 'u64'],
  ['mcast_query_response_interval', false, 'mcastQueryResponseInterval', 'u64'],
  ['mcast_startup_query_interval', false, 'mcastStartupQueryInterval', 'u64'], ['mcast_stats_enabled', false, 'mcastStatsEnabled', 'flag8'],
  ['mcast_igmp_version', false, 'mcastIgmpVersion', 'u8'], ['mcast_mld_version', false, 'mcastMldVersion', 'u8'],
  ['nf_call_iptables', false, 'nfCallIptables', 'flag8'], ['nf_call_ip6tables', false, 'nfCallIp6tables', 'flag8'],
  ['nf_call_arptables', false, 'nfCallArptables', 'flag8'],
];
/** Words the library's BridgeSpec has no field for. */
const BRIDGE_UNSET = new Set(['vlanStatsPerPort', 'mcastHashElasticity']);
const LIMITS = { u8: 0xff, u16: 0xffff, u32: 0xffffffff, u64: Number.MAX_SAFE_INTEGER, flag8: 0xff, flag32: 0xffffffff };

function bridgeArgs(words: Words, spec: Record<string, unknown>): void {
  while (!words.done) {
    const word = words.take()!;
    const entry = BRIDGE_WORDS.find(([k, whole]) => (whole ? word === k : matches(word, k)));
    if (!entry) {
      if (matches(word, 'help')) throw new CliUsageError(BRIDGE_USAGE, 1);
      throw new CliUsageError(`bridge: unknown command "${word}"?\n${BRIDGE_USAGE}`);
    }
    const [keyword, , name, form] = entry;
    if (form === 'none') { spec[name] = true; continue; }
    const v = words.argument(word);
    let value: unknown;
    if (form === 'lladdr') value = lladdr(v);
    else if (form === 'protocol') {
      // ll_proto_a2n: the names ip knows for the two the kernel takes, or a number in hex.
      const known: Record<string, string> = { '802.1Q': '802.1Q', '802.1ad': '802.1ad', vlan: '802.1Q', '8021q': '802.1Q', '802_1Q': '802.1Q', '802_1ad': '802.1ad' };
      const n = strtoulWord(v, 16);
      if (known[v] !== undefined) value = known[v];
      else if (n === 0x8100) value = '802.1Q';
      else if (n === 0x88a8) value = '802.1ad';
      else if (n >= 0 && n <= 0xffff) throw new CliUsageError(`Error: nlkit sets "vlan_protocol" to 802.1Q or 802.1ad, not ${v}.`, 2);
      else throw invalidArgument(`invalid ${keyword}`, v);
    } else {
      const n = strtoulWord(v);
      if (n < 0 || n > LIMITS[form]) throw invalidArgument(`invalid ${keyword}`, v);
      value = form === 'flag8' || form === 'flag32' ? n !== 0 : n;
    }
    if (BRIDGE_UNSET.has(name)) throw new CliUsageError(`Error: nlkit does not set "${keyword}" on a bridge.`, 2);
    spec[name] = value;
  }
}

const MACVLAN_MODES = ['private', 'vepa', 'bridge', 'passthru', 'source'];

function macvlanArgs(words: Words, spec: Record<string, unknown>): void {
  while (!words.done) {
    const word = words.take()!;
    if (matches(word, 'mode')) {
      const v = words.argument(word);
      if (!MACVLAN_MODES.includes(v)) throw new CliUsageError(`Error: argument of "mode" must be "private", "vepa", "bridge", "passthru" or "source", not "${v}"`);
      spec.mode = v;
    } else if (matches(word, 'flag')) {
      const v = words.argument(word);
      if (v === 'nopromisc') spec.nopromisc = true;
      else if (v === 'nodst') throw new CliUsageError('Error: nlkit does not set macvlan\'s "nodst".', 2);
      else if (v !== 'null') throw new CliUsageError(`Error: argument of "flag" must be "nopromisc", "nodst" or "null", not "${v}"`);
    } else if (matches(word, 'macaddr')) {
      throw new CliUsageError('Error: nlkit does not set macvlan\'s "macaddr".', 2);
    } else if (matches(word, 'nopromisc')) spec.nopromisc = true;
    else if (matches(word, 'nodst')) throw new CliUsageError('Error: nlkit does not set macvlan\'s "nodst".', 2);
    else if (matches(word, 'bcqueuelen')) {
      const v = words.argument(word);
      const n = strtoulWord(v);
      if (n < 0 || n > 0xffffffff) throw new CliUsageError(`Error: argument of "bcqueuelen" must be a positive integer [0-4294967295], not "${v}"`);
      spec.bcqueuelen = n;
    } else if (matches(word, 'help')) throw new CliUsageError(MACVLAN_USAGE);
    else throw new CliUsageError(`macvlan: unknown option "${word}"?\n${MACVLAN_USAGE}`);
  }
  if (spec.nopromisc && spec.mode !== 'passthru') throw new CliUsageError(`macvlan: nopromisc flag only valid in passthru mode\n${MACVLAN_USAGE}`);
}

/** vxlan_parse_opt's words in its order: the first an abbreviation abbreviates wins (`d` is dev, `l` local). */
const VXLAN_WORDS = [
  'id', 'vni', 'group', 'remote', 'local', 'dev', 'ttl', 'hoplimit', 'tos', 'dsfield', 'df', 'label', 'flowlabel', 'ageing',
  'maxaddress', 'port', 'srcport', 'dstport', 'nolearning', 'learning', 'noproxy', 'proxy', 'norsc', 'rsc', 'nol2miss', 'l2miss',
  'nol3miss', 'l3miss', 'udpcsum', 'noudpcsum', 'udp6zerocsumtx', 'noudp6zerocsumtx', 'udp6zerocsumrx', 'noudp6zerocsumrx',
  'remcsumtx', 'noremcsumtx', 'remcsumrx', 'noremcsumrx', 'external', 'noexternal', 'gbp', 'gpe',
];
/** VxlanSpec's boolean for each on/off word. */
const VXLAN_SWITCHES = new Map<string, readonly [string, boolean]>([
  ['nolearning', ['learning', false]], ['learning', ['learning', true]], ['noproxy', ['proxy', false]], ['proxy', ['proxy', true]],
  ['norsc', ['rsc', false]], ['rsc', ['rsc', true]], ['nol2miss', ['l2miss', false]], ['l2miss', ['l2miss', true]],
  ['nol3miss', ['l3miss', false]], ['l3miss', ['l3miss', true]], ['udpcsum', ['udpCsum', true]], ['noudpcsum', ['udpCsum', false]],
  ['udp6zerocsumtx', ['udp6ZeroCsumTx', true]], ['noudp6zerocsumtx', ['udp6ZeroCsumTx', false]],
  ['udp6zerocsumrx', ['udp6ZeroCsumRx', true]], ['noudp6zerocsumrx', ['udp6ZeroCsumRx', false]],
  ['external', ['external', true]], ['noexternal', ['external', false]], ['gbp', ['gbp', true]],
]);
/** The attribute each word sets, for ip's check_duparg (a word's `no` form shares it). */
const VXLAN_ATTRIBUTE: Record<string, string> = {
  vni: 'id', hoplimit: 'ttl', dsfield: 'tos', label: 'flowlabel', port: 'srcport', remote: 'group',
};

/** IPv4 224.0.0.0/4 or IPv6 ff00::/8: what ip's is_addrtype_inet_multi tests. */
function isMulticast(address: string): boolean {
  if (address.includes(':')) return address.toLowerCase().startsWith('ff');
  const first = Number(address.split('.')[0]);
  return first >= 224 && first <= 239;
}

function vxlanArgs(words: Words, spec: Record<string, unknown>, context: LinkWordsContext, creating: boolean): void {
  const seen = new Set<string>();
  // get_addr's family: local's is group/remote's and the other way round.
  let localFamily: 0 | 4 | 6 = 0;
  let remoteFamily: 0 | 4 | 6 = 0;
  let dstport = false;
  while (!words.done) {
    const word = words.take()!;
    const keyword = VXLAN_WORDS.find((k) => matches(word, k));
    if (keyword === undefined) {
      if (word === 'vnifilter' || word === 'novnifilter') throw new CliUsageError(`Error: nlkit does not set vxlan's "${word}".`, 2);
      if (matches(word, 'help')) throw new CliUsageError(VXLAN_USAGE);
      throw new CliUsageError(`vxlan: unknown command "${word}"?\n${VXLAN_USAGE}`);
    }
    const attribute = VXLAN_SWITCHES.get(keyword)?.[0] ?? VXLAN_ATTRIBUTE[keyword] ?? keyword;
    const switched = VXLAN_SWITCHES.get(keyword);
    if (switched) {
      if (seen.has(attribute)) throw duplicateArgument(word, word);
      seen.add(attribute);
      spec[switched[0]] = switched[1];
      continue;
    }
    const daddr = (spec.group ?? spec.remote) as string | undefined;
    if ((keyword === 'group' || keyword === 'remote') && daddr !== undefined && (keyword === 'group') !== isMulticast(daddr)) {
      throw new CliUsageError('vxlan: both group and remote cannot be specified');
    }
    if (keyword.startsWith('remcsum') || keyword.startsWith('noremcsum') || keyword === 'gpe') {
      throw new CliUsageError(`Error: nlkit does not set vxlan's "${keyword}".`, 2);
    }
    const v = words.argument(word);
    if (seen.has(attribute)) throw duplicateArgument(attribute === 'group' ? keyword : attribute, v);
    seen.add(attribute);
    switch (keyword) {
      case 'id': case 'vni': spec.id = unsignedArgument(v, 0xffffff, 'invalid id'); break;
      case 'group': case 'remote': {
        const address = parseAddress(v, localFamily);
        const text = prefixText(v, address);
        remoteFamily = address.family;
        if (address.family === 0 || isMulticast(text) !== (keyword === 'group')) throw invalidArgument(`invalid ${keyword} address`, v);
        delete spec.group;
        delete spec.remote;
        spec[keyword] = text;
        break;
      }
      case 'local': {
        const address = parseAddress(v, remoteFamily);
        const text = prefixText(v, address);
        localFamily = address.family;
        if (address.family === 0 || isMulticast(text)) throw invalidArgument('invalid local address', v);
        spec.local = text;
        break;
      }
      case 'dev': {
        const device = context.deviceWord ? context.deviceWord(v) : v;
        if (device === undefined) throw new CliUsageError(`Cannot find device "${v}"`, 255, true);
        spec.link = device;
        break;
      }
      case 'ttl': case 'hoplimit': {
        if (v === 'inherit' || v === 'auto') { spec.ttl = v; break; }
        const n = strtoulWord(v);
        if (n < 0 || n > 0xffffffff) throw invalidArgument('invalid TTL', v);
        if (n > 255) throw invalidArgument('TTL must be <= 255', v);
        spec.ttl = n;
        break;
      }
      case 'tos': case 'dsfield': {
        if (v === 'inherit') { spec.tos = v; break; }
        const tos = dsfield(v);
        if (tos < 0) throw invalidArgument('bad TOS value', v);
        spec.tos = tos;
        break;
      }
      case 'df':
        if (v !== 'unset' && v !== 'set' && v !== 'inherit') throw invalidArgument('DF must be \'unset\', \'set\' or \'inherit\'', v);
        spec.df = v;
        break;
      case 'label': case 'flowlabel': spec.label = unsignedArgument(v, 0xfffff, 'invalid flowlabel'); break;
      case 'ageing': spec.ageing = v === 'none' ? 0 : unsignedArgument(v, 0xffffffff, 'ageing timer'); break;
      case 'maxaddress': spec.maxAddresses = v === 'unlimited' ? 0 : unsignedArgument(v, 0xffffffff, 'max addresses'); break;
      case 'port': case 'srcport': {
        const low = unsignedArgument(v, 0xffff, 'min port');
        const high = unsignedArgument(words.argument(word), 0xffff, 'max port');
        if (low || high) spec.srcport = [low, high];
        break;
      }
      case 'dstport': spec.dstport = unsignedArgument(v, 0xffff, 'dst port'); dstport = true; break;
    }
  }
  const external = spec.external === true;
  if (external && seen.has('id')) throw new CliUsageError('vxlan: both \'external\' and vni cannot be specified');
  if (!external && !seen.has('id') && creating) throw new CliUsageError('vxlan: missing virtual network identifier');
  if (spec.group !== undefined && spec.link === undefined) {
    throw new CliUsageError('vxlan: \'group\' requires \'dev\' to be specified');
  }
  if (!dstport && creating) {
    context.warn?.('vxlan: destination port not specified\nWill use Linux kernel default (non-standard value)\nUse \'dstport 4789\' to get the IANA assigned value\nUse \'dstport 0\' to get default and quiet this message\n');
  }
}

const KINDS: Record<string, KindParser> = {
  veth: vethArgs,
  bridge: bridgeArgs,
  macvlan: macvlanArgs,
  vxlan: vxlanArgs,
  // ip's ifb has no parse_opt: iplink_modify ignores whatever follows the type.
  ifb: () => undefined,
};

/** Bridge port options' on/off words (iplink_bridge_slave.c), in ip's order for its abbreviations. */
const BRIDGE_PORT_FLAGS: readonly (readonly [string, keyof BridgePortOptions])[] = [
  ['hairpin', 'hairpin'], ['guard', 'guard'], ['root_block', 'rootBlock'], ['fastleave', 'fastLeave'], ['learning', 'learning'],
  ['flood', 'flood'], ['mcast_flood', 'mcastFlood'], ['bcast_flood', 'bcastFlood'], ['mcast_to_unicast', 'mcastToUnicast'],
  ['proxy_arp', 'proxyArp'], ['proxy_arp_wifi', 'proxyArpWifi'],
];

/** `ip link set DEV type bridge_slave ARGS` (bridge_slave_parse_opt) as BridgePortOptions. */
function bridgePortArgs(words: Words, context: LinkWordsContext): BridgePortOptions {
  const o: Record<string, unknown> = {};
  while (!words.done) {
    const word = words.take()!;
    const flag = BRIDGE_PORT_FLAGS.find(([k]) => matches(word, k));
    if (matches(word, 'fdb_flush')) o.fdbFlush = true;
    else if (matches(word, 'state')) o.state = unsignedArgument(words.argument(word), 0xff, 'state is invalid');
    else if (matches(word, 'priority')) o.priority = unsignedArgument(words.argument(word), 0xffff, 'priority is invalid');
    else if (matches(word, 'cost')) o.cost = unsignedArgument(words.argument(word), 0xffffffff, 'cost is invalid');
    else if (flag) o[flag[1]] = parseOnOff(flag[0], words.argument(word), 1);
    else if (matches(word, 'mcast_router')) o.mcastRouter = unsignedArgument(words.argument(word), 0xff, 'invalid mcast_router');
    else if (matches(word, 'mcast_fast_leave')) o.fastLeave = parseOnOff('mcast_fast_leave', words.argument(word), 1);
    else if (matches(word, 'neigh_suppress')) o.neighSuppress = parseOnOff('neigh_suppress', words.argument(word), 1);
    else if (matches(word, 'group_fwd_mask')) o.groupFwdMask = unsignedArgument(words.argument(word), 0xffff, 'invalid group_fwd_mask');
    else if (matches(word, 'vlan_tunnel')) o.vlanTunnel = parseOnOff('vlan_tunnel', words.argument(word), 1);
    else if (matches(word, 'isolated')) o.isolated = parseOnOff('isolated', words.argument(word), 1);
    else if (matches(word, 'locked')) o.locked = parseOnOff('locked', words.argument(word), 1);
    else if (matches(word, 'backup_port')) {
      const v = words.argument(word);
      const device = context.deviceWord ? context.deviceWord(v) : v;
      if (device === undefined) throw ipInvalid('Device does not exist\n', v);
      o.backupPort = device;
    } else if (matches(word, 'nobackup_port')) o.backupPort = null;
    else if (matches(word, 'help')) throw new CliUsageError(BRIDGE_SLAVE_USAGE);
    else throw new CliUsageError(`bridge_slave: unknown option "${word}"?\n${BRIDGE_SLAVE_USAGE}`);
  }
  return o as BridgePortOptions;
}

/** The kinds ip 6.1 has a link_util for (its iplink_*.c, link_*.c): ip reads or ignores the words after them; after any other kind, they are garbage. */
const IP_LINK_KINDS = new Set([
  'amt', 'bareudp', 'batadv', 'bond', 'bond_slave', 'bridge', 'bridge_slave', 'can', 'dsa', 'dummy', 'erspan', 'geneve', 'gre', 'gretap',
  'gtp', 'hsr', 'ifb', 'ip6erspan', 'ip6gre', 'ip6gretap', 'ip6tnl', 'ipip', 'ipoib', 'ipvlan', 'ipvtap', 'macsec', 'macvlan', 'macvtap',
  'netdevsim', 'nlmon', 'rmnet', 'sit', 'team', 'vcan', 'veth', 'virt_wifi', 'vlan', 'vrf', 'vrf_slave', 'vti', 'vti6', 'vxcan', 'vxlan',
  'wwan', 'xfrm',
]);

/**
 * `ip link add ...` words as a LinkSpec; a `link-netns NAME` stays in the
 * spec as `linkNetns` until the command turns it into `linkNetnsId`.
 */
export function parseLinkAdd(args: readonly string[], context: LinkWordsContext = {}): LinkSpec {
  const parsed = readLinkWords(new Words(args), { creating: true }, context);
  // iplink_parse looks the lower device up once its words are read: before the name, the kind and the kind's own words are checked.
  const { link } = parsed.changes;
  const lower = link === undefined || !context.deviceWord ? link : context.deviceWord(String(link));
  if (link !== undefined && lower === undefined) throw new CliUsageError(`Cannot find device "${link}"`);
  if (parsed.name === undefined) throw new CliUsageError('Not enough information: "dev" argument is required.');
  if (parsed.type === undefined) throw new CliUsageError('Not enough information: "type" argument is required');
  const parser = KINDS[parsed.type];
  if (!parser && parsed.typeWords.length > 0 && !IP_LINK_KINDS.has(parsed.type)) {
    // ip has no parser for such a kind, so the words after it are left over.
    if (matches(parsed.typeWords[0]!, 'help')) throw new CliUsageError(LINK_USAGE.slice(0, -1), 255, true);
    throw new CliUsageError(`Garbage instead of arguments "${parsed.typeWords[0]} ...". Try "nlkit link help".`);
  }
  if (!parser) throw new CliUsageError(`Error: nlkit does not create links of type "${parsed.type}" (it builds ${Object.keys(KINDS).join(', ')}).`, 2);
  // `alias` is read and checked, not set: ip sends IFLA_IFALIAS with the new link and the kernel ignores it there.
  const { link: _link, master, linkNetnsId, linkNetns, alias: _alias, ...rest } = parsed.changes;
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
    if (parsed.type === 'macvlan' || parsed.type === 'vxlan') spec.link = lower;
    else throw new CliUsageError(`Error: "link" does not apply to type "${parsed.type}".`);
  }
  parser(new Words(parsed.typeWords), spec, context, true);
  return spec as unknown as LinkSpec;
}

/** `ip link set DEV ...` words: the device and its changes. */
export function parseLinkSet(args: readonly string[], context: LinkWordsContext = {}): { dev: string; changes: LinkChanges; linkNetns?: string | number } {
  // As in iplink_parse, the device is the word that is no keyword (or follows `dev`), wherever it stands: `set d ma2` is `dynamic ma2`.
  const parsed = readLinkWords(new Words(args), { nameIsDevice: true }, context);
  const dev = parsed.dev;
  // iplink_modify exits with -1 here.
  if (dev === undefined) throw new CliUsageError('Not enough information: "dev" argument is required.', 255, true);
  const { index: _index, link: _link, numTxQueues, numRxQueues, linkNetnsId, linkNetns, ...changes } = parsed.changes;
  if (numTxQueues !== undefined || numRxQueues !== undefined) {
    // ip sends them and the kernel ignores them: a link's queues are allocated at creation.
    throw new CliUsageError(`Error: "${numTxQueues !== undefined ? 'numtxqueues' : 'numrxqueues'}" is fixed when a link is created; the kernel ignores it on an existing link.`, 2);
  }
  if (parsed.type === 'bridge_slave') {
    (changes as LinkChanges).bridgePort = bridgePortArgs(new Words(parsed.typeWords), context);
  } else if (parsed.type !== undefined) {
    // The kind's own options, parsed as for `link add`, go to the kind's changelink.
    const parser = KINDS[parsed.type];
    if (!parser) throw new CliUsageError(`Error: nlkit's "link set" changes the options of types ${Object.keys(KINDS).join(', ')} and bridge_slave, not of "type ${parsed.type}".`, 2);
    const options: Record<string, unknown> = { type: parsed.type };
    parser(new Words(parsed.typeWords), options, context, false);
    (changes as LinkChanges).kind = options as unknown as LinkChanges['kind'];
  }
  return { dev, changes, ...(linkNetnsId !== undefined || linkNetns !== undefined ? { linkNetns: linkNetns ?? linkNetnsId! } : {}) };
}
