// `nlkit route add|replace|del` with from, realms, encap ip|ip6, congctl and
// fastopen_no_cookie, against ip on a twin namespace: each command's status,
// output and error, and the `ip -j -d route show table all` state after it.
import t from 'tap';
import { requireRoot, testNetns } from '../helpers/netns.js';
import { maskRouteJson } from '../helpers/volatile.js';
import { ipOut, ipRun, nlkit } from './helpers.js';

// Fixed MACs and no IPv6 link-local addresses: both namespaces' local tables hold the same routes.
const SETUP = [
  'link add d0 address 02:00:00:00:00:01 type veth peer name d1 address 02:00:00:00:00:02', 'link set d0 addrgenmode none',
  'link set d1 addrgenmode none', 'link set d0 up', 'link set d1 up', 'addr add 10.5.0.1/24 dev d0', 'addr add fd00::1/64 dev d0 nodad',
];

const STEPS = [
  // from
  '-6 route add fd01::/64 from fd02::/64 via fd00::2 dev d0',
  '-6 route add fd01::/64 from fd03::/48 dev d0 metric 5',
  'route add fd08::/64 from fd09::/64 dev d0',
  'route add 10.8.0.0/24 from 10.9.0.0/24 via 10.5.0.2',
  'route add 10.8.1.0/24 from fd09::/64 dev d0',
  'route add from fd0a::/64 10.8.1.0/24 dev d0',
  'route add 10.8.2.0/24 from default dev d0',
  'route add default from fd05::/64 dev d0',
  'route add 10.8.3.0/24 from',
  '-6 route del fd01::/64 from fd03::/48',
  '-6 route del fd01::/64 from fd05::/64',
  // realms, route and path
  'route add 10.6.0.0/24 via 10.5.0.2 realms 3/4',
  'route add 10.6.1.0/24 via 10.5.0.2 realm 5',
  'route add 10.6.2.0/24 dev d0 realms cosmos/7',
  'route add 10.6.3.0/24 dev d0 realms 300',
  'route add 10.6.4.0/24 dev d0 realms 0x30004',
  'route add 10.6.5.0/24 dev d0 realms 256/1',
  'route add 10.6.5.0/24 dev d0 realms nosuch',
  '-6 route add fd07::/64 via fd00::2 realms 5',
  'route replace 10.6.0.0/24 via 10.5.0.3 realms 9/8',
  'route del 10.6.1.0/24 realms 6',
  'route del 10.6.1.0/24 realms 5',
  // encap ip and ip6
  'route add 10.7.0.0/24 encap ip id 5 dst 10.5.0.9 dev d0',
  'route add 10.7.1.0/24 encap ip id 0xffffffffffffffff src 10.5.0.1 dst 10.5.0.9 ttl 9 tos 0x10 key csum seq dev d0',
  'route add 10.7.2.0/24 dev d0 encap ip csum key',
  'route add 10.7.3.0/24 dev d0 encap ip key',
  'route add 10.7.3.0/24 encap ip dev d0',
  'route add 10.7.4.0/24 encap ip id 5 id 6 dev d0',
  'route add 10.7.4.0/24 encap ip key key dev d0',
  'route add 10.7.4.0/24 encap ip ttl 256 dev d0',
  'route add 10.7.4.0/24 encap ip tos foo dev d0',
  'route add 10.7.4.0/24 encap ip id x dev d0',
  'route add 10.7.4.0/24 encap ip id 18446744073709551616 dev d0',
  'route add 10.7.4.0/24 encap ip dst fd00::1 dev d0',
  'route add 10.7.4.0/24 encap gre dev d0',
  'route add 10.7.4.0/24 dev d0 encap',
  'route add 10.7.4.0/24 dev d0 encap ip',
  'route add 10.7.5.0/24 encap ip6 id 2 dst fd00::9 dev d0',
  '-6 route add fd04::/64 encap ip6 id 7 dst fd00::9 hoplimit 3 tc 0x20 seq dev d0',
  '-6 route add fd05::/64 encap ip6 ttl 3 dev d0',
  '-6 route add fd05::/64 encap ip6 tc AF11 hoplimit 300 dev d0',
  '-6 route add fd09::/64 encap ip id 2 dst 10.5.0.9 dev d0',
  'route add 10.9.0.0/24 nexthop via 10.5.0.2 realms 4 encap ip id 3 dst 10.5.0.9 nexthop via 10.5.0.3 realms 1/2 weight 3',
  '-6 route add fd06::/64 nexthop via fd00::2 encap ip6 id 2 dst fd00::9 dev d0 nexthop via fd00::3 dev d0',
  'route add 10.9.1.0/24 nexthop via 10.5.0.2 encap ip id 3 nexthop via 10.5.0.3',
  'route add 10.9.2.0/24 nexthop via 10.5.0.2 encap ip id 3 ttl 2 dev d0 nexthop via 10.5.0.3 realm 2 onlink',
  'route replace 10.7.0.0/24 encap ip id 6 dst 10.5.0.8 dev d0',
  'route del 10.7.1.0/24',
  // congctl and fastopen_no_cookie
  'route add 10.10.0.0/24 via 10.5.0.2 congctl lock reno',
  'route add 10.10.1.0/24 via 10.5.0.2 congc cubic mtu 1400',
  'route add 10.10.2.0/24 via 10.5.0.2 congctl nosuch',
  'route add 10.10.2.0/24 via 10.5.0.2 congctl abcdefghijklmnopqrstu',
  'route add 10.10.2.0/24 via 10.5.0.2 congctl renoxxxxxxxxxxxxxxxxxxxxxxxx',
  'route add 10.10.2.0/24 via 10.5.0.2 congctl',
  'route add 10.10.3.0/24 via 10.5.0.2 fastopen_no_cookie 1',
  'route add 10.10.4.0/24 via 10.5.0.2 fastopen_no_cookie 0 congctl lock bbr',
  'route add 10.10.5.0/24 via 10.5.0.2 fastopen_no_cookie 2',
  'route add 10.10.5.0/24 via 10.5.0.2 fastopen_no_cookie x',
  'route replace 10.10.0.0/24 via 10.5.0.2 congctl cubic',
];

