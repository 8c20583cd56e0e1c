// geneve, ipvtap and wireguard are kinds the kernel here lacks, so they are
// checked against iproute2: nlkit's request must equal the one `ip` sent for
// the same command (fixtures/route/kinds/misc-kinds.json, captured by
// fixtures/capture-misc-kinds-requests.ts), attribute for attribute, and the
// captured request must decode to the spec's values. macvtap is in this
// kernel (its capture was accepted) and is checked the same way. netkit has
// no capture (iproute2 6.1 does not know it): its request is checked against
// the layout of <linux/if_link.h>'s IFLA_NETKIT_* and decoded back.
import t, { type Test } from 'tap';
import { InvalidArgumentError } from '../../../src/netlink/addresses.js';
import { decodeLink, linkKind, type GeneveInfo, type IpvtapInfo, type LinkSpec, type MacvtapInfo, type NetkitInfo } from '../../../src/route/links/index.js';
import { readFixture } from '../codec-helpers.js';
import { addRequest, sameAsIp as sameRequestAsIp, type Capture } from './request-compare.js';

const fixture = readFixture('route/kinds/misc-kinds.json') as { cases: Capture[] };
const capture = (name: string) => {
  const found = fixture.cases.find((c) => c.name === name);
  if (!found) throw new Error(`no capture "${name}"`);
  return found;
};

const sameAsIp = (t: Test, spec: LinkSpec, captured: Capture) => sameRequestAsIp(t, addRequest(spec, captured.eth0), captured);

const decodedInfo = (c: Capture) => decodeLink(Buffer.from(c.request, 'hex')).info;

t.test('the captures: this kernel refuses all but macvtap', async (t) => {
  for (const c of fixture.cases) {
    if (c.name.startsWith('macvtap')) t.equal(c.refused, null, `${c.name}: accepted`);
    else t.ok(c.refused, `${c.name}: refused (${c.refused})`);
  }
});

t.test('geneve: the requests ip sends, decoded back', async (t) => {
  const base = { unknown: [], label: 0, ttl: 0, tos: 0 };
  const cases: [string, LinkSpec, GeneveInfo][] = [
    ['geneve remote', { name: 'gnv0', type: 'geneve', id: 10, remote: '192.0.2.1' }, { ...base, id: 10, remote: '192.0.2.1' }],
    [
      'geneve remote6, ttl, tos, dstport, label, zero csum6',
      { name: 'gnv1', type: 'geneve', id: 20, remote: '2001:db8::1', ttl: 64, tos: 0x10, dstport: 6081, label: 0x12345, udp6ZeroCsumTx: true, udp6ZeroCsumRx: true },
      { ...base, id: 20, remote6: '2001:db8::1', ttl: 64, tos: 0x10, port: 6081, label: 0x12345, udp6ZeroCsumTx: true, udp6ZeroCsumRx: true },
    ],
    [
      'geneve inherit, df set, udpcsum',
      { name: 'gnv2', type: 'geneve', id: 30, remote: '192.0.2.2', ttl: 'inherit', tos: 'inherit', df: 'set', udpCsum: true },
      { ...base, id: 30, remote: '192.0.2.2', ttlInherit: true, tos: 1, df: 'set', udpCsum: true },
    ],
    [
      'geneve df inherit, noudpcsum, ttl auto',
      { name: 'gnv3', type: 'geneve', id: 40, remote: '192.0.2.3', ttl: 'auto', df: 'inherit', udpCsum: false },
      { ...base, id: 40, remote: '192.0.2.3', df: 'inherit', udpCsum: false },
    ],
    [
      'geneve df unset, no zero csum6',
      { name: 'gnv4', type: 'geneve', id: 50, remote: '2001:db8::2', df: 'unset', udp6ZeroCsumTx: false, udp6ZeroCsumRx: false },
      { ...base, id: 50, remote6: '2001:db8::2', df: 'unset', udp6ZeroCsumTx: false, udp6ZeroCsumRx: false },
    ],
    ['geneve external', { name: 'gnv5', type: 'geneve', external: true }, { ...base, id: 0, external: true }],
    [
      'geneve external, innerprotoinherit',
      { name: 'gnv6', type: 'geneve', external: true, innerProtoInherit: true },
      { ...base, id: 0, external: true, innerProtoInherit: true },
    ],
  ];
  for (const [name, spec, info] of cases) {
    const c = capture(name);
    sameAsIp(t, spec, c);
    t.strictSame(decodedInfo(c), info, `${name}: decodes back`);
  }
});

