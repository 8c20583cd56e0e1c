// Every kind nlkit creates, checked against the kernel: create with nlkit,
// read back with nlkit's get and with `ip -j -d link show dev X` in the same
// namespace, compare field by field.
import t from 'tap';
import { execFileSync } from 'node:child_process';
import type { BridgeInfo, BridgePortInfo, MacvlanInfo, TunInfo, VxlanInfo } from '../../../src/route/links/index.js';
import { ip, requireRoot, testNetns } from '../../helpers/netns.js';
import { compareWithIp, ipShow, openLinks } from './helpers.js';

t.test('veth: peer born in another namespace, host end enslaved and up, in one request', async (t) => {
  if (!requireRoot(t)) return;
  const [host, pod] = testNetns(t, 2, 'veth');
  const h = openLinks(t, host!);
  const p = openLinks(t, pod!);
  h.links.add({ name: 'br0', type: 'bridge', up: true });
  const before = h.sent();
  h.links.add({
    name: 'vh1', type: 'veth', master: 'br0', up: true, mtu: 1400, txqueuelen: 500, address: '02:11:22:33:44:55', index: 41,
    peer: { name: 'eth0', netns: pod, up: true, mtu: 1400, address: '02:00:00:00:00:02', index: 42, txqueuelen: 700 },
  });
  // One lookup of br0's index, one creating request, one request that brings
  // the peer up (on a socket in the pod: the kernel cannot do it while creating).
  t.equal(h.sent() - before, 2, 'br0 lookup + RTM_NEWLINK on the host socket');
  const br0 = h.links.get('br0');
  const vh1 = compareWithIp(t, h, host!, 'vh1');
  const eth0 = compareWithIp(t, p, pod!, 'eth0');
  t.match(vh1, { index: 41, kind: 'veth', up: true, mtu: 1400, txqueuelen: 500, address: '02:11:22:33:44:55', master: br0.index, slaveKind: 'bridge', link: 42 });
  t.type(vh1.linkNetnsId, 'number', 'the peer is in another namespace');
  t.match(vh1.slaveInfo as BridgePortInfo, { learning: true, unicastFlood: true });
  t.match(eth0, { index: 42, kind: 'veth', up: true, mtu: 1400, txqueuelen: 700, address: '02:00:00:00:00:02', link: 41 });
  t.throws(() => ip(host!, 'link', 'show', 'eth0'), 'the peer never existed in the host namespace');
});

t.test('veth pair inside one namespace, and a veth created directly in another namespace', async (t) => {
  if (!requireRoot(t)) return;
  const [a, b] = testNetns(t, 2, 'vethns');
  const la = openLinks(t, a!);
  const lb = openLinks(t, b!);
  la.links.add({ name: 'va', type: 'veth', peer: { name: 'vb' } });
  compareWithIp(t, la, a!, 'va');
  compareWithIp(t, la, a!, 'vb');
  // Created from a's socket, both ends land in b.
  la.links.add({ name: 'far', type: 'veth', netns: { name: b! }, peer: { name: 'far-peer', netns: b! }, up: true });
  t.throws(() => la.links.get('far'), /does not exist/);
  const far = compareWithIp(t, lb, b!, 'far');
  t.ok(far.up);
  compareWithIp(t, lb, b!, 'far-peer');
});

