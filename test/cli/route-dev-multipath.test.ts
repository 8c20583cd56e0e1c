// `route show|flush … dev X` against ip on a twin namespace, with routes
// through several paths. ip 6.1 sends RTA_OIF and the kernel returns every
// route with a path through X, multipath ones included; ip then keeps only
// the routes whose own RTA_OIF is X (filter_nlmsg), which a multipath route,
// IPv4 or IPv6, does not have. nlkit must list and flush what ip does.
import t from 'tap';
import { requireRoot, testNetns } from '../helpers/netns.js';
import { maskRouteJson } from '../helpers/volatile.js';
import { ipOut, ipRun, nlkit } from './helpers.js';

// Fixed MACs and no IPv6 link-local addresses: the twins' local tables hold the same routes.
const SETUP = [
  'link add d0 address 02:00:00:00:00:01 type veth peer name d1 address 02:00:00:00:00:02',
  'link add e0 address 02:00:00:00:00:03 type veth peer name e1 address 02:00:00:00:00:04',
  ...['d0', 'd1', 'e0', 'e1'].flatMap((l) => [`link set ${l} addrgenmode none`, `link set ${l} up`]),
  'addr add 10.1.0.1/24 dev d0', 'addr add 10.2.0.1/24 dev e0', 'addr add fd01::1/64 dev d0 nodad', 'addr add fd02::1/64 dev e0 nodad',
  // IPv4: paths through d0 and e0, through e0 only, through d0 only; one path; one `nexthop` (a single path to the kernel).
  'route add 10.9.0.0/24 nexthop via 10.1.0.2 nexthop via 10.2.0.2',
  'route add 10.9.1.0/24 nexthop via 10.2.0.2 nexthop via 10.2.0.3',
  'route add 10.9.2.0/24 nexthop via 10.1.0.2 nexthop via 10.1.0.3',
  'route add 10.9.3.0/24 via 10.1.0.2',
  'route add 10.9.4.0/24 nexthop via 10.1.0.2 weight 3',
  'route add 10.9.5.0/24 table 100 nexthop via 10.2.0.2 nexthop via 10.1.0.2',
  'route add 10.9.6.0/24 table 100 via 10.2.0.2',
  // IPv6 keeps a multipath route as sibling routes and dumps them as one message.
  'route add fd09::/64 nexthop via fd01::2 nexthop via fd02::2',
  'route add fd0a::/64 nexthop via fd02::2 nexthop via fd02::3',
  'route add fd0b::/64 nexthop via fd01::2 nexthop via fd01::3',
  'route add fd0c::/64 via fd01::2',
  'route add fd0d::/64 table 100 nexthop via fd02::2 nexthop via fd01::2',
  // Nexthop objects: a route on one (RTA_OIF in the dump) and one on a group (RTA_MULTIPATH).
  'nexthop add id 1 via 10.1.0.2 dev d0', 'nexthop add id 2 via 10.2.0.2 dev e0', 'nexthop add id 3 group 1/2',
  'route add 10.9.7.0/24 nhid 1', 'route add 10.9.8.0/24 nhid 3',
];

const READS = [
  'route show dev d0', 'route show dev e0', 'route list oif e0', '-6 route show dev d0', '-6 route show dev e0',
  'route show table all dev d0', 'route show table all dev e0', 'route show table 100 dev d0', '-6 route show table 100 dev e0',
  '-j route show dev d0', '-j -6 route show dev d0', '-j route show table all dev e0', '-j -p route show table 100 dev e0',
  '-d route show dev d0', '-d -6 route show dev e0', 'route show dev d0 proto boot', '-j route show dev d0 to 10.9.0.0/16',
];

/** Each flush, then the state after it: ip's namespace and nlkit's must hold the same routes. */
const FLUSHES = ['route flush dev d0', '-6 route flush dev d0', 'route flush table 100 dev e0', '-6 route flush table all dev e0'];

