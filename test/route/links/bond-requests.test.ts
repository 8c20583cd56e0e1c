// The kernel here is built without bonding, so bonds are checked against
// iproute2: nlkit's request must equal the one `ip` sent for the same command
// (fixtures/route/kinds/bond.json, captured by fixtures/capture-bond-requests.ts),
// attribute for attribute, and the captured request must decode to the spec's values.
import t from 'tap';
import { AttributeCursor } from '../../../src/netlink/attributes.js';
import { InvalidArgumentError } from '../../../src/netlink/addresses.js';
import { MessageWriter } from '../../../src/netlink/writer.js';
import { decodeLink, linkKind, slaveKind, type BondInfo, type BondSpec } from '../../../src/route/links/index.js';
import { readFixture } from '../codec-helpers.js';
import { addRequest, sameAsIp, type Capture } from './request-compare.js';

const fixture = readFixture('route/kinds/bond.json') as { cases: Capture[] };
const capture = (name: string) => {
  const found = fixture.cases.find((c) => c.name === name);
  if (!found) throw new Error(`no capture "${name}"`);
  return found;
};

/** Where the attributes follow nlmsghdr and ifinfomsg. */
const ATTRS = 32;
const IFLA_LINKINFO = 18;
const IFLA_INFO_SLAVE_DATA = 5;
/** The nests of a bond request: IFLA_LINKINFO, its INFO_DATA, and IFLA_BOND_ARP_IP_TARGET in it. */
const NESTED = new Set(['18', '18/2', '18/2/8']);

/** Each capture with the spec that says the same, and what its IFLA_INFO_DATA decodes to. */
const CASES: [string, Omit<BondSpec, 'type'>, Omit<BondInfo, 'unknown'>][] = [
  [
    'active-backup, miimon',
    {
      name: 'bond1', mode: 'active-backup', miimon: 100, updelay: 200, downdelay: 300, peerNotifyDelay: 400, useCarrier: false, primary: 'eth0',
      primaryReselect: 'better', failOverMac: 'active', numGratArp: 3, resendIgmp: 2, allSlavesActive: true,
    },
    {
      mode: 'active-backup', miimon: 100, updelay: 200, downdelay: 300, peerNotifyDelay: 400, useCarrier: false, primary: -1,
      primaryReselect: 'better', failOverMac: 'active', numGratArp: 3, resendIgmp: 2, allSlavesActive: true,
    },
  ],
  [
    'active-backup, arp monitor',
    {
      name: 'bond2', mode: 'active-backup', arpInterval: 1000, arpIpTarget: ['10.0.0.1', '192.168.1.254'], arpValidate: 'filter_backup',
      arpAllTargets: 'all', failOverMac: 'follow', primaryReselect: 'failure',
    },
    {
      mode: 'active-backup', arpInterval: 1000, arpIpTarget: ['10.0.0.1', '192.168.1.254'], arpValidate: 'filter_backup',
      arpAllTargets: 'all', failOverMac: 'follow', primaryReselect: 'failure',
    },
  ],
  [
    '802.3ad',
    {
      name: 'bond3', mode: '802.3ad', miimon: 100, lacpRate: 'fast', adSelect: 'bandwidth', xmitHashPolicy: 'layer3+4', minLinks: 2,
      adActorSysPrio: 100, adUserPortKey: 5, adActorSystem: '02:00:00:00:00:01',
    },
    {
      mode: '802.3ad', miimon: 100, lacpRate: 'fast', adSelect: 'bandwidth', xmitHashPolicy: 'layer3+4', minLinks: 2,
      adActorSysPrio: 100, adUserPortKey: 5, adActorSystem: '02:00:00:00:00:01',
    },
  ],
  [
    '802.3ad, slow, count',
    { name: 'bond4', mode: '802.3ad', lacpRate: 'slow', adSelect: 'count', xmitHashPolicy: 'encap3+4' },
    { mode: '802.3ad', lacpRate: 'slow', adSelect: 'count', xmitHashPolicy: 'encap3+4' },
  ],
  ['balance-rr', { name: 'bond5', mode: 'balance-rr', packetsPerSlave: 4, miimon: 50 }, { mode: 'balance-rr', packetsPerSlave: 4, miimon: 50 }],
  [
    'balance-xor',
    { name: 'bond6', mode: 'balance-xor', xmitHashPolicy: 'layer2+3', arpValidate: 'none' },
    { mode: 'balance-xor', xmitHashPolicy: 'layer2+3', arpValidate: 'none' },
  ],
  ['broadcast', { name: 'bond7', mtu: 9000, mode: 'broadcast' }, { mode: 'broadcast' }],
  [
    'balance-tlb',
    { name: 'bond8', mode: 'balance-tlb', tlbDynamicLb: false, xmitHashPolicy: 'vlan+srcmac' },
    { mode: 'balance-tlb', tlbDynamicLb: false, xmitHashPolicy: 'vlan+srcmac' },
  ],
  [
    'balance-alb',
    { name: 'bond9', mode: 'balance-alb', primaryReselect: 'always', failOverMac: 'none', arpValidate: 'all' },
    { mode: 'balance-alb', primaryReselect: 'always', failOverMac: 'none', arpValidate: 'all' },
  ],
];

t.test('the captures are what this kernel refuses', async (t) => {
  for (const c of fixture.cases) t.ok(c.refused, `${c.name}: refused (${c.refused})`);
});

