// Thousands of routes in packed requests, and input refused before sending.
import t from 'tap';
import { InvalidArgumentError } from '../../src/netlink/addresses.js';
import { NetlinkBatchError } from '../../src/netlink/errors.js';
import { RouteService } from '../../src/route/routes/service.js';
import type { RouteSpec } from '../../src/route/routes/index.js';
import { tripwireContext } from '../helpers/counting-socket.js';
import { ipJson, requireRoot, testNetns } from '../helpers/netns.js';
import { services, vethPair } from './addresses-routes-helpers.js';

const hostRoute = (i: number): RouteSpec => ({ dst: `10.${100 + (i >> 16)}.${(i >> 8) & 255}.${i & 255}/32`, gateway: '10.0.0.1', dev: 'v0' });

t.test('addMany/deleteMany of thousands: the failing request is named, the rest applied', async (t) => {
  if (!requireRoot(t)) return;
  const [ns] = testNetns(t, 1, 'batch');
  vethPair(ns!);
  const { addr, route, label } = services(t, ns!);
  addr.add({ dev: 'v0', address: '10.0.0.2/24' });
  const count = 3000;
  const failing = 1234;
  route.add(hostRoute(failing));
  const specs = Array.from({ length: count }, (_, i) => hostRoute(i));

  const err = t.throws(() => route.addMany(specs)) as NetlinkBatchError;
  t.type(err, NetlinkBatchError);
  t.equal(err.total, count);
  t.same(err.failures.map((f) => f.index), [failing], 'only the route that already existed');
  t.match(err.failures[0]!.error, { code: 'EEXIST', operation: 'add route', object: `10.100.4.210/32 via 10.0.0.1 dev v0 table main in ${label}` });
  const hosts = () => route.list({ family: 4, dev: 'v0' }).filter((r) => r.dstLength === 32);
  t.equal(hosts().length, count, 'all the others were added');
  t.equal(ipJson<unknown[]>(ns!, 'route', 'show', 'dev', 'v0').length, count + 1, 'ip sees them (plus the subnet route)');

  const missing = 2999;
  route.delete(hostRoute(missing));
  const del = t.throws(() => route.deleteMany(specs)) as NetlinkBatchError;
  t.same(del.failures.map((f) => f.index), [missing]);
  t.match(del.failures[0]!.error, { code: 'ESRCH', operation: 'delete route' });
  t.same(hosts(), [], 'everything else deleted');

  // A failure in a send that is not the first (256 requests per send).
  const late = 2900;
  route.add(hostRoute(late));
  const asyncErr = await t.rejects(route.addManyAsync(specs)) as unknown as NetlinkBatchError;
  t.same(asyncErr.failures.map((f) => f.index), [late], 'addManyAsync names it too');
  t.equal(hosts().length, count);
  await route.deleteManyAsync(specs);
  t.same(hosts(), []);
});

t.test('multipath and IPv6 routes in a batch', async (t) => {
  if (!requireRoot(t)) return;
  const [ns] = testNetns(t, 1, 'batch');
  vethPair(ns!);
  const { addr, route } = services(t, ns!);
  addr.addMany([{ dev: 'v0', address: '10.0.0.2/24' }, { dev: 'v1', address: '10.1.0.2/24' }, { dev: 'v0', address: 'fd02::1/64', flags: { nodad: true } }]);
  const specs: RouteSpec[] = [];
  for (let i = 0; i < 500; i++) {
    specs.push({ dst: `10.200.${i >> 8}.${i & 255}/32`, nexthops: [{ gateway: '10.0.0.1', dev: 'v0', weight: 1 + (i % 5) }, { gateway: '10.1.0.1', dev: 'v1' }] });
    specs.push({ dst: `fd10::${i.toString(16)}/128`, gateway: 'fd02::2', metric: i });
  }
  route.addMany(specs);
  const v4 = route.list({ family: 4 }).filter((r) => r.nexthops);
  t.equal(v4.length, 500);
  t.same(v4.map((r) => r.nexthops![0]!.weight).slice(0, 6), [1, 2, 3, 4, 5, 1]);
  const v6 = route.list({ family: 6 }).filter((r) => r.dst?.startsWith('fd10::'));
  t.equal(v6.length, 500);
  t.ok(v6.every((r) => r.gateway === 'fd02::2'));
  route.deleteMany(specs);
  t.equal(route.list({ family: 4 }).filter((r) => r.nexthops).length, 0);
});

