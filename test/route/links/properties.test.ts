// Link flags (promisc, allmulticast, multicast, arp, dynamic), GSO/GRO limits,
// protodown and alternative names through nlkit, checked with ip -j -d link show.
import t from 'tap';
import { IFF_ALLMULTI, IFF_DYNAMIC, IFF_MULTICAST, IFF_NOARP, IFF_PROMISC, IFF_UP } from '../../../src/generated/if.js';
import { RTM_SETLINK } from '../../../src/generated/rtnetlink.js';
import { InvalidArgumentError } from '../../../src/netlink/addresses.js';
import { NetlinkError } from '../../../src/netlink/errors.js';
import { NLM_F_REQUEST } from '../../../src/netlink/message.js';
import { MessageWriter } from '../../../src/netlink/writer.js';
import { decodeLink, encodeLinkRequest } from '../../../src/route/links/index.js';
import { LinkNotFoundError } from '../../../src/route/resolve.js';
import { requireRoot, testNetns } from '../../helpers/netns.js';
import { compareWithIp, ipShow, openLinks } from './helpers.js';

t.test('flags, limits, carrier and protodown encode into one request that decodes back', async (t) => {
  const w = new MessageWriter();
  const start = w.beginMessage(RTM_SETLINK, NLM_F_REQUEST, 1);
  encodeLinkRequest(w, {
    index: 4, flags: IFF_PROMISC | IFF_DYNAMIC, change: IFF_PROMISC | IFF_NOARP | IFF_DYNAMIC,
    carrier: false, gsoMaxSize: 32000, gsoMaxSegs: 100, groMaxSize: 30000, protoDown: true, protoDownReason: { mask: 0x18, value: 0x8 },
    altNames: ['a-rather-long-alternative-name'],
  });
  w.endMessage(start);
  const link = decodeLink(Buffer.from(w.bytes()));
  t.match(link, {
    index: 4, flags: IFF_PROMISC | IFF_DYNAMIC, change: IFF_PROMISC | IFF_NOARP | IFF_DYNAMIC, carrier: false, gsoMaxSize: 32000,
    gsoMaxSegs: 100, groMaxSize: 30000, protoDown: true, protoDownReason: 0x8, altNames: ['a-rather-long-alternative-name'], unknown: [],
  });
});

t.test('flags and limits on an existing link and at creation, as ip shows them', async (t) => {
  if (!requireRoot(t)) return;
  const [ns] = testNetns(t, 1, 'props');
  const c = openLinks(t, ns!);
  c.links.add({ name: 'v0', type: 'veth', peer: { name: 'v0p' } });

  const before = c.sent();
  c.links.set('v0', { up: true, promisc: true, allmulticast: true, arp: false, multicast: false, dynamic: true, gsoMaxSize: 32000, gsoMaxSegs: 100, groMaxSize: 30000 });
  t.equal(c.sent() - before, 1, 'one request');
  const v0 = compareWithIp(t, c, ns!, 'v0');
  t.equal(v0.flags & (IFF_UP | IFF_PROMISC | IFF_ALLMULTI | IFF_NOARP | IFF_MULTICAST | IFF_DYNAMIC), IFF_UP | IFF_PROMISC | IFF_ALLMULTI | IFF_NOARP | IFF_DYNAMIC);
  t.match(ipShow(ns!, 'v0'), { promiscuity: 1, allmulti: 1, gso_max_size: 32000, gso_max_segs: 100, gro_max_size: 30000 });
  t.strictSame(ipShow(ns!, 'v0').flags, ['NO-CARRIER', 'BROADCAST', 'NOARP', 'ALLMULTI', 'PROMISC', 'DYNAMIC', 'UP', 'M-DOWN'], 'ip names the flags; no MULTICAST (the peer is down)');

  // Each flag back off alone: ifi_change names only that bit, the others stay.
  c.links.set('v0', { promisc: false });
  c.links.set('v0', { arp: true });
  await c.links.setAsync('v0', { multicast: true, dynamic: false, allmulticast: false });
  const after = compareWithIp(t, c, ns!, 'v0');
  t.equal(after.flags & (IFF_UP | IFF_PROMISC | IFF_ALLMULTI | IFF_NOARP | IFF_MULTICAST | IFF_DYNAMIC), IFF_UP | IFF_MULTICAST, 'only UP and MULTICAST left');

  // At creation, in the creating request.
  c.links.add({ name: 'v1', type: 'veth', arp: false, promisc: true, gsoMaxSize: 16000, groMaxSize: 20000, peer: { name: 'v1p' } });
  const v1 = compareWithIp(t, c, ns!, 'v1');
  t.match(v1, { gsoMaxSize: 16000, groMaxSize: 20000 });
  t.ok(v1.flagNames.includes('NOARP') && v1.flagNames.includes('PROMISC'), 'NOARP and PROMISC from creation');
});