t.test('bond without options: the request ip sends', async (t) => {
  const c = capture('bond, no options');
  sameAsIp(t, addRequest({ name: 'bond0', type: 'bond' }, c.eth0), c, NESTED);
  t.match(decodeLink(Buffer.from(c.request, 'hex')), { name: 'bond0', kind: 'bond' });
});

t.test('bond modes and options: the request ip sends, decoded back', async (t) => {
  for (const [name, spec, info] of CASES) {
    const c = capture(name);
    sameAsIp(t, addRequest({ ...spec, type: 'bond' }, c.eth0), c, NESTED);
    const expected = { unknown: [], ...info, ...(info.primary === -1 ? { primary: c.eth0 } : {}) };
    t.strictSame(decodeLink(Buffer.from(c.request, 'hex')).info, expected, `${name}: decodes back`);
  }
});

t.test('bond port data (IFLA_INFO_SLAVE_DATA) decodes', async (t) => {
  const c = capture('bond port queue_id');
  const buf = Buffer.from(c.request, 'hex');
  // ip link set DEV type bond_slave queue_id 3: IFLA_LINKINFO { INFO_KIND "bond_slave", INFO_SLAVE_DATA { QUEUE_ID 3 } }.
  const top = new AttributeCursor(buf, ATTRS, buf.length);
  let slaveData: AttributeCursor | undefined;
  while (top.next()) {
    if (top.type !== IFLA_LINKINFO) continue;
    const info = top.nestedCursor();
    while (info.next()) if (info.type === IFLA_INFO_SLAVE_DATA) slaveData = info.nestedCursor();
  }
  t.ok(slaveData, 'the capture carries IFLA_INFO_SLAVE_DATA');
  t.strictSame(slaveKind('bond')!.decodeSlaveData(slaveData!), { unknown: [], queueId: 3 });

  // What the kernel reports for a port: state, mii status, counters, permanent MAC, 802.3ad ids; unknown members kept.
  const w = new MessageWriter();
  w.u8(1, 1).u8(2, 0).u32(3, 7).mac(4, '02:00:00:00:00:09').u16(5, 2).u16(6, 1).u8(7, 61).u16(8, 63).s32(9, -5).u8(10, 9).u8(12, 4);
  const bytes = Buffer.from(w.bytes());
  t.match(slaveKind('bond')!.decodeSlaveData(new AttributeCursor(bytes, 0, bytes.length)), {
    state: 'backup', miiStatus: 'up', linkFailureCount: 7, permHwaddr: '02:00:00:00:00:09', queueId: 2, adAggregatorId: 1,
    adActorOperPortState: 61, adPartnerOperPortState: 63, prio: -5, unknown: [{ type: 10 }, { type: 12 }],
  });
});

t.test('bond data only the kernel reports decodes', async (t) => {
  const w = new MessageWriter();
  w.u8(1, 9).u32(2, 4).u32(19, 1).u8(29, 1).u8(30, 2).u8(32, 1);
  const ad = w.beginNested(23);
  w.u16(1, 3).u16(2, 2).u16(3, 9).u16(4, 17).mac(5, '02:00:00:00:00:aa');
  w.endNested(ad);
  const bytes = Buffer.from(w.bytes());
  t.match(linkKind('bond')!.decodeInfoData(new AttributeCursor(bytes, 0, bytes.length)), {
    mode: 9, activeSlave: 4, lpInterval: 1, lacpActive: true, missedMax: 2, unknown: [{ type: 32 }],
    adInfo: { aggregator: 3, numPorts: 2, actorKey: 9, partnerKey: 17, partnerMac: '02:00:00:00:00:aa' },
  });
});

t.test('bad bond options are refused before anything is sent', async (t) => {
  const bad: [Partial<BondSpec> & Record<string, unknown>, RegExp][] = [
    [{ mode: 'active-passive' as never }, /mode must be one of "balance-rr"/],
    [{ miimon: -1 }, /miimon/],
    [{ useCarrier: 1 as never }, /useCarrier must be true or false/],
    [{ arpIpTarget: '10.0.0.1' as never }, /arpIpTarget must be an array/],
    [{ arpIpTarget: ['10.0.0.1', '::1'] }, /arpIpTarget\[1\] must be an IPv4 address/],
    [{ arpIpTarget: Array.from({ length: 17 }, (_, i) => `10.0.0.${i + 1}`) }, /at most 16/],
    [{ adActorSystem: 'nope' }, /adActorSystem must be a MAC address/],
    [{ adActorSysPrio: 0 }, /adActorSysPrio/],
    [{ adUserPortKey: 1024 }, /adUserPortKey/],
    [{ numGratArp: 256 }, /numGratArp/],
    [{ packetsPerSlave: 65536 }, /packetsPerSlave/],
    [{ xmitHashPolicy: 'layer4' as never }, /xmitHashPolicy must be one of/],
    [{ primary: 42.5 as never }, /primary/],
  ];
  for (const [fields, message] of bad) {
    t.throws(() => linkKind('bond')!.validate({ name: 'b', type: 'bond', ...fields }), message, JSON.stringify(fields));
    t.throws(() => linkKind('bond')!.validate({ name: 'b', type: 'bond', ...fields }), InvalidArgumentError);
  }
});
