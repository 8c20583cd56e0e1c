// Route codecs against bytes captured from the kernel (no root needed):
// fixtures/route/routes/*.json, made by fixtures/capture-addresses-routes.ts.
import t from 'tap';
import {
  RTA_DST, RTA_GATEWAY, RTA_METRICS, RTA_MULTIPATH, RTA_OIF, RTA_TABLE, RTA_VIA, RTAX_MTU, RTM_GETROUTE, RTM_NEWROUTE,
  RTNH_F_ONLINK,
} from '../../src/generated/rtnetlink.js';
import { NLM_F_CREATE, NLM_F_EXCL, parseMessages } from '../../src/netlink/message.js';
import { AttributeCursor } from '../../src/netlink/attributes.js';
import { MessageWriter } from '../../src/netlink/writer.js';
import {
  decodeRoute, encodeRouteRequest, prepareLookup, prepareRoute, routeAttributeName, routeToIpJson, RTMSG_LEN,
  type Route, type RouteLookup, type RouteSpec,
} from '../../src/route/routes/index.js';
import { messageOf, readFixture, requestHex } from './codec-helpers.js';

interface Fixture {
  kernel: string;
  links: Record<string, number>;
  requests: { spec: RouteSpec; hex: string }[];
  messages: string[];
  ip: Record<string, unknown>[];
}

interface Lookups {
  links: Record<string, number>;
  lookups: { lookup: RouteLookup; args: string[]; request: string; answer: string; ip: unknown; ipDetails: unknown }[];
}

const fixture = readFixture<Fixture>('route/routes/routes.json');
const lookups = readFixture<Lookups>('route/routes/lookups.json');
const names = new Map(Object.entries(fixture.links).map(([name, index]) => [index, name]));
const indexOf = (dev: string | number) => (typeof dev === 'number' ? dev : fixture.links[dev]!);

function encodeSpec(spec: RouteSpec): string {
  const prepared = prepareRoute(spec, 'add');
  if (prepared.dev !== undefined) prepared.request.oif = indexOf(prepared.dev);
  prepared.nexthopDevs?.forEach((dev, i) => { if (dev !== undefined) prepared.request.nexthops![i]!.oif = indexOf(dev); });
  return requestHex(RTM_NEWROUTE, NLM_F_CREATE | NLM_F_EXCL, (w) => encodeRouteRequest(w, prepared.request));
}

const decoded = fixture.messages.map((hex) => decodeRoute(messageOf(hex))).filter((r): r is Route => r !== undefined);

t.test(`dump replies decode to what ip -j -d route show table all printed (kernel ${fixture.kernel})`, async (t) => {
  const rendered = decoded.map((r) => routeToIpJson(r, names, { showTable: true }));
  t.same(rendered, fixture.ip);
  t.equal(JSON.stringify(rendered), JSON.stringify(fixture.ip), 'byte for byte, key order included');
});

t.test('the encoder writes the bytes the kernel accepted', async (t) => {
  for (const { spec, hex } of fixture.requests) t.equal(encodeSpec(spec), hex, JSON.stringify(spec));
});

t.test('a request decodes to what the kernel then reported', async (t) => {
  for (const { spec, hex } of fixture.requests) {
    const sent = decodeRoute(messageOf(hex))!;
    const label = JSON.stringify(spec);
    const kept = decoded.find((r) => r.family === sent.family && r.dst === sent.dst && r.dstLength === sent.dstLength && r.table === sent.table && r.type === sent.type);
    if (!t.ok(kept, `${label}: the kernel has it`)) continue;
    t.match(kept, { protocol: sent.protocol, tos: sent.tos, scope: sent.scope }, `${label}: header`);
    t.equal(kept!.flags & RTNH_F_ONLINK, sent.flags & RTNH_F_ONLINK, `${label}: onlink`);
    for (const key of ['gateway', 'oif', 'priority', 'prefsrc', 'pref'] as const) {
      if (sent[key] !== undefined) t.equal(kept![key], sent[key], `${label}: ${key}`);
    }
    if (sent.metrics) t.match(kept!.metrics, sent.metrics, `${label}: metrics`);
    if (sent.nexthops) {
      t.same(kept!.nexthops!.map((nh) => [nh.gateway, nh.oif, nh.weight, nh.flags & RTNH_F_ONLINK]), sent.nexthops.map((nh) => [nh.gateway, nh.oif, nh.weight, nh.flags]), `${label}: nexthops`);
    }
  }
});

