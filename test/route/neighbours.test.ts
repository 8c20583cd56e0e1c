import t, { type Test } from 'tap';
import { NETLINK_ROUTE } from '../../src/generated/netlink.js';
import { NTF_EXT_LEARNED, NTF_EXT_MANAGED, NTF_PROXY, NTF_ROUTER, NUD_NONE, NUD_PERMANENT, NUD_STALE } from '../../src/generated/neighbour.js';
import { RTM_GETNEIGH, RTM_NEWNEIGH } from '../../src/generated/rtnetlink.js';
import { InvalidArgumentError } from '../../src/netlink/addresses.js';
import { describeMessage } from '../../src/netlink/debug.js';
import { NetlinkError } from '../../src/netlink/errors.js';
import { LinkNotFoundError } from '../../src/route/resolve.js';
import {
  decodeNeighbour, encodeNeighbour, encodeNeighbourDumpRequest, neighbourAttributeName, neighboursToIpJson, neighbourToIpJson,
  NeighbourService, prepareNeighbour, type Neighbour, type NeighbourSpec,
} from '../../src/route/neighbours/index.js';
import { ip, ipJson, requireRoot, testNetns } from '../helpers/netns.js';
import { openCountingContext, tripwireContext } from '../helpers/counting-socket.js';
import { linkNames } from './addresses-routes-helpers.js';
import { asMessage, encodePayload, messageOf, payloadOf, readFixture } from './codec-helpers.js';

const fixture = readFixture('route/neighbours/neighbours.json');
const fixtureLinks = new Map<number, string>(Object.entries(fixture.links as Record<string, string>).map(([i, n]) => [Number(i), n]));
const decodeAll = (hexes: string[]) => hexes.map((hex) => decodeNeighbour(messageOf(hex)));

t.test('fixtures: kernel dumps decode to what ip -j -d neigh show prints', async (t) => {
  t.strictSame(neighboursToIpJson(decodeAll(fixture.all.messages), fixtureLinks), fixture.all.ip, 'nud all');
  t.strictSame(neighboursToIpJson(decodeAll(fixture.stats.messages), fixtureLinks, { stats: true }), fixture.stats.ip, 'ip -s: cache ages and probes');
  t.strictSame(neighboursToIpJson(decodeAll(fixture.proxy.messages), fixtureLinks), fixture.proxy.ip, 'proxy table');
  const [managed] = decodeAll(fixture.all.messages);
  t.match(managed, { family: 4, addressFamily: 2, dst: '10.0.0.13', flagsExt: NTF_EXT_MANAGED, stateNames: ['NOARP'], probes: 0, unknown: [] });
  t.type(managed!.cacheinfo?.confirmed, 'number');
  const v6 = decodeAll(fixture.all.messages).find((n) => n.dst === 'fd00::1')!;
  t.match(v6, { family: 6, addressFamily: 10, state: NUD_PERMANENT, flags: NTF_ROUTER, flagNames: ['ROUTER'], lladdr: '02:00:00:00:00:01' });
  const proxy = decodeAll(fixture.proxy.messages);
  t.strictSame(proxy.map((n) => n.flagNames), [['PROXY'], ['PROXY', 'ROUTER']]);
});

t.test('fixtures: decoded entries re-encode to the kernel bytes', async (t) => {
  for (const hex of [...fixture.all.messages, ...fixture.proxy.messages]) {
    const message = messageOf(hex);
    const n = decodeNeighbour(message);
    t.strictSame(encodePayload(encodeNeighbour, n), payloadOf(message), `${n.dst} ${n.stateNames.join(',') || n.flagNames.join(',')}`);
  }
});

