// Bad commands answered as ip 6.1 answers them, and odd forms ip takes taken
// alike. Each command runs through `ip -n A` and through nlkit in-process on
// namespace B, prepared alike: a bad one must print the same standard error
// and exit with the same status in both (and change nothing), an accepted one
// must succeed in both and leave the namespaces alike, as `ip -j` reads them.
import { execFileSync } from 'node:child_process';
import t, { type Test } from 'tap';
import { requireRoot, testNetns } from '../helpers/netns.js';
import { maskAddressJson, maskLinkJson, maskNeighbourJson, maskRouteJson } from '../helpers/volatile.js';
import { ipOut, ipRun, nlkit } from './helpers.js';

const SETUP = [
  'link set lo up',
  'link add v0 address 02:00:00:00:00:10 type veth peer name v1 address 02:00:00:00:00:11',
  'link add br0 address 02:00:00:00:00:12 type bridge stp_state 0',
  'link set v0 master br0',
  'link set v0 up', 'link set v1 up', 'link set br0 up',
  'addr add 10.0.0.1/24 dev v1',
];

const LONG_NAME = 'abcdefghijklmnopqrstu';

/** Commands ip refuses: nlkit prints the same line(s) and exits with the same status. */
const REFUSED = [
  // route add|del: ip's invarg for each keyword, get_prefix/get_addr, duparg2, nexthops.
  'route add table foo 10.0.0.0/8 dev lo', 'route add 10.9.0.0/16 dev lo scope bogus', 'route add 10.9.0.0/16 dev lo scope universe',
  'route add 10.9.0.0/16 dev lo proto bogus', 'route add 10.9.0.0/16 dev lo metric x', 'route add 10.9.0.0/16 dev lo metric 4294967296',
  'route add 10.9.0.0/16 dev lo metric -1', 'route add 10.9.0.0/16 dev lo mtu abc', 'route add 10.9.0.0/16 dev lo mtu lock abc',
  'route add 10.9.0.0/16 dev lo advmss x', 'route add 10.9.0.0/16 dev lo hoplimit 256', 'route add 10.9.0.0/16 dev lo tos 300',
  'route add 10.9.0.0/16 dev lo tos zz', 'route add 10.9.0.0/16 dev lo dsfield zz', 'route add 10.9.0.0/16 dev lo rtt x',
  'route add 10.9.0.0/16 dev lo rttvar 5q', 'route add 10.9.0.0/16 dev lo rto_min -', 'route add 10.9.0.0/16 dev lo window x',
  'route add 10.9.0.0/16 dev lo cwnd x', 'route add 10.9.0.0/16 dev lo initcwnd x', 'route add 10.9.0.0/16 dev lo initrwnd x',
  'route add 10.9.0.0/16 dev lo ssthresh x', 'route add 10.9.0.0/16 dev lo reordering x', 'route add 10.9.0.0/16 dev lo quickack 2',
  'route add 10.9.0.0/16 dev lo quickack x', 'route add 10.9.0.0/16 dev lo features foo', 'route add 10.9.0.0/16 dev lo expires x',
  'route add 10.9.0.0/16 dev lo pref bogus', 'route add 10.9.0.0/16 dev lo table 4294967296', 'route add 10.9.0.0/16 via 10.0.0.2 via 10.0.0.3',
  'route add 10.9.0.0/16 via x', 'route add 10.9.0.0/16 via 10.0.0.2/24', 'route add 10.9.0.0/16 dev lo src x',
  'route add 10.9.0.0/16 10.8.0.0/16 dev lo', 'route add x/16 dev lo', 'route add 10.9.0.0/33 dev lo', 'route add 10.9.0.0/16 dev',
  'route add 10.9.0.0/16 nexthop via 10.0.0.2 weight 0', 'route add 10.9.0.0/16 nexthop via 10.0.0.2 weight 257',
  'route add 10.9.0.0/16 nexthop via 10.0.0.2 bogus', 'route add 10.9.0.0/16 nexthop via bogus', 'route add 10.9.0.0/16 dev lo nhid x',
  'route add 10.9.0.0/16 dev lo fastopen_no_cookie 2', 'route add 10.9.0.0/16 dev lo ttl-propagate maybe', 'route add 10.9.0.0/16 dev lo realms x',
  'route add 10.9.0.0/16 dev nosuch', 'route del 10.9.0.0/16 dev lo table bogus', '-6 route add 10.9.0.0/16 dev lo', '-4 route add fd00::/64 dev lo',
  'route add blackhole', 'route add 10.9.0.0/16 dev lo m x', 'route add 10.9.0.0/16 dev lo pro bogus', 'route add 10.9.0.0/16 dev lo t foo',
  // route get
  'route get 10.0.0.1 from x', 'route get x', 'route get 10.0.0.1 tos 300', 'route get 10.0.0.1 mark x', 'route get 10.0.0.1 uid x',
  'route get 10.0.0.1 sport x', 'route get 10.0.0.1 dport 70000', 'route get 10.0.0.1 ipproto bogus', 'route get 10.0.0.1 vrf nosuch',
  // address add|del
  'addr add 10.0.1.1/24 dev v1 scope bogus', 'addr add 10.0.1.1/24 dev v1 scope universe', 'addr add 10.0.1.1/24 dev v1 valid_lft x',
  'addr add 10.0.1.1/24 dev v1 preferred_lft x', 'addr add 10.0.1.1/24 dev v1 valid_lft 5 valid_lft 6', 'addr add 10.0.1.1/24 dev v1 valid_lft 0',
  'addr add 10.0.1.1/24 dev v1 valid_lft 5 preferred_lft 6', 'addr add 10.0.1.1/24 dev v1 metric x', 'addr add 10.0.1.1/24 dev v1 metric -2',
  'addr add 10.0.1.1/24 dev v1 peer x', 'addr add 10.0.1.1/24 dev v1 peer 10.0.1.2 peer 10.0.1.3', 'addr add 10.0.1.1/24 dev v1 broadcast x',
  'addr add 10.0.1.1/24 dev v1 broadcast 10.0.1.255 brd 10.0.1.254', 'addr add 10.0.1.1/24 dev v1 broadcast 10.0.1.255/24',
  'addr add 10.0.1.1/24 dev v1 anycast x', 'addr add x dev v1', 'addr add 10.0.1.1/33 dev v1', 'addr add 10.0.1.1/24 10.0.1.2/24 dev v1',
  'addr add 10.0.1.1/24', 'addr add 10.0.1.1/24 dev nosuch', '-6 addr add 10.0.1.1/24 dev v1', '-4 addr add fd00::1/64 dev v1',
  '-6 addr add fd00::1/64 dev v1 brd +', 'addr add 10.0.1.3/24 dev v1 m x', 'addr add 10.0.1.3/24 dev v1 v x', 'addr del x dev v1',
  'addr del 10.0.1.1/24 dev v1 scope bogus', 'addr add 10.0.1.1/24 dev v1 label',
  // The wildcard deletion's warning quotes the address as typed.
  'addr del 10.0.9 dev v1', 'addr del local 10.0.0.011 dev v1',
  // link set: iplink_parse's words
  `link set v1 name ${LONG_NAME}`, 'link set v1 name a/b', 'link set v1 address zz', 'link set v1 address 02:00:00:00:00:11:22',
  'link set v1 broadcast zz', 'link set v1 mtu abc', 'link set v1 mtu 99999999999', 'link set v1 txqueuelen x', 'link set v1 netns nosuchns',
  'link set v1 group x', 'link set v1 group -1', 'link set v1 group 2147483648', 'link set v1 group 4294967295', 'link show group 9223372036854775806', `link set v1 alias ${'a'.repeat(256)}`, 'link set v1 promisc maybe',
  'link set v1 multicast maybe', 'link set v1 allmulticast maybe', 'link set v1 arp maybe', 'link set v1 dynamic maybe',
  'link set v1 carrier maybe', 'link set v1 protodown maybe', 'link set v1 gso_max_size x', 'link set v1 gso_max_segs 70000',
  'link set v1 gro_max_size x', 'link set v1 master nosuch', 'link set v1 vrf br0', 'link set v1 mode bogus', 'link set v1 state bogus',
  'link set v1 addrgenmode bogus', 'link set v1 numtxqueues x', 'link set v1 link-netnsid x', 'link set v1 link-netns nosuchns',
  'link set v1 bogusword', 'link set v1 up dev v0', 'link set nosuch up', 'link set', 'link delete nosuch', 'link delete',
  // link add, its kinds and a port's words
  'link add x1 index 0 type veth', 'link add x1 index x type veth', `link add x1 type veth peer name ${LONG_NAME}`,
  'link add x1 type veth peer mtu x', 'link add x1 type veth peer name x2 type veth', 'link add x1 name x2 name x3 type veth',
  'link add x1 type bridge stp_state x', 'link add x1 type bridge forward_delay x', 'link add x1 type bridge hello_time x',
  'link add x1 type bridge max_age x', 'link add x1 type bridge ageing_time x', 'link add x1 type bridge priority x',
  'link add x1 type bridge priority 70000', 'link add x1 type bridge vlan_filtering 256', 'link add x1 type bridge vlan_protocol x',
  'link add x1 type bridge vlan_default_pvid x', 'link add x1 type bridge group_fwd_mask x', 'link add x1 type bridge group_address x',
  'link add x1 type bridge mcast_router x', 'link add x1 type bridge mcast_snooping x', 'link add x1 type bridge mcast_querier x',
  'link add x1 type bridge mcast_hash_max x', 'link add x1 type bridge mcast_last_member_count x',
  'link add x1 type bridge mcast_last_member_interval x', 'link add x1 type bridge mcast_igmp_version x',
  'link add x1 type bridge nf_call_iptables x', 'link add x1 type bridge bogus', 'link add x1 type macvlan mode bogus',
  'link add x1 link v1 type macvlan mode bogus', 'link add x1 link v1 type macvlan flag bogus', 'link add x1 link v1 type macvlan bcqueuelen x',
  'link add x1 link v1 type macvlan bogus', 'link add x1 link v1 type macvlan nopromisc', 'link add x1 type vxlan id 99999999',
  'link add x1 type vxlan id x', 'link add x1 type vxlan id 5 id 6', 'link add x1 type vxlan id 5 dstport x', 'link add x1 type vxlan id 5 srcport x 5',
  'link add x1 type vxlan id 5 srcport 5 x', 'link add x1 type vxlan id 5 ttl 300', 'link add x1 type vxlan id 5 ttl x',
  'link add x1 type vxlan id 5 tos x', 'link add x1 type vxlan id 5 df x', 'link add x1 type vxlan id 5 flowlabel x',
  'link add x1 type vxlan id 5 flowlabel 0x100000', 'link add x1 type vxlan id 5 ageing x', 'link add x1 type vxlan id 5 maxaddress x',
  'link add x1 type vxlan id 5 remote x', 'link add x1 type vxlan id 5 remote 239.1.1.1', 'link add x1 type vxlan id 5 group 10.1.1.1',
  'link add x1 type vxlan id 5 group 239.1.1.1', 'link add x1 type vxlan id 5 local x', 'link add x1 type vxlan id 5 dev nosuch',
  'link add x1 type vxlan id 5 bogus', 'link add x1 type vxlan dstport 4789', 'link add x1 type vxlan id 5 external',
  'link set v0 type bridge_slave state x', 'link set v0 type bridge_slave priority x', 'link set v0 type bridge_slave cost x',
  'link set v0 type bridge_slave hairpin x', 'link set v0 type bridge_slave mcast_router x', 'link set v0 type bridge_slave group_fwd_mask x',
  'link set v0 type bridge_slave backup_port nosuch', 'link set v0 type bridge_slave bogus',
  // neighbour
  'neigh add 10.0.0.9 dev v1 nud bogus', 'neigh add 10.0.0.9 dev v1 nud 3', 'neigh add 10.0.0.9 dev v1 lladdr zz', 'neigh add x dev v1',
  'neigh add 10.0.0.9 10.0.0.8 dev v1', 'neigh add 10.0.0.9', 'neigh add 10.0.0.9 dev nosuch lladdr 02:00:00:00:00:01',
  'neigh add 10.0.0.9 dev v1 protocol bogus', 'neigh add proxy x dev v1', 'neigh add 10.0.0.9 dev v1 lladdr 2:0:0:0:0:9 lladdr 2:0:0:0:0:8',
  'neigh del 10.0.0.9 dev v1 nud bogus', 'neigh add dev v1', 'neigh get 10.0.0.1', 'neigh get x dev v1', 'neigh show nud bogus',
  'neigh show to x', 'neigh flush', 'neigh add 10.0.0.9 dev v1 lladdr 02:00:00:00:00:09 nud bogus', 'neigh add 10.0.0.9 dev v1 bogus',
  // rule
  'rule add pref x table 100', 'rule add pref -1 table 100', 'rule add fwmark zz table 100', 'rule add fwmark 1/zz table 100',
  'rule add tos 300 table 100', 'rule add tos zz table 100', 'rule add table bogus', 'rule add lookup bogus', 'rule add from x table 100',
  'rule add to x table 100', 'rule add from 10.0.0.0/33 table 100', 'rule add realms x table 100', 'rule add goto x',
  'rule add ipproto bogus table 100', 'rule add sport x table 100', 'rule add uidrange x table 100', 'rule add uidrange 5 table 100',
  'rule add suppress_prefixlength x table 100', 'rule add suppress_ifgroup x table 100', 'rule add protocol bogus table 100',
  'rule add type bogus', 'rule add bogus', 'rule add tun_id x table 100', `rule add iif ${LONG_NAME} table 100`, `rule add oif ${LONG_NAME} table 100`,
  'rule del pref x', '-6 rule add from 10.0.0.0/8 table 100', 'rule add dsfield 300 table 100', 'rule add p x table 100', 'rule add', 'rule del',
  // show and flush selectors
  'route show proto bogus', 'route show scope bogus', 'route show type bogus', 'route show tos 300', 'route show mark x', 'route show table foo',
  'route show metric x', 'route show realms x', 'route show root x', 'route flush proto bogus', 'addr show scope bogus', 'addr show group x',
  'link show group x', 'neigh show nud bogus', 'neigh show protocol bogus', 'rule show pref x', 'rule show table bogus', 'rule show fwmark x',
  'rule show uidrange x', 'rule flush protocol bogus',
  // Each master looked up as it is read (the first missing one named); vrf must name a VRF.
  'addr show master nosuch master br0', 'link show master br0 master nosuch master zz', 'addr show vrf br0', 'link show vrf nosuch',
  'addr show master nosuch to x', 'link show master nosuch scope bogus', 'addr flush dev v1 master nosuch label',
];