t.test('bridge with options, and its ports', async (t) => {
  if (!requireRoot(t)) return;
  const [ns] = testNetns(t, 1, 'bridge');
  const c = openLinks(t, ns!);
  c.links.add({
    name: 'br1', type: 'bridge', up: true, stp: true, forwardDelay: 1000, helloTime: 300, maxAge: 2500, ageingTime: 20000,
    priority: 4096, groupFwdMask: 8, groupAddress: '01:80:c2:00:00:0e', mcastSnooping: false, mcastQuerier: true,
    mcastRouter: 2, mcastIgmpVersion: 3, mcastMldVersion: 2, mcastHashMax: 1024, mcastLastMemberCount: 3,
    mcastQueryInterval: 6000, mcastStatsEnabled: true, noLinklocalLearn: true, mcastVlanSnooping: false, mtu: 9000,
  });
  t.equal(c.links.get('br1').mtu, 9000, 'mtu given at creation');
  // A bridge whose mtu was not set through ndo_change_mtu follows its ports' mtu.
  c.links.add({ name: 'port', type: 'veth', master: 'br1', up: true, peer: { name: 'port-peer', up: true } });
  const br1 = compareWithIp(t, c, ns!, 'br1');
  t.match(br1.info as BridgeInfo, {
    stpState: 1, forwardDelay: 1000, helloTime: 300, maxAge: 2500, ageingTime: 20000, priority: 4096, groupFwdMask: 8,
    groupAddr: '01:80:c2:00:00:0e', mcastSnooping: 0, mcastQuerier: 1, mcastRouter: 2, mcastIgmpVersion: 3, mcastMldVersion: 2,
    mcastHashMax: 1024, mcastLastMemberCnt: 3, mcastQueryIntvl: 6000, mcastStatsEnabled: 1, bridgeId: { priority: 4096 },
  });
  t.equal(br1.mtu, 1500, 'the port pulled the mtu down');
  const port = compareWithIp(t, c, ns!, 'port');
  t.equal(port.master, br1.index);
  t.equal(port.slaveKind, 'bridge');
  // With STP on, a new port listens before it forwards.
  t.match(port.slaveInfo as BridgePortInfo, { state: 1, designatedPort: 0x8001 });
  c.links.add({ name: 'plain', type: 'bridge' });
  compareWithIp(t, c, ns!, 'plain');
});

t.test('macvlan on a veth, in each mode', async (t) => {
  if (!requireRoot(t)) return;
  const [ns] = testNetns(t, 1, 'macvlan');
  const c = openLinks(t, ns!);
  c.links.add({ name: 'lower', type: 'veth', peer: { name: 'lower-peer' } });
  c.links.add({ name: 'mv0', type: 'macvlan', link: 'lower', mode: 'private' });
  c.links.add({ name: 'mv1', type: 'macvlan', link: 'lower', mode: 'vepa', bcqueuelen: 2000 });
  c.links.add({ name: 'mv2', type: 'macvlan', link: 'lower', mode: 'bridge', up: true, address: '02:aa:00:00:00:01' });
  c.links.add({ name: 'mv3', type: 'macvlan', link: 'lower', mode: 'source' });
  const lowerIndex = c.links.get('lower').index;
  // The lower device is down: ip flags each macvlan M-DOWN.
  for (const name of ['mv0', 'mv1', 'mv2', 'mv3']) {
    const link = compareWithIp(t, c, ns!, name);
    t.equal(link.link, lowerIndex, `${name} sits on lower`);
  }
  t.ok((ipShow(ns!, 'mv0').flags as string[]).includes('M-DOWN'), 'the comparison covered M-DOWN');
  t.match(c.links.get('mv1').info as MacvlanInfo, { mode: 'vepa', bcQueueLen: 2000 });
  c.links.set('lower', { up: true });
  compareWithIp(t, c, ns!, 'mv2');
  const lower2 = c.links.get('lower-peer').index;
  c.links.add({ name: 'mvp', type: 'macvlan', link: lower2, mode: 'passthru', nopromisc: true });
  t.match(compareWithIp(t, c, ns!, 'mvp').info as MacvlanInfo, { mode: 'passthru', flags: 1 });
});

