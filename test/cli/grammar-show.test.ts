// iproute2's selectors on the listing commands, through `nlkit` and `ip` on
// one namespace: `route show root|match|exact|via|src|metric|realms…`, `rule
// show` selectors, `addr show` flags/scope/to/label, `link show`
// group/nomaster/type X_slave, `neigh show` to/nud/proxy, `-br`, the global
// options ip accepts and nlkit ignores, and the errors of bad selectors.
import { execFileSync } from 'node:child_process';
import t from 'tap';
import { requireRoot, testNetns } from '../helpers/netns.js';
import { maskAddressJson, maskLinkJson, maskNeighbourJson, maskRouteJson } from '../helpers/volatile.js';
import { ipOut, ipRun, nlkit } from './helpers.js';

/** One namespace with something for every selector: ports, groups, labels, lifetimes, realms, tos, proxies, rule ranges. */
const TOPOLOGY = [
  'link set lo up',
  'link add v0 type veth peer name v1',
  'link add br0 type bridge',
  'link set v0 master br0',
  'link set v0 up', 'link set v1 up', 'link set br0 up',
  'link add mv0 link v1 type macvlan mode bridge',
  'link set mv0 group 7',
  'addr add 10.0.0.1/24 dev v1',
  'addr add 10.0.0.9/24 dev v1',
  'addr add 10.9.0.1/16 brd + dev br0 label br0:x',
  'addr add fd00::1/64 dev v1 nodad',
  'addr add 10.0.8.1/24 dev v1 valid_lft 1000 preferred_lft 500',
  'route add 10.1.0.0/16 via 10.0.0.2',
  'route add 10.1.2.0/24 via 10.0.0.3 src 10.0.0.9',
  'route add 10.2.0.0/16 via 10.0.0.2 metric 20 proto static',
  'route add 10.2.0.0/16 via 10.0.0.3 metric 30 realm 5',
  'route add blackhole 10.3.0.0/16',
  'route add 10.4.0.0/16 dev v1 table 100',
  'route add 10.4.1.0/24 via 10.0.0.2 table 100 tos 0x10',
  'route add fd01::/64 via fd00::2 dev v1',
  'route add 10.50.0.0/16 via 10.0.0.2 mtu lock 1400 advmss 1300 initcwnd 10',
  'route add 10.51.0.0/16 nexthop via 10.0.0.2 weight 2 nexthop via 10.0.0.3 weight 3',
  'route add fd09::/64 via fd00::2 dev v1 pref high metric 50',
  'neigh add 10.0.0.7 lladdr 02:00:00:00:00:07 dev v1',
  'neigh add 10.0.0.8 lladdr 02:00:00:00:00:08 dev v1 nud stale',
  'neigh add 10.0.9.8 lladdr 02:00:00:00:00:09 dev v1 nud noarp',
  'neigh add proxy 10.0.0.99 dev v1',
  'neigh add fd00::7 lladdr 02:00:00:00:00:17 dev v1',
  'rule add from 10.5.0.0/16 lookup 100 pref 100',
  'rule add fwmark 0x10/0xff table 100 pref 200',
  'rule add to 10.6.0.0/16 iif v1 table 100 pref 300',
  'rule add not from 10.7.0.0/16 oif v1 lookup main pref 400',
  'rule add ipproto tcp dport 80-90 uidrange 100-200 lookup 100 pref 500',
];
/** ip -batch lines take no -6, and `rule add` reads its prefixes as IPv4 without it. */
const RULE6 = ['-6', 'rule', 'add', 'from', 'fd05::/64', 'lookup', '100', 'pref', '300'];

function buildTopology(ns: string): void {
  // No DAD: a tentative flag clearing between ip's read and nlkit's would differ.
  execFileSync('ip', ['netns', 'exec', ns, 'sysctl', '-qw', 'net.ipv6.conf.all.accept_dad=0', 'net.ipv6.conf.default.accept_dad=0']);
  const batch = ipRun(['-n', ns, '-batch', '-'], TOPOLOGY.join('\n'));
  if (batch.status !== 0) throw new Error(`ip -batch: ${batch.stderr}`);
  ipOut(...RULE6.slice(0, 1), '-n', ns, ...RULE6.slice(1));
  execFileSync('ip', ['netns', 'exec', ns, 'ping', '-q', '-c', '2', '-i', '0.2', '-s', '1400', '127.0.0.1'], { stdio: 'ignore' });
}

type Mask = (v: unknown) => unknown;
const same: Mask = (v) => v;

