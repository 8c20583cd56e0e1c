// Routes against the kernel: created with nlkit, read back with nlkit and
// with `ip -j -d route show` in the same namespace, compared field by field.
import t, { type Test } from 'tap';
import { readFileSync } from 'node:fs';
import { RTA_OIF, RTM_GETROUTE, RTM_NEWROUTE, RTPROT_STATIC, RTN_BLACKHOLE } from '../../src/generated/rtnetlink.js';
import type { MessageWriter } from '../../src/netlink/writer.js';
import { InvalidArgumentError } from '../../src/netlink/addresses.js';
import { NetlinkError } from '../../src/netlink/errors.js';
import { NLM_F_DUMP_FILTERED } from '../../src/netlink/message.js';
import { EncodedRequest } from '../../src/route/encoded-request.js';
import { ipValue } from '../../src/route/ip-value.js';
import {
  decodeRoute, encodeRouteDumpRequest, encodeRouteRequest, routeAttributeName, routeToIpJson, RTMSG_LEN,
  type Route, type RouteSpec,
} from '../../src/route/routes/index.js';
import { LinkNotFoundError } from '../../src/route/resolve.js';
import { AF_INET, AF_UNSPEC } from '../../src/sys/constants.js';
import { ip, ipJson, requireRoot, testNetns } from '../helpers/netns.js';
import { readTogether } from '../helpers/read-together.js';
import { maskRouteJson } from '../helpers/volatile.js';
import { ifindex, linkNames, services, vethPair, type Services } from './addresses-routes-helpers.js';

/** Two veths with IPv4 and IPv6 subnets on each: 10.0.0.0/24 + fd02::/64 on v0, 10.1.0.0/24 + fd04::/64 on v1. */
function network(t: Test): { ns: string } & Services {
  const [ns] = testNetns(t, 1, 'route');
  vethPair(ns!);
  const s = services(t, ns!);
  s.addr.addMany([
    { dev: 'v0', address: '10.0.0.2/24' }, { dev: 'v0', address: 'fd02::1/64', flags: { nodad: true } },
    { dev: 'v1', address: '10.1.0.2/24' }, { dev: 'v1', address: 'fd04::1/64', flags: { nodad: true } },
  ]);
  return { ns: ns!, ...s };
}

/**
 * nlkit's routes rendered as ip prints them, against `ip -j -d route show ARGS`.
 * Expiry countdowns are masked; the test that sets one checks its value.
 */
function compareWithIp(t: Test, ns: string, read: () => Route[], args: string[], options: { showTable?: boolean; ipv6?: boolean } = {}): void {
  const names = linkNames(ns);
  const family = options.ipv6 ? ['-6'] : [];
  const { mine, theirs: ipRead } = readTogether(() => ipJson<any[]>(ns, '-d', ...family, 'route', 'show', ...args), read, maskRouteJson);
  const theirs = maskRouteJson(ipRead);
  const rendered = maskRouteJson(mine.map((r) => routeToIpJson(r, names, { showTable: options.showTable ?? false })));
  t.same(rendered, theirs, `equals ip -j -d ${family.join('')} route show ${args.join(' ')}`);
  t.equal(JSON.stringify(rendered), JSON.stringify(theirs), 'same key order');
}

// The specs the route fixtures were captured with (fixtures/capture-addresses-routes.ts).
const SPECS = (JSON.parse(readFileSync('fixtures/route/routes/routes.json', 'utf8')) as { requests: { spec: RouteSpec }[] }).requests.map((r) => r.spec);