/** Refused by both with ip's status, but a message nlkit words its own way on purpose (docs/cli.md, "Differences from ip"). */
const REFUSED_OWN_WORDS = [
  // ip prints its whole route usage; nlkit its own.
  'route add', 'route add 10.9.0.0/16 help',
  // ip prints the veth usage on standard output.
  'link add x1 type veth bogus',
  // The kernel's "Unknown device type." for ip; nlkit names the kinds it builds.
  'link add x1 type bogus',
];

/** Odd forms ip takes: both succeed, print the same warnings and leave the same state. */
const ACCEPTED = [
  // Selectors: numbers in hex and octal, abbreviated names.
  'route show proto 0x4', 'route show scope 0xfd', 'route show tos 10', 'route show type u', 'route show table 0xfe', 'route show metric 010',
  'route flush proto 0x63', 'rule show pref 0x7fff', 'rule show table 0xfe', 'neigh show nud perm', 'neigh show nud 0x80',
  // Numbers as strtoul reads them (0x, leading 0 octal), tos in hex and by name, table 0, abbreviations, raw time metrics.
  'route add 10.30.0.0/16 dev v1 tos 10', 'route add 10.31.0.0/16 dev v1 table 0', 'route add 10.32.0.0/16 dev v1 metric 0x10',
  'route add 10.33.0.0/16 dev v1 metric 010', 'route add 10.34.0.0/16 dev v1 proto 0x20 scope 0xfd',
  'route add 10.35.0.0/16 dev v1 t 100 pro static m 7', 'route add 10.36.0.0/16 dev v1 mtu lock 0x500 advmss 010',
  'route add 10.37.0.0/16 dev v1 rtt 16 rttvar 8', 'route add 10.38.0.0/16 dev v1 rtt 3ms rto_min 1s', 'route add 10.39.0.0/16 dev v1 quickack 0x1',
  'route add b 10.40.0.255 dev v1', 'route add unreach 10.41.0.0/16', 'route add 10.42.0.0/16 dev v1 tos AF11',
  'route add 10.44.0.0/16 nexthop via 10.0.0.2 weight 0x2 nexthop via 10.0.0.3', 'route add 10/8 dev v1 table 7 pref medium',
  'route del 10.31.0.0/16 table 0', 'route get 10.0.0.5/24', 'route get 10.0.0.5 tos 10 mark 0x10 uid 010',
  // Time metrics shown in ms, or from a second on as %gs (rto_min always locked).
  'route add 10.45.0.0/16 dev v1 rtt lock 1234567ms rttvar 1500ms rto_min 999ms', 'route show 10.38.0.0/16', 'route show 10.45.0.0/16',
  // Addresses: flags ip ignores with a warning, numbers, `brd +` (a preferred lifetime that outlasts the test: one
  // running out turns the address deprecated at a different moment in each namespace).
  'addr add 10.0.1.1/24 dev v1 secondary', 'addr add 10.0.1.2/24 dev v1 nodad', 'addr add 10.0.3.1/24 dev v1 scope 0xfd m 0x5',
  'addr add 10.0.4.1/24 dev v1 b +', 'addr add 11/8 dev v1 valid_lft 0x1000 preferred_lft 01000', '-6 addr add fd00::5/64 dev v1 nodad',
  // Links: negative lengths sent as u32, a u32 stp_state, any word after ifb, MACs with one-digit bytes, octal numbers.
  'link set v1 txqlen -5', 'link set v1 mtu 0x5dc', 'link set v1 group 0x10',
  // A group is strtol's value stored into a C int: the low 32 bits, taken where they are not negative.
  'link set v1 group 99999999999', 'link set v1 group -4294967295', 'link set v1 group 9007199254740993', 'link show group 1215752191',
  `link set v1 alias ${'a'.repeat(255)}`,
  'link set br0 type bridge stp_state 9', 'link add x1 address 02:00:00:00:01:01 type ifb bogus',
  'link set br0 type bridge priority 0x100 forward_delay 0400', 'link set v0 type bridge_slave cost 010 priority 0x2',
  'link add vx1 address 02:00:00:00:01:02 type vxlan id 0x10 dstport 4789', 'link add vx2 address 02:00:00:00:01:03 type vxlan id 5', 'link add vx3 address 02:00:00:00:01:04 type vxlan vni 7 dstport 0 tos 10 ttl 0x10',
  'link add m1 link v1 address 02:00:00:00:01:05 type macvlan mode bridge bcqueuelen 0x10', 'link add p1 address 02:00:00:00:01:06 type veth peer name p2 mtu 0x578 address 02:00:00:00:01:07',
  'link set v1 address 2:0:0:0:0:11', 'link add p4 index 55x address 02:00:00:00:01:08 type veth peer name p5 address 02:00:00:00:01:09',
  // Neighbours: abbreviated and numeric states, a 7-byte lladdr, protocol numbers.
  'neigh add 10.0.0.9 dev v1 lladdr 2:0:0:0:0:9 nud perm', 'neigh add 10.0.0.10 dev v1 lladdr 02:00:00:00:00:0a nud 0x4',
  'neigh add 10.0.0.11 dev v1 lladdr 02:00:00:00:00:01:02', 'neigh add 10.0.0.13 dev v1 lladdr 02:00:00:00:00:0d protocol 0x10',
  // Rules: sscanf's ranges, table 0, abbreviated types and keywords, hex tos.
  'rule add dport 1-x table 100', 'rule add p 0x100 fwmark 0x10/0xff lookup 100', 'rule add pref 010 tos 10 table 100',
  'rule add pref 11 uidrange 5-6 table 100', 'rule add pref 14 u', 'rule add pref 15 b', 'rule add pref 16 sup_pl 0x10 table 100',
  'rule add pref 18 protocol 0x10 table 100', 'rule add pref 19 ipproto 6 dport 80 table 100', '-6 rule add from fd00::/64 table 100 pref 20',
  // l3mdev as a selector with actions other than lookup (the kernel takes them), shown as ip shows them.
  'rule add pref 21 from 10.1.0.0/16 l3mdev goto 40000', 'rule add pref 22 l3mdev nop', 'rule add pref 23 l3mdev blackhole', 'rule add pref 24 l3mdev',
  'rule show', 'rule del pref 22 l3mdev nop',
  // addr show's link filters: sent to the kernel only without -4/-6, tested as ip prints (not under -o), and under -6 on links without group/master/kind.
  // (`to 10/8`: not the 11/8 address, whose lifetimes count down apart in the two namespaces.)
  '-o -4 addr show type veth to 10/8', '-o -4 addr show master br0 to 10/8', '-o addr show group 5 to 10/8', '-o addr show type bridge_slave to 10/8',
  '-j -4 addr show type bridge', '-4 addr show nomaster to 10/8', '-j -6 addr show group 0', '-6 addr show type veth', '-o -4 addr show up to 10/8',
  // A flush under -j prints the (empty) JSON list ip opens around its dump.
  '-j rule flush table 4242', '-j -p rule flush pref 4243',
];