t.test('what the decoder makes of the captured messages', async (t) => {
  const find = (dst: string | undefined, table = 254, family = 4) => decoded.find((r) => r.dst === dst && r.table === table && r.family === family)!;
  t.match(find('10.8.0.0', 1000), { table: 1000, metrics: { mtu: 1300, lock: ['mtu'], rtt: 100, initcwnd: 10, ecn: true, features: 1, hoplimit: 32 } });
  t.match(find('10.12.0.1'), { dstLength: 32, metrics: { congctl: 'reno', window: 1000, rttvar: 20, ssthresh: 5, cwnd: 3, reordering: 4, initrwnd: 6, quickack: 1, rtoMin: 50, fastopenNoCookie: 1 } });
  t.same(find('10.13.0.0').nexthops!.map((nh) => [nh.gateway, nh.weight, nh.flags]), [['192.168.9.1', 1, RTNH_F_ONLINK], [undefined, 256, 0]]);
  t.match(find('fd06::', 70000, 6), { type: 6, table: 70000, metrics: { hoplimit: 9 } });
  const expiring = find('2001:db8::', 254, 6);
  t.ok(expiring.expires! > 0 && expiring.expires! <= 300 && expiring.cacheInfo!.expires === Math.round(expiring.expires! * 100));
  t.match(find(undefined, 254, 6), { gateway: 'fd02::2', pref: 'medium', priority: 1024 });
  for (const r of decoded) t.same(r.unknown, [], `${r.dst ?? 'default'} table ${r.table}: every attribute understood`);
});

t.test('lookups: the request bytes, and the answer as ip route get prints it', async (t) => {
  for (const { lookup, args, request, answer, ip, ipDetails } of lookups.lookups) {
    const prepared = prepareLookup(lookup);
    if (prepared.oif !== undefined) prepared.request.oif = indexOf(prepared.oif);
    if (prepared.iif !== undefined) prepared.request.iif = indexOf(prepared.iif);
    t.equal(requestHex(RTM_GETROUTE, 0, (w) => encodeRouteRequest(w, prepared.request)), request, `request for ${args.join(' ')}`);
    const route = decodeRoute(messageOf(answer))!;
    t.same(routeToIpJson(route, names, { details: false, showTable: true }), ip, `ip -j route get ${args.join(' ')}`);
    t.same(routeToIpJson(route, names, { showTable: true }), ipDetails, `ip -j -d route get ${args.join(' ')}`);
  }
});

t.test('tables above 255 travel in RTA_TABLE; multipath weights in rtnh_hops', async (t) => {
  const prepared = prepareRoute({ dst: '10.1.0.0/16', table: 70000, nexthops: [{ gateway: '10.0.0.1', dev: 3, weight: 1 }, { gateway: '10.0.0.2', dev: 4, weight: 256, onlink: true }] }, 'add');
  prepared.request.nexthops![0]!.oif = 3;
  prepared.request.nexthops![1]!.oif = 4;
  const m = messageOf(requestHex(RTM_NEWROUTE, 0, (w) => encodeRouteRequest(w, prepared.request)));
  t.equal(m.buf[m.offset + 4], 0, 'rtm_table is RT_TABLE_UNSPEC');
  const types: number[] = [];
  const c = new AttributeCursor(m.buf, m.offset + RTMSG_LEN, m.end);
  while (c.next()) {
    types.push(c.type);
    if (c.type === RTA_TABLE) t.equal(c.u32(), 70000);
    if (c.type === RTA_MULTIPATH) {
      // struct rtnexthop: len, flags, hops, ifindex
      t.same([c.buf.readUInt16LE(c.start), c.buf[c.start + 2], c.buf[c.start + 3], c.buf.readInt32LE(c.start + 4)], [16, 0, 0, 3]);
      t.same([c.buf[c.start + 16 + 2], c.buf[c.start + 16 + 3], c.buf.readInt32LE(c.start + 16 + 4)], [RTNH_F_ONLINK, 255, 4]);
    }
  }
  t.same(types, [RTA_TABLE, RTA_DST, RTA_MULTIPATH]);
  const back = decodeRoute(m)!;
  t.match(back, { table: 70000, dst: '10.1.0.0', dstLength: 16, protocol: 3, type: 1, scope: 0 });
  t.same(back.nexthops, [{ oif: 3, weight: 1, flags: 0, gateway: '10.0.0.1' }, { oif: 4, weight: 256, flags: RTNH_F_ONLINK, gateway: '10.0.0.2' }]);
});