t.test('routes read back exactly as ip shows them', async (t) => {
  if (!requireRoot(t)) return;
  const { ns, route } = network(t);
  for (const spec of SPECS) route.add(spec);

  compareWithIp(t, ns, () => route.list({ table: 'all' }), ['table', 'all'], { showTable: true });
  compareWithIp(t, ns, () => route.list({ family: 4 }), []);
  compareWithIp(t, ns, () => route.list({ family: 6 }), [], { ipv6: true });
  compareWithIp(t, ns, () => route.list({ family: 6, table: 100 }), ['table', '100'], { ipv6: true });
  compareWithIp(t, ns, () => route.list({ family: 4, table: 100 }), ['table', '100']);
  compareWithIp(t, ns, () => route.list({ family: 4, table: 1000 }), ['table', '1000']);

  const all = route.list({ table: 'all' });
  const find = (dst: string | undefined, table = 254) => all.find((r) => r.dst === dst && r.table === table)!;
  t.match(find('10.2.0.0'), { family: 4, dstLength: 16, gateway: '10.0.0.1', priority: 20, protocol: RTPROT_STATIC, metrics: { mtu: 1400, advmss: 1300 } });
  t.same(find('10.3.0.0').nexthops!.map((nh) => [nh.gateway, nh.weight]), [['10.0.0.1', 3], ['10.1.0.1', 1]]);
  t.match(find('10.4.0.0'), { type: RTN_BLACKHOLE, oif: undefined });
  t.match(find('10.6.0.0', 100), { table: 100 });
  t.match(find('10.7.0.0'), { flags: 4, prefsrc: '10.0.0.2', gateway: '192.168.1.1' });
  t.match(find('10.8.0.0', 1000), { table: 1000, metrics: { mtu: 1300, lock: ['mtu'], rtt: 100, initcwnd: 10, ecn: true, hoplimit: 32 } });
  t.match(find('10.9.0.0'), { tos: 0x10 });
  t.match(find('10.12.0.1'), { dstLength: 32, metrics: { congctl: 'reno', rttvar: 20, rtoMin: 50, quickack: 1 } });
  t.match(find(undefined), { family: 4, dstLength: 0, gateway: '10.0.0.1' });
  t.match(all.find((r) => r.family === 6 && r.dst === undefined && r.table === 254), { gateway: 'fd02::2', priority: 1024, pref: 'medium' });
  t.match(find('fd01::'), { pref: 'high', priority: 100 });
  const expiring = find('2001:db8::');
  t.ok(expiring.expires! > 295 && expiring.expires! <= 300, `expires counts down from 300 (${expiring.expires})`);
  t.same(find('fd03::').nexthops!.map((nh) => [nh.gateway, nh.weight]), [['fd02::2', 2], ['fd04::2', 1]]);
  t.match(find('fd05::', 100), { pref: 'low', protocol: RTPROT_STATIC });
});

t.test('plain (no -d) output rules', async (t) => {
  if (!requireRoot(t)) return;
  const { ns, route } = network(t);
  for (const spec of SPECS) route.add(spec);
  const names = linkNames(ns);
  const { mine, theirs } = readTogether(() => ipJson<any[]>(ns, 'route', 'show', 'table', 'all'), () => route.list({ table: 'all' }), maskRouteJson);
  const plain = maskRouteJson(mine.map((r) => routeToIpJson(r, names, { details: false, showTable: true })));
  t.same(plain, maskRouteJson(theirs), 'without -d: type unicast, proto boot, scope global and table main are left out');
});

t.test('add vs replace vs append vs delete', async (t) => {
  if (!requireRoot(t)) return;
  const { ns, route, label } = network(t);
  route.add({ dst: '10.2.0.0/16', gateway: '10.0.0.1' });
  const err = t.throws(() => route.add({ dst: '10.2.0.0/16', gateway: '10.0.0.1' })) as NetlinkError;
  t.type(err, NetlinkError);
  t.match(err, { code: 'EEXIST', operation: 'add route', object: `10.2.0.0/16 via 10.0.0.1 table main in ${label}` });

  route.replace({ dst: '10.2.0.0/16', gateway: '10.1.0.1' });
  t.same(route.list({ family: 4 }).filter((r) => r.dst === '10.2.0.0').map((r) => r.gateway), ['10.1.0.1'], 'replaced in place');

  route.append({ dst: '10.2.0.0/16', gateway: '10.0.0.1' });
  t.same(route.list({ family: 4 }).filter((r) => r.dst === '10.2.0.0').map((r) => r.gateway), ['10.1.0.1', '10.0.0.1'], 'IPv4 append adds a second route');
  compareWithIp(t, ns, () => route.list({ family: 4 }), []);

  route.add({ dst: 'fd06::/64', gateway: 'fd02::2' });
  route.append({ dst: 'fd06::/64', gateway: 'fd04::2', dev: 'v1' });
  const multi = route.list({ family: 6 }).find((r) => r.dst === 'fd06::')!;
  t.same(multi.nexthops?.map((nh) => nh.gateway), ['fd02::2', 'fd04::2'], 'IPv6 append adds a path');
  compareWithIp(t, ns, () => route.list({ family: 6 }), [], { ipv6: true });

  route.delete({ dst: '10.2.0.0/16', gateway: '10.1.0.1' });
  t.same(route.list({ family: 4 }).filter((r) => r.dst === '10.2.0.0').map((r) => r.gateway), ['10.0.0.1'], 'delete matches the gateway');
  route.delete({ dst: '10.2.0.0/16' });
  t.notOk(route.list().some((r) => r.dst === '10.2.0.0'));
  const missing = t.throws(() => route.delete({ dst: '10.2.0.0/16' })) as NetlinkError;
  t.match(missing, { code: 'ESRCH', operation: 'delete route', object: `10.2.0.0/16 table main in ${label}` });

  route.add({ dst: '10.4.0.0/16', type: 'blackhole', table: 300 });
  route.delete({ dst: '10.4.0.0/16', table: 300 });
  t.same(route.list({ table: 300 }), [], 'delete leaves the type open');

  const unreachable = t.throws(() => route.add({ dst: '10.60.0.0/16', gateway: '172.16.0.1' })) as NetlinkError;
  t.match(unreachable, { code: 'ENETUNREACH', operation: 'add route', extack: { message: /gateway/ } });
  t.throws(() => route.add({ dst: '10.61.0.0/16', dev: 'nosuch0' }), LinkNotFoundError);
});