/** What each listing of the namespace reads, through ip -j, with what moves on its own masked. */
function snapshot(ns: string): Record<string, unknown> {
  const json = (...args: string[]): unknown => JSON.parse(ipOut('-n', ns, '-j', ...args));
  const links = maskLinkJson(json('-d', 'link', 'show')) as Record<string, any>[];
  for (const l of links) {
    const data = l.linkinfo?.info_data;
    if (data) for (const k of ['hello_timer', 'tcn_timer', 'topology_change_timer', 'gc_timer']) delete data[k];
    // Carrier and a port's STP state follow the links' own timers.
    delete l.operstate;
    l.flags = (l.flags as string[]).filter((f) => f !== 'NO-CARRIER' && f !== 'LOWER_UP');
    const port = l.linkinfo?.info_slave_data;
    if (port) for (const k of ['state', 'forward_delay_timer', 'hold_timer', 'message_age_timer', 'topology_change_ack', 'config_pending']) delete port[k];
  }
  const addresses = maskAddressJson(json('addr', 'show')) as Record<string, any>[];
  for (const l of addresses) {
    delete l.operstate;
    l.flags = (l.flags as string[]).filter((f) => f !== 'NO-CARRIER' && f !== 'LOWER_UP');
  }
  return {
    links,
    addresses,
    routes: maskRouteJson(json('route', 'show', 'table', 'all')),
    routes6: (maskRouteJson(json('-6', 'route', 'show', 'table', 'all')) as Record<string, unknown>[]).filter((r) => r.protocol !== 'kernel'),
    neighbours: (maskNeighbourJson(json('neigh', 'show', 'nud', 'all')) as { dst: string; lladdr?: string }[])
      .filter((n) => n.lladdr?.startsWith('02:00:') || n.lladdr?.startsWith('2:')).sort((x, y) => x.dst.localeCompare(y.dst)),
    rules: [json('rule', 'show'), json('-6', 'rule', 'show')],
  };
}

