// Source prefixes (`from`), realms and lightweight-tunnel encaps through the
// library, against ip: the same routes made by ip in a twin namespace must
// read back identically (`ip -j -d route show table all`, key order
// included), and a listed route must go back into delete and replace as is.
import t, { type Test } from 'tap';
import { RTA_ENCAP, RTA_ENCAP_TYPE } from '../../src/generated/rtnetlink.js';
import { LWTUNNEL_ENCAP_IP, LWTUNNEL_ENCAP_IP6, LWTUNNEL_ENCAP_MPLS, LWTUNNEL_IP_DST, LWTUNNEL_IP_ID } from '../../src/generated/lwtunnel.js';
import { InvalidArgumentError } from '../../src/netlink/addresses.js';
import { NetlinkError } from '../../src/netlink/errors.js';
import type { RawAttribute } from '../../src/netlink/attributes.js';
import { describeValue } from '../../src/netlink/checks.js';
import { RouteService } from '../../src/route/routes/service.js';
import { decodeEncap } from '../../src/route/routes/encap/index.js';
import { routeToIpJson, routeToSpec, type Route, type RouteSpec } from '../../src/route/routes/index.js';
import { openCountingContext } from '../helpers/counting-socket.js';
import { ip, ipJson, requireRoot, testNetns } from '../helpers/netns.js';
import { seededRandom } from '../helpers/random.js';
import { readTogether } from '../helpers/read-together.js';
import { maskRouteJson } from '../helpers/volatile.js';
import { linkNames, services } from './addresses-routes-helpers.js';
import { attributeBytes } from '../helpers/crafted-reply.js';

/**
 * A veth pair d0/d1 with fixed MACs and no IPv6 link-local addresses, so the
 * two namespaces' tables (local included) hold the same routes; 10.5.0.1/24
 * and fd00::1/64 on d0.
 */
function setUp(ns: string): void {
  ip(ns, 'link', 'add', 'd0', 'address', '02:00:00:00:00:01', 'type', 'veth', 'peer', 'name', 'd1', 'address', '02:00:00:00:00:02');
  for (const dev of ['d0', 'd1']) {
    ip(ns, 'link', 'set', dev, 'addrgenmode', 'none');
    ip(ns, 'link', 'set', dev, 'up');
  }
  ip(ns, 'addr', 'add', '10.5.0.1/24', 'dev', 'd0');
  ip(ns, 'addr', 'add', 'fd00::1/64', 'dev', 'd0', 'nodad');
}

/** Namespace `ipNs` for ip's commands, `mine` for the library's, set up alike. */
function twins(t: Test): { ipNs: string; myNs: string; route: RouteService } {
  const [ipNs, myNs] = testNetns(t, 2, 'r1encap') as [string, string];
  setUp(ipNs);
  setUp(myNs);
  return { ipNs, myNs, route: services(t, myNs).route };
}

/** `ip -j -d route show table all` without the ff00::/8 routes, which the kernel adds per link in an order that varies. */
const showAll = (ns: string): unknown => maskRouteJson(ipJson<{ type: string }[]>(ns, '-d', 'route', 'show', 'table', 'all').filter((r) => r.type !== 'multicast'));

/** Both namespaces hold the same routes, and the library reads its own as ip prints them, key order included. */
function sameAsIp(t: Test, ipNs: string, myNs: string, route: RouteService, what: string): void {
  const theirs = showAll(ipNs);
  t.same(showAll(myNs), theirs, `${what}: the library's routes are ip's`);
  t.equal(JSON.stringify(showAll(myNs)), JSON.stringify(theirs), `${what}: same order`);
  const names = linkNames(myNs);
  const { mine, theirs: ipRead } = readTogether(() => ipJson<unknown[]>(myNs, '-d', 'route', 'show', 'table', 'all'), () => route.list({ table: 'all' }), maskRouteJson);
  const rendered = maskRouteJson(mine.map((r) => routeToIpJson(r, names, { showTable: true })));
  t.equal(JSON.stringify(rendered), JSON.stringify(maskRouteJson(ipRead)), `${what}: list() renders as ip -j -d prints, key order included`);
}