t.test('geneve: bad specs are refused before anything is sent', async (t) => {
  const geneve = linkKind('geneve')!;
  const bad: [object, RegExp][] = [
    [{ remote: '192.0.2.1' }, /needs id/],
    [{ id: 1 }, /needs remote/],
    [{ id: 1, external: true }, /either id or external/],
    [{ remote: '192.0.2.1', external: true }, /either remote or external/],
    [{ id: 0x1000000, remote: '192.0.2.1' }, /id/],
    [{ id: 1, remote: 'nowhere' }, /remote/],
    [{ id: 1, remote: '192.0.2.1', ttl: 256 }, /ttl/],
    [{ id: 1, remote: '192.0.2.1', tos: 'copy' }, /tos/],
    [{ id: 1, remote: '192.0.2.1', df: 'maybe' }, /df/],
    [{ id: 1, remote: '192.0.2.1', label: 0x100000 }, /label/],
    [{ id: 1, remote: '192.0.2.1', dstport: 65536 }, /dstport/],
    [{ id: 1, remote: '192.0.2.1', udpCsum: 'yes' }, /udpCsum/],
  ];
  for (const [fields, message] of bad) {
    t.throws(() => geneve.validate({ name: 'g', type: 'geneve', ...fields }), InvalidArgumentError, JSON.stringify(fields));
    t.throws(() => geneve.validate({ name: 'g', type: 'geneve', ...fields }), message);
  }
});

t.test('macvtap: macvlan attributes under its own kind', async (t) => {
  const cases: [string, LinkSpec, MacvtapInfo | undefined][] = [
    ['macvtap bridge', { name: 'mvt0', type: 'macvtap', link: 'eth0', mode: 'bridge' }, { unknown: [], mode: 'bridge' }],
    ['macvtap passthru nopromisc', { name: 'mvt1', type: 'macvtap', link: 'eth0', mode: 'passthru', nopromisc: true }, { unknown: [], mode: 'passthru', flags: 1 }],
    ['macvtap private bcqueuelen', { name: 'mvt2', type: 'macvtap', link: 'eth0', mode: 'private', bcqueuelen: 500 }, { unknown: [], mode: 'private', bcQueueLen: 500 }],
    ['macvtap, no options', { name: 'mvt3', type: 'macvtap', link: 'eth0' }, undefined],
  ];
  for (const [name, spec, info] of cases) {
    const c = capture(name);
    sameAsIp(t, spec, c);
    t.match(decodeLink(Buffer.from(c.request, 'hex')), { kind: 'macvtap', link: c.eth0 });
    t.strictSame(decodedInfo(c), info, `${name}: decodes back`);
  }
  t.throws(() => linkKind('macvtap')!.validate({ name: 'm', type: 'macvtap' }), /macvtap "m" needs link/);
  t.throws(() => linkKind('macvtap')!.validate({ name: 'm', type: 'macvtap', link: 'eth0', mode: 'bridge', nopromisc: true }), /nopromisc/);
});

t.test('ipvtap: ipvlan attributes under its own kind', async (t) => {
  const cases: [string, LinkSpec, IpvtapInfo | undefined][] = [
    ['ipvtap l2 private', { name: 'ipt0', type: 'ipvtap', link: 'eth0', mode: 'l2', isolation: 'private' }, { unknown: [], mode: 'l2', isolation: 'private' }],
    ['ipvtap l3s vepa', { name: 'ipt1', type: 'ipvtap', link: 'eth0', mode: 'l3s', isolation: 'vepa' }, { unknown: [], mode: 'l3s', isolation: 'vepa' }],
    ['ipvtap, no options', { name: 'ipt2', type: 'ipvtap', link: 'eth0' }, undefined],
  ];
  for (const [name, spec, info] of cases) {
    const c = capture(name);
    sameAsIp(t, spec, c);
    t.match(decodeLink(Buffer.from(c.request, 'hex')), { kind: 'ipvtap', link: c.eth0 });
    t.strictSame(decodedInfo(c), info, `${name}: decodes back`);
  }
  t.throws(() => linkKind('ipvtap')!.validate({ name: 'i', type: 'ipvtap' }), /ipvtap "i" needs link/);
  t.throws(() => linkKind('ipvtap')!.validate({ name: 'i', type: 'ipvtap', link: 'eth0', mode: 'l4' }), InvalidArgumentError);
});

