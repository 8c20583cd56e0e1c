import t, { type Test } from 'tap';
import { NEXTHOP_GRP_TYPE_MPATH, NEXTHOP_GRP_TYPE_RES, NHA_GATEWAY, NHA_GROUP, NHA_ID, NHA_RES_GROUP, NHA_RES_GROUP_BUCKETS } from '../../src/generated/nexthop.js';
import { NETLINK_ROUTE } from '../../src/generated/netlink.js';
import { RTM_GETNEXTHOP, RTM_NEWNEXTHOP, RTNH_F_ONLINK } from '../../src/generated/rtnetlink.js';
import { InvalidArgumentError } from '../../src/netlink/addresses.js';
import { describeMessage } from '../../src/netlink/debug.js';
import { NetlinkError } from '../../src/netlink/errors.js';
import { MalformedMessageError } from '../../src/netlink/message.js';
import { MessageWriter } from '../../src/netlink/writer.js';
import {
  decodeNexthop, encodeNexthop, nexthopAttributeName, nexthopsToIpJson, nexthopToIpJson, NexthopService, NHMSG_LEN, prepareNexthop,
  type Nexthop, type NexthopMessage, type NexthopSpec,
} from '../../src/route/nexthops/index.js';
import { RouteService } from '../../src/route/routes/service.js';
import { routeToIpJson } from '../../src/route/routes/ipjson.js';
import { openRoute } from '../../src/route/connection.js';
import { ip, ipJson, requireRoot, testNetns } from '../helpers/netns.js';
import { openCountingContext, tripwireContext } from '../helpers/counting-socket.js';
import { linkNames } from './addresses-routes-helpers.js';
import { asMessage, encodePayload } from './codec-helpers.js';
import { DecoderFuzz, FuzzFailure } from '../fuzz/harness.js';
import { nexthopTargets } from '../fuzz/targets.js';

function roundTrip(message: NexthopMessage): Nexthop {
  return decodeNexthop(asMessage(RTM_NEWNEXTHOP, encodePayload(encodeNexthop, message)));
}

/** An RTM_NEWNEXTHOP whose attributes are written by `attributes` after a zeroed nhmsg. */
function handMade(attributes: (w: MessageWriter) => void): Buffer {
  return encodePayload((w: MessageWriter) => {
    w.reserve(NHMSG_LEN);
    attributes(w);
  }, undefined);
}

t.test('specs become requests that decode back to the same nexthop', async (t) => {
  const cases: [NexthopSpec, Partial<Nexthop>, string][] = [
    [{ id: 1, via: '10.0.0.2', dev: 3 }, { family: 4, addressFamily: 2, id: 1, gateway: '10.0.0.2', flags: 0 }, 'id 1 via 10.0.0.2 dev #3'],
    [{ id: 2, via: 'fd00::2', dev: 'v0', onlink: true, protocol: 'static' }, { family: 6, gateway: 'fd00::2', flags: RTNH_F_ONLINK, protocol: 4 }, 'id 2 via fd00::2 dev v0'],
    [{ id: 3, blackhole: true }, { family: 4, blackhole: true }, 'id 3 blackhole'],
    [{ id: 4, dev: 'v0', family: 6 }, { family: 6, addressFamily: 10 }, 'id 4 dev v0'],
    [{ id: 5, group: [1, { id: 2, weight: 3 }, { id: 7, weight: 256 }] }, { family: 0, group: [{ id: 1, weight: 1 }, { id: 2, weight: 3 }, { id: 7, weight: 256 }] }, 'id 5 group 1/2,3/7,256'],
    [{ id: 6, group: [1, 2], type: 'mpath' }, { groupType: NEXTHOP_GRP_TYPE_MPATH }, 'id 6 group 1/2'],
    [{ id: 7, group: [1, 2], type: 'resilient', buckets: 16, idleTimer: 2.5, unbalancedTimer: 30 }, { groupType: NEXTHOP_GRP_TYPE_RES, resilient: { buckets: 16, idleTimer: 2.5, unbalancedTimer: 30 } }, 'id 7 group 1/2 type resilient'],
    [{ id: 8, via: '172.16.0.2', fdb: true }, { fdb: true, gateway: '172.16.0.2' }, 'id 8 via 172.16.0.2 fdb'],
    [{ id: 9, group: [8], fdb: true }, { fdb: true, group: [{ id: 8, weight: 1 }] }, 'id 9 group 8 fdb'],
  ];
  for (const [spec, expected, text] of cases) {
    const prepared = prepareNexthop(spec);
    t.equal(prepared.text, text);
    if (typeof spec.dev === 'number') prepared.message.oif = spec.dev;
    const back = roundTrip(prepared.message);
    t.match(back, expected, text);
    t.strictSame(back.unknown, [], `${text}: nothing left undecoded`);
  }
  const full: NexthopMessage = {
    addressFamily: 2, scope: 253, protocol: 4, flags: 1, id: 70000, oif: 5, gateway: '10.1.1.1', encapType: 1, encap: Buffer.from('0800010000064100', 'hex'),
    master: 9, groups: true, unknown: [{ type: 200, nested: false, data: Buffer.from([1, 2, 3, 4]) }],
  };
  t.match(roundTrip(full), { ...full, family: 4 }, 'every attribute survives the round trip');
  t.equal(nexthopAttributeName([NHA_GATEWAY]), 'NHA_GATEWAY');
  t.equal(nexthopAttributeName([NHA_RES_GROUP, NHA_RES_GROUP_BUCKETS]), 'NHA_RES_GROUP/NHA_RES_GROUP_BUCKETS');
  t.equal(nexthopAttributeName([NHA_RES_GROUP]), 'NHA_RES_GROUP');
});