t.test('specs become requests that decode back to the same entry', async (t) => {
  const cases: [NeighbourSpec, Partial<Neighbour>][] = [
    [{ dev: 3, address: '10.0.0.9', lladdr: '02:AA:00:00:00:09' }, { addressFamily: 2, state: NUD_PERMANENT, flags: 0, dst: '10.0.0.9', lladdr: '02:aa:00:00:00:09' }],
    [{ dev: 3, address: 'fd00::9', lladdr: '02:00:00:00:00:09', state: 'stale', router: true, protocol: 'bgp' }, { addressFamily: 10, state: NUD_STALE, flags: NTF_ROUTER, protocol: 186 }],
    [{ dev: 3, address: '10.0.0.10', managed: true }, { state: NUD_NONE, flagsExt: NTF_EXT_MANAGED }],
    [{ dev: 3, address: '10.0.0.11', lladdr: '02:00:00:00:00:0b', externLearn: true, state: 'reachable' }, { flags: NTF_EXT_LEARNED, stateNames: ['REACHABLE'] }],
    [{ dev: 3, address: '10.0.0.50', proxy: true }, { flags: NTF_PROXY, state: NUD_PERMANENT, dst: '10.0.0.50' }],
  ];
  for (const [spec, expected] of cases) {
    const { message, text } = prepareNeighbour(spec, 'add');
    message.ifindex = 3;
    const decoded = decodeNeighbour(asMessage(RTM_NEWNEIGH, encodePayload(encodeNeighbour, message)));
    t.match(decoded, { ifindex: 3, ...expected }, text);
    t.strictSame(decoded.unknown, []);
  }
  // delete and get identify an entry: header, address and the proxy flag, nothing else.
  const { message } = prepareNeighbour({ dev: 'eth0', address: '10.0.0.9', lladdr: '02:00:00:00:00:09', state: 'stale', router: true }, 'delete');
  t.strictSame(message, { addressFamily: 2, ifindex: 0, state: 0, flags: 0, type: 0, dst: '10.0.0.9' });
  // Kernel-side dump filtering: NDA_IFINDEX and the proxy flag.
  const dump = decodeNeighbour(asMessage(RTM_GETNEIGH, encodePayload((w, v: number) => encodeNeighbourDumpRequest(w, 10, NTF_PROXY, v), 7)));
  t.match(dump, { addressFamily: 10, ifindex: 0, flags: NTF_PROXY, via: 7, unknown: [] });
  t.equal(neighbourAttributeName([2]), 'NDA_LLADDR');
  t.equal(neighbourAttributeName([99, 1]), '99/1');
});

t.test('an unknown attribute survives decode and encode', async (t) => {
  const original = messageOf(fixture.all.messages[4]);
  const n = decodeNeighbour(original);
  n.unknown.push({ type: 200, nested: false, data: Buffer.from([1, 2, 3, 4]) });
  const again = decodeNeighbour(asMessage(RTM_NEWNEIGH, encodePayload(encodeNeighbour, n)));
  t.strictSame(again, n);
});

t.test('neighbourToIpJson prints unknown links as ifN and names empty-state entries without state', async (t) => {
  const n = decodeNeighbour(messageOf(fixture.all.messages[1]));
  t.strictSame(neighbourToIpJson(n, new Map()), { dst: '10.0.0.15', dev: 'if3' });
});