/** `-j` forms: compared as JSON, what moves on its own masked. */
const JSON_CASES: [string, Mask][] = [
  ['route show root 10.0.0.0/8', maskRouteJson],
  ['route show match 10.1.2.3', maskRouteJson],
  ['route show exact 10.1.0.0/16', maskRouteJson],
  ['route show to match 10.1.2.3/32', maskRouteJson],
  ['route show to root 10.1.0.0/16', maskRouteJson],
  ['r s ro 10.2.0.0/15', maskRouteJson],
  ['route show 10.2.0.0/16', maskRouteJson],
  ['route show via 10.0.0.2', maskRouteJson],
  ['route show via 10.0.0.0/24', maskRouteJson],
  ['route show via inet 10.0.0.3', maskRouteJson],
  ['route show src 10.0.0.9', maskRouteJson],
  ['route show metric 20', maskRouteJson],
  ['route show realms 5', maskRouteJson],
  ['route show default', maskRouteJson],
  ['route show proto all', maskRouteJson],
  ['route show scope link', maskRouteJson],
  ['route show table all root 10.0.0.0/8', maskRouteJson],
  ['route show table 100 dev v1', maskRouteJson],
  ['route show table 100 tos 0x10', maskRouteJson],
  ['route show table local type local', maskRouteJson],
  ['route show from 0/0', maskRouteJson],
  ['route show fd01::/64', maskRouteJson],
  ['-6 route show root fd00::/8', maskRouteJson],
  ['-6 route show table all match fd01::1', maskRouteJson],
  ['rule show table 100', same],
  ['rule show lookup main', same],
  ['rule show from 10.5.0.0/16', same],
  ['rule show from 10.0.0.0/8', same],
  ['rule show to 10.6.0.0/16', same],
  ['rule show 10.6.1.0/24', same],
  ['rule show iif v1', same],
  ['rule show oif v1', same],
  ['rule show not', same],
  ['rule show fwmark 0x10/0xff', same],
  ['rule show fwmark 0x10', same],
  ['rule show pref 200', same],
  ['rule show p 300', same],
  ['rule show ipproto tcp', same],
  ['rule show dport 80-90', same],
  ['rule show uidrange 100-200', same],
  ['rule show protocol kernel', same],
  ['-6 rule show from fd05::/64', same],
  ['link show group 7', maskLinkJson],
  ['link show nomaster', maskLinkJson],
  ['link show type bridge_slave', maskLinkJson],
  ['link show master br0', maskLinkJson],
  ['addr show scope global', maskAddressJson],
  ['addr show scope host', maskAddressJson],
  ['addr show scope link', maskAddressJson],
  ['-6 addr show scope host', maskAddressJson],
  ['-6 addr show', maskAddressJson],
  ['-6 -d addr show', maskAddressJson],
  ['addr show label br0*', maskAddressJson],
  ['addr show label v[0-1]', maskAddressJson],
  ['addr show to 10.0.0.0/24', maskAddressJson],
  ['addr show to fd00::/16', maskAddressJson],
  ['addr show dynamic', maskAddressJson],
  ['addr show permanent', maskAddressJson],
  ['addr show -tentative', maskAddressJson],
  ['addr show primary', maskAddressJson],
  ['addr show secondary', maskAddressJson],
  ['addr show nodad', maskAddressJson],
  ['addr show up', maskAddressJson],
  ['addr show group 7', maskAddressJson],
  ['addr show nomaster', maskAddressJson],
  ['addr show type veth', maskAddressJson],
  ['addr show dev v1 scope global', maskAddressJson],
  ['neigh show nud all', maskNeighbourJson],
  ['neigh show nud stale', maskNeighbourJson],
  ['neigh show nud stale nud permanent', maskNeighbourJson],
  ['neigh show nud noarp', maskNeighbourJson],
  ['neigh show proxy', maskNeighbourJson],
  ['neigh show to 10.0.0.0/24', maskNeighbourJson],
  ['neigh show 10.0.0.7', maskNeighbourJson],
  ['neigh show to fd00::/16', maskNeighbourJson],
  ['neigh show dev v1 nud permanent', maskNeighbourJson],
  ['neigh show nomaster', maskNeighbourJson],
  ['-br link', same],
  ['-br addr', same],
  ['-br -4 addr show dev v1', same],
  ['-br link show up', same],
  ['-r route show', maskRouteJson],
  ['-o addr show', maskAddressJson],
  ['-0 addr show', maskAddressJson],
  ['-s addr show dev lo', maskAddressJson],
  ['route get to 10.1.2.3 f 10.0.0.1 o v1', maskRouteJson],
  ['route get 10.1.2.3 mark 5 uid 7', maskRouteJson],
  ['route get fibmatch 10.1.2.3', maskRouteJson],
  ['-6 route get fd01::5', maskRouteJson],
];