/** SETUP in `ns`, with no IPv6 link-local addresses or DAD, whose timers would make the namespaces differ. */
function prepare(t: Test, ns: string): void {
  execFileSync('ip', ['netns', 'exec', ns, 'sysctl', '-qw', 'net.ipv6.conf.all.accept_dad=0', 'net.ipv6.conf.default.accept_dad=0',
    'net.ipv6.conf.all.addr_gen_mode=1', 'net.ipv6.conf.default.addr_gen_mode=1']);
  t.equal(ipRun(['-n', ns, '-batch', '-'], SETUP.join('\n')).status, 0, `set up ${ns}`);
  // The bridge takes its carrier (and the kernel its multicast route) a moment after its port comes up.
  for (let tries = 0; tries < 100 && !ipOut('-n', ns, 'link', 'show', 'br0').includes('state UP'); tries++) execFileSync('sleep', ['0.05']);
}

/** A corpus line as argv: a leading -4/-6 stays before -n, as ip takes it. */
function argv(line: string, ns: string): string[] {
  const words = line.split(' ');
  return words[0]!.startsWith('-') ? [words[0]!, '-n', ns, ...words.slice(1)] : ['-n', ns, ...words];
}

t.test('bad commands: ip\'s message and exit status, nothing changed', async (t) => {
  if (!requireRoot(t)) return;
  t.ok(REFUSED.length >= 80, `${REFUSED.length} bad commands`);
  const [a, b] = testNetns(t, 2, 'usage');
  for (const ns of [a!, b!]) prepare(t, ns);
  const before = snapshot(a!);
  t.same(snapshot(b!), before, 'prepared alike');
  for (const line of REFUSED) {
    const ip = ipRun(argv(line, a!));
    const mine = await nlkit(argv(line, b!));
    t.not(ip.status, 0, `ip refuses ${line}`);
    t.same({ status: mine.status, stderr: mine.stderr }, { status: ip.status, stderr: ip.stderr }, line);
  }
  for (const line of REFUSED_OWN_WORDS) {
    const ip = ipRun(argv(line, a!));
    const mine = await nlkit(argv(line, b!));
    t.not(ip.status, 0, `ip refuses ${line}`);
    t.equal(mine.status, ip.status, `status of ${line}`);
    t.match(mine.stderr, /\S/, `nlkit says why: ${line}`);
  }
  t.same(snapshot(a!), before, 'ip changed nothing');
  t.same(snapshot(b!), before, 'nlkit changed nothing');
});

t.test('odd forms ip takes: both succeed and leave the same namespace', async (t) => {
  if (!requireRoot(t)) return;
  const [a, b] = testNetns(t, 2, 'usageok');
  for (const ns of [a!, b!]) prepare(t, ns);
  for (const line of ACCEPTED) {
    const ip = ipRun(argv(line, a!));
    const mine = await nlkit(argv(line, b!));
    t.equal(ip.status, 0, `ip takes ${line} ${ip.stderr}`);
    t.same({ status: mine.status, stderr: mine.stderr, stdout: mine.stdout }, { status: ip.status, stderr: ip.stderr, stdout: ip.stdout }, line);
    t.same(snapshot(b!), snapshot(a!), `same namespace after ${line}`);
  }
});
