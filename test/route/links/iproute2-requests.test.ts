// What the kernel here cannot check (kinds it was built without, IFLA_CARRIER
// on a veth) is checked against iproute2: nlkit's request must equal the one
// `ip` sent for the same command (fixtures/route/kinds/requests.json, captured
// by fixtures/capture-iproute2-requests.ts), attribute for attribute, and the
// captured request must decode to the spec's values.
import t, { type Test } from 'tap';
import { RTM_NEWLINK, RTM_SETLINK } from '../../../src/generated/rtnetlink.js';
import { NLM_F_REQUEST } from '../../../src/netlink/message.js';
import { MessageWriter } from '../../../src/netlink/writer.js';
import {
  decodeLink, encodeLinkRequest, type IpvlanInfo, type LinkRequest, type LinkSpec, type VlanInfo, type VrfInfo,
} from '../../../src/route/links/index.js';
import { readFixture } from '../codec-helpers.js';
import { addRequest, sameAsIp as sameAsIpWith, type Capture } from './request-compare.js';


const fixture = readFixture('route/kinds/requests.json') as { cases: Capture[] };
const capture = (name: string) => {
  const found = fixture.cases.find((c) => c.name === name);
  if (!found) throw new Error(`no capture "${name}"`);
  return found;
};

/** Attributes with nested members, by path of types from the top level (vlan's QoS maps nest twice). */
const NESTED = new Set(['18', '18/2', '18/2/3', '18/2/4']);

function encode(type: number, flags: number, request: LinkRequest): Buffer {
  const w = new MessageWriter();
  const start = w.beginMessage(type, flags | NLM_F_REQUEST, 1);
  encodeLinkRequest(w, request);
  w.endMessage(start);
  return Buffer.from(w.bytes());
}

function sameAsIp(t: Test, mine: Buffer, captured: Capture): void {
  sameAsIpWith(t, mine, captured, NESTED);
}

t.test('the captures are what this kernel refuses', async (t) => {
  for (const c of fixture.cases) t.ok(c.refused, `${c.name}: refused (${c.refused})`);
});

t.test('dummy, vrf: the request ip sends', async (t) => {
  const d = capture('dummy');
  sameAsIp(t, addRequest({ name: 'd0', type: 'dummy' }, d.eth0), d);
  t.match(decodeLink(Buffer.from(d.request, 'hex')), { name: 'd0', kind: 'dummy', info: undefined });

  const v = capture('vrf');
  sameAsIp(t, addRequest({ name: 'vrf-blue', type: 'vrf', table: 10 }, v.eth0), v);
  t.match(decodeLink(Buffer.from(v.request, 'hex')).info as VrfInfo, { table: 10, unknown: [] });
});

t.test('vlan: 802.1Q and 802.1ad, flags, qos maps', async (t) => {
  const plain = capture('vlan');
  sameAsIp(t, addRequest({ name: 'eth0.10', type: 'vlan', link: 'eth0', id: 10 }, plain.eth0), plain);
  t.match(decodeLink(Buffer.from(plain.request, 'hex')), { name: 'eth0.10', link: plain.eth0, kind: 'vlan', info: { id: 10, unknown: [] } });

  const q = capture('vlan 802.1Q, reorder_hdr on');
  sameAsIp(t, addRequest({ name: 'v30', type: 'vlan', link: 'eth0', id: 30, protocol: '802.1Q', reorderHdr: true }, q.eth0), q);

  const ad = capture('vlan 802.1ad, flags, qos maps');
  const spec: LinkSpec = {
    name: 'q20', type: 'vlan', link: 'eth0', mtu: 1496, id: 20, protocol: '802.1ad', reorderHdr: false, gvrp: true, mvrp: false,
    looseBinding: true, bridgeBinding: false, ingressQosMap: [{ from: 1, to: 2 }, { from: 3, to: 4 }], egressQosMap: [{ from: 5, to: 6 }],
  };
  sameAsIp(t, addRequest(spec, ad.eth0), ad);
  t.strictSame(decodeLink(Buffer.from(ad.request, 'hex')).info as VlanInfo, {
    unknown: [], protocol: '802.1ad', id: 20, ingressQosMap: [{ from: 1, to: 2 }, { from: 3, to: 4 }], egressQosMap: [{ from: 5, to: 6 }],
    flags: 0x2 | 0x4, flagsMask: 0x1f,
  });
});

t.test('ipvlan: modes and isolation', async (t) => {
  const cases: [string, LinkSpec, IpvlanInfo][] = [
    ['ipvlan l3 bridge', { name: 'ipv0', type: 'ipvlan', link: 'eth0', mode: 'l3', isolation: 'bridge' }, { unknown: [], mode: 'l3', isolation: 'bridge' }],
    ['ipvlan l2 private', { name: 'ipv1', type: 'ipvlan', link: 'eth0', mode: 'l2', isolation: 'private' }, { unknown: [], mode: 'l2', isolation: 'private' }],
    ['ipvlan l3s vepa', { name: 'ipv2', type: 'ipvlan', link: 'eth0', mode: 'l3s', isolation: 'vepa' }, { unknown: [], mode: 'l3s', isolation: 'vepa' }],
    ['ipvlan mode l2', { name: 'ipv4', type: 'ipvlan', link: 'eth0', mode: 'l2' }, { unknown: [], mode: 'l2', isolation: 'bridge' }],
    ['ipvlan private', { name: 'ipv5', type: 'ipvlan', link: 'eth0', isolation: 'private' }, { unknown: [], isolation: 'private' }],
  ];
  for (const [name, spec, info] of cases) {
    const c = capture(name);
    sameAsIp(t, addRequest(spec, c.eth0), c);
    t.strictSame(decodeLink(Buffer.from(c.request, 'hex')).info, info, `${name}: decodes back`);
  }
  const none = capture('ipvlan, no options');
  sameAsIp(t, addRequest({ name: 'ipv3', type: 'ipvlan', link: 'eth0' }, none.eth0), none);
});

t.test('carrier on and off: the request ip link set sends', async (t) => {
  for (const [name, carrier] of [['carrier off', false], ['carrier on', true]] as const) {
    const c = capture(name);
    // ip link set addresses the link by index (it looks the name up first) and sends RTM_NEWLINK.
    sameAsIp(t, encode(RTM_NEWLINK, 0, { index: c.eth0, carrier }), c);
    t.equal(decodeLink(Buffer.from(c.request, 'hex')).carrier, carrier);
  }
  // nlkit's set sends the same attributes as RTM_SETLINK, which changes the carrier through the same do_setlink.
  const setlink = encode(RTM_SETLINK, 0, { index: 3, carrier: false });
  t.equal(decodeLink(setlink).carrier, false);
});
