// Codec guards that need no root: bytes captured from the kernel decode to
// what ip printed for them, requests encode and decode back to their spec,
// and unknown attributes survive decoding.
import t from 'tap';
import { readdirSync, readFileSync } from 'node:fs';
import { IFF_UP } from '../../../src/generated/if.js';
import {
  IFLA_BR_MAX, IFLA_INFO_DATA, IFLA_LINKINFO, IFLA_MAX, IFLA_MTU, IFLA_VXLAN_PORT,
} from '../../../src/generated/if_link.js';
import { RTM_NEWLINK } from '../../../src/generated/rtnetlink.js';
import { MessageWriter } from '../../../src/netlink/writer.js';
import {
  iflaBrportNames, iflaInfoNames, iflaNames, linkAttributeName,
} from '../../../src/route/links/attribute-names.js';
import {
  decodeLink, describeLink, encodeLinkRequest, linkFlagNames, linkKind, linkToIpJson,
  type BridgeInfo, type KindEncodeContext, type Link, type LinkRequest, type LinkSpec, type MacvlanInfo, type VethInfo, type VxlanInfo,
} from '../../../src/route/links/index.js';

interface Captured { name: string; hex: string; ip?: Record<string, unknown> }
const DIR = 'fixtures/route/links';
const read = (file: string) => JSON.parse(readFileSync(`${DIR}/${file}`, 'utf8')) as { kernel: string; links: Captured[] };
const context: Link[] = read('namespace.json').links.map((l) => decodeLink(Buffer.from(l.hex, 'hex')));

t.test('captured kernel messages decode to what ip printed for them', async (t) => {
  const files = readdirSync(DIR).filter((f) => f.endsWith('.json') && f !== 'namespace.json');
  t.same(files.sort(), ['bridge.json', 'ifb.json', 'lo.json', 'macvlan.json', 'tun.json', 'veth.json', 'vxlan.json']);
  for (const file of files) {
    for (const captured of read(file).links) {
      const link = decodeLink(Buffer.from(captured.hex, 'hex'));
      t.equal(link.name, captured.name, `${file}: ${captured.name} decodes its name`);
      t.strictSame(linkToIpJson(link, context), captured.ip, `${file}: ${captured.name} as ip -j -d link show`);
    }
  }
});

t.test('kind-specific data is decoded, not just printed', async (t) => {
  const byName = new Map(context.map((l) => [l.name, l]));
  const br0 = byName.get('br0')!;
  t.equal(br0.kind, 'bridge');
  t.match(br0.info as BridgeInfo, { forwardDelay: 1000, helloTime: 300, priority: 4096, mcastQuerier: 1, groupFwdMask: 8, bridgeId: { priority: 4096 } });
  const vh1 = byName.get('vh1')!;
  t.equal(vh1.master, br0.index, 'the veth is a port of br0');
  t.equal(vh1.slaveKind, 'bridge');
  t.match(vh1.slaveInfo, { learning: true, unicastFlood: true, priority: 32, cost: 2 });
  t.ok(vh1.linkNetnsId !== undefined && vh1.link, 'its peer lives in another namespace');
  const mv0 = byName.get('mv0')!;
  t.equal(mv0.link, byName.get('lower')!.index);
  t.match(mv0.info as MacvlanInfo, { mode: 'bridge', bcQueueLen: 500 });
  t.match(byName.get('vx0')!.info as VxlanInfo, { id: 4242, port: 4789, local: '10.9.0.1', group: '10.9.0.2', ttl: 64, portRange: [40000, 50000], learning: false });
  t.equal(byName.get('vx0')!.alias, 'overlay to 10.9.0.2');
  t.match(byName.get('vx6')!.info as VxlanInfo, { id: 7, local6: 'fd00::1', group6: 'fd00::2', label: 0x12345, tos: 1, df: 'inherit' });
  t.match(byName.get('tap0')!.info, { type: 'tap', multiQueue: true, persist: true });
  const lo = byName.get('lo')!;
  t.match(lo, { index: 1, linkType: 'loopback', mtu: 65536, up: true, flagNames: ['LOOPBACK', 'UP', 'LOWER_UP'] });
  t.ok(lo.stats64 && typeof lo.stats64.rxPackets === 'number' && typeof lo.stats64.txBytes === 'number', 'IFLA_STATS64 decoded');
});

