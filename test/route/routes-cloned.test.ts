// route.list({ cloned: true }): the routes the kernel cloned from its tables
// (a path MTU learned from "too big", test/helpers/pmtu-exceptions.ts), which a
// dump returns only when asked with RTM_F_CLONED; compared with what
// `ip -j route show cached` prints for the same namespace.
import t from 'tap';
import { RTM_F_CLONED } from '../../src/generated/rtnetlink.js';
import { InvalidArgumentError } from '../../src/netlink/addresses.js';
import { LinkNotFoundError } from '../../src/route/resolve.js';
import { routeToIpJson, type Route } from '../../src/route/routes/index.js';
import { ipJson, requireRoot } from '../helpers/netns.js';
import { pmtuTopology, provokeExceptions } from '../helpers/pmtu-exceptions.js';
import { linkNames, services } from './addresses-routes-helpers.js';

/** The expiry ticks between the two reads. */
function withoutExpiry(entries: unknown[]): unknown[] {
  return entries.map((e) => {
    const { expires: _expires, ...rest } = e as Record<string, unknown>;
    return rest;
  });
}

t.test('cloned routes: listed on request only, as ip lists them', async (t) => {
  if (!requireRoot(t)) return;
  const topology = pmtuTopology(t);
  const { a } = topology;
  const s = services(t, a);
  t.same(s.route.list({ cloned: true }), [], 'nothing cloned before any traffic');
  t.same(await s.route.listAsync({ cloned: true, family: 6 }), [], 'nothing cloned before any traffic (async, IPv6)');

  provokeExceptions(topology);
  const names = linkNames(a);
  const asIp = (routes: Route[]) => withoutExpiry(routes.map((r) => routeToIpJson(r, names, { details: false })));
  const cloned4 = s.route.list({ cloned: true, family: 4 });
  const cloned6 = await s.route.listAsync({ cloned: true, family: 6 });
  t.same(asIp(cloned4), withoutExpiry(ipJson(a, 'route', 'show', 'cached')), 'IPv4: as ip -j route show cached');
  t.same(asIp(cloned6), withoutExpiry(ipJson(a, '-6', 'route', 'show', 'cached')), 'IPv6: as ip -j -6 route show cached');
  t.ok(cloned4.length === 1 && cloned6.length >= 1, `one IPv4 exception, IPv6 ones (${cloned4.length}, ${cloned6.length})`);
  for (const r of [...cloned4, ...cloned6]) {
    t.ok(r.flags & RTM_F_CLONED, `${r.dst}: RTM_F_CLONED`);
    t.equal(r.metrics?.mtu, 1280, `${r.dst}: the learned path MTU`);
  }
  const both = s.route.list({ cloned: true });
  t.same(both.map((r) => r.dst).sort(), [...cloned4, ...cloned6].map((r) => r.dst).sort(), 'without family: both families');
  t.same(s.route.list({ cloned: true, dev: 'a0', family: 4 }).map((r) => r.dst), ['10.2.0.1'], 'through a0');
  t.same(s.route.list({ cloned: true, protocol: 'static' }), [], 'a protocol the exceptions do not have');
  t.notOk(s.route.list({ table: 'all' }).some((r) => r.flags & RTM_F_CLONED), 'a plain listing has no cloned route');
  t.throws(() => s.route.list({ cloned: true, dev: 'nosuch' }), LinkNotFoundError);
  t.throws(() => s.route.list({ cloned: 'yes' as unknown as boolean }), InvalidArgumentError);
  t.throws(() => s.route.list({ cloned: 'yes' as unknown as boolean }), /route filter cloned must be true or false, got the string "yes"/);
});