t.test('encode → decode round trips of specs', async (t) => {
  const specs: RouteSpec[] = [
    { dst: 'default', gateway: 'fd00::1' },
    { dst: '10.0.0.0/8', dev: 2, metric: 7, metrics: { mtu: 1500, rtt: 12, rttvar: 3, lock: ['rtt', 'congctl'], congctl: 'cubic' } },
    { dst: 'fd00::/8', type: 'prohibit', pref: 'low', expires: 60, protocol: 99 },
    { dst: '192.0.2.1', type: 'local', dev: 1 },
  ];
  for (const spec of specs) {
    const prepared = prepareRoute(spec, 'add');
    if (typeof prepared.dev === 'number') prepared.request.oif = prepared.dev;
    const r = decodeRoute(messageOf(requestHex(RTM_NEWROUTE, 0, (w) => encodeRouteRequest(w, prepared.request))))!;
    const label = JSON.stringify(spec);
    if (spec.dst === 'default') t.match(r, { family: 6, dstLength: 0, dst: undefined, gateway: 'fd00::1', scope: 0 }, label);
    else t.equal(`${r.dst}/${r.dstLength}`, spec.dst.includes('/') ? spec.dst : `${spec.dst}/32`, label);
    if (spec.metrics) t.same(r.metrics, { ...spec.metrics, lock: ['rtt', 'congctl'] }, `${label}: metrics in ip's units`);
    if (spec.type === 'prohibit') t.match(r, { type: 8, pref: 'low', expires: 60, protocol: 99 }, label);
    if (spec.type === 'local') t.match(r, { type: 2, table: 255, scope: 254, oif: 1 }, `${label}: local routes go to table local, host scope`);
  }
  t.match(prepareRoute({ dst: '10.1.0.0/16', dev: 'v0' }, 'add').request, { scope: 253 }, 'no gateway: link scope, as with ip');
  t.match(prepareRoute({ dst: '10.1.0.0/16' }, 'delete').request, { scope: 255, protocol: 0, type: 0, table: 254 }, 'a delete matches anything it does not name');
  t.match(prepareRoute({ dst: 'fd00::/16' }, 'delete').request, { scope: 0 });
});

t.test('RTA_VIA, RTA_FLOW and unknown attributes decode', async (t) => {
  const w = new MessageWriter(64);
  const start = w.beginMessage(RTM_NEWROUTE, 0, 1);
  encodeRouteRequest(w, { family: 2, dstLength: 24, srcLength: 0, tos: 0, table: 254, protocol: 4, scope: 0, type: 1, flags: 0, dst: 0x0a010000, oif: 2 });
  const via = Buffer.alloc(18);
  via.writeUInt16LE(10, 0);
  via[2] = 0xfe;
  via[3] = 0x80;
  via[17] = 1;
  w.binary(RTA_VIA, via);
  w.u32(11 /* RTA_FLOW */, (3 << 16) | 5);
  w.u16(99, 0x1234);
  w.endMessage(start);
  const r = decodeRoute(parseMessages(w.bytes(), w.offset)[0]!)!;
  t.same(r.via, { family: 6, address: 'fe80::1' });
  t.equal(r.flow, (3 << 16) | 5);
  t.same(r.unknown, [{ type: 99, nested: false, data: Buffer.from([0x34, 0x12]) }]);
  t.match(routeToIpJson(r, new Map([[2, 'eth0']])), { via: { family: 'inet6', host: 'fe80::1' }, dev: 'eth0', flow: { from: '3', to: '5' }, protocol: 'static' });
  t.match(routeToIpJson({ ...r, oif: 9 }, new Map()), { dev: 'if9' }, 'an unknown ifindex prints as ip does');
});

t.test('attribute names for errors', async (t) => {
  t.equal(routeAttributeName([RTA_GATEWAY]), 'RTA_GATEWAY');
  t.equal(routeAttributeName([RTA_OIF]), 'RTA_OIF');
  t.equal(routeAttributeName([RTA_METRICS, RTAX_MTU]), 'RTA_METRICS/RTAX_MTU');
  t.equal(routeAttributeName([RTA_MULTIPATH, 1234]), 'RTA_MULTIPATH', 'no attributes inside rtnexthop lists');
});
