// Changes through `nlkit` and through `ip`, the same commands in two
// namespaces prepared alike: the namespaces must end alike (read with ip -j).
import { execFileSync } from 'node:child_process';
import t from 'tap';
import { requireRoot, testNetns } from '../helpers/netns.js';
import { maskAddressJson, maskLinkJson, maskNeighbourJson, maskRouteJson } from '../helpers/volatile.js';
import { ipOut, ipRun, nlkit } from './helpers.js';

/** What a namespace looks like to ip, with what moves on its own masked and addresses nobody chose dropped. */
function state(ns: string): unknown {
  const j = (...args: string[]) => JSON.parse(ipOut('-n', ns, '-j', ...args));
  const links = maskLinkJson(j('-d', 'link', 'show')) as Record<string, unknown>[];
  for (const l of links) {
    // MACs are random per namespace unless a command set them.
    if (typeof l.address === 'string' && !String(l.address).startsWith('02:00:')) delete l.address;
    delete l.ifindex;
    delete l.link_index;
    const info = l.linkinfo as Record<string, any> | undefined;
    if (info?.info_slave_data) info.info_slave_data = '<port>';
    if (info?.info_data) for (const k of ['bridge_id', 'root_id', 'hello_timer', 'tcn_timer', 'topology_change_timer', 'gc_timer']) delete info.info_data[k];
  }
  return {
    links,
    // Link-local addresses derive from the random MACs.
    addresses: (maskAddressJson(j('addr', 'show')) as Record<string, unknown>[]).map((l) => [l.ifname, (l.addr_info as { local: string }[]).filter((a) => !a.local.startsWith('fe80:'))]),
    routes: maskRouteJson(j('-4', 'route', 'show', 'table', 'all')),
    // The routes the commands made: the kernel's own IPv6 routes (fe80::/64, ff00::/8, local entries)
    // come and go with IPv6 autoconfiguration, on its own schedule.
    routes6: (maskRouteJson(j('-6', 'route', 'show', 'table', 'all')) as Record<string, unknown>[]).filter((r) => r.protocol !== 'kernel'),
    neighbours: maskNeighbourJson(j('neigh', 'show', 'nud', 'permanent')),
    rules: j('rule', 'show'),
    rules6: j('-6', 'rule', 'show'),
  };
}

const STEPS = [
  'link set lo up',
  'link add v0 type veth peer name v1',
  'link add v2 mtu 1400 address 02:00:00:00:00:02 type veth peer name v3 address 02:00:00:00:00:03',
  'link add br0 type bridge forward_delay 500 stp_state 0 ageing_time 1000',
  'link add mv0 link v1 type macvlan mode vepa',
  'link add vx0 type vxlan id 77 dstport 4789 local 10.0.0.1 dev v1 nolearning ttl 10',
  'link add ifb0 type ifb',
  'link set v0 master br0',
  'link set v0 up', 'link set v1 up', 'link set br0 up',
  'link set v2 mtu 1300 alias two',
  'link set v3 name v3renamed',
  'link set v2 promisc on',
  'link set v2 arp off',
  'link set v2 address 02:00:00:00:00:22',
  'link set ifb0 txqueuelen 50 group 7',
  'link set v0 nomaster',
  'link del mv0',
  'addr add 10.0.0.1/24 dev v1',
  'addr add 10.0.0.2/24 dev v1',
  'addr add 10.0.5.1/24 brd + dev v1 label v1:five',
  'addr add fd00::1/64 dev v1 nodad',
  'addr add 10.0.9.1 peer 10.0.9.2 dev v1',
  'addr replace 10.0.0.2/24 dev v1 valid_lft forever preferred_lft forever',
  'addr del 10.0.0.2/24 dev v1',
  'route add 10.1.0.0/16 via 10.0.0.254',
  'route add 10.2.0.0/16 via 10.0.0.254 metric 20 proto static mtu lock 1400 advmss 1300',
  'route add blackhole 10.3.0.0/16',
  'route add unreachable 10.4.0.0/16 table 100',
  'route add 10.5.0.0/16 dev v1 scope link src 10.0.0.1 table 200',
  'route add 10.6.0.0/16 nexthop via 10.0.0.253 weight 2 nexthop via 10.0.0.254 weight 3',
  'route replace 10.1.0.0/16 via 10.0.0.253',
  'route append 10.7.0.0/16 via 10.0.0.253 metric 5',
  'route del 10.3.0.0/16',
  'route flush table 200',
  '-6 route add fd01::/64 via fd00::2 dev v1 pref high',
  'neigh add 10.0.0.7 lladdr 02:00:00:00:00:07 dev v1',
  'neigh add 10.0.0.8 lladdr 02:00:00:00:00:08 dev v1 nud permanent',
  'neigh replace 10.0.0.7 lladdr 02:00:00:00:00:77 dev v1',
  'neigh del 10.0.0.8 dev v1',
  'rule add from 10.5.0.0/16 lookup 100 pref 100',
  'rule add fwmark 0x10/0xff table 100 pref 200',
  'rule add to 10.6.0.0/16 iif v1 prohibit pref 300',
  '-6 rule add from fd05::/64 lookup 100 pref 400',
  'rule del pref 200',
  'addr flush dev v1 label v1:five',
];

t.test('the same changes through nlkit and ip leave the same namespace', async (t) => {
  if (!requireRoot(t)) return;
  const [a, b] = testNetns(t, 2, 'clichg');
  for (const ns of [a!, b!]) execFileSync('ip', ['netns', 'exec', ns, 'sysctl', '-qw', 'net.ipv6.conf.all.accept_dad=0', 'net.ipv6.conf.default.accept_dad=0']);
  for (const step of STEPS) {
    const words = step.split(' ');
    const opts = words[0]!.startsWith('-') ? [words.shift()!] : [];
    const ip = ipRun([...opts, '-n', a!, ...words]);
    const mine = await nlkit([...opts, '-n', b!, ...words]);
    t.equal(mine.status, ip.status, `status of ${step} ${ip.stderr}${mine.stderr}`);
  }
  // Carrier changes reach operstate through linkwatch, up to a second after
  // the command (a bridge whose last port left goes DOWN/NO-CARRIER later):
  // compare once both namespaces have settled, failing with the last reads.
  let mine = state(b!);
  let theirs = state(a!);
  for (let i = 0; i < 30 && JSON.stringify(mine) !== JSON.stringify(theirs); i++) {
    await new Promise((r) => setTimeout(r, 100));
    [mine, theirs] = [state(b!), state(a!)];
  }
  t.same(mine, theirs, 'same links, addresses, routes, neighbours and rules');
});