// Not taken by nlkit, as before: ip reaches the kernel (which has no MPLS, VRF or the rest here) or needs what nlkit lacks.
const REFUSED = [
  'route add 10.11.0.0/24 encap mpls 100 dev d0', 'route add 10.11.0.0/24 encap seg6 mode encap segs fd00::2 dev d0',
  'route add 10.11.0.0/24 encap ip geneve_opts 0:0:00 dev d0', 'route add 10.11.0.0/24 via 10.5.0.2 as 10.0.0.1',
  'route add 10.11.0.0/24 via 10.5.0.2 ttl-propagate enabled', 'route add 10.11.0.0/24 nexthop via 10.5.0.2 as 10.0.0.1',
];

/**
 * `ip -j -d route show table all`, without the kernel's ff00::/8 routes: the
 * kernel adds one per link as each comes up, in an order that varies.
 */
const state = (ns: string): unknown =>
  maskRouteJson((JSON.parse(ipOut('-n', ns, '-j', '-d', 'route', 'show', 'table', 'all')) as { type: string }[]).filter((r) => r.type !== 'multicast'));

t.test('route words from, realms, encap, congctl and fastopen_no_cookie, as ip', async (t) => {
  if (!requireRoot(t)) return;
  const [a, b] = testNetns(t, 2, 'r1words') as [string, string];
  for (const ns of [a, b]) for (const line of SETUP) ipOut('-n', ns, ...line.split(' '));
  let failures = 0;
  for (const step of STEPS) {
    const words = step.split(' ');
    const ip = ipRun(['-n', a, ...words]);
    const mine = await nlkit(['-n', b, ...words]);
    if (ip.status !== 0) failures++;
    t.same({ status: mine.status, stdout: mine.stdout, stderr: mine.stderr }, { status: ip.status, stdout: ip.stdout, stderr: ip.stderr }, step);
    t.same(state(b), state(a), `${step}: the same routes after it`);
  }
  t.ok(failures >= 20, `ip refused ${failures} of the commands: the bad values are compared too`);
  for (const read of ['-j -d route show table main', '-j -d -6 route show', '-j route show']) {
    const words = read.split(' ');
    const mine = await nlkit(['-n', b, ...words]);
    t.equal(mine.status, 0, `nlkit ${read}`);
    t.equal(JSON.stringify(maskRouteJson(JSON.parse(mine.stdout))), JSON.stringify(maskRouteJson(JSON.parse(ipOut('-n', a, ...words)))), `nlkit ${read} prints what ip prints`);
  }
  for (const read of ['-d route show', '-6 route show']) {
    const words = read.split(' ');
    t.equal((await nlkit(['-n', b, ...words])).stdout, ipOut('-n', a, ...words), `nlkit ${read}: ip's text`);
  }
  t.match(ipOut('-n', a, '-d', 'route', 'show'), /realms 9\/8 .*\n(.*\n)*.*encap ip id 6 src 0\.0\.0\.0 dst 10\.5\.0\.8 .*\n(.*\n)*.*congctl lock bbr/, 'the compared state holds realms, encaps and congctl');
});

t.test('words nlkit still refuses: exit 2, nothing changed', async (t) => {
  if (!requireRoot(t)) return;
  const [ns] = testNetns(t, 1, 'r1words') as [string];
  for (const line of SETUP) ipOut('-n', ns, ...line.split(' '));
  const before = state(ns);
  for (const step of REFUSED) {
    const mine = await nlkit(['-n', ns, ...step.split(' ')]);
    t.equal(mine.status, 2, `${step}: exit 2`);
    t.match(mine.stderr, /^Error: nlkit's (routes|nexthops) do not take "[^"]+"\.\n$/, `${step}: says what it does not take`);
  }
  t.same(state(ns), before, 'no route was made');
  const help = await nlkit(['-n', ns, 'route', 'add', '10.1.0.0/16', 'encap', 'help']);
  t.equal(help.status, ipRun(['-n', ns, 'route', 'add', '10.1.0.0/16', 'encap', 'help']).status, 'encap help: ip\'s status');
  t.equal(help.stderr, ipRun(['-n', ns, 'route', 'add', '10.1.0.0/16', 'encap', 'help']).stderr.replace('ip route', 'nlkit route'), 'encap help: ip\'s list of types');
});