t.test('bad input is refused before anything is sent', async (t) => {
  // A context whose socket explodes when touched: InvalidArgumentError proves nothing was sent.
  const route = new RouteService(tripwireContext());
  const bad: [unknown, RegExp][] = [
    [{ dst: '10.1.0.0/33', gateway: '10.0.0.1' }, /invalid prefix length/],
    [{ dst: '10.1.0.1/16' }, /bits set beyond \/16; did you mean "10\.1\.0\.0\/16"/],
    [{ dst: 'fd00::1/64' }, /did you mean "fd00::\/64"/],
    [{ dst: 'fd00::/64', gateway: '10.0.0.1' }, /gateway "10\.0\.0\.1" is IPv4 but the route is IPv6/],
    [{ dst: '10.1.0.0/16', gateway: 'fd00::1' }, /is IPv6 but the route is IPv4/],
    [{ dst: '10.1.0.0/16', src: 'fd00::1' }, /src "fd00::1" is IPv6/],
    [{ dst: 'default', family: 6, gateway: '10.0.0.1' }, /is IPv4 but the route is IPv6/],
    [{ dst: '10.1.0.0/16', family: 6 }, /dst "10\.1\.0\.0\/16" is IPv4 but the route is IPv6/],
    [{ dst: '10.1.0.0/16', family: 5 }, /family must be 4 or 6/],
    [{ dst: 'somewhere' }, /not a valid IPv4 or IPv6/],
    [{ gateway: '10.0.0.1' }, /needs dst/],
    [{ dst: '10.1.0.0/16', via: '10.0.0.1' }, /has no option "via"/],
    [{ dst: '10.1.0.0/16', table: 'mian' }, /table "mian" is unknown/],
    [{ dst: '10.1.0.0/16', table: 0 }, /0 is not a table/],
    [{ dst: '10.1.0.0/16', table: 2 ** 32 }, /0-4294967295/],
    [{ dst: '10.1.0.0/16', protocol: 'ospf3' }, /protocol "ospf3" is unknown/],
    [{ dst: '10.1.0.0/16', protocol: 256 }, /0-255/],
    [{ dst: '10.1.0.0/16', scope: 'world' }, /scope "world" is unknown/],
    [{ dst: '10.1.0.0/16', type: 'drop' }, /type "drop" is unknown/],
    [{ dst: '10.1.0.0/16', type: 'blackhole', dev: 'v0' }, /blackhole route takes no gateway, dev, nexthops or nhid/],
    [{ dst: '10.1.0.0/16', type: 'unreachable', gateway: '10.0.0.1' }, /unreachable route takes no gateway/],
    [{ dst: '10.1.0.0/16', metric: -1 }, /metric must be an integer from 0 to 4294967295/],
    [{ dst: '10.1.0.0/16', metrics: { mtu: 70000 } }, /metrics\.mtu must be an integer from 1 to 65520/],
    [{ dst: '10.1.0.0/16', metrics: { advmss: 0 } }, /metrics\.advmss/],
    [{ dst: '10.1.0.0/16', metrics: { hoplimit: 256 } }, /metrics\.hoplimit must be an integer from 1 to 255/],
    [{ dst: '10.1.0.0/16', metrics: { rtt: 1.5 } }, /metrics\.rtt .* \(milliseconds\)/],
    [{ dst: '10.1.0.0/16', metrics: { quickack: 2 } }, /metrics\.quickack must be an integer from 0 to 1/],
    [{ dst: '10.1.0.0/16', metrics: { features: 16 } }, /RTAX_FEATURE_\* bits/],
    [{ dst: '10.1.0.0/16', metrics: { congctl: 'a b' } }, /congestion control name/],
    [{ dst: '10.1.0.0/16', metrics: { lock: ['speed'] } }, /"speed" is not a metric/],
    [{ dst: '10.1.0.0/16', metrics: { pmtu: 1 } }, /metrics has no option "pmtu"/],
    [{ dst: '10.1.0.0/16', nexthops: [] }, /non-empty array/],
    [{ dst: '10.1.0.0/16', nexthops: [{ weight: 2 }] }, /nexthops\[0\] needs a gateway or a dev/],
    [{ dst: '10.1.0.0/16', nexthops: [{ gateway: '10.0.0.1', weight: 0 }] }, /nexthops\[0\]\.weight must be an integer from 1 to 256/],
    [{ dst: '10.1.0.0/16', nexthops: [{ gateway: '10.0.0.1' }, { gateway: '10.0.0.2', weight: 257 }] }, /nexthops\[1\]\.weight/],
    [{ dst: '10.1.0.0/16', nexthops: [{ gateway: 'fd00::1' }] }, /nexthops\[0\]\.gateway "fd00::1" is IPv6/],
    [{ dst: '10.1.0.0/16', gateway: '10.0.0.1', nexthops: [{ gateway: '10.0.0.2' }] }, /either gateway\/dev or nexthops/],
    [{ dst: '10.1.0.0/16', tos: 3 }, /ECN bits/],
    [{ dst: 'fd00::/64', tos: 0x10 }, /tos applies to IPv4 routes only/],
    [{ dst: '10.1.0.0/16', pref: 'high' }, /pref applies to IPv6 routes only/],
    [{ dst: 'fd00::/64', pref: 'urgent' }, /pref must be 'low', 'medium' or 'high'/],
    [{ dst: '10.1.0.0/16', expires: 30 }, /expires applies to IPv6 routes only/],
    [{ dst: '10.1.0.0/16', onlink: 'yes' }, /onlink must be true or false/],
    [{ dst: '10.1.0.0/16', dev: 'much-too-long-name' }, /at most 15/],
  ];
  for (const [spec, message] of bad) {
    const label = JSON.stringify(spec);
    t.throws(() => route.add(spec as RouteSpec), InvalidArgumentError, label);
    t.throws(() => route.add(spec as RouteSpec), message, label);
  }
  t.throws(() => route.addMany([{ dst: '10.1.0.0/16' }, { dst: '10.2.0.0/16', gateway: 'fd00::1' }]), /specs\[1\]: gateway/);
  t.throws(() => route.deleteMany([{ dst: '10.1.0.0/16', table: 'x' as never }]), /specs\[0\]: table "x"/);
  t.throws(() => route.get({ to: '10.1.0.0/16' }), /a single address/);
  t.throws(() => route.get({ to: '10.1.0.1', from: 'fd00::1' }), /from "fd00::1" is IPv6/);
  t.throws(() => route.get({ to: 'fd00::1', tos: 4 }), /tos applies to IPv4 lookups only/);
  t.throws(() => route.get({ to: '10.1.0.1', dst: '1.1.1.1' } as never), /has no option "dst"/);
  t.throws(() => route.list({ table: 'everything' as never }), /table "everything" is unknown/);
  t.throws(() => route.list({ scope: 999 }), /0-255/);
  t.throws(() => route.list({ oif: 'v0' } as never), /no option "oif"/);
  await t.rejects(route.appendAsync({ dst: '10.1.0.0/16', gateway: '10.0.0.x' }), InvalidArgumentError);
  await t.rejects(route.addManyAsync([{ dst: 'nope' }]), /specs\[0\]/);
});