t.test('bad input is refused before anything is sent', async (t) => {
  const neigh = new NeighbourService(tripwireContext());
  const bad: [string, () => unknown, RegExp][] = [
    ['no dev', () => neigh.add({ address: '10.0.0.9' } as NeighbourSpec), /needs dev/],
    ['bad dev name', () => neigh.add({ dev: 'a/b', address: '10.0.0.9' }), /must not contain/],
    ['prefix', () => neigh.add({ dev: 'eth0', address: '10.0.0.9/24' }), /without prefix length/],
    ['not an address', () => neigh.add({ dev: 'eth0', address: 'router' }), /not a valid IP address/],
    ['bad MAC', () => neigh.add({ dev: 'eth0', address: '10.0.0.9', lladdr: '02:00:zz' }), /not a MAC address/],
    ['bad state', () => neigh.replace({ dev: 'eth0', address: '10.0.0.9', state: 'fresh' as never }), /state must be one of/],
    ['router not boolean', () => neigh.add({ dev: 'eth0', address: '10.0.0.9', router: 1 as never }), /router must be true or false/],
    ['proxy with lladdr', () => neigh.add({ dev: 'eth0', address: '10.0.0.9', proxy: true, lladdr: '02:00:00:00:00:01' }), /proxy entry .* cannot have an lladdr/],
    ['unknown option', () => neigh.add({ dev: 'eth0', address: '10.0.0.9', nud: 'stale' } as never), /has no option "nud"/],
    ['bad protocol', () => neigh.add({ dev: 'eth0', address: '10.0.0.9', protocol: 'carrier-pigeon' }), /protocol "carrier-pigeon" is unknown/],
    ['delete without address', () => neigh.delete({ dev: 'eth0' } as NeighbourSpec), /IP address/],
    ['get with extra keys', () => neigh.get({ dev: 'eth0', address: '10.0.0.9', lladdr: 'x' } as never), /has no option "lladdr"/],
    ['list filter family', () => neigh.list({ family: 5 as never }), /family must be 4 or 6/],
    ['list filter state', () => neigh.list({ state: ['stale', 'old'] as never }), /state must be one of/],
    ['flush proxy with state', () => neigh.flush({ proxy: true, state: 'stale' }), /proxy entries have no NUD state/],
    ['flush filter key', () => neigh.flush({ device: 'eth0' } as never), /has no option "device"/],
  ];
  for (const [name, run, message] of bad) t.throws(run, { name: 'InvalidArgumentError', message }, name);
  await t.rejects(neigh.addAsync({ dev: 'eth0', address: '10.0.0.999' }), InvalidArgumentError, 'async forms validate too');
  await t.rejects(neigh.listAsync({ dev: '' }), InvalidArgumentError);
});

t.test('debug output names neighbour messages', async (t) => {
  const line = describeMessage(NETLINK_ROUTE, messageOf(fixture.all.messages[4]));
  t.match(line, /^RTM_NEWNEIGH inet 10\.0\.0\.9 index=3 lladdr 02:00:00:00:00:09 PERMANENT/);
  t.match(describeMessage(NETLINK_ROUTE, messageOf(fixture.proxy.messages[1])), /inet6 fd00::50 index=2 PROXY,ROUTER/);
});

// ---- against the kernel ------------------------------------------------------

/** A namespace with a veth pair va/vb, both down so no traffic makes entries on its own. */
function setup(t: Test) {
  const [ns] = testNetns(t, 1, 'neigh');
  ip(ns!, 'link', 'add', 'name', 'va', 'type', 'veth', 'peer', 'name', 'vb');
  const ctx = openCountingContext(t, ns!);
  return { ns: ns!, ctx, neigh: new NeighbourService(ctx) };
}

const showAll = (ns: string, ...filter: string[]) => ipJson(ns, '-d', 'neigh', 'show', 'nud', 'all', ...filter);

t.test('kernel: entries made by nlkit read back the same through nlkit and ip', async (t) => {
  if (!requireRoot(t)) return;
  const { ns, neigh } = setup(t);
  neigh.add({ dev: 'va', address: '10.0.0.9', lladdr: '02:00:00:00:00:09' });
  neigh.add({ dev: 'va', address: '10.0.0.10', lladdr: '02:00:00:00:00:0a', state: 'stale' });
  neigh.add({ dev: 'vb', address: '10.0.0.11', lladdr: '02:00:00:00:00:0b', state: 'reachable', router: true });
  neigh.add({ dev: 'vb', address: '10.0.0.12', state: 'noarp' });
  neigh.add({ dev: 'va', address: '10.0.0.13', managed: true });
  neigh.add({ dev: 'va', address: '10.0.0.14', lladdr: '02:00:00:00:00:0e', state: 'stale', externLearn: true, protocol: 'static' });
  const va = linkNames(ns);
  const vaIndex = [...va].find(([, name]) => name === 'va')![0];
  neigh.add({ dev: vaIndex, address: 'fd00::1', lladdr: '02:00:00:00:00:01', router: true });

  const all = neigh.list();
  t.equal(all.length, 7);
  t.strictSame(neighboursToIpJson(all, va), showAll(ns), 'list() is ip neigh show nud all');
  t.strictSame(neighboursToIpJson(neigh.list({ dev: 'vb' }), va), ipJson(ns, '-d', 'neigh', 'show', 'nud', 'all').filter((e: any) => e.dev === 'vb'), 'kernel-side dev filter');
  t.strictSame(neighboursToIpJson(neigh.list({ family: 6 }), va), ipJson(ns, '-6', '-d', 'neigh', 'show', 'nud', 'all'), 'family filter');
  // ip shows extern_learn entries whatever the nud filter says; nlkit's state filter is only about states.
  neigh.delete({ dev: 'va', address: '10.0.0.14' });
  t.strictSame(neighboursToIpJson(neigh.list({ state: 'stale' }), va), ipJson(ns, '-d', 'neigh', 'show', 'nud', 'stale'), 'state filter');
  t.strictSame(neighboursToIpJson(neigh.list({ state: ['permanent', 'noarp'] }), va), ipJson(ns, '-d', 'neigh', 'show', 'nud', 'permanent', 'nud', 'noarp'), 'several states');
  t.strictSame(neighboursToIpJson(neigh.list({ state: 'none' }), va), [], 'no entry without state');

  const got = neigh.get({ dev: 'va', address: '10.0.0.9' });
  t.match(got, { family: 4, ifindex: vaIndex, dst: '10.0.0.9', lladdr: '02:00:00:00:00:09', stateNames: ['PERMANENT'] });
  t.strictSame(neighbourToIpJson(got, va), showAll(ns, 'to', '10.0.0.9')[0], 'get() is the entry ip shows');
  t.match(neigh.get({ dev: vaIndex, address: 'fd00::1' }), { family: 6, flagNames: ['ROUTER'] });
});