t.test('malformed messages are refused with MalformedMessageError naming the place', async (t) => {
  const bad: [string, Buffer, RegExp, string | undefined][] = [
    ['short header', Buffer.alloc(4), /nhmsg/, undefined],
    ['group of 5 bytes', handMade((w) => w.binary(NHA_GROUP, Buffer.alloc(5))), /whole number/, 'NHA_GROUP'],
    ['empty group', handMade((w) => w.binary(NHA_GROUP, Buffer.alloc(0))), /at least one/, 'NHA_GROUP'],
    ['3-byte gateway', handMade((w) => w.binary(NHA_GATEWAY, Buffer.alloc(3))), /expected 4 \(IPv4\) or 16/, 'NHA_GATEWAY'],
    ['2-byte id', handMade((w) => w.binary(NHA_ID, Buffer.alloc(2))), /expected at least 4/, 'NHA_ID'],
    ['short bucket count', handMade((w) => {
      const nest = w.beginNested(NHA_RES_GROUP);
      w.binary(NHA_RES_GROUP_BUCKETS, Buffer.alloc(1));
      w.endNested(nest);
    }), /expected at least 2/, 'NHA_RES_GROUP/NHA_RES_GROUP_BUCKETS'],
  ];
  for (const [name, payload, message, attribute] of bad) {
    const error = t.throws(() => decodeNexthop(asMessage(RTM_NEWNEXTHOP, payload)), MalformedMessageError, name) as MalformedMessageError;
    t.match(error.message, message, name);
    if (attribute) t.match(error.message, attribute, `${name} names ${attribute}`);
  }
});

t.test('ip -j nexthop show of decoded nexthops, without a kernel', async (t) => {
  const names = new Map([[2, 'v0']]);
  const base = { addressFamily: 0, family: 0 as const, scope: 0, protocol: 0, flags: 0, unknown: [] };
  t.strictSame(nexthopToIpJson({ ...base, id: 11, groupType: NEXTHOP_GRP_TYPE_RES, group: [{ id: 1, weight: 5 }, { id: 2, weight: 1 }], resilient: { buckets: 8, idleTimer: 1.234567, unbalancedTimer: 0, unbalancedTime: 12345678.9 } }, names),
    { id: 11, group: [{ id: 1, weight: 5 }, { id: 2 }], type: 'resilient', resilient_args: { buckets: 8, idle_timer: 1.23457, unbalanced_timer: 0, unbalanced_time: 12345700 }, flags: [] },
    'timers as printf %g prints them');
  t.strictSame(nexthopToIpJson({ ...base, id: 4, addressFamily: 2, family: 4, oif: 7, scope: 253 }, names, { details: true }),
    { id: 4, dev: 'if7', scope: 'link', protocol: 'unspec', flags: [] }, 'an unknown ifindex as ip names it');
  t.strictSame(nexthopToIpJson({ ...base, id: 5, groupType: 9, group: [{ id: 1, weight: 1 }] }, names), { id: 5, group: [{ id: 1 }], type: '<unknown type>', flags: [] });
  t.throws(() => nexthopToIpJson(undefined as never, names), InvalidArgumentError);
  t.throws(() => nexthopsToIpJson({} as never, names), InvalidArgumentError);
});

