// A kind's own options changed on an existing link (`set(dev, { kind })`),
// veth pairs whose peer the kernel names, peer group/alias, and the link words
// numTxQueues/numRxQueues/broadcast: each done with ip in one namespace and
// with nlkit in another, compared with `ip -j -d link show`; refusals are
// typed, the kernel's with its own message, nlkit's before anything is sent.
import t from 'tap';
import { InvalidArgumentError } from '../../src/netlink/addresses.js';
import { NetlinkError } from '../../src/netlink/errors.js';
import type { LinkChanges } from '../../src/route/links/index.js';
import { ip, ipJson, requireRoot, testNetns } from '../helpers/netns.js';
import { maskLinkJson } from '../helpers/volatile.js';
import { compareWithIp, ipShow, openLinks } from './links/helpers.js';

const SETUP = [
  'link add v0 address 02:00:00:00:00:10 type veth peer name v1 address 02:00:00:00:00:11',
  'link add br0 address 02:00:00:00:00:12 type bridge',
  'link add vx0 address 02:00:00:00:00:13 type vxlan id 5 dstport 4789',
  'link add m0 link v0 address 02:00:00:00:00:14 type macvlan mode bridge',
];

function infoData(ns: string, dev: string): Record<string, unknown> {
  const data = { ...(maskLinkJson(ipShow(ns, dev)).linkinfo?.info_data ?? {}) } as Record<string, unknown>;
  for (const k of ['hello_timer', 'tcn_timer', 'topology_change_timer', 'gc_timer']) delete data[k];
  return data;
}

/** The error `fn` throws (undefined when it returns). */
function caught(fn: () => unknown): any {
  try {
    fn();
  } catch (error) {
    return error;
  }
  return undefined;
}

function prepare(ns: string): void {
  for (const line of SETUP) ip(ns, ...line.split(' '));
}

/** [ip's words after `link set`, the same change through nlkit] */
const CHANGES: readonly (readonly [string, string, LinkChanges])[] = [
  ['br0', 'type bridge stp_state 1 priority 100 forward_delay 400', { kind: { type: 'bridge', stp: true, priority: 100, forwardDelay: 400 } }],
  ['br0', 'type bridge ageing_time 1000 mcast_snooping 0 group_fwd_mask 0x4000', { kind: { type: 'bridge', ageingTime: 1000, mcastSnooping: false, groupFwdMask: 0x4000 } }],
  ['br0', 'mtu 1400 type bridge hello_time 300', { mtu: 1400, kind: { type: 'bridge', helloTime: 300 } }],
  ['vx0', 'type vxlan ttl 10 ageing 100 nolearning', { kind: { type: 'vxlan', ttl: 10, ageing: 100, learning: false } }],
  ['vx0', 'type vxlan tos inherit', { kind: { type: 'vxlan', tos: 'inherit' } }],
  ['m0', 'type macvlan mode private', { kind: { type: 'macvlan', mode: 'private' } }],
  ['m0', 'type macvlan mode vepa bcqueuelen 500', { kind: { type: 'macvlan', mode: 'vepa', bcqueuelen: 500 } }],
];

t.test('set(dev, { kind }): the kind\'s options change as `ip link set DEV type KIND …` changes them', async (t) => {
  if (!requireRoot(t)) return;
  const [a, b] = testNetns(t, 2, 'kindset');
  prepare(a!);
  prepare(b!);
  const c = openLinks(t, b!);
  for (const [dev, words, changes] of CHANGES) {
    const before = infoData(a!, dev);
    ip(a!, 'link', 'set', dev, ...words.split(' '));
    const sent = c.sent();
    c.links.set(dev, changes);
    t.equal(c.sent() - sent, 1, `${dev} ${words}: one request`);
    t.not(JSON.stringify(infoData(a!, dev)), JSON.stringify(before), `ip ${words} changed ${dev}`);
    t.same(infoData(b!, dev), infoData(a!, dev), `${dev}: ${words}`);
    t.equal(ipShow(b!, dev).mtu, ipShow(a!, dev).mtu, `${dev}: mtu`);
  }
  // The kind alone, as `ip link set v0 type veth` sends it: accepted, nothing changes.
  c.links.set('v0', { kind: { type: 'veth' } });
  await c.links.setAsync('m0', { kind: { type: 'macvlan', mode: 'bridge' } });
  t.equal(infoData(b!, 'm0').mode, 'bridge', 'setAsync');
  compareWithIp(t, c, b!, 'br0');
  compareWithIp(t, c, b!, 'vx0');
});