// ip's words and the spec the library takes for the same route.
const CASES: [string, RouteSpec][] = [
  ['-6 route add fd01::/64 from fd02::/64 via fd00::2 dev d0', { dst: 'fd01::/64', from: 'fd02::/64', gateway: 'fd00::2', dev: 'd0' }],
  ['-6 route add fd01::/64 from fd03::/48 dev d0 metric 5', { dst: 'fd01::/64', from: 'fd03::/48', dev: 'd0', metric: 5 }],
  ['-6 route add default from fd04::/64 via fd00::3', { dst: 'default', from: 'fd04::/64', gateway: 'fd00::3' }],
  // Nothing but the source prefix tells the family.
  ['route add default from fd05::/64 dev d0', { dst: 'default', from: 'fd05::/64', dev: 'd0' }],
  // IPv4 takes a source prefix and ignores it: the route is made without one.
  ['route add 10.8.0.0/24 from 10.9.0.0/24 via 10.5.0.2', { dst: '10.8.0.0/24', from: '10.9.0.0/24', gateway: '10.5.0.2' }],
  ['route add 10.6.0.0/24 via 10.5.0.2 realms 3/4', { dst: '10.6.0.0/24', gateway: '10.5.0.2', realms: { from: 3, to: 4 } }],
  ['route add 10.6.1.0/24 via 10.5.0.2 realms 5', { dst: '10.6.1.0/24', gateway: '10.5.0.2', realms: 5 }],
  ['route add 10.6.2.0/24 dev d0 realms cosmos/7', { dst: '10.6.2.0/24', dev: 'd0', realms: { from: 'cosmos', to: '7' } }],
  // Past 255 ip reads the word as RTA_FLOW's raw value.
  ['route add 10.6.4.0/24 dev d0 realms 300', { dst: '10.6.4.0/24', dev: 'd0', realms: 300 }],
  ['route add 10.6.3.0/24 dev d0 realms 0x20005', { dst: '10.6.3.0/24', dev: 'd0', realms: { from: 2, to: 5 } }],
  // IPv6 takes realms and ignores them.
  ['-6 route add fd07::/64 via fd00::2 realms 5', { dst: 'fd07::/64', gateway: 'fd00::2', realms: 5 }],
  ['route add 10.7.0.0/24 encap ip id 5 dst 10.5.0.9 dev d0', { dst: '10.7.0.0/24', dev: 'd0', encap: { type: 'ip', id: 5, dst: '10.5.0.9' } }],
  [
    'route add 10.7.1.0/24 encap ip id 0xffffffffffffffff src 10.5.0.1 dst 10.5.0.9 ttl 9 tos 0x10 key csum seq dev d0',
    { dst: '10.7.1.0/24', dev: 'd0', encap: { type: 'ip', id: 2n ** 64n - 1n, src: '10.5.0.1', dst: '10.5.0.9', ttl: 9, tos: 0x10, flags: ['csum', 'key', 'seq'] } },
  ],
  ['route add 10.7.2.0/24 encap ip csum dev d0', { dst: '10.7.2.0/24', dev: 'd0', encap: { type: 'ip', flags: ['csum'] } }],
  ['route add 10.7.3.0/24 encap ip dev d0', { dst: '10.7.3.0/24', dev: 'd0', encap: { type: 'ip' } }],
  ['-6 route add fd04::/64 encap ip6 id 7 dst fd00::9 dev d0', { dst: 'fd04::/64', dev: 'd0', encap: { type: 'ip6', id: 7, dst: 'fd00::9' } }],
  [
    '-6 route add fd05::/64 encap ip6 id 7 src fd00::1 dst fd00::9 hoplimit 3 tc 0x20 seq dev d0',
    { dst: 'fd05::/64', dev: 'd0', encap: { type: 'ip6', id: 7, src: 'fd00::1', dst: 'fd00::9', hoplimit: 3, tc: 0x20, flags: ['seq'] } },
  ],
  // The outer header's family is the encap's, not the route's.
  ['route add 10.7.6.0/24 encap ip6 id 2 dst fd00::9 dev d0', { dst: '10.7.6.0/24', dev: 'd0', encap: { type: 'ip6', id: 2, dst: 'fd00::9' } }],
  ['-6 route add fd09::/64 encap ip id 2 dst 10.5.0.9 dev d0', { dst: 'fd09::/64', dev: 'd0', encap: { type: 'ip', id: 2, dst: '10.5.0.9' } }],
  [
    'route add 10.9.0.0/24 nexthop via 10.5.0.2 realms 4 encap ip id 3 dst 10.5.0.9 nexthop via 10.5.0.3 realms 1/2 weight 3',
    {
      dst: '10.9.0.0/24',
      nexthops: [
        { gateway: '10.5.0.2', realms: 4, encap: { type: 'ip', id: 3, dst: '10.5.0.9' } },
        { gateway: '10.5.0.3', realms: { from: 1, to: 2 }, weight: 3 },
      ],
    },
  ],
  [
    '-6 route add fd06::/64 nexthop via fd00::2 encap ip6 id 2 dst fd00::9 dev d0 nexthop via fd00::3 dev d0 realms 4',
    { dst: 'fd06::/64', nexthops: [{ gateway: 'fd00::2', dev: 'd0', encap: { type: 'ip6', id: 2, dst: 'fd00::9' } }, { gateway: 'fd00::3', dev: 'd0', realms: 4 }] },
  ],
];