/** Text forms: byte for byte (nothing in them moves). */
const TEXT_CASES = [
  'route show root 10.0.0.0/8', 'route show via 10.0.0.2', 'route show src 10.0.0.9', 'route show metric 20',
  'rule show from 10.5.0.0/16', 'rule show table 100', 'rule show', 'route show', '-d route show', '-6 route show', 'route show table all',
  'route get 10.1.2.3', 'route get 10.51.0.1', '-0 addr show', '-f link addr show dev v1',
  'addr show scope host', 'addr show label br0*', '-6 addr show scope host', 'neigh show to 10.0.0.0/24', 'neigh show proxy',
  '-br link', '-br addr', '-br -6 addr', '-brief link show type veth',
  '-o addr show scope host', '-o -6 addr show', '-o addr show label br0*',
  // Counters of lo, which only the ping below moves: -h scales them past 1000 bytes.
  '-s link show lo', '-s -s link show lo', '-s -h link show lo', '-s -h -iec link show lo', '-s -o link show lo',
  '-s addr show dev lo', '-s -s addr show dev lo', 'neigh get 10.0.0.7 dev v1', '-j neigh get 10.0.0.7 dev v1', 'neigh get proxy 10.0.0.99 dev v1',
  '-h link show lo', '-iec addr show dev lo', '-t link show lo', '-color=never link show lo', '-loops 3 link show lo', '-rc 100000 link show lo',
];

/** Refused selectors: exit status and message as ip's. */
const ERROR_CASES = [
  'route show table bogus', 'route show metric x', 'route show dev nosuch', 'route show 10.0.0.0/33', 'route show r 10.0.0.0/8',
  '-4 route show fd00::/8', 'route flush', 'route show iif nosuch',
  'rule show pref abc', 'rule show bogus', 'rule show table nosuch', 'rule show fwmark x', 'rule show uidrange 5', 'rule show ipproto nosuch',
  'addr show scope bogus', 'addr show to 10.0.0.0/40', 'addr show group x', 'addr show master nosuch', 'addr show dev nosuch', 'addr flush',
  'neigh show nud bogus', 'neigh show dev nosuch', 'neigh flush', 'neigh show to bogus', 'neigh get 10.0.0.7', 'neigh get 10.0.0.77 dev v0',
  'link show master nosuch', 'route get 10.1.2.3 vrf v0', 'route get 10.1.2.3 10.1.2.4',
];

const split = (line: string) => line.split(' ');

t.test('selectors of the listings print what ip prints', async (t) => {
  if (!requireRoot(t)) return;
  const [ns] = testNetns(t, 1, 'gramshow');
  buildTopology(ns!);
  for (const [line, mask] of JSON_CASES) {
    const ip = ipRun(['-n', ns!, '-j', ...split(line)]);
    const mine = await nlkit(['-n', ns!, '-j', ...split(line)]);
    t.equal(mine.status, ip.status, `status of -j ${line}`);
    t.equal(mine.stderr, ip.stderr, `stderr of -j ${line}`);
    t.same(mask(JSON.parse(mine.stdout)), mask(JSON.parse(ip.stdout)), `ip -j ${line}`);
  }
  for (const line of TEXT_CASES) {
    const ip = ipRun(['-n', ns!, ...split(line)]);
    const mine = await nlkit(['-n', ns!, ...split(line)]);
    t.equal(mine.status, ip.status, `status of ${line}`);
    t.equal(mine.stdout, ip.stdout, `text of ${line}`);
  }
});

t.test('bad selectors: the line ip prints and its exit status', async (t) => {
  if (!requireRoot(t)) return;
  const [ns] = testNetns(t, 1, 'gramerr');
  ipOut('-n', ns!, 'link', 'add', 'v0', 'type', 'veth', 'peer', 'name', 'v1');
  for (const line of ERROR_CASES) {
    const ip = ipRun(['-n', ns!, ...split(line)]);
    const mine = await nlkit(['-n', ns!, ...split(line)]);
    t.not(ip.status, 0, `ip refuses ${line}`);
    t.equal(mine.status, ip.status, `status of ${line}`);
    t.equal(mine.stderr.replaceAll('nlkit', 'ip'), ip.stderr, `stderr of ${line}`);
    t.equal(mine.stdout, ip.stdout, `stdout of ${line}`);
  }
});