/**
 * `ip -j -d route show table all`, without the kernel's ff00::/8 routes: the
 * kernel adds one per link as each comes up, in an order that varies.
 */
const state = (ns: string): unknown =>
  maskRouteJson((JSON.parse(ipOut('-n', ns, '-j', '-d', 'route', 'show', 'table', 'all')) as { type?: string }[]).filter((r) => r.type !== 'multicast'));

const hasMultipath = (routes: unknown, dst: string): boolean =>
  (routes as { dst: string; nexthops?: unknown[] }[]).some((r) => r.dst === dst && (r.nexthops?.length ?? 0) > 1);

t.test('route show|flush dev X selects the routes ip selects: never a multipath one', async (t) => {
  if (!requireRoot(t)) return;
  const [a, b] = testNetns(t, 2, 's2mpath') as [string, string];
  for (const ns of [a, b]) {
    const setup = ipRun(['-n', ns, '-batch', '-'], SETUP.join('\n'));
    t.equal(setup.status, 0, `set up ${ns} ${setup.stderr}`);
  }
  // The cases are there: multipath routes through d0 in both families, which the kernel's RTA_OIF dump returns.
  const before = state(a);
  for (const dst of ['10.9.0.0/24', '10.9.2.0/24', 'fd09::/64', 'fd0b::/64']) t.ok(hasMultipath(before, dst), `${dst} has several paths`);
  t.same(state(b), before, 'prepared alike');
  t.notMatch(ipOut('-n', a, 'route', 'show', 'dev', 'd0'), /10\.9\.0\.0|10\.9\.2\.0|10\.9\.8\.0/, 'ip lists no multipath route under dev d0');
  t.match(ipOut('-n', a, 'route', 'show', 'dev', 'd0'), /10\.9\.3\.0\/24 .*\n(.*\n)*10\.9\.4\.0\/24 .*\n(.*\n)*10\.9\.7\.0\/24/, 'and every single-path one');

  for (const read of READS) {
    const words = read.split(' ');
    const ip = ipRun(['-n', a, ...words]);
    const mine = await nlkit(['-n', b, ...words]);
    t.equal(ip.status, 0, `ip ${read} ${ip.stderr}`);
    if (words[0] === '-j') {
      t.same({ status: mine.status, stderr: mine.stderr }, { status: ip.status, stderr: ip.stderr }, `${read}: status and stderr`);
      t.equal(JSON.stringify(maskRouteJson(JSON.parse(mine.stdout))), JSON.stringify(maskRouteJson(JSON.parse(ip.stdout))), `${read}: ip's JSON`);
      if (read.includes('-p')) t.equal(mine.stdout, ip.stdout, `${read}: ip's layout`);
    } else t.same(mine, ip, read);
  }

  // ip's flush sends each dumped route back as a deletion: for a route on a
  // nexthop object that carries RTA_NH_ID with RTA_OIF, which the kernel
  // refuses (EINVAL), and ip stops there. nlkit deletes that route; this
  // test leaves that difference out, so the route goes before the flushes.
  for (const ns of [a, b]) ipOut('-n', ns, 'route', 'del', '10.9.7.0/24');
  for (const flush of FLUSHES) {
    const words = flush.split(' ');
    const ip = ipRun(['-n', a, ...words]);
    const mine = await nlkit(['-n', b, ...words]);
    t.same(mine, ip, flush);
    t.same(state(b), state(a), `${flush}: the same routes after it`);
  }
  // What ip's flushes left: the multipath routes through the flushed devices, and nothing through them alone.
  const after = state(a);
  for (const dst of ['10.9.0.0/24', '10.9.2.0/24', '10.9.5.0/24', 'fd09::/64', 'fd0b::/64', 'fd0d::/64']) t.ok(hasMultipath(after, dst), `${dst} is left`);
  t.notOk((after as { dst: string }[]).some((r) => ['10.9.3.0/24', '10.9.4.0/24', 'fd0c::/64', '10.9.6.0/24'].includes(r.dst)), 'the single-path routes are gone');
});