t.test('vxlan with options: IPv4 unicast, IPv6, multicast, external', async (t) => {
  if (!requireRoot(t)) return;
  const [ns] = testNetns(t, 1, 'vxlan');
  const c = openLinks(t, ns!);
  c.links.add({ name: 'under', type: 'veth', peer: { name: 'under-peer' } });
  c.links.add({
    name: 'vx0', type: 'vxlan', id: 4242, dstport: 4789, local: '10.1.0.1', remote: '10.1.0.2', ttl: 64, tos: 0x10,
    srcport: [40000, 50000], learning: false, ageing: 600, maxAddresses: 100, l2miss: true, l3miss: true, proxy: true,
    udpCsum: false, df: 'set', alias: 'to 10.1.0.2',
  });
  c.links.add({ name: 'vx6', type: 'vxlan', id: 7, link: 'under', local: 'fd00::1', remote: 'fd00::2', label: 0x12345, udp6ZeroCsumTx: true, udp6ZeroCsumRx: true, tos: 'inherit', ttl: 'auto' });
  c.links.add({ name: 'vxm', type: 'vxlan', id: 9, group: '239.1.1.1', link: 'under', ttl: 'inherit', dstport: 8472 });
  c.links.add({ name: 'vxe', type: 'vxlan', external: true, gbp: true, dstport: 4790 });
  const vx0 = compareWithIp(t, c, ns!, 'vx0');
  t.match(vx0.info as VxlanInfo, { id: 4242, port: 4789, local: '10.1.0.1', group: '10.1.0.2', ttl: 64, tos: 0x10, portRange: [40000, 50000], learning: false, ageing: 600, limit: 100, l2miss: true, l3miss: true, proxy: true, udpCsum: false, df: 'set' });
  t.equal(vx0.alias, 'to 10.1.0.2');
  t.match(compareWithIp(t, c, ns!, 'vx6').info as VxlanInfo, { id: 7, local6: 'fd00::1', group6: 'fd00::2', label: 0x12345, udpZeroCsum6Tx: true, tos: 1, ttl: 0 });
  t.match(compareWithIp(t, c, ns!, 'vxm').info as VxlanInfo, { id: 9, group: '239.1.1.1', ttlInherit: true, port: 8472 });
  t.match(compareWithIp(t, c, ns!, 'vxe').info as VxlanInfo, { collectMetadata: true, gbp: true, port: 4790 });
});

t.test('ifb with common options', async (t) => {
  if (!requireRoot(t)) return;
  const [ns] = testNetns(t, 1, 'ifb');
  const c = openLinks(t, ns!);
  c.links.add({ name: 'ifb0', type: 'ifb', txqueuelen: 100, group: 7, mtu: 1400, address: '02:00:00:00:0b:01', up: true, index: 77 });
  const ifb0 = compareWithIp(t, c, ns!, 'ifb0');
  t.match(ifb0, { index: 77, kind: 'ifb', txqueuelen: 100, group: 7, mtu: 1400, address: '02:00:00:00:0b:01', up: true });
  t.equal(ipShow(ns!, 'ifb0').group, '7');
});

t.test('tun and tap: decoded when present, refused at creation with the reason', async (t) => {
  if (!requireRoot(t)) return;
  const [ns] = testNetns(t, 1, 'tun');
  const c = openLinks(t, ns!);
  for (const type of ['tun', 'tap']) {
    t.throws(() => c.links.add({ name: 'x0', type } as never), { name: 'InvalidArgumentError', message: /\/dev\/net\/tun.*TUNSETIFF/ });
  }
  t.equal(c.sent(), 0, 'nothing was sent');
  // ip makes them (through /dev/net/tun) so the decoder has something to read.
  execFileSync('ip', ['-n', ns!, 'tuntap', 'add', 'tap0', 'mode', 'tap']);
  execFileSync('ip', ['-n', ns!, 'tuntap', 'add', 'tun0', 'mode', 'tun', 'multi_queue']);
  t.match(compareWithIp(t, c, ns!, 'tap0').info as TunInfo, { type: 'tap', persist: true, multiQueue: false });
  t.match(compareWithIp(t, c, ns!, 'tun0').info as TunInfo, { type: 'tun', persist: true, multiQueue: true });
  c.links.set('tun0', { mtu: 1300, up: true });
  t.equal(c.links.get('tun0').mtu, 1300, 'managed with nlkit once it exists');
  c.links.delete('tap0');
  t.throws(() => c.links.get('tap0'), /does not exist/);
});
