// ip link set, delete and delete group, through nlkit, checked with ip.
import t from 'tap';
import { LinkNotFoundError } from '../../../src/route/resolve.js';
import { ipJson, requireRoot, testNetns } from '../../helpers/netns.js';
import { compareWithIp, ipShow, openLinks } from './helpers.js';

t.test('up and down, mtu, MAC, txqueuelen, group, alias: each alone and all in one request', async (t) => {
  if (!requireRoot(t)) return;
  const [ns] = testNetns(t, 1, 'set');
  const c = openLinks(t, ns!);
  c.links.add({ name: 'v0', type: 'veth', peer: { name: 'v0p' } });

  c.links.set('v0', { up: true });
  t.ok(ipShow(ns!, 'v0').flags.includes('UP'), 'up');
  c.links.set('v0', { up: false });
  t.notOk(ipShow(ns!, 'v0').flags.includes('UP'), 'down');
  c.links.set('v0', { mtu: 1280 });
  t.equal(ipShow(ns!, 'v0').mtu, 1280);
  c.links.set('v0', { address: '02:12:34:56:78:9a' });
  t.equal(ipShow(ns!, 'v0').address, '02:12:34:56:78:9a');
  c.links.set('v0', { txqueuelen: 42 });
  t.equal(ipShow(ns!, 'v0').txqlen, 42);
  c.links.set('v0', { group: 12 });
  t.equal(ipShow(ns!, 'v0').group, '12');
  c.links.set('v0', { alias: 'web pod 1' });
  t.equal(ipShow(ns!, 'v0').ifalias, 'web pod 1');
  c.links.set('v0', { alias: null });
  t.notOk('ifalias' in ipShow(ns!, 'v0'), 'alias cleared with null');
  c.links.set('v0', { alias: 'again' });
  c.links.set('v0', { alias: '' });
  t.notOk('ifalias' in ipShow(ns!, 'v0'), 'alias cleared with ""');

  const before = c.sent();
  const index = c.links.get('v0p').index;
  c.links.set(index, { up: true, mtu: 1300, address: '02:00:00:00:00:99', txqueuelen: 77, group: 3, alias: 'all at once' });
  t.equal(c.sent() - before, 2, 'one get, then exactly one request for all the changes');
  const v0p = compareWithIp(t, c, ns!, 'v0p');
  t.match(v0p, { up: true, mtu: 1300, address: '02:00:00:00:00:99', txqueuelen: 77, group: 3, alias: 'all at once' });
});

t.test('master and nomaster', async (t) => {
  if (!requireRoot(t)) return;
  const [ns] = testNetns(t, 1, 'master');
  const c = openLinks(t, ns!);
  c.links.add({ name: 'br0', type: 'bridge' });
  c.links.add({ name: 'p0', type: 'veth', peer: { name: 'p0p' } });
  c.links.set('p0', { master: 'br0' });
  t.equal(ipShow(ns!, 'p0').master, 'br0');
  const p0 = compareWithIp(t, c, ns!, 'p0');
  t.equal(p0.master, c.links.get('br0').index);
  c.links.set('p0', { master: null });
  t.notOk('master' in ipShow(ns!, 'p0'), 'nomaster');
  t.equal(c.links.get('p0').master, undefined);
  c.links.set('p0', { master: c.links.get('br0').index });
  t.equal(ipShow(ns!, 'p0').master, 'br0', 'master by index');
});

t.test('move to another namespace, by name and by fd', async (t) => {
  if (!requireRoot(t)) return;
  const [a, b] = testNetns(t, 2, 'move');
  const la = openLinks(t, a!);
  const lb = openLinks(t, b!);
  la.links.add({ name: 'm0', type: 'veth', peer: { name: 'm1' } });
  la.links.set('m0', { netns: b! });
  t.throws(() => la.links.get('m0'), LinkNotFoundError, 'gone from a');
  const m0 = compareWithIp(t, lb, b!, 'm0');
  t.type(m0.linkNetnsId, 'number', 'its peer is now in another namespace');
  const { openNetns } = await import('../../../src/netns/reference.js');
  const handle = openNetns(a!);
  try {
    lb.links.set('m0', { netns: { fd: handle.fd }, name: 'back' });
  } finally {
    handle.close();
  }
  t.equal(la.links.get('back').name, 'back', 'moved back and renamed in one request');
});

t.test('rename, by name and by index', async (t) => {
  if (!requireRoot(t)) return;
  const [ns] = testNetns(t, 1, 'rename');
  const c = openLinks(t, ns!);
  c.links.add({ name: 'old', type: 'ifb' });
  const index = c.links.get('old').index;
  c.links.set('old', { name: 'new' });
  t.equal(ipShow(ns!, 'new').ifindex, index);
  t.throws(() => c.links.get('old'), LinkNotFoundError);
  c.links.set(index, { name: 'newer', mtu: 1400 });
  t.match(c.links.get(index), { name: 'newer', mtu: 1400 });
});

t.test('delete by name and by index; a veth takes its peer along', async (t) => {
  if (!requireRoot(t)) return;
  const [ns] = testNetns(t, 1, 'delete');
  const c = openLinks(t, ns!);
  c.links.add({ name: 'd0', type: 'veth', peer: { name: 'd0p' } });
  c.links.add({ name: 'd1', type: 'ifb' });
  c.links.delete('d0');
  t.same(ipJson(ns!, 'link', 'show').map((l: { ifname: string }) => l.ifname).sort(), ['d1', 'lo']);
  c.links.delete(c.links.get('d1').index);
  t.throws(() => c.links.delete('d1'), LinkNotFoundError, 'a missing link is LinkNotFoundError');
  t.throws(() => c.links.delete(4242), { name: 'LinkNotFoundError', code: 'ENODEV' });
});

t.test('deleteGroup removes exactly the links of that group, in one request', async (t) => {
  if (!requireRoot(t)) return;
  const [ns] = testNetns(t, 1, 'group');
  const c = openLinks(t, ns!);
  c.links.add({ name: 'g5a', type: 'veth', group: 5, peer: { name: 'g5ap' } });
  c.links.add({ name: 'g5b', type: 'ifb', group: 5 });
  c.links.add({ name: 'g6', type: 'ifb', group: 6 });
  c.links.add({ name: 'g0', type: 'ifb' });
  c.links.set('g5ap', { group: 6 });
  // ip -j prints an empty object for each link its group filter skips.
  t.same(ipJson(ns!, 'link', 'show', 'group', '5').flatMap((l: { ifname?: string }) => l.ifname ?? []).sort(), ['g5a', 'g5b']);
  const before = c.sent();
  c.links.deleteGroup(5);
  t.equal(c.sent() - before, 1, 'one request');
  // g5ap was in group 6 but goes with its veth peer g5a.
  t.same(ipJson(ns!, 'link', 'show').map((l: { ifname: string }) => l.ifname).sort(), ['g0', 'g6', 'lo']);
  t.throws(() => c.links.deleteGroup(5), { name: 'NetlinkError', code: 'ENODEV', message: /^delete link group 5 in netns \S+ failed: ENODEV/ });
});