t.test('get answers like ip route get', async (t) => {
  if (!requireRoot(t)) return;
  const { ns, route, label } = network(t);
  route.add({ dst: '10.2.0.0/16', gateway: '10.0.0.1', metrics: { mtu: 1400 } });
  route.add({ dst: 'fd01::/64', gateway: 'fd02::2' });
  route.add({ dst: '10.70.0.0/16', gateway: '10.1.0.1', table: 100 });
  ip(ns, 'rule', 'add', 'fwmark', '7', 'table', '100');
  const names = linkNames(ns);
  const cases: [Parameters<typeof route.get>[0], string[]][] = [
    [{ to: '10.2.3.4' }, ['10.2.3.4']],
    [{ to: '10.0.0.9', from: '10.0.0.2' }, ['10.0.0.9', 'from', '10.0.0.2']],
    [{ to: '10.0.0.2' }, ['10.0.0.2']],
    [{ to: '10.1.0.7', oif: 'v1' }, ['10.1.0.7', 'oif', 'v1']],
    [{ to: '10.70.1.1', mark: 7 }, ['10.70.1.1', 'mark', '7']],
    [{ to: 'fd01::5' }, ['fd01::5']],
    [{ to: 'fd04::9', oif: ifindex(ns, 'v1') }, ['fd04::9', 'oif', 'v1']],
  ];
  for (const [lookup, args] of cases) {
    const answer = route.get(lookup);
    const plain = ipJson<any[]>(ns, 'route', 'get', ...args)[0];
    const detailed = ipJson<any[]>(ns, '-d', 'route', 'get', ...args)[0];
    t.same(maskRouteJson(routeToIpJson(answer, names, { details: false, showTable: true })), maskRouteJson(plain), `ip -j route get ${args.join(' ')}`);
    t.same(maskRouteJson(routeToIpJson(answer, names, { showTable: true })), maskRouteJson(detailed), `ip -j -d route get ${args.join(' ')}`);
  }
  t.match(route.get({ to: '10.70.1.1', mark: 7 }), { table: 100, gateway: '10.1.0.1' }, 'the rule picked table 100');
  t.match(await route.getAsync({ to: '10.2.3.4' }), { gateway: '10.0.0.1', metrics: { mtu: 1400 } });
  const none = t.throws(() => route.get({ to: '192.0.2.1' })) as NetlinkError;
  t.match(none, { code: 'ENETUNREACH', operation: 'look up route', object: `192.0.2.1 in ${label}` });
});