t.test('bad input is refused before anything is sent', async (t) => {
  const nexthop = new NexthopService(tripwireContext());
  const bad: [string, () => unknown, RegExp][] = [
    ['replace without id', () => nexthop.replace({ via: '10.0.0.2', dev: 'v0' }), /replace nexthop needs the id/],
    ['id 0', () => nexthop.add({ id: 0, dev: 'v0' }), /id must be an integer from 1/],
    ['nothing', () => nexthop.add({ id: 1 }), /needs via, dev/],
    ['via without dev', () => nexthop.add({ id: 1, via: '10.0.0.2' }), /needs a dev/],
    ['bad via', () => nexthop.add({ id: 1, via: '10.0.0.300', dev: 'v0' }), /not a valid IP address/],
    ['family mismatch', () => nexthop.add({ id: 1, via: '10.0.0.2', dev: 'v0', family: 6 }), /is IPv4 but the request is IPv6/],
    ['blackhole with dev', () => nexthop.add({ id: 1, blackhole: true, dev: 'v0' }), /blackhole nexthop takes no via, dev/],
    ['blackhole fdb', () => nexthop.add({ id: 1, blackhole: true, fdb: true }), /cannot be an fdb/],
    ['fdb with dev', () => nexthop.add({ id: 1, via: '10.0.0.2', dev: 'v0', fdb: true }), /fdb nexthop takes no dev/],
    ['group with via', () => nexthop.add({ id: 1, group: [2], via: '10.0.0.2' }), /group takes no via/],
    ['empty group', () => nexthop.add({ id: 1, group: [] }), /non-empty array/],
    ['self member', () => nexthop.add({ id: 1, group: [1] }), /cannot be a member of itself/],
    ['duplicate member', () => nexthop.add({ id: 1, group: [2, { id: 2, weight: 2 }] }), /listed twice/],
    ['weight 0', () => nexthop.add({ id: 1, group: [{ id: 2, weight: 0 }] }), /weight must be an integer from 1 to 256/],
    ['weight 257', () => nexthop.add({ id: 1, group: [{ id: 2, weight: 257 }] }), /weight must be an integer from 1 to 256/],
    ['member key', () => nexthop.add({ id: 1, group: [{ id: 2, wieght: 2 } as never] }), /has no option "wieght"/],
    ['bad type', () => nexthop.add({ id: 1, group: [2], type: 'ecmp' as never }), /'mpath' or 'resilient'/],
    ['buckets on mpath', () => nexthop.add({ id: 1, group: [2], buckets: 8 }), /only apply to a group of type 'resilient'/],
    ['buckets without group', () => nexthop.add({ id: 1, dev: 'v0', buckets: 8 }), /only applies to a nexthop group/],
    ['negative timer', () => nexthop.add({ id: 1, group: [2], type: 'resilient', idleTimer: -1 }), /idleTimer must be a number of seconds/],
    ['bad protocol', () => nexthop.add({ id: 1, dev: 'v0', protocol: 'nope' as never }), /protocol/],
    ['unknown option', () => nexthop.add({ id: 1, dev: 'v0', gateway: '10.0.0.2' } as never), /has no option "gateway"/],
    ['delete without id', () => nexthop.delete({} as never), /id must be an integer/],
    ['delete other key', () => nexthop.delete({ id: 1, dev: 'v0' } as never), /has no option "dev"/],
    ['get id', () => nexthop.get(-1), /id must be an integer/],
    ['filter key', () => nexthop.list({ family: 4 } as never), /has no option "family"/],
    ['filter groups with dev', () => nexthop.list({ groups: true, dev: 'v0' }), /groups cannot be combined/],
    ['filter id with fdb', () => nexthop.list({ id: 1, fdb: true }), /only protocol can be combined/],
    ['filter flag', () => nexthop.list({ fdb: 1 as never }), /fdb must be true or false/],
  ];
  for (const [name, run, message] of bad) t.throws(run, { name: 'InvalidArgumentError', message }, name);
  await t.rejects(nexthop.addAsync({ id: 1 }), InvalidArgumentError);
  await t.rejects(nexthop.replaceAsync({ id: 1, group: [] }), InvalidArgumentError);
  await t.rejects(nexthop.deleteAsync({ id: 'x' } as never), InvalidArgumentError);
  await t.rejects(nexthop.getAsync(0), InvalidArgumentError);
  await t.rejects(nexthop.listAsync({ dev: '' }), InvalidArgumentError);
});