t.test('kernel: replace, delete and flush', async (t) => {
  if (!requireRoot(t)) return;
  const { ns, neigh } = setup(t);
  neigh.replace({ dev: 'va', address: '10.0.0.9', lladdr: '02:00:00:00:00:09', state: 'stale' });
  t.strictSame(showAll(ns).map((e: any) => [e.dst, e.lladdr, e.state]), [['10.0.0.9', '02:00:00:00:00:09', ['STALE']]], 'replace creates');
  neigh.replace({ dev: 'va', address: '10.0.0.9', lladdr: '02:00:00:00:00:99' });
  t.strictSame(showAll(ns).map((e: any) => [e.dst, e.lladdr, e.state]), [['10.0.0.9', '02:00:00:00:00:99', ['PERMANENT']]], 'replace overwrites');

  neigh.delete({ dev: 'va', address: '10.0.0.9', lladdr: '02:00:00:00:00:99' });
  t.strictSame(showAll(ns), [], 'delete');

  for (let i = 1; i <= 40; i++) neigh.add({ dev: i % 2 ? 'va' : 'vb', address: `10.0.1.${i}`, lladdr: '02:00:00:00:01:00', state: i % 4 === 0 ? 'permanent' : 'stale' });
  neigh.add({ dev: 'va', address: '10.0.2.1', state: 'noarp' });
  t.equal(neigh.flush({ dev: 'vb', family: 4 }), 10, 'flush dev vb took its 10 stale entries, spared the permanent ones');
  t.strictSame(showAll(ns, 'dev', 'vb').map((e: any) => e.state[0]), Array(10).fill('PERMANENT'));
  t.equal(neigh.flush({}), 20, 'flush takes stale entries everywhere, sparing permanent and noarp ones');
  t.equal(showAll(ns).length, 11);
  t.equal(neigh.flush({ state: 'noarp' }), 1);
  t.equal(neigh.flush({ state: 'all' }), 10, 'state all takes permanent ones too');
  t.strictSame(showAll(ns), []);
  t.equal(neigh.flush(), 0, 'nothing left');
});