t.test('attributes nlkit does not decode are kept verbatim', async (t) => {
  const lo = context.find((l) => l.name === 'lo')!;
  // This kernel is newer than the headers nlkit was generated from.
  t.ok(lo.unknown.some((a) => a.type > IFLA_MAX), 'top-level attributes newer than the headers');
  const br0 = context.find((l) => l.name === 'br0')!;
  t.ok((br0.info as BridgeInfo).unknown.some((a) => a.type > IFLA_BR_MAX), 'bridge attributes newer than the headers');

  // A message with an attribute no header defines, at top level and inside IFLA_INFO_DATA.
  const w = new MessageWriter();
  const start = w.beginMessage(RTM_NEWLINK, 0, 1);
  encodeLinkRequest(w, { index: 3, name: 'x0' });
  w.binary(999, Buffer.from([1, 2, 3, 4, 5]));
  const info = w.beginNested(IFLA_LINKINFO);
  w.string(1, 'vxlan');
  const data = w.beginNested(IFLA_INFO_DATA);
  w.u32(200, 0xdeadbeef);
  w.endNested(data);
  w.endNested(info);
  w.endMessage(start);
  const link = decodeLink(Buffer.from(w.bytes()));
  t.strictSame(link.unknown.map((a) => [a.type, [...a.data]]), [[999, [1, 2, 3, 4, 5]]]);
  t.strictSame((link.info as VxlanInfo).unknown.map((a) => [a.type, a.data.readUInt32LE(0)]), [[200, 0xdeadbeef]]);
});

const refs: KindEncodeContext = {
  linkIndex: (ref) => (typeof ref === 'number' ? ref : ({ br0: 10, lower: 11 } as Record<string, number>)[ref]!),
  netnsFd: (ref) => ({ pod1: 7, pod2: 8 } as Record<string, number>)[ref as string]!,
};

function roundTrip(spec: LinkSpec, extra: LinkRequest = {}): Link {
  const w = new MessageWriter();
  const start = w.beginMessage(RTM_NEWLINK, 0, 1);
  encodeLinkRequest(w, { name: spec.name, mtu: spec.mtu, address: spec.address, ...extra, create: { kind: linkKind(spec.type)!, spec, ctx: refs } });
  w.endMessage(start);
  return decodeLink(Buffer.from(w.bytes()));
}

t.test('request encoding round-trips through the decoder', async (t) => {
  const veth = roundTrip(
    { name: 'vh1', type: 'veth', mtu: 1400, address: '02:00:00:00:00:01', peer: { name: 'eth0', netns: 'pod1', index: 42, mtu: 1300, address: '02:00:00:00:00:02', txqueuelen: 9 } },
    { flags: IFF_UP, change: IFF_UP, master: 10, netnsFd: 8, index: 5 },
  );
  t.match(veth, { name: 'vh1', index: 5, kind: 'veth', mtu: 1400, address: '02:00:00:00:00:01', master: 10, netnsFd: 8, up: true, change: IFF_UP, unknown: [] });
  t.strictSame((veth.info as VethInfo).peer, {
    index: 42, flags: 0, change: 0, name: 'eth0', netnsFd: 7, address: '02:00:00:00:00:02', mtu: 1300, txqueuelen: 9, unknown: [],
  });

  const bridge = roundTrip({ name: 'br0', type: 'bridge', stp: true, forwardDelay: 500, priority: 4096, vlanFiltering: false, groupAddress: '01:80:c2:00:00:0e', mcastLastMemberInterval: 150, noLinklocalLearn: true, vlanProtocol: '802.1ad' });
  t.match(bridge.info as BridgeInfo, {
    stpState: 1, forwardDelay: 500, priority: 4096, vlanFiltering: 0, groupAddr: '01:80:c2:00:00:0e', mcastLastMemberIntvl: 150,
    multiBoolopt: { optval: 1, optmask: 1 }, vlanProtocol: 0x88a8, unknown: [],
  });

  const macvlan = roundTrip({ name: 'mv0', type: 'macvlan', link: 'lower', mode: 'passthru', nopromisc: true, bcqueuelen: 10 });
  t.equal(macvlan.link, 11, 'IFLA_LINK carries the lower device');
  t.strictSame(macvlan.info, { mode: 'passthru', flags: 1, bcQueueLen: 10, unknown: [] });

  const vxlan = roundTrip({ name: 'vx0', type: 'vxlan', id: 4242, local: 'fd00::1', remote: 'fd00::2', link: 11, dstport: 4789, srcport: [1, 2], ttl: 'inherit', tos: 'inherit', df: 'set', label: 0xabcde, learning: false, gbp: true, maxAddresses: 5 });
  t.strictSame(vxlan.info, {
    id: 4242, group6: 'fd00::2', local6: 'fd00::1', link: 11, port: 4789, portRange: [1, 2], ttlInherit: true, tos: 1, df: 'set',
    label: 0xabcde, learning: false, limit: 5, gbp: true, unknown: [],
  });

  const ifb = roundTrip({ name: 'ifb0', type: 'ifb' });
  t.equal(ifb.kind, 'ifb');
  t.equal(ifb.info, undefined, 'no IFLA_INFO_DATA for a kind without options');
  const plainBridge = roundTrip({ name: 'br1', type: 'bridge' });
  t.equal(plainBridge.info, undefined, 'an option-less bridge sends no empty IFLA_INFO_DATA');
});