t.test('debug output names nexthop messages', async (t) => {
  const payload = encodePayload(encodeNexthop, { addressFamily: 2, scope: 0, protocol: 0, flags: 0, id: 7, gateway: '10.0.0.2', oif: 3 } satisfies NexthopMessage);
  t.match(describeMessage(NETLINK_ROUTE, asMessage(RTM_NEWNEXTHOP, payload)), /^RTM_NEWNEXTHOP inet id 7 via 10\.0\.0\.2 oif 3 /);
  const dump = encodePayload(encodeNexthop, { addressFamily: 0, scope: 0, protocol: 0, flags: 0, groups: true } satisfies NexthopMessage);
  t.match(describeMessage(NETLINK_ROUTE, asMessage(RTM_GETNEXTHOP, dump)), /^RTM_GETNEXTHOP unspec groups /);
});

// ---- against the kernel ------------------------------------------------------

/** lo up (blackhole nexthops use it), veth v0/v1 up with 10.0.0.1/24 and fd00::1/64 on v0. */
function setup(t: Test) {
  const [ns] = testNetns(t, 1, 'nh');
  ip(ns!, 'link', 'set', 'lo', 'up');
  ip(ns!, 'link', 'add', 'v0', 'type', 'veth', 'peer', 'name', 'v1');
  ip(ns!, 'link', 'set', 'v0', 'up');
  ip(ns!, 'link', 'set', 'v1', 'up');
  ip(ns!, 'addr', 'add', '10.0.0.1/24', 'dev', 'v0');
  ip(ns!, 'addr', 'add', 'fd00::1/64', 'dev', 'v0', 'nodad');
  const ctx = openCountingContext(t, ns!);
  return { ns: ns!, ctx, nexthop: new NexthopService(ctx), route: new RouteService(ctx) };
}

/** Every form, in the words of `ip nexthop add`; members before their groups. */
const IP_FORMS: string[][] = [
  ['id', '1', 'via', '10.0.0.2', 'dev', 'v0'],
  ['id', '2', 'via', '10.0.0.3', 'dev', 'v0', 'proto', 'static'],
  ['id', '3', 'blackhole'],
  ['id', '4', 'dev', 'v0'],
  ['id', '5', 'via', 'fd00::2', 'dev', 'v0'],
  ['id', '6', 'via', '192.168.50.1', 'dev', 'v0', 'onlink'],
  ['id', '10', 'group', '1/2,3'],
  ['id', '11', 'group', '1,5/2', 'type', 'resilient', 'buckets', '8', 'idle_timer', '60', 'unbalanced_timer', '20'],
  ['id', '12', 'group', '5'],
  ['id', '20', 'via', '172.16.1.2', 'fdb'],
  ['id', '21', 'via', '172.16.1.3', 'fdb'],
  ['id', '22', 'group', '20/21', 'fdb'],
];

/** The same nexthops as nlkit specs. */
const SPECS: NexthopSpec[] = [
  { id: 1, via: '10.0.0.2', dev: 'v0' },
  { id: 2, via: '10.0.0.3', dev: 'v0', protocol: 'static' },
  { id: 3, blackhole: true },
  { id: 4, dev: 'v0' },
  { id: 5, via: 'fd00::2', dev: 'v0' },
  { id: 6, via: '192.168.50.1', dev: 'v0', onlink: true },
  { id: 10, group: [1, { id: 2, weight: 3 }] },
  { id: 11, group: [{ id: 1, weight: 5 }, 2], type: 'resilient', buckets: 8, idleTimer: 60, unbalancedTimer: 20 },
  { id: 12, group: [5] },
  { id: 20, via: '172.16.1.2', fdb: true },
  { id: 21, via: '172.16.1.3', fdb: true },
  { id: 22, group: [20, 21], fdb: true },
];

