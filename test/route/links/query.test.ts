// get and list against ip, kernel-side filters, and the Promise forms.
import t from 'tap';
import { IFLA_MAX } from '../../../src/generated/if_link.js';
import { linkToIpJson, type Link } from '../../../src/route/links/index.js';
import { LinkNotFoundError } from '../../../src/route/resolve.js';
import { ipJson, requireRoot, testNetns } from '../../helpers/netns.js';
import { readTogether } from '../../helpers/read-together.js';
import { maskLink, maskLinkJson } from '../../helpers/volatile.js';
import { openLinks, type Links } from './helpers.js';

function build(c: Links, async = false) {
  const specs = [
    { name: 'br0', type: 'bridge', address: '02:00:00:00:0b:00' },
    { name: 'v0', type: 'veth', master: 'br0', group: 5, address: '02:00:00:00:00:10', peer: { name: 'v0p', address: '02:00:00:00:00:11' } },
    { name: 'v1', type: 'veth', master: 'br0', address: '02:00:00:00:00:20', peer: { name: 'v1p', address: '02:00:00:00:00:21' } },
    { name: 'i0', type: 'ifb', group: 5, address: '02:00:00:00:00:30' },
    { name: 'vx0', type: 'vxlan', id: 1, dstport: 4789, address: '02:00:00:00:00:40' },
  ] as const;
  if (!async) {
    for (const spec of specs) c.links.add(spec);
    return undefined;
  }
  return specs.reduce((p, spec) => p.then(() => c.links.addAsync(spec)), Promise.resolve());
}

const names = (links: { name?: string; ifname?: string }[]) => links.map((l) => l.name ?? l.ifname).filter(Boolean).sort();

t.test('get by name and by index', async (t) => {
  if (!requireRoot(t)) return;
  const [ns] = testNetns(t, 1, 'get');
  const c = openLinks(t, ns!);
  build(c);
  const byName = c.links.get('v0');
  const byIndex = c.links.get(byName.index);
  // Counters and timers move between two reads of the same link; everything else must be identical.
  t.strictSame(maskLink(byIndex), maskLink(byName));
  t.equal(byName.name, 'v0');
  t.ok(byName.stats64, 'statistics are included');
  t.throws(() => c.links.get('nope'), LinkNotFoundError);
  t.throws(() => c.links.get(999), { name: 'LinkNotFoundError', message: /#999 does not exist in netns / });
  const before = c.sent();
  c.links.get('v1');
  t.equal(c.sent() - before, 1, 'a name costs one direct request, never a dump');
});

t.test('list matches ip -j -d link show, entry by entry', async (t) => {
  if (!requireRoot(t)) return;
  const [ns] = testNetns(t, 1, 'list');
  const c = openLinks(t, ns!);
  build(c);
  const { mine: links, theirs } = readTogether(() => ipJson<Record<string, unknown>[]>(ns!, '-d', 'link', 'show'), () => c.links.list(), maskLinkJson);
  t.strictSame(maskLinkJson(links.map((l) => linkToIpJson(l, links))), maskLinkJson(theirs));
});

t.test('list filters: type and master in the kernel, group in nlkit', async (t) => {
  if (!requireRoot(t)) return;
  const [ns] = testNetns(t, 1, 'filter');
  const c = openLinks(t, ns!);
  build(c);
  const ipNames = (...args: string[]) => names(ipJson(ns!, 'link', 'show', ...args));
  t.same(names(c.links.list({ type: 'veth' })), ipNames('type', 'veth'));
  t.same(names(c.links.list({ type: 'veth' })), ['v0', 'v0p', 'v1', 'v1p']);
  t.same(names(c.links.list({ master: 'br0' })), ipNames('master', 'br0'));
  t.same(names(c.links.list({ master: 'br0' })), ['v0', 'v1']);
  t.same(names(c.links.list({ group: 5 })), ['i0', 'v0']);
  t.same(names(c.links.list({ group: 5, type: 'ifb' })), ['i0']);
  t.same(names(c.links.list({ master: c.links.get('br0').index, group: 5 })), ['v0']);
  // The kernel has no dummy driver here and ignores a kind it cannot resolve; nlkit still filters.
  t.same(c.links.list({ type: 'dummy' }), []);
  t.throws(() => c.links.list({ master: 'nope' }), LinkNotFoundError);
});

t.test('the Promise forms give the same results as the synchronous ones', async (t) => {
  if (!requireRoot(t)) return;
  const [syncNs, asyncNs] = testNetns(t, 2, 'async');
  const s = openLinks(t, syncNs!);
  const a = openLinks(t, asyncNs!);
  build(s);
  await build(a, true);
  // Same requests in two fresh namespaces: same indexes, same addresses, same
  // state; only running bridge timers may differ between the two namespaces.
  const strip = (l: Link) => maskLinkJson(linkToIpJson(l));
  t.strictSame((await a.links.listAsync()).map(strip), s.links.list().map(strip), 'listAsync after addAsync');
  t.strictSame(maskLink(await a.links.getAsync('v0')), maskLink(a.links.get('v0')), 'getAsync equals get');
  t.strictSame(names(await a.links.listAsync({ master: 'br0', group: 5 })), ['v0']);

  s.links.set('v1', { up: true, mtu: 1400, alias: 'x', master: null, name: 'w1' });
  await a.links.setAsync('v1', { up: true, mtu: 1400, alias: 'x', master: null, name: 'w1' });
  s.links.delete('i0');
  await a.links.deleteAsync('i0');
  s.links.deleteGroup(5);
  await a.links.deleteGroupAsync(5);
  const show = (ns: string) => maskLinkJson(ipJson<Record<string, unknown>[]>(ns, '-d', 'link', 'show'));
  t.strictSame(show(asyncNs!), show(syncNs!), 'the same state after set, delete and deleteGroup');

  await t.rejects(a.links.getAsync('i0'), LinkNotFoundError);
  await t.rejects(a.links.deleteAsync('i0'), LinkNotFoundError);
  await t.rejects(a.links.addAsync({ name: 'w1', type: 'ifb' }), { name: 'NetlinkError', code: 'EEXIST' });
});

t.test('attributes nlkit does not decode are kept', async (t) => {
  if (!requireRoot(t)) return;
  const [ns] = testNetns(t, 1, 'unknown');
  const c = openLinks(t, ns!);
  const lo = c.links.get('lo');
  const types = lo.unknown.map((a) => a.type);
  // IFLA_STATS (7) and IFLA_MAP (14) are not decoded; this kernel also sends attributes newer than the headers.
  t.ok(types.includes(7) && types.includes(14), 'IFLA_STATS and IFLA_MAP kept raw');
  t.ok(types.some((type) => type > IFLA_MAX), `newer attributes kept (${types.filter((x) => x > IFLA_MAX).join(', ')})`);
  t.ok(lo.unknown.every((a) => Buffer.isBuffer(a.data)), 'with their bytes');
});
