// NetworkView's route indexes: an address deletion and a device going down ask
// whether the view holds IPv4 routes the kernel would drop without a word;
// the answer comes from counts kept on every put, replace and removal.
import t from 'tap';
import type { Route } from '../../src/route/routes/message.js';
import { NetworkView, objectKey } from '../../src/monitor/view.js';

function route(fields: Partial<Route>): Route {
  return { family: 4, dstLength: 32, srcLength: 0, tos: 0, table: 254, protocol: 4, scope: 0, type: 1, flags: 0, ...fields } as Route;
}

function put(view: NetworkView, r: Route): string {
  const key = objectKey('route', r);
  view.put('route', key, r);
  return key;
}

t.test('preferred sources are counted per route, table local excluded, IPv6 ignored', async (t) => {
  const view = new NetworkView();
  const a = put(view, route({ dst: '198.18.0.1', prefsrc: '10.0.0.1', oif: 2 }));
  const b = put(view, route({ dst: '198.18.0.2', prefsrc: '10.0.0.1', oif: 2 }));
  put(view, route({ dst: '10.0.0.9', prefsrc: '10.0.0.9', oif: 2, table: 255 }));
  put(view, route({ family: 6, dst: '2001:db8::1', dstLength: 128, prefsrc: '2001:db8::9', oif: 3 } as Partial<Route>));
  t.ok(view.hasIpv4RoutesFrom('10.0.0.1'));
  t.notOk(view.hasIpv4RoutesFrom('10.0.0.9'), 'table local routes go with their address and are announced');
  t.notOk(view.hasIpv4RoutesFrom('2001:db8::9'));
  t.notOk(view.hasIpv4RoutesThrough(3), 'IPv6 routes are announced when their device goes down');
  t.ok(view.remove('route', a));
  t.ok(view.hasIpv4RoutesFrom('10.0.0.1'), 'one route still uses the source');
  t.ok(view.remove('route', b));
  t.notOk(view.hasIpv4RoutesFrom('10.0.0.1'));
  t.notOk(view.remove('route', b), 'a second removal finds nothing and changes no count');
  t.notOk(view.hasIpv4RoutesFrom('10.0.0.1'));
});

t.test('a replacement moves the counts from the old route to the new one', async (t) => {
  const view = new NetworkView();
  const key = put(view, route({ dst: '198.18.0.1', prefsrc: '10.0.0.1', oif: 2 }));
  t.ok(view.apply({ kind: 'route', action: 'new', flags: 0, portId: 0, route: route({ dst: '198.18.0.1', prefsrc: '10.0.0.2', oif: 5 }) }));
  t.notOk(view.hasIpv4RoutesFrom('10.0.0.1'));
  t.notOk(view.hasIpv4RoutesThrough(2));
  t.ok(view.hasIpv4RoutesFrom('10.0.0.2'));
  t.ok(view.hasIpv4RoutesThrough(5));
  t.ok(view.apply({ kind: 'route', action: 'del', flags: 0, portId: 0, route: view.routes.get(key)! }));
  t.notOk(view.hasIpv4RoutesThrough(5));
  t.equal(view.routes.size, 0);
});

t.test('a multipath route counts each device once, however many hops use it', async (t) => {
  const view = new NetworkView();
  const key = put(view, route({ dst: '198.18.0.0', dstLength: 24, nexthops: [{ oif: 7, gateway: '10.0.0.1' }, { oif: 7, gateway: '10.0.0.2' }, { oif: 8, gateway: '10.1.0.1' }] } as Partial<Route>));
  t.ok(view.hasIpv4RoutesThrough(7));
  t.ok(view.hasIpv4RoutesThrough(8));
  view.remove('route', key);
  t.notOk(view.hasIpv4RoutesThrough(7), 'the device counted once is uncounted once');
  t.notOk(view.hasIpv4RoutesThrough(8));
});