const ROUTES: string[][] = [
  ['10.5.0.0/16', 'nhid', '1'],
  ['10.6.0.0/16', 'nhid', '10'],
  ['10.7.0.0/16', 'nhid', '3'],
  ['10.8.0.0/16', 'nhid', '11'],
  ['10.9.0.0/16', 'via', '10.0.0.2'],
];

function compareWithIp(t: Test, ns: string, nexthop: NexthopService, route: RouteService): void {
  const names = linkNames(ns);
  const all = nexthop.list();
  t.strictSame(nexthopsToIpJson(all, names), ipJson(ns, 'nexthop', 'show'), 'ip -j nexthop show');
  t.strictSame(nexthopsToIpJson(all, names, { details: true }), ipJson(ns, '-d', 'nexthop', 'show'), 'ip -j -d nexthop show');
  const byId = new Map(all.map((n) => [n.id, n]));
  for (const family of [4, 6] as const) {
    const json = route.list({ family }).map((r) => routeToIpJson(r, names, { nexthops: byId }));
    t.strictSame(json, ipJson(ns, `-${family}`, '-d', 'route', 'show'), `ip -${family} -j -d route show, nh_info included`);
  }
  const plain = route.list({ family: 4 }).map((r) => routeToIpJson(r, names, { details: false, nexthops: byId }));
  t.strictSame(plain, ipJson(ns, 'route', 'show'), 'no nh_info without -d');
}

t.test('kernel: nexthops made by ip decode to what ip prints; routes carry nh_info', async (t) => {
  if (!requireRoot(t)) return;
  const { ns, nexthop, route } = setup(t);
  for (const form of IP_FORMS) ip(ns, 'nexthop', 'add', ...form);
  for (const r of ROUTES) ip(ns, 'route', 'add', ...r);
  ip(ns, '-6', 'route', 'add', 'fd05::/64', 'nhid', '5');
  ip(ns, '-6', 'route', 'add', 'fd06::/64', 'nhid', '12');
  compareWithIp(t, ns, nexthop, route);
  t.match(nexthop.get(11), { id: 11, family: 0, groupType: NEXTHOP_GRP_TYPE_RES, group: [{ id: 1, weight: 5 }, { id: 2, weight: 1 }], resilient: { buckets: 8, idleTimer: 60, unbalancedTimer: 20 } });
  t.match(nexthop.get(3), { blackhole: true, family: 4 });
  t.match(nexthop.get(6), { flags: RTNH_F_ONLINK, gateway: '192.168.50.1' });
});

t.test('kernel: nexthops made by nlkit read back the same through nlkit and ip', async (t) => {
  if (!requireRoot(t)) return;
  const { ns: ours, nexthop, route } = setup(t);
  const { ns: theirs, nexthop: reference } = setup(t);
  for (const spec of SPECS) nexthop.add(spec);
  for (const form of IP_FORMS) ip(theirs, 'nexthop', 'add', ...form);
  const strip = (list: Nexthop[]) => list.map(({ oif, ...rest }) => ({ ...rest, dev: oif === undefined ? undefined : 'v0' }));
  t.strictSame(strip(nexthop.list()), strip(reference.list()), 'the same objects as ip makes (ifindexes aside)');
  for (const r of ROUTES) ip(ours, 'route', 'add', ...r);
  compareWithIp(t, ours, nexthop, route);

  // Filters, as `ip nexthop show ...` applies them.
  const names = linkNames(ours);
  const shown = (filter: Parameters<NexthopService['list']>[0]) => nexthopsToIpJson(nexthop.list(filter), names);
  t.strictSame(shown({ dev: 'v0' }), ipJson(ours, 'nexthop', 'show', 'dev', 'v0'), 'dev');
  t.strictSame(shown({ groups: true }), ipJson(ours, 'nexthop', 'show', 'groups'), 'groups');
  t.strictSame(shown({ fdb: true }), ipJson(ours, 'nexthop', 'show', 'fdb'), 'fdb');
  t.strictSame(shown({ protocol: 'static' }), ipJson(ours, 'nexthop', 'show', 'protocol', '4'), 'protocol');
  t.strictSame(shown({ id: 10 }), ipJson(ours, 'nexthop', 'show', 'id', '10'), 'id');
  t.strictSame(shown({ id: 99 }), [], 'a missing id lists nothing');
  t.strictSame(shown({ dev: 'v1' }), [], 'a device without nexthops');
  t.throws(() => nexthop.list({ dev: 'nope0' }), { name: 'LinkNotFoundError' });

  // replace changes a nexthop in place; the routes that use it follow.
  nexthop.replace({ id: 1, via: '10.0.0.9', dev: 'v0' });
  t.match(nexthop.get(1), { gateway: '10.0.0.9' });
  t.match(ipJson(ours, 'route', 'show', '10.5.0.0/16')[0], { gateway: '10.0.0.9', nhid: 1 });
  nexthop.replace({ id: 30, group: [1, 2] });
  t.strictSame(nexthop.get(30).group, [{ id: 1, weight: 1 }, { id: 2, weight: 1 }], 'replace creates what is missing');
  compareWithIp(t, ours, nexthop, route);
});