t.test('kernel: proxy entries', async (t) => {
  if (!requireRoot(t)) return;
  const { ns, neigh } = setup(t);
  neigh.add({ dev: 'va', address: '10.0.0.50', proxy: true });
  neigh.add({ dev: 'vb', address: 'fd00::50', proxy: true, router: true });
  const names = linkNames(ns);
  t.strictSame(neighboursToIpJson(neigh.list({ proxy: true }), names), ipJson(ns, '-d', 'neigh', 'show', 'proxy'));
  t.strictSame(neigh.list(), [], 'proxies live in their own table');
  t.match(neigh.get({ dev: 'va', address: '10.0.0.50', proxy: true }), { dst: '10.0.0.50', flagNames: ['PROXY'] });
  neigh.delete({ dev: 'va', address: '10.0.0.50', proxy: true });
  t.strictSame(neigh.list({ proxy: true }).map((n) => n.dst), ['fd00::50']);
  t.equal(neigh.flush({ proxy: true }), 1);
  t.strictSame(ipJson(ns, 'neigh', 'show', 'proxy'), []);
});

t.test('kernel: errors name the operation, the object and the kernel\'s reason', async (t) => {
  if (!requireRoot(t)) return;
  const { ns, ctx, neigh } = setup(t);
  neigh.add({ dev: 'va', address: '10.0.0.9', lladdr: '02:00:00:00:00:09' });
  const exists = t.throws(() => neigh.add({ dev: 'va', address: '10.0.0.9', lladdr: '02:00:00:00:00:09' })) as NetlinkError;
  t.type(exists, NetlinkError);
  t.match(exists, { code: 'EEXIST', errno: 17, operation: 'add neighbour', object: `10.0.0.9 dev va in netns ${ns}` });
  t.match(exists.message, `add neighbour 10.0.0.9 dev va in netns ${ns} failed: EEXIST`);

  t.throws(() => neigh.add({ dev: 'va', address: '10.0.0.8', lladdr: '02:00' }), { code: 'EINVAL', message: /Invalid link address/ });
  t.throws(() => neigh.add({ dev: 'va', address: '10.0.0.7', managed: true, state: 'permanent' }), { code: 'EINVAL', message: /Invalid NTF_\* flag for permanent entry/ });
  t.throws(() => neigh.get({ dev: 'va', address: '10.0.0.6' }), { code: 'ENOENT', operation: 'get neighbour', message: /Neighbour entry not found/ });
  t.throws(() => neigh.delete({ dev: 'vb', address: '10.0.0.9' }), { code: 'ENOENT', operation: 'delete neighbour', object: `10.0.0.9 dev vb in netns ${ns}` });
  t.throws(() => neigh.add({ dev: 'nosuch0', address: '10.0.0.5' }), LinkNotFoundError);
  t.throws(() => neigh.add({ dev: 999, address: '10.0.0.5', lladdr: '02:00:00:00:00:05' }), { code: 'ENODEV', object: `10.0.0.5 dev 999 in netns ${ns}` });
  const before = ctx.sent();
  t.throws(() => neigh.add({ dev: 'va', address: '10.0.0.1', state: 'gone' as never }), InvalidArgumentError);
  t.equal(ctx.sent(), before, 'a refused spec sends nothing');
});

t.test('kernel: async forms', async (t) => {
  if (!requireRoot(t)) return;
  const { ns, neigh } = setup(t);
  await neigh.addAsync({ dev: 'va', address: '10.0.0.9', lladdr: '02:00:00:00:00:09' });
  await neigh.replaceAsync({ dev: 'va', address: '10.0.0.9', lladdr: '02:00:00:00:00:0a', state: 'stale' });
  await neigh.addAsync({ dev: 'vb', address: '10.0.0.10', lladdr: '02:00:00:00:00:0b', state: 'stale' });
  await t.rejects(neigh.addAsync({ dev: 'va', address: '10.0.0.9' }), { code: 'EEXIST', operation: 'add neighbour' });
  const names = linkNames(ns);
  t.strictSame(neighboursToIpJson(await neigh.listAsync(), names), showAll(ns));
  t.match(await neigh.getAsync({ dev: 'va', address: '10.0.0.9' }), { lladdr: '02:00:00:00:00:0a', stateNames: ['STALE'] });
  t.equal(await neigh.flushAsync({ dev: 'vb' }), 1);
  await neigh.deleteAsync({ dev: 'va', address: '10.0.0.9' });
  t.strictSame(await neigh.listAsync(), []);
  await t.rejects(neigh.getAsync({ dev: 'va', address: '10.0.0.9' }), { code: 'ENOENT' });
});