t.test('set(dev, { kind }): what the kernel cannot change comes back as its NetlinkError', async (t) => {
  if (!requireRoot(t)) return;
  const [ns] = testNetns(t, 1, 'kindrefuse');
  prepare(ns!);
  const c = openLinks(t, ns!);
  const before = ipJson(ns!, '-d', 'link', 'show');
  const vni = caught(() => c.links.set('vx0', { kind: { type: 'vxlan', id: 6 } }));
  t.ok(vni instanceof NetlinkError, 'a NetlinkError');
  t.match(vni, { code: 'EOPNOTSUPP', extack: { message: 'Cannot change VNI' } });
  t.match(caught(() => c.links.set('vx0', { kind: { type: 'vxlan', dstport: 5000 } })), { extack: { message: 'Cannot change port' } });
  // veth has no changelink; a kind that is not the link's is refused the same way.
  for (const kind of [{ type: 'veth', peer: { name: 'x9' } }, { type: 'bridge', stp: true }] as const) {
    const e = caught(() => c.links.set('v0', { kind }));
    t.ok(e instanceof NetlinkError, `${kind.type}: a NetlinkError`);
    t.equal(e?.code, 'EOPNOTSUPP');
  }
  await t.rejects(c.links.setAsync('vx0', { kind: { type: 'vxlan', id: 6 } }), NetlinkError);
  t.same(maskLinkJson(ipJson(ns!, '-d', 'link', 'show')), maskLinkJson(before), 'nothing changed');
});

t.test('set(dev, { kind }): bad input is refused before anything is sent', async (t) => {
  if (!requireRoot(t)) return;
  const [ns] = testNetns(t, 1, 'kindbad');
  prepare(ns!);
  const c = openLinks(t, ns!);
  const sent = c.sent();
  const bad: [unknown, RegExp][] = [
    [{ type: 'macvlan', link: 'v1' }, /lower device \(link\) is fixed at creation/],
    [{ type: 'bridge', stpp: true }, /has no field "stpp"/],
    [{ type: 'bridge', mtu: 1400 }, /has no field "mtu"/],
    [{ type: 'bridge', priority: -1 }, /priority/],
    [{ type: 'vxlan', id: 1 << 24 }, /id/],
    [{ type: 'vxlan', remote: '239.1.1.1' }, /multicast/],
    [{ type: 'macvlan', mode: 'sideways' }, /mode must be one of/],
    [{ type: 'nosuch' }, /unknown link type "nosuch"/],
    [{ type: 'tun' }, /tun/],
    ['bridge', /kind must be an object/],
    [{ type: 'veth', peer: { group: 3 } }, /peer.group needs peer.name/],
  ];
  for (const [kind, message] of bad) {
    const e = caught(() => c.links.set('br0', { kind } as LinkChanges));
    t.ok(e instanceof InvalidArgumentError, `${JSON.stringify(kind)}: InvalidArgumentError`);
    t.match(e?.message, message, JSON.stringify(kind));
  }
  t.throws(() => c.links.set('v0', { kind: { type: 'bridge' }, bridgePort: { cost: 5 } }), /IFLA_LINKINFO, which holds one of them/);
  t.equal(c.sent(), sent, 'nothing sent');
});