t.test('kernel: delete and typed errors', async (t) => {
  if (!requireRoot(t)) return;
  const { ns, ctx, nexthop } = setup(t);
  nexthop.add({ id: 1, via: '10.0.0.2', dev: 'v0' });
  nexthop.add({ id: 20, via: '172.16.1.2', fdb: true });
  const exists = t.throws(() => nexthop.add({ id: 1, dev: 'v0' })) as NetlinkError;
  t.type(exists, NetlinkError);
  t.match(exists, { code: 'EEXIST', operation: 'add nexthop', object: `id 1 dev v0 in netns ${ns}` });
  t.throws(() => nexthop.delete({ id: 9 }), { name: 'NetlinkError', code: 'ENOENT', operation: 'delete nexthop', object: `id 9 in netns ${ns}` });
  t.throws(() => nexthop.get(9), { name: 'NetlinkError', code: 'ENOENT', operation: 'get nexthop', object: `id 9 in netns ${ns}` });
  const missing = t.throws(() => nexthop.add({ id: 5, group: [1, 99] })) as NetlinkError;
  t.match(missing, { name: 'NetlinkError', code: 'EINVAL', operation: 'add nexthop', object: `id 5 group 1/99 in netns ${ns}` });
  t.match(missing.message, /Invalid nexthop id/, 'the kernel says why');
  t.throws(() => nexthop.add({ id: 6, group: [1, 20] }), { name: 'NetlinkError', code: 'EINVAL' }, 'fdb and non-fdb members do not mix');
  t.throws(() => nexthop.add({ id: 7, dev: 'nope0' }), { name: 'LinkNotFoundError' });

  ip(ns, 'route', 'add', '10.5.0.0/16', 'nhid', '1');
  nexthop.delete({ id: 1 });
  t.strictSame(ipJson(ns, 'nexthop', 'show', 'id', '20').length, 1);
  t.strictSame(ipJson(ns, 'nexthop', 'show').map((n: { id: number }) => n.id), [20], 'gone from the kernel');
  t.strictSame(ipJson(ns, 'route', 'show', '10.5.0.0/16'), [], 'its routes went with it');
  const sent = ctx.sent();
  t.throws(() => nexthop.add({ id: 8, group: [8] }), InvalidArgumentError);
  t.throws(() => nexthop.delete({ id: 0 }), InvalidArgumentError);
  t.equal(ctx.sent(), sent, 'a refused spec sends nothing');
});

t.test('kernel: async forms, through openRoute', async (t) => {
  if (!requireRoot(t)) return;
  const { ns } = setup(t);
  const rt = openRoute({ netns: ns });
  t.teardown(() => rt.close());
  await rt.nexthop.addAsync({ id: 1, via: '10.0.0.2', dev: 'v0' });
  await rt.nexthop.addAsync({ id: 2, group: [1] });
  await t.rejects(rt.nexthop.addAsync({ id: 2, group: [1] }), { name: 'NetlinkError', code: 'EEXIST', operation: 'add nexthop' });
  await rt.nexthop.replaceAsync({ id: 2, group: [{ id: 1, weight: 4 }] });
  t.strictSame((await rt.nexthop.getAsync(2)).group, [{ id: 1, weight: 4 }]);
  const names = linkNames(ns);
  t.strictSame(nexthopsToIpJson(await rt.nexthop.listAsync(), names), ipJson(ns, 'nexthop', 'show'));
  t.strictSame(nexthopsToIpJson(await rt.nexthop.listAsync({ dev: 'v0' }), names), ipJson(ns, 'nexthop', 'show', 'dev', 'v0'));
  t.strictSame(await rt.nexthop.listAsync({ id: 3 }), []);
  await rt.nexthop.deleteAsync({ id: 2 });
  await t.rejects(rt.nexthop.deleteAsync({ id: 2 }), { name: 'NetlinkError', code: 'ENOENT' });
  await t.rejects(rt.nexthop.getAsync(2), { code: 'ENOENT', operation: 'get nexthop' });
  t.strictSame((await rt.nexthop.listAsync()).map((n) => n.id), [1]);
});