t.test('routes with from, realms and encap read back as the same routes made by ip', async (t) => {
  if (!requireRoot(t)) return;
  const { ipNs, myNs, route } = twins(t);
  for (const [words, spec] of CASES) {
    ip(ipNs, ...words.split(' '));
    route.add(spec);
  }
  sameAsIp(t, ipNs, myNs, route, 'after adding');
  const all = route.list({ table: 'all' });
  const find = (dst: string | undefined) => all.find((r) => r.dst === dst)!;
  t.match(find('fd01::'), { src: 'fd02::', srcLength: 64 });
  t.notOk(find('10.8.0.0').src, 'IPv4 kept no source prefix (nor does it for ip)');
  t.equal(find('10.6.0.0').flow, 0x30004);
  t.equal(find('10.6.2.0').flow, 7);
  t.equal(find('10.6.4.0').flow, 300);
  t.equal(find('fd07::').flow, undefined, 'IPv6 ignores realms');
  t.same(routeToSpec(find('10.7.1.0')).encap, { type: 'ip', id: 2n ** 64n - 1n, src: '10.5.0.1', dst: '10.5.0.9', ttl: 9, tos: 0x10, flags: ['key', 'csum', 'seq'] });
  t.same(routeToSpec(find('10.9.0.0')).nexthops!.map((nh) => [nh.realms, nh.encap?.type]), [[{ to: 4 }, 'ip'], [{ from: 1, to: 2 }, undefined]]);
});

t.test('listed routes go back into delete, replace and add as they are', async (t) => {
  if (!requireRoot(t)) return;
  const { ipNs, myNs, route } = twins(t);
  for (const [words, spec] of CASES) {
    ip(ipNs, ...words.split(' '));
    route.add(spec);
  }
  const ours = (r: Route) => r.protocol === 3;

  // replace: new encap fields, realms and a source prefix's next hop, the same change through ip.
  const replaced: [string, RouteSpec][] = [
    ['route replace 10.7.0.0/24 encap ip id 6 dst 10.5.0.8 ttl 4 dev d0', { dst: '10.7.0.0/24', dev: 'd0', encap: { type: 'ip', id: 6, dst: '10.5.0.8', ttl: 4 } }],
    ['route replace 10.6.0.0/24 via 10.5.0.3 realms 9/8', { dst: '10.6.0.0/24', gateway: '10.5.0.3', realms: { from: 9, to: 8 } }],
    ['-6 route replace fd01::/64 from fd02::/64 via fd00::4 dev d0', { dst: 'fd01::/64', from: 'fd02::/64', gateway: 'fd00::4', dev: 'd0' }],
    ['-6 route replace fd04::/64 encap ip6 id 8 dst fd00::8 tc 0x10 key dev d0', { dst: 'fd04::/64', dev: 'd0', encap: { type: 'ip6', id: 8, dst: 'fd00::8', tc: 0x10, flags: ['key'] } }],
  ];
  for (const [words, spec] of replaced) {
    ip(ipNs, ...words.split(' '));
    route.replace(spec);
  }
  sameAsIp(t, ipNs, myNs, route, 'after replace');
  const taken = t.throws(() => route.add({ dst: 'fd01::/64', from: 'fd02::/64', gateway: 'fd00::4', dev: 'd0' })) as NetlinkError;
  t.match(taken, { code: 'EEXIST', object: /^fd01::\/64 from fd02::\/64 via fd00::4 dev d0 table main in / }, 'an error names the source prefix, part of the key');

  // A source prefix selects the route to delete: the other one for fd01::/64 stays.
  ip(ipNs, '-6', 'route', 'del', 'fd01::/64', 'from', 'fd03::/48');
  route.delete({ dst: 'fd01::/64', from: 'fd03::/48' });
  sameAsIp(t, ipNs, myNs, route, 'after deleting by from');
  t.ok(route.list({ family: 6 }).some((r) => r.dst === 'fd01::' && r.src === 'fd02::'), 'the route from fd02::/64 stays');

  // What list() returns, passed back: deleting each route removes exactly it; adding it again makes it again.
  const listed = route.list({ table: 'all' }).filter(ours);
  t.ok(listed.length >= CASES.length - 2, `${listed.length} routes of ours listed`);
  const copy = testNetns(t, 1, 'r1encap')[0]!;
  setUp(copy);
  const copyRoutes = services(t, copy).route;
  copyRoutes.addMany(listed.map(routeToSpec));
  t.same(showAll(copy), showAll(myNs), 'the listed routes, added to a fresh namespace, are the same routes');
  for (const r of listed) route.delete(routeToSpec(r));
  t.same(route.list({ table: 'all' }).filter(ours), [], 'each listed route deleted through its own spec');
  route.addMany(listed.map(routeToSpec));
  t.same(showAll(myNs), showAll(copy), 'and added back');
});