t.test('wireguard: only the kind, as ip sends it', async (t) => {
  sameAsIp(t, { name: 'wg0', type: 'wireguard' }, capture('wireguard'));
  sameAsIp(t, { name: 'wg1', type: 'wireguard', mtu: 1420 }, capture('wireguard mtu'));
  t.match(decodeLink(Buffer.from(capture('wireguard mtu').request, 'hex')), { name: 'wg1', mtu: 1420, kind: 'wireguard', info: undefined });
});

/** The IFLA_INFO_DATA members of an RTM_NEWLINK, as [type, hex value] in the order sent. */
function infoData(request: Buffer): [number, string][] {
  const members = (start: number, end: number) => {
    const out: [number, string, number][] = [];
    for (let at = start; at + 4 <= end; at += (request.readUInt16LE(at) + 3) & ~3) {
      out.push([request.readUInt16LE(at + 2) & 0x3fff, request.subarray(at + 4, at + request.readUInt16LE(at)).toString('hex'), at]);
    }
    return out;
  };
  const [, , linkinfo] = members(32, request.length).find(([type]) => type === 18)!; // IFLA_LINKINFO, after nlmsghdr and ifinfomsg
  const [, , data] = members(linkinfo + 4, linkinfo + request.readUInt16LE(linkinfo)).find(([type]) => type === 2)!; // IFLA_INFO_DATA
  return members(data + 4, data + request.readUInt16LE(data)).map(([type, value]) => [type, value]);
}

t.test('netkit: encoded from the uapi header, decoded back (no iproute2 capture)', async (t) => {
  const spec: LinkSpec = {
    name: 'nk0', type: 'netkit', mode: 'l2', policy: 'forward', peerPolicy: 'blackhole', scrub: 'none', peerScrub: 'default', peer: { name: 'nk1' },
  };
  const request = addRequest(spec, 0);
  // IFLA_NETKIT_PEER_INFO (1): ifinfomsg + IFLA_IFNAME "nk1"; POLICY (3) NETKIT_PASS 0; PEER_POLICY (4) NETKIT_DROP 2;
  // MODE (5) NETKIT_L2 0; SCRUB (6) NETKIT_SCRUB_NONE 0; PEER_SCRUB (7) NETKIT_SCRUB_DEFAULT 1 — all u32.
  t.strictSame(infoData(request), [
    [1, '00000000000000000000000000000000' + '080003006e6b3100'],
    [3, '00000000'], [4, '02000000'], [5, '00000000'], [6, '00000000'], [7, '01000000'],
  ]);
  const info = decodeLink(request).info as NetkitInfo;
  t.strictSame(info, {
    unknown: [], peer: { index: 0, flags: 0, change: 0, unknown: [], name: 'nk1' },
    policy: 'forward', peerPolicy: 'blackhole', mode: 'l2', scrub: 'none', peerScrub: 'default',
  });
  const bare = addRequest({ name: 'nk2', type: 'netkit', mode: 'l3' }, 0);
  t.strictSame(infoData(bare), [[5, '01000000']], 'only what the spec gives');
  t.strictSame(decodeLink(bare).info, { unknown: [], mode: 'l3' });

  const netkit = linkKind('netkit')!;
  for (const [fields, message] of [
    [{ mode: 'l4' }, /mode/], [{ policy: 'drop' }, /policy/], [{ peerPolicy: 'pass' }, /peerPolicy/], [{ scrub: 'all' }, /scrub/],
    [{ peer: {} }, /peer needs name/], [{ peer: { name: 'x'.repeat(16) } }, /peer.name/], [{ peer: { name: 'p', mtu: 1 } }, /mtu/],
  ] as [object, RegExp][]) {
    t.throws(() => netkit.validate({ name: 'nk', type: 'netkit', ...fields }), InvalidArgumentError, JSON.stringify(fields));
    t.throws(() => netkit.validate({ name: 'nk', type: 'netkit', ...fields }), message);
  }
});