t.test('veth without a peer name: the kernel names it vethN, as for ip', async (t) => {
  if (!requireRoot(t)) return;
  const [a, b] = testNetns(t, 2, 'vethnoname');
  const c = openLinks(t, b!);
  ip(a!, 'link', 'add', 'w0', 'type', 'veth');
  c.links.add({ type: 'veth', name: 'w0' });
  ip(a!, 'link', 'add', 'w2', 'mtu', '1400', 'type', 'veth', 'peer', 'mtu', '1300', 'txqueuelen', '50');
  c.links.add({ type: 'veth', name: 'w2', mtu: 1400, peer: { mtu: 1300, txqueuelen: 50 } });
  ip(a!, 'link', 'add', 'w4', 'type', 'veth', 'peer', 'name', 'w5', 'group', '7');
  c.links.add({ type: 'veth', name: 'w4', peer: { name: 'w5', group: 7, alias: 'the peer' } });
  const summary = (ns: string) => (ipJson(ns, '-d', 'link', 'show') as Record<string, any>[]).map((l) => [l.ifname, l.link, l.mtu, l.txqlen, l.group]);
  t.same(summary(b!), summary(a!));
  t.same(summary(b!).map((l) => l[0]), ['lo', 'veth0', 'w0', 'veth1', 'w2', 'w5', 'w4'], 'the peers are veth0 and veth1');
  t.equal(ipShow(b!, 'w5').ifalias, 'the peer', 'the peer alias is set right after');
  for (const key of ['up', 'group', 'alias']) {
    t.throws(() => c.links.add({ type: 'veth', name: 'w9', peer: { [key]: key === 'up' ? true : key === 'group' ? 1 : 'x' } }), /needs peer.name/);
  }
});

t.test('numTxQueues, numRxQueues and broadcast, as ip sets them', async (t) => {
  if (!requireRoot(t)) return;
  const [a, b] = testNetns(t, 2, 'queues');
  const c = openLinks(t, b!);
  ip(a!, ...'link add q0 numtxqueues 4 numrxqueues 3 broadcast 02:ff:ff:ff:ff:00 type veth peer name q1'.split(' '));
  c.links.add({ type: 'veth', name: 'q0', numTxQueues: 4, numRxQueues: 3, broadcast: '02:ff:ff:ff:ff:00', peer: { name: 'q1' } });
  ip(a!, ...'link add br1 numtxqueues 2 type bridge'.split(' '));
  c.links.add({ type: 'bridge', name: 'br1', numTxQueues: 2 });
  ip(a!, ...'link set q1 brd 02:ff:ff:ff:ff:01'.split(' '));
  c.links.set('q1', { broadcast: '02:ff:ff:ff:ff:01' });
  const fields = (ns: string, dev: string) => {
    const l = ipShow(ns, dev);
    return [l.num_tx_queues, l.num_rx_queues, l.broadcast];
  };
  for (const dev of ['q0', 'q1', 'br1']) t.same(fields(b!, dev), fields(a!, dev), dev);
  t.same(fields(b!, 'q0'), [4, 3, '02:ff:ff:ff:ff:00']);
  t.match(c.links.get('q0'), { numTxQueues: 4, numRxQueues: 3, broadcast: '02:ff:ff:ff:ff:00' });
  const sent = c.sent();
  for (const spec of [{ numTxQueues: 0 }, { numRxQueues: 4097 }, { numTxQueues: 1.5 }, { broadcast: 'ff' }]) {
    t.throws(() => c.links.add({ type: 'bridge', name: 'br9', ...spec }), InvalidArgumentError, JSON.stringify(spec));
  }
  t.throws(() => c.links.set('q0', { broadcast: 'x' }), InvalidArgumentError);
  t.throws(() => c.links.set('q0', { numTxQueues: 2 } as LinkChanges), /has no field "numTxQueues"/);
  t.equal(c.sent(), sent, 'nothing sent');
});