t.test('bad specs are refused before anything is sent, naming the field', async (t) => {
  if (!requireRoot(t)) return;
  const [ns] = testNetns(t, 1, 'r1encap');
  setUp(ns!);
  const ctx = openCountingContext(t, ns!);
  const route = new RouteService(ctx);
  const bad: [unknown, RegExp][] = [
    [{ dst: 'fd01::/64', dev: 'd0', from: '10.0.0.0/8' }, /^from "10\.0\.0\.0\/8" is IPv4 but the route is IPv6/],
    [{ dst: 'fd01::/64', dev: 'd0', from: 'fd02::1/64' }, /^from "fd02::1\/64" has bits set beyond \/64; did you mean "fd02::\/64"/],
    [{ dst: 'fd01::/64', dev: 'd0', from: 7 }, /^from must be a prefix/],
    [{ dst: '10.1.0.0/16', dev: 'd0', realms: 70000 }, /^realms must be a realm: a name from \/etc\/iproute2\/rt_realms .* or a number 0-65535, got the number 70000/],
    [{ dst: '10.1.0.0/16', dev: 'd0', realms: 'nosuch' }, /^realms must be a realm: .*got the string "nosuch"/],
    [{ dst: '10.1.0.0/16', dev: 'd0', realms: { from: 1 } }, /^realms needs to/],
    [{ dst: '10.1.0.0/16', dev: 'd0', realms: { to: 1, form: 2 } }, /^realms has no option "form"/],
    [{ dst: '10.1.0.0/16', dev: 'd0', realms: { from: -1, to: 1 } }, /^realms\.from must be a realm/],
    [{ dst: '10.1.0.0/16', dev: 'd0', encap: { type: 'mpls' } }, /^encap\.type 'mpls' is not supported: nlkit builds 'ip' and 'ip6' encaps only/],
    [{ dst: '10.1.0.0/16', dev: 'd0', encap: { type: 'gre' } }, /^encap\.type must be 'ip' or 'ip6', got the string "gre"/],
    [{ dst: '10.1.0.0/16', dev: 'd0', encap: 'ip' }, /^encap must be an object/],
    [{ dst: '10.1.0.0/16', dev: 'd0', encap: { type: 'ip', dst: 'fd00::1' } }, /^encap\.dst "fd00::1" is IPv6; this encap's outer header is IPv4/],
    [{ dst: '10.1.0.0/16', dev: 'd0', encap: { type: 'ip6', src: '10.0.0.1' } }, /^encap\.src "10\.0\.0\.1" is IPv4; this encap's outer header is IPv6/],
    [{ dst: '10.1.0.0/16', dev: 'd0', encap: { type: 'ip', ttl: 256 } }, /^encap\.ttl must be an integer from 0 to 255/],
    [{ dst: '10.1.0.0/16', dev: 'd0', encap: { type: 'ip', hoplimit: 3 } }, /^encap has no option "hoplimit"/],
    [{ dst: '10.1.0.0/16', dev: 'd0', encap: { type: 'ip6', tos: 3 } }, /^encap has no option "tos"/],
    [{ dst: '10.1.0.0/16', dev: 'd0', encap: { type: 'ip', id: -1 } }, /^encap\.id must be an integer from 0 to 2\^64-1/],
    [{ dst: '10.1.0.0/16', dev: 'd0', encap: { type: 'ip', id: 2n ** 64n } }, /^encap\.id must be an integer/],
    [{ dst: '10.1.0.0/16', dev: 'd0', encap: { type: 'ip', id: 2 ** 60 } }, /^encap\.id must be an integer from 0 to 2\^64-1 \(a bigint above 2\^53\)/],
    [{ dst: '10.1.0.0/16', dev: 'd0', encap: { type: 'ip', flags: ['csum', 'csum'] } }, /^encap\.flags names 'csum' twice/],
    [{ dst: '10.1.0.0/16', dev: 'd0', encap: { type: 'ip', flags: ['oam'] } }, /^encap\.flags: the string "oam" is not a tunnel flag/],
    [{ dst: '10.1.0.0/16', dev: 'd0', encap: { type: 'ip', flags: 'csum' } }, /^encap\.flags must be an array/],
    [{ dst: '10.1.0.0/16', nexthops: [{ dev: 'd0' }, { dev: 'd0', encap: { type: 'ip', tos: 'x' } }] }, /^nexthops\[1\]\.encap\.tos must be an integer/],
    [{ dst: '10.1.0.0/16', nexthops: [{ dev: 'd0', realms: { to: 'x' } }] }, /^nexthops\[0\]\.realms\.to must be a realm: .*got the string "x"/],
  ];
  for (const [spec, message] of bad) {
    const error = t.throws(() => route.add(spec as RouteSpec), InvalidArgumentError, JSON.stringify(spec, (_k, v) => (typeof v === 'bigint' ? `${v}n` : v))) as Error;
    t.match(error.message, message);
  }
  t.equal(ctx.sent(), 0, 'nothing reached the kernel');
  route.add({ dst: '10.1.0.0/16', dev: 'd0', realms: { from: 'cosmos', to: '65535' } });
  t.ok(ctx.sent() > 0, 'a good spec is sent');
});

function attribute(type: number, data: Buffer): RawAttribute {
  return { type, nested: false, data };
}

const member = attributeBytes;

const u16 = (value: number): Buffer => {
  const b = Buffer.alloc(2);
  b.writeUInt16LE(value);
  return b;
};

t.test('the encap decoder leaves out what does not fit and never throws', async (t) => {
  const id = Buffer.alloc(8);
  id.writeBigUInt64BE(5n);
  const good = Buffer.concat([member(LWTUNNEL_IP_ID, id), member(LWTUNNEL_IP_DST, Buffer.from([10, 0, 0, 9]))]);
  t.same(decodeEncap([attribute(RTA_ENCAP_TYPE, u16(LWTUNNEL_ENCAP_IP)), attribute(RTA_ENCAP, good)]), { type: 'ip', id: 5, dst: '10.0.0.9' });
  t.same(decodeEncap([attribute(RTA_ENCAP_TYPE, u16(LWTUNNEL_ENCAP_IP6)), attribute(RTA_ENCAP, good)]), { type: 'ip6', id: 5 }, 'an IPv4 address in an ip6 encap is left out');
  t.same(decodeEncap([attribute(RTA_ENCAP_TYPE, u16(LWTUNNEL_ENCAP_IP))]), { type: 'ip' }, 'no RTA_ENCAP: the type alone');
  t.equal(decodeEncap([attribute(RTA_ENCAP_TYPE, u16(LWTUNNEL_ENCAP_MPLS)), attribute(RTA_ENCAP, good)]), undefined, 'a type nlkit does not build');
  t.equal(decodeEncap([attribute(RTA_ENCAP_TYPE, Buffer.from([2]))]), undefined, 'a type attribute shorter than its u16');
  t.equal(decodeEncap([attribute(RTA_ENCAP, good)]), undefined, 'no type');
  t.equal(decodeEncap(undefined), undefined);
  t.same(decodeEncap([attribute(RTA_ENCAP_TYPE, u16(LWTUNNEL_ENCAP_IP)), attribute(RTA_ENCAP, good.subarray(0, 10))]), { type: 'ip' }, 'a truncated member ends the walk');

  // Random payloads, truncations and lengths: a spec or undefined, every time.
  const random = seededRandom(1);
  const byte = () => Math.floor(random() * 256);
  for (let i = 0; i < 20000; i++) {
    const body = Buffer.from(Array.from({ length: Math.floor(random() * 48) }, byte));
    // Plausible headers half the time, so the walk goes past the first member.
    if (body.length >= 4 && random() < 0.5) {
      body.writeUInt16LE(4 + Math.floor(random() * (body.length - 3)), 0);
      body.writeUInt16LE(1 + Math.floor(random() * 8), 2);
    }
    const type = random() < 0.8 ? [LWTUNNEL_ENCAP_IP, LWTUNNEL_ENCAP_IP6][i % 2]! : byte();
    const typeData = random() < 0.9 ? u16(type) : Buffer.from(Array.from({ length: Math.floor(random() * 3) }, byte));
    const spec = decodeEncap([attribute(RTA_ENCAP_TYPE, typeData), attribute(RTA_ENCAP, body)]);
    if (spec !== undefined && spec.type !== 'ip' && spec.type !== 'ip6') t.fail(`decoded a type it does not build: ${JSON.stringify(spec)}`);
  }
  t.pass('20000 random encaps decoded without a throw');
});

// Values a JavaScript caller may pass anywhere in these fields.
const HOSTILE: readonly unknown[] = [
  undefined, null, true, 0, -1, 1.5, NaN, Infinity, 2 ** 53, 70000, '', ' ', 'x', '0x10', '10.0.0.1', 'fd00::1', '10.0.0.0/8', 'fd02::/64',
  'default', 'cosmos', 'ip', 'ip6', 'mpls', 'csum', [], [1], ['csum', 'csum'], [null], {}, Object.create(null), { toString: 5 },
  { valueOf: () => { throw new Error('valueOf'); } }, Symbol('x'), 10n, -1n, 2n ** 64n, () => 1, Buffer.alloc(3), new Date(0),
];

t.test('hostile values in from, realms and encap end in InvalidArgumentError or the kernel\'s answer', async (t) => {
  if (!requireRoot(t)) return;
  const [ns] = testNetns(t, 1, 'r1encap');
  setUp(ns!);
  const route = services(t, ns!).route;
  const base = (): Record<string, any> => ({
    dst: '10.1.0.0/16', dev: 'd0', realms: { from: 1, to: 2 },
    encap: { type: 'ip', id: 1, src: '10.5.0.1', dst: '10.5.0.9', ttl: 1, tos: 0, flags: ['key'] },
  });
  const paths: ((spec: Record<string, any>, value: unknown) => void)[] = [
    (s, v) => { s.from = v; }, (s, v) => { s.realms = v; }, (s, v) => { s.realms.from = v; }, (s, v) => { s.realms.to = v; },
    (s, v) => { s.encap = v; }, (s, v) => { s.encap.type = v; }, (s, v) => { s.encap.id = v; }, (s, v) => { s.encap.src = v; },
    (s, v) => { s.encap.dst = v; }, (s, v) => { s.encap.ttl = v; }, (s, v) => { s.encap.tos = v; }, (s, v) => { s.encap.flags = v; },
    (s, v) => { s.encap.flags[0] = v; }, (s, v) => { s.encap = { type: 'ip6', hoplimit: v }; }, (s, v) => { s.encap = { type: 'ip6', tc: v }; },
    (s, v) => { s.nexthops = [{ dev: 'd0', realms: v }]; delete s.dev; }, (s, v) => { s.nexthops = [{ dev: 'd0', encap: v }]; delete s.dev; },
    (s, v) => { s.nexthops = [{ dev: 'd0', encap: { type: 'ip', dst: v } }]; delete s.dev; },
  ];
  let refused = 0;
  for (const [i, path] of paths.entries()) {
    for (const value of HOSTILE) {
      const spec = base();
      path(spec, value);
      try {
        route.replace(spec as RouteSpec);
      } catch (error) {
        if (error instanceof InvalidArgumentError || error instanceof NetlinkError) refused++;
        else t.fail(`path ${i}, ${describeValue(value)}: ${String(error)}`);
      }
    }
  }
  t.ok(refused > paths.length * HOSTILE.length / 2, `${refused} of ${paths.length * HOSTILE.length} refused, none with another error`);
});
