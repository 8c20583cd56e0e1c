// change (NLM_F_REPLACE alone) and prepend (NLM_F_CREATE alone) for routes,
// and change for addresses and neighbours, against the kernel and against
// what the same `ip … change|prepend` leaves in a twin namespace.
import t from 'tap';
import { NetlinkError } from '../../src/netlink/errors.js';
import { openRoute } from '../../src/route/connection.js';
import { ip, ipJson, requireRoot, testNetns } from '../helpers/netns.js';
import { maskAddressJson, maskNeighbourJson, maskRouteJson } from '../helpers/volatile.js';

function prepare(ns: string): void {
  ip(ns, 'link', 'add', 'v0', 'address', '02:00:00:00:00:10', 'type', 'veth', 'peer', 'name', 'v1', 'address', '02:00:00:00:00:11');
  ip(ns, 'link', 'set', 'v0', 'up');
  ip(ns, 'link', 'set', 'v1', 'up');
  ip(ns, 'addr', 'add', '10.0.0.1/24', 'dev', 'v0');
  ip(ns, 'addr', 'add', 'fd00::1/64', 'dev', 'v0', 'nodad');
}

t.test('route change and prepend, address change, neighbour change: as ip does them', async (t) => {
  if (!requireRoot(t)) return;
  const [ours, theirs] = testNetns(t, 2, 'chg') as [string, string];
  for (const ns of [ours, theirs]) prepare(ns);
  const rt = openRoute({ netns: ours });
  t.teardown(() => rt.close());

  // IPv6 change of a route that is not there: ENOENT (nothing created).
  const missing = t.throws(() => rt.route.change({ dst: 'fd09::/64', gateway: 'fd00::2' })) as NetlinkError;
  t.equal(missing.code, 'ENOENT', 'change does not create');
  t.equal(ipJson(ours, '-6', 'route', 'show', 'fd09::/64').length, 0);

  rt.route.add({ dst: '10.5.0.0/16', gateway: '10.0.0.2', metric: 5 });
  ip(theirs, 'route', 'add', '10.5.0.0/16', 'via', '10.0.0.2', 'metric', '5');
  rt.route.change({ dst: '10.5.0.0/16', gateway: '10.0.0.3', metric: 5 });
  ip(theirs, 'route', 'change', '10.5.0.0/16', 'via', '10.0.0.3', 'metric', '5');
  await rt.route.prependAsync({ dst: '10.5.0.0/16', gateway: '10.0.0.4', metric: 5, tos: 8 });
  ip(theirs, 'route', 'prepend', '10.5.0.0/16', 'via', '10.0.0.4', 'metric', '5', 'tos', '8');
  rt.route.add({ dst: 'fd05::/64', gateway: 'fd00::2' });
  ip(theirs, '-6', 'route', 'add', 'fd05::/64', 'via', 'fd00::2');
  await rt.route.changeAsync({ dst: 'fd05::/64', gateway: 'fd00::3' });
  ip(theirs, '-6', 'route', 'change', 'fd05::/64', 'via', 'fd00::3');
  rt.route.prepend({ dst: 'fd05::/64', gateway: 'fd00::4' });
  ip(theirs, '-6', 'route', 'prepend', 'fd05::/64', 'via', 'fd00::4');
  for (const family of ['-4', '-6']) {
    t.same(maskRouteJson(ipJson(ours, family, '-d', 'route', 'show')), maskRouteJson(ipJson(theirs, family, '-d', 'route', 'show')), `${family} routes as ip leaves them`);
  }
  t.equal(ipJson(ours, 'route', 'show', '10.5.0.0/16').length, 2, 'prepend added a second IPv4 route');

  rt.addr.change({ dev: 'v0', address: '10.0.0.1/24', validLifetime: 500, preferredLifetime: 100 });
  ip(theirs, 'addr', 'change', '10.0.0.1/24', 'dev', 'v0', 'valid_lft', '500', 'preferred_lft', '100');
  await rt.addr.changeAsync({ dev: 'v0', address: 'fd00::1/64', flags: { nodad: true }, metric: 9 });
  ip(theirs, 'addr', 'change', 'fd00::1/64', 'dev', 'v0', 'nodad', 'metric', '9');
  t.same(maskAddressJson(ipJson(ours, 'addr', 'show', 'dev', 'v0')), maskAddressJson(ipJson(theirs, 'addr', 'show', 'dev', 'v0')), 'addresses as ip leaves them');

  const noEntry = t.throws(() => rt.neigh.change({ dev: 'v0', address: '10.0.0.7', lladdr: '02:00:00:00:00:07' })) as NetlinkError;
  t.equal(noEntry.code, 'ENOENT', 'neighbour change does not create');
  rt.neigh.add({ dev: 'v0', address: '10.0.0.8', lladdr: '02:00:00:00:00:08', state: 'permanent' });
  ip(theirs, 'neigh', 'add', '10.0.0.8', 'lladdr', '02:00:00:00:00:08', 'dev', 'v0', 'nud', 'permanent');
  await rt.neigh.changeAsync({ dev: 'v0', address: '10.0.0.8', lladdr: '02:00:00:00:00:18', state: 'permanent' });
  ip(theirs, 'neigh', 'change', '10.0.0.8', 'lladdr', '02:00:00:00:00:18', 'dev', 'v0', 'nud', 'permanent');
  t.same(maskNeighbourJson(ipJson(ours, 'neigh', 'show', 'dev', 'v0')), maskNeighbourJson(ipJson(theirs, 'neigh', 'show', 'dev', 'v0')), 'neighbours as ip leaves them');
});