t.test('protodown with reasons on a vxlan; carrier and protodown refused by veth', async (t) => {
  if (!requireRoot(t)) return;
  const [ns] = testNetns(t, 1, 'protodown');
  const c = openLinks(t, ns!);
  c.links.add({ name: 'vx0', type: 'vxlan', id: 5, dstport: 4789 });
  c.links.add({ name: 'v0', type: 'veth', peer: { name: 'v0p' } });

  c.links.set('vx0', { protodown: true, protodownReason: { 3: true, 5: true } });
  let vx0 = compareWithIp(t, c, ns!, 'vx0');
  t.match(vx0, { protoDown: true, protoDownReason: (1 << 3) | (1 << 5) });
  t.strictSame(ipShow(ns!, 'vx0').proto_down_reason, ['3', '5']);
  c.links.set('vx0', { protodownReason: { 5: false } });
  t.equal(c.links.get('vx0').protoDownReason, 1 << 3, 'only the named bit changed');
  c.links.set('vx0', { protodown: false, protodownReason: { 3: false } });
  vx0 = compareWithIp(t, c, ns!, 'vx0');
  t.equal(vx0.protoDown, false);

  t.throws(() => c.links.set('v0', { protodown: true }), { constructor: NetlinkError, code: 'EOPNOTSUPP' });
  t.throws(() => c.links.set('v0', { carrier: false }), { constructor: NetlinkError, code: 'EOPNOTSUPP' }, 'veth has no ndo_change_carrier');
});

t.test('alternative names: add, look up by them, delete', async (t) => {
  if (!requireRoot(t)) return;
  const [ns] = testNetns(t, 1, 'altname');
  const c = openLinks(t, ns!);
  c.links.add({ name: 'v0', type: 'veth', peer: { name: 'v0p' } });
  const long = 'pod-7f3a9c-eth0-towards-the-host-bridge';

  c.links.addAltName('v0', 'uplink');
  await c.links.addAltNameAsync(c.links.get('v0').index, long);
  const v0 = compareWithIp(t, c, ns!, 'v0');
  t.strictSame(v0.altNames, ['uplink', long]);
  t.strictSame(ipShow(ns!, 'v0').altnames, ['uplink', long]);
  t.equal(c.links.get('uplink').index, v0.index, 'get by an alternative name');
  c.links.set('uplink', { mtu: 1400 });
  t.equal(ipShow(ns!, 'v0').mtu, 1400, 'set addresses the link by its alternative name');

  t.throws(() => c.links.addAltName('v0p', 'uplink'), { constructor: NetlinkError, code: 'EEXIST' }, 'names are unique in the namespace');
  c.links.deleteAltName('v0', 'uplink');
  await c.links.deleteAltNameAsync('v0', long);
  t.equal(c.links.get('v0').altNames, undefined, 'both gone');
  t.throws(() => c.links.get('uplink'), LinkNotFoundError);
  t.throws(() => c.links.deleteAltName('v0', 'uplink'), NetlinkError, 'deleting a name the link does not have');
});

t.test('bad flags, limits and names are refused before anything is sent', async (t) => {
  if (!requireRoot(t)) return;
  const [ns] = testNetns(t, 1, 'props-bad');
  const c = openLinks(t, ns!);
  const before = c.sent();
  const bad: [() => void, RegExp][] = [
    [() => c.links.set('v0', { promisc: 'on' } as never), /promisc must be true or false/],
    [() => c.links.set('v0', { gsoMaxSize: -1 }), /gsoMaxSize must be an integer from 0/],
    [() => c.links.set('v0', { carrier: 1 } as never), /carrier must be true or false/],
    [() => c.links.set('v0', { protodownReason: { 32: true } }), /reason bits 0-31/],
    [() => c.links.set('v0', { protodownReason: { x: true } as never }), /reason bits 0-31/],
    [() => c.links.set('v0', { protodownReason: {} }), /names no reason bit/],
    [() => c.links.set('v0', { protodownReason: { 1: 'yes' } as never }), /protodownReason\[1\] must be true or false/],
    [() => c.links.add({ name: 'x', type: 'ifb', arp: 0 } as never), /arp must be true or false/],
    [() => c.links.addAltName('v0', 'a'.repeat(128)), /at most 127/],
    [() => c.links.addAltName('v0', 'with space'), /must not contain/],
    [() => c.links.deleteAltName('v0', ''), /non-empty string/],
  ];
  for (const [call, message] of bad) t.throws(call, { constructor: InvalidArgumentError, message });
  t.equal(c.sent(), before, 'nothing reached the kernel');
});