t.test('fuzz: damaged nexthop messages decode or fail with typed errors', async (t) => {
  const targets = nexthopTargets().map(([name, protocol, bytes]) => ({ name: `synthetic ${name}`, protocol, bytes }));
  const fuzz = new DecoderFuzz(targets, 20261207);
  const failures: string[] = [];
  // Every truncation of every message, then random bit flips and length overwrites.
  for (let n = 0; n < fuzz.truncations + 20_000 && failures.length < 5; n++) {
    try {
      fuzz.run(n);
    } catch (error) {
      if (!(error instanceof FuzzFailure)) throw error;
      failures.push(error.message);
    }
  }
  t.strictSame(failures, [], 'no case threw anything but a typed error or depended on bytes after the message');
  t.ok(fuzz.stats.decoded > 0 && fuzz.stats.typedErrors > 0, `${fuzz.stats.decoded} decodes, ${fuzz.stats.typedErrors} typed errors`);
});

t.test('kernel: routes through nexthop objects made by nlkit (RouteSpec nhid) are the ones ip makes', async (t) => {
  if (!requireRoot(t)) return;
  const { ns: ours, nexthop, route } = setup(t);
  const { ns: theirs } = setup(t);
  for (const spec of SPECS) nexthop.add(spec);
  for (const form of IP_FORMS) ip(theirs, 'nexthop', 'add', ...form);
  for (const r of ROUTES) {
    const [dst, , id] = r as [string, string, string];
    if (r[1] === 'nhid') route.add({ dst, nhid: Number(id) });
    else route.add({ dst, gateway: id });
    ip(theirs, 'route', 'add', ...r);
  }
  route.add({ dst: 'fd05::/64', nhid: 5, metric: 7 });
  ip(theirs, '-6', 'route', 'add', 'fd05::/64', 'nhid', '5', 'metric', '7');
  for (const family of ['-4', '-6']) {
    t.strictSame(ipJson(ours, family, '-d', 'route', 'show'), ipJson(theirs, family, '-d', 'route', 'show'), `ip ${family} -j -d route show: the same routes, nh_info and scope included`);
  }
  compareWithIp(t, ours, nexthop, route);
  route.delete({ dst: '10.6.0.0/16', nhid: 10 });
  t.strictSame(ipJson(ours, 'route', 'show', '10.6.0.0/16'), [], 'deleted by its nhid');
  const error = t.throws(() => route.add({ dst: '10.30.0.0/16', nhid: 99 })) as NetlinkError;
  t.match(error, { code: 'EINVAL', message: /add route 10\.30\.0\.0\/16 nhid 99 table main .*Nexthop id does not exist/ });
  // Refused before anything is sent: a route names its next hop once.
  for (const [what, spec, message] of [
    ['nhid and gateway', { dst: '10.31.0.0/16', nhid: 1, gateway: '10.0.0.2' }, /give either nhid or gateway\/dev\/nexthops/],
    ['nhid and dev', { dst: '10.31.0.0/16', nhid: 1, dev: 'v0' }, /give either nhid or gateway\/dev\/nexthops/],
    ['nhid and nexthops', { dst: '10.31.0.0/16', nhid: 1, nexthops: [{ gateway: '10.0.0.2' }] }, /give either nhid or gateway\/dev\/nexthops/],
    ['nhid 0', { dst: '10.31.0.0/16', nhid: 0 }, /nhid must be an integer from 1 to 4294967295/],
    ['nhid not a number', { dst: '10.31.0.0/16', nhid: '1' }, /nhid must be an integer/],
    ['a blackhole through a nexthop', { dst: '10.31.0.0/16', nhid: 1, type: 'blackhole' }, /takes no gateway, dev, nexthops or nhid/],
  ] as const) {
    t.throws(() => route.add(spec as never), InvalidArgumentError, what);
    t.throws(() => route.add(spec as never), message, `${what}: the message`);
  }
});
