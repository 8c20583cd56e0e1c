// route.test (NLM_F_EXCL without NLM_F_CREATE, `ip route test`) against the
// kernel and against what the same `ip route test` leaves in a twin namespace.
import t from 'tap';
import { NetlinkError } from '../../src/netlink/errors.js';
import { openRoute } from '../../src/route/connection.js';
import { ip, ipJson, requireRoot, testNetns } from '../helpers/netns.js';
import { maskRouteJson } from '../helpers/volatile.js';

t.test('route test: IPv4 creates nothing (ENOENT, EEXIST), IPv6 adds as add does, as ip route test', async (t) => {
  if (!requireRoot(t)) return;
  const [ours, theirs] = testNetns(t, 2, 'rtest') as [string, string];
  for (const ns of [ours, theirs]) {
    ip(ns, 'link', 'add', 'v0', 'type', 'veth', 'peer', 'name', 'v1');
    ip(ns, 'link', 'set', 'v0', 'addrgenmode', 'none');
    ip(ns, 'link', 'set', 'v0', 'up');
  }
  const rt = openRoute({ netns: ours });
  t.teardown(() => rt.close());

  const absent = t.throws(() => rt.route.test({ dst: '10.5.0.0/16', dev: 'v0' })) as NetlinkError;
  t.equal(absent.code, 'ENOENT', 'an IPv4 route that is not there is not created');
  t.equal(ipJson(ours, 'route', 'show', '10.5.0.0/16').length, 0);
  t.throws(() => ip(theirs, 'route', 'test', '10.5.0.0/16', 'dev', 'v0'), 'ip refuses it too');
  t.equal(ipJson(theirs, 'route', 'show', '10.5.0.0/16').length, 0, 'and creates nothing');

  rt.route.add({ dst: '10.5.0.0/16', dev: 'v0' });
  t.throws(() => rt.route.test({ dst: '10.5.0.0/16', dev: 'v0' }), { code: 'EEXIST' }, 'one that is there: EEXIST');
  await t.rejects(rt.route.testAsync({ dst: '10.5.0.0/16', dev: 'v0' }), { code: 'EEXIST' }, 'the Promise form too');

  rt.route.test({ dst: 'fd05::/64', dev: 'v0' });
  ip(theirs, '-6', 'route', 'test', 'fd05::/64', 'dev', 'v0');
  t.strictSame(maskRouteJson(ipJson(ours, '-6', 'route', 'show', 'fd05::/64')), maskRouteJson(ipJson(theirs, '-6', 'route', 'show', 'fd05::/64')), 'IPv6: added as ip adds it');
  t.equal(ipJson(ours, '-6', 'route', 'show', 'fd05::/64').length, 1);
  t.throws(() => rt.route.test({ dst: 'fd05::/64', dev: 'v0' }), { code: 'EEXIST' }, 'and then there: EEXIST');
});