t.test('attribute names come from the generated headers, in header order', async (t) => {
  // The header order of each enum, read from the generated file itself.
  const source = readFileSync('src/generated/if_link.ts', 'utf8');
  const enumOf = (first: string, max: string) => {
    const names: string[] = [];
    let inside = false;
    for (const [, name, value] of source.matchAll(/export const (\w+) = (-?\d+);/g)) {
      if (name === first) inside = true;
      if (!inside) continue;
      if (name === max) break;
      names[Number(value)] ??= name!;
    }
    return names;
  };
  t.strictSame([...iflaNames()], enumOf('IFLA_UNSPEC', 'IFLA_MAX'));
  t.strictSame([...iflaInfoNames()], enumOf('IFLA_INFO_UNSPEC', 'IFLA_INFO_MAX'));
  t.strictSame([...iflaBrportNames()], enumOf('IFLA_BRPORT_UNSPEC', 'IFLA_BRPORT_MAX'));
  for (const [kind, prefix] of [['bridge', 'IFLA_BR_'], ['vxlan', 'IFLA_VXLAN_'], ['macvlan', 'IFLA_MACVLAN_'], ['tun', 'IFLA_TUN_']]) {
    t.strictSame([...linkKind(kind!)!.dataAttributeNames!], enumOf(`${prefix}UNSPEC`, `${prefix}MAX`), kind);
  }
  t.equal(linkAttributeName([IFLA_MTU]), 'IFLA_MTU');
  t.equal(linkAttributeName([IFLA_LINKINFO, IFLA_INFO_DATA, IFLA_VXLAN_PORT], linkKind('vxlan')!.dataAttributeNames), 'IFLA_LINKINFO/IFLA_INFO_DATA/IFLA_VXLAN_PORT');
});

t.test('flags are named in ip order, and messages describe themselves for DEBUG', async (t) => {
  t.strictSame(linkFlagNames(0x11043), ['BROADCAST', 'MULTICAST', 'UP', 'LOWER_UP']);
  t.strictSame(linkFlagNames(0x1003), ['NO-CARRIER', 'BROADCAST', 'MULTICAST', 'UP'], 'up without RUNNING');
  t.strictSame(linkFlagNames(0x8 | 0x1 | 0x40 | 0x1000000), ['LOOPBACK', 'UP', '1000000'], 'unnamed bits as hex');
  const vh1 = context.find((l) => l.name === 'vh1')!;
  t.match(describeLink(vh1), new RegExp(`^vh1 #${vh1.index} veth <BROADCAST,MULTICAST,UP,LOWER_UP> mtu 1400 master #\\d+ link #\\d+ netnsid \\d+ `));
  const request = roundTrip({ name: 'vh2', type: 'veth', peer: { name: 'eth0', netns: 'pod2' } }, { flags: IFF_UP, change: IFF_UP, master: 10 });
  t.equal(describeLink(request, true), 'vh2 veth +UP master #10 peer eth0 netns fd 8');
});