t.test('list filters run in the kernel', async (t) => {
  if (!requireRoot(t)) return;
  const { ns, route, socket } = network(t);
  for (const spec of SPECS) route.add(spec);
  const names = linkNames(ns);
  const show = (list: Route[]) => list.map((r) => routeToIpJson(r, names, { details: false }));
  const strip = (list: any[], key: string) => list.map((r) => { const c = { ...r }; delete c[key]; return c; });

  t.same(show(route.list({ family: 4, table: 100 })), ipJson(ns, 'route', 'show', 'table', '100'), 'table 100');
  // ip leaves out what it filtered on; so does the comparison. For dev, ip
  // also drops multipath routes (they have no RTA_OIF) that the kernel's
  // filter, and nlkit, count as going through the link.
  const viaV1 = route.list({ family: 4, dev: 'v1' });
  t.same(strip(show(viaV1.filter((r) => !r.nexthops)), 'dev'), ipJson(ns, 'route', 'show', 'dev', 'v1'), 'dev v1');
  t.same(viaV1.filter((r) => r.nexthops).map((r) => r.dst), ['10.3.0.0', '10.13.0.0'], 'and the multipath routes with a path through v1');
  t.same(strip(show(route.list({ family: 4, protocol: 'static' })), 'protocol'), ipJson(ns, 'route', 'show', 'proto', 'static'), 'proto static');
  t.same(show(route.list({ family: 4, type: 'unreachable' })), ipJson(ns, 'route', 'show', 'type', 'unreachable'), 'type unreachable');
  t.same(strip(show(route.list({ family: 4, scope: 'link' })), 'scope'), ipJson(ns, 'route', 'show', 'scope', 'link'), 'scope link');
  t.same(route.list({ table: 4242 }), [], 'a table that does not exist is empty');
  t.same(route.list({ family: 4, table: 4242 }), [], 'also when the kernel answers ENOENT');
  t.equal(route.list({ table: 'local', family: 6 }).every((r) => r.table === 255), true);
  t.ok(route.list({ dev: 'v1', table: 'all' }).some((r) => r.nexthops?.some((nh) => nh.oif === ifindex(ns, 'v1'))), 'a multipath route through v1');

  // The dump requests the service sends, on the raw socket: the kernel itself
  // returns only matching routes and flags its replies as filtered.
  const dump = (filter: Parameters<typeof encodeRouteDumpRequest>[1]) => socket.dump(
    { type: RTM_GETROUTE, encode: (w) => encodeRouteDumpRequest(w, filter) },
    { operation: 'dump routes' },
    (m) => ({ filtered: (m.flags & NLM_F_DUMP_FILTERED) !== 0, route: decodeRoute(m) }),
  );
  const v1 = ifindex(ns, 'v1');
  const checks: [string, Parameters<typeof encodeRouteDumpRequest>[1], (r: Route) => boolean][] = [
    ['table 100', { family: AF_UNSPEC, table: 100 }, (r) => r.table === 100],
    ['table 1000 (RTA_TABLE)', { family: AF_INET, table: 1000 }, (r) => r.table === 1000],
    ['protocol static', { family: AF_UNSPEC, protocol: RTPROT_STATIC }, (r) => r.protocol === RTPROT_STATIC],
    ['type blackhole', { family: AF_INET, type: RTN_BLACKHOLE }, (r) => r.type === RTN_BLACKHOLE],
    ['oif v1', { family: AF_INET, oif: v1 }, (r) => r.oif === v1 || !!r.nexthops?.some((nh) => nh.oif === v1)],
  ];
  for (const [what, filter, matches] of checks) {
    const replies = dump(filter);
    t.ok(replies.length > 0, `${what}: some routes`);
    t.ok(replies.every((r) => r.filtered), `${what}: NLM_F_DUMP_FILTERED`);
    t.ok(replies.every((r) => r.route && matches(r.route)), `${what}: nothing else came back`);
  }
});

t.test('Async forms do the same', async (t) => {
  if (!requireRoot(t)) return;
  const { ns, route } = network(t);
  await route.addAsync({ dst: '10.2.0.0/16', gateway: '10.0.0.1' });
  await t.rejects(route.addAsync({ dst: '10.2.0.0/16', gateway: '10.0.0.1' }), { code: 'EEXIST', operation: 'add route' });
  await route.replaceAsync({ dst: '10.2.0.0/16', gateway: '10.1.0.1' });
  await route.appendAsync({ dst: '10.2.0.0/16', gateway: '10.0.0.1' });
  const listed = await route.listAsync({ family: 4 });
  compareWithIp(t, ns, () => listed, []);
  await route.deleteAsync({ dst: '10.2.0.0/16', gateway: '10.1.0.1' });
  t.same((await route.listAsync({ family: 4, dev: 'v0' })).map((r) => r.dst), ['10.0.0.0', '10.2.0.0']);
  await t.rejects(route.listAsync({ dev: 'nosuch0' }), LinkNotFoundError);
  await t.rejects(route.getAsync({ to: '10.0.0.0/24' }), InvalidArgumentError);
});

t.test('a kernel error that points at an attribute names it', async (t) => {
  if (!requireRoot(t)) return;
  const { socket } = network(t);
  // Bypasses nlkit's encoder on purpose: an RTA_OIF of two bytes fails the kernel's policy.
  const request = {
    family: AF_INET, dstLength: 16, srcLength: 0, tos: 0, table: 254, protocol: 3, scope: 0, type: 1, flags: 0,
    dst: ipValue('10.80.0.0', 4), gateway: ipValue('10.0.0.1', 4),
  };
  const malformed = (w: MessageWriter, r: typeof request) => {
    encodeRouteRequest(w, r);
    w.u16(RTA_OIF, 1);
  };
  const err = t.throws(() => socket.execute(new EncodedRequest(RTM_NEWROUTE, 0x600, request, malformed), {
    operation: 'add route', object: 'raw', headerLength: RTMSG_LEN, attributeName: routeAttributeName,
  })) as NetlinkError;
  t.type(err, NetlinkError);
  t.equal(err.attribute, 'RTA_OIF');
  t.match(err.message, /add route raw failed: ERANGE .*\(at RTA_OIF\)/);
});
