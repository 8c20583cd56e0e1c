// `rt.nexthop.add` without an id: the kernel picks one (as `ip nexthop add
// via …` without `id`), the library learns it from the echoed notification
// and returns it. Checked against `ip -j nexthop show` in a namespace of its own.
import t, { type Test } from 'tap';
import { InvalidArgumentError } from '../../src/netlink/addresses.js';
import { openRoute, type RouteConnection } from '../../src/route/connection.js';
import { nexthopsToIpJson } from '../../src/route/nexthops/index.js';
import { ip, ipJson, requireRoot, testNetns } from '../helpers/netns.js';
import { linkNames } from './addresses-routes-helpers.js';

function setup(t: Test): { ns: string; rt: RouteConnection } {
  const [ns] = testNetns(t, 1, 'r2nhid') as [string];
  ip(ns, 'link', 'set', 'lo', 'up');
  ip(ns, 'link', 'add', 'v0', 'type', 'veth', 'peer', 'name', 'v1');
  ip(ns, 'link', 'set', 'v0', 'up');
  ip(ns, 'link', 'set', 'v1', 'up');
  ip(ns, 'addr', 'add', '10.0.0.1/24', 'dev', 'v0');
  const rt = openRoute({ netns: ns });
  t.teardown(() => rt.close());
  return { ns, rt };
}

t.test('ids the kernel picks come back from add and match ip -j nexthop show', async (t) => {
  if (!requireRoot(t)) return;
  const { ns, rt } = setup(t);
  // The kernel counts on from the last id it picked (not from ids given to it), skipping taken ones.
  rt.nexthop.add({ id: 2, via: '10.0.0.9', dev: 'v0' });
  const picked = [
    rt.nexthop.add({ via: '10.0.0.2', dev: 'v0' }),
    rt.nexthop.add({ blackhole: true }),
    rt.nexthop.add({ dev: 'v0', family: 6 }),
  ];
  t.strictSame(picked, [1, 3, 4], 'each add returns a distinct id, skipping the taken 2');
  t.equal(rt.nexthop.add({ id: 10, via: '10.0.0.3', dev: 'v0' }), 10, 'an add with an id returns that id');
  const shown = ipJson<{ id: number; gateway?: string; blackhole?: null; dev?: string }[]>(ns, 'nexthop', 'show');
  t.strictSame(shown.map((n) => n.id), [1, 2, 3, 4, 10]);
  t.equal(shown.find((n) => n.id === picked[0])?.gateway, '10.0.0.2', 'the returned id names the nexthop that was asked for');
  t.ok(shown.find((n) => n.id === picked[1])?.blackhole === null, 'the blackhole under its id');
  t.strictSame(nexthopsToIpJson(rt.nexthop.list(), linkNames(ns)), shown, 'the library lists what ip lists');

  // A group without an id, of members whose ids the kernel picked.
  const group = rt.nexthop.add({ group: [picked[0]!, { id: 2, weight: 3 }] });
  t.equal(group, 5, 'the group gets the id after the last picked one (4), not after the given 10');
  t.strictSame(ipJson(ns, 'nexthop', 'show', 'id', String(group)), [{ id: group, group: [{ id: picked[0] }, { id: 2, weight: 3 }], flags: [] }]);
  const resilient = rt.nexthop.add({ group: [picked[0]!, 2], type: 'resilient', buckets: 4 });
  t.equal(rt.nexthop.get(resilient).resilient?.buckets, 4, 'a resilient group under its picked id');

  // A route through a picked id, and the nexthop replaced under that id.
  rt.route.add({ dst: '10.5.0.0/16', nhid: group });
  rt.nexthop.replace({ id: picked[0]!, via: '10.0.0.7', dev: 'v0' });
  t.equal(ipJson<{ gateway: string }[]>(ns, 'nexthop', 'show', 'id', String(picked[0]))[0]!.gateway, '10.0.0.7');
  t.match(ip(ns, 'route', 'show', '10.5.0.0/16'), `nhid ${group}`);

  // Refusals: add's EEXIST still names the object; replace without id is refused before sending.
  t.throws(() => rt.nexthop.add({ id: picked[1]!, blackhole: true }), { name: 'NetlinkError', code: 'EEXIST' });
  t.throws(() => rt.nexthop.replace({ blackhole: true }), InvalidArgumentError);
  t.throws(() => rt.nexthop.add({ id: 0, blackhole: true }), InvalidArgumentError, 'id 0 is refused: leave id out instead');
  // A kernel refusal of a spec without id says so in its object.
  t.throws(() => rt.nexthop.add({ group: [99] }), { name: 'NetlinkError', message: /add nexthop \(kernel-chosen id\) group 99/ });
  t.strictSame(ipJson<{ id: number }[]>(ns, 'nexthop', 'show').map((n) => n.id), [1, 2, 3, 4, 5, 6, 10], 'refusals created nothing');
});

t.test('addAsync without an id resolves to the picked id', async (t) => {
  if (!requireRoot(t)) return;
  const { ns, rt } = setup(t);
  const ids = await Promise.all([
    rt.nexthop.addAsync({ via: '10.0.0.2', dev: 'v0' }),
    rt.nexthop.addAsync({ via: '10.0.0.3', dev: 'v0' }),
  ]);
  t.strictSame([...ids].sort((a, b) => a - b), [1, 2], 'two adds in flight get two ids');
  const group = await rt.nexthop.addAsync({ group: ids });
  t.equal(group, 3);
  t.equal(await rt.nexthop.addAsync({ id: 20, blackhole: true }), 20);
  t.strictSame(nexthopsToIpJson(await rt.nexthop.listAsync(), linkNames(ns)), ipJson(ns, 'nexthop', 'show'));
  const byGateway = new Map(ipJson<{ id: number; gateway?: string }[]>(ns, 'nexthop', 'show').map((n) => [n.gateway, n.id]));
  t.equal(byGateway.get('10.0.0.2'), ids[0], 'each promise resolved to its own nexthop, not the other');
  t.equal(byGateway.get('10.0.0.3'), ids[1]);
  await t.rejects(rt.nexthop.replaceAsync({ via: '10.0.0.4', dev: 'v0' }), InvalidArgumentError);
});
