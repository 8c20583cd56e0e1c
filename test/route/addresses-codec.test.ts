// Address codecs against bytes captured from the kernel (no root needed):
// fixtures/route/addresses/*.json, made by fixtures/capture-addresses-routes.ts.
import t from 'tap';
import { IFF_UP } from '../../src/generated/if.js';
import { IFA_F_NODAD, IFA_F_NOPREFIXROUTE, IFA_F_PERMANENT, IFA_F_SECONDARY, IFA_LABEL, IFA_LOCAL } from '../../src/generated/if_addr.js';
import { RTM_NEWADDR } from '../../src/generated/rtnetlink.js';
import { NLM_F_CREATE, NLM_F_EXCL, parseMessages } from '../../src/netlink/message.js';
import { MessageWriter } from '../../src/netlink/writer.js';
import {
  addressAttributeName, addressesToIpJson, addressFlagNames, decodeAddress, encodeAddressRequest,
  prepareAddress, type Address, type AddressSpec,
} from '../../src/route/addresses/index.js';
import { decodeLink, linkFlagNames, type Link } from '../../src/route/links/index.js';
import { messageOf, readFixture, requestHex } from './codec-helpers.js';

interface Fixture {
  kernel: string;
  links: Record<string, number>;
  requests: { spec: AddressSpec; hex: string }[];
  /** RTM_NEWLINK dump replies of the same state. */
  linkMessages: string[];
  messages: string[];
  ip: Record<string, any>[];
}

const fixture = readFixture<Fixture>('route/addresses/addresses.json');
const links: Link[] = fixture.linkMessages.map((hex) => decodeLink(messageOf(hex)));
const decoded = fixture.messages.map((hex) => decodeAddress(messageOf(hex))!);

function frame(spec: AddressSpec): string {
  const prepared = prepareAddress(spec, 'add');
  prepared.request.index = typeof prepared.dev === 'number' ? prepared.dev : fixture.links[prepared.dev]!;
  return requestHex(RTM_NEWADDR, NLM_F_CREATE | NLM_F_EXCL, (w) => encodeAddressRequest(w, prepared.request));
}

t.test(`dump replies decode to what ip -j -d addr show printed (kernel ${fixture.kernel})`, async (t) => {
  t.equal(decoded.length, fixture.messages.length, 'every message is IPv4 or IPv6');
  t.same(links.map((l) => [l.name, l.index]), Object.entries(fixture.links).sort((a, b) => a[1] - b[1]), 'the link dump holds every link');
  const rendered = addressesToIpJson(links, decoded);
  t.same(rendered, fixture.ip);
  t.equal(JSON.stringify(rendered), JSON.stringify(fixture.ip), 'byte for byte, key order included');
});

t.test('the encoder writes the bytes the kernel accepted', async (t) => {
  for (const { spec, hex } of fixture.requests) t.equal(frame(spec), hex, JSON.stringify(spec));
});

t.test('a request decodes to what the kernel then reported', async (t) => {
  for (const { spec, hex } of fixture.requests) {
    const sent = decodeAddress(messageOf(hex))!;
    const kept = decoded.find((a) => a.index === sent.index && a.address === sent.address && (a.local ?? a.address) === (sent.local ?? sent.address))!;
    const label = JSON.stringify(spec);
    t.ok(kept, `${label}: the kernel has it`);
    t.match(kept, { family: sent.family, prefixLength: sent.prefixLength }, label);
    if (sent.broadcast !== undefined) t.equal(kept.broadcast, sent.broadcast, `${label}: broadcast`);
    if (sent.label !== undefined) t.equal(kept.label, sent.label, `${label}: label`);
    if (sent.metric !== undefined) t.equal(kept.metric, sent.metric, `${label}: metric`);
    // IPv6 scope follows from the address, whatever the request says.
    if (sent.family === 4) t.equal(kept.scope, sent.scope, `${label}: scope`);
    t.equal(kept.flags & sent.flags, sent.flags, `${label}: requested flags are set`);
    if (sent.validLifetime !== 'forever') t.ok(kept.validLifetime !== 'forever' && kept.validLifetime <= sent.validLifetime, `${label}: valid lifetime`);
  }
});

t.test('what the decoder makes of the captured messages', async (t) => {
  const find = (local: string) => decoded.find((a) => (a.local ?? a.address) === local)!;
  t.match(find('10.0.0.2'), { family: 4, prefixLength: 24, local: '10.0.0.2', address: '10.0.0.2', broadcast: '10.0.0.255', label: 'v0:x', scopeName: 'global', validLifetime: 'forever', preferredLifetime: 'forever' });
  t.equal(find('10.0.0.3').flags & IFA_F_SECONDARY, IFA_F_SECONDARY);
  t.match(find('10.0.1.1'), { address: '10.0.1.2', prefixLength: 32 });
  t.match(find('fd00:3::1'), { local: 'fd00:3::1', address: 'fd00:3::2' }, 'an IPv6 peer gives IFA_LOCAL and IFA_ADDRESS');
  t.same(find('fd00::1').flagNames, ['nodad', 'permanent', 'noprefixroute']);
  t.equal(find('fd00::1').flags, IFA_F_NODAD | IFA_F_PERMANENT | IFA_F_NOPREFIXROUTE, 'IFA_FLAGS carries the bits above 0xff');
  t.ok(typeof find('fd00:1::1').validLifetime === 'number' && typeof find('fd00:1::1').created === 'number');
  t.ok(find('fd00:2::1').flagNames.includes('deprecated'));
  t.match(find('224.0.0.77'), { flagNames: ['permanent', 'autojoin'] });
  for (const a of decoded) t.same(a.unknown, [], `${a.address}: every attribute understood`);
});

t.test('decoding keeps attributes it does not know, verbatim', async (t) => {
  const w = new MessageWriter(64);
  const start = w.beginMessage(RTM_NEWADDR, 0, 1);
  encodeAddressRequest(w, { family: 2, prefixLength: 24, flags: 0, scope: 0, index: 3, local: 0x0a000002, address: 0x0a000002 });
  w.u32(99, 0xabcdef);
  w.endMessage(start);
  const a = decodeAddress(parseMessages(w.bytes(), w.offset)[0]!)!;
  t.equal(a.local, '10.0.0.2');
  t.same(a.unknown, [{ type: 99, nested: false, data: Buffer.from([0xef, 0xcd, 0xab, 0x00]) }]);
  t.equal(decodeAddress({ ...parseMessages(w.bytes(), w.offset)[0]!, buf: Buffer.from([7, 0, 0, 0, 0, 0, 0, 0]), offset: 0, end: 8 }), undefined, 'other families are skipped');
});

t.test('flag names follow ip', async (t) => {
  t.same(addressFlagNames(IFA_F_SECONDARY | IFA_F_PERMANENT, 4), ['secondary', 'permanent']);
  t.same(addressFlagNames(IFA_F_SECONDARY, 6), ['temporary'], 'the shared bit is "temporary" on IPv6');
  t.same(addressFlagNames(0x10000 | IFA_F_NODAD, 6), ['nodad', '0x10000'], 'unknown bits as hex');
  t.same(linkFlagNames(0x1003), ['NO-CARRIER', 'BROADCAST', 'MULTICAST', 'UP'], 'UP without RUNNING is NO-CARRIER');
  t.same(linkFlagNames(0x11043), ['BROADCAST', 'MULTICAST', 'UP', 'LOWER_UP']);
  // A veth whose peer (its IFLA_LINK) is down prints M-DOWN, under ip addr as under ip link.
  const v0 = links.find((l) => l.name === 'v0')!;
  const v1Down = { ...links.find((l) => l.name === 'v1')!, flags: 0x1002 };
  t.equal(v0.link, v1Down.index, 'the fixture veth names its peer');
  t.notOk(v1Down.flags & IFF_UP);
  const [entry] = addressesToIpJson([v0], [], { directory: [v0, v1Down] });
  t.same(entry!.flags, [...v0.flagNames, 'M-DOWN']);
  t.same(v0.flagNames, ['BROADCAST', 'MULTICAST', 'UP', 'LOWER_UP']);
});

t.test('attribute names for errors', async (t) => {
  t.equal(addressAttributeName([IFA_LABEL]), 'IFA_LABEL');
  t.equal(addressAttributeName([IFA_LOCAL]), 'IFA_LOCAL');
  t.equal(addressAttributeName([77]), '77');
});

t.test('prepared requests follow ip addr add', async (t) => {
  const req = (spec: AddressSpec) => prepareAddress(spec, 'add').request;
  t.match(req({ dev: 'v0', address: '10.0.0.2/31', broadcast: '+' }), { prefixLength: 31, broadcast: undefined }, '/31 has no broadcast');
  t.match(req({ dev: 'v0', address: '10.0.0.2/8', broadcast: '+' }), { broadcast: 0x0affffff });
  t.match(req({ dev: 'v0', address: '10.0.1.1', peer: '10.0.1.2' }), { prefixLength: 32, local: 0x0a000101, address: 0x0a000102 });
  t.match(req({ dev: 'v0', address: '10.0.1.1/24', peer: '10.0.1.2' }), { prefixLength: 24 }, 'the address prefix when the peer has none');
  t.match(req({ dev: 'v0', address: '10.0.1.1/24', peer: '10.0.1.2/30' }), { prefixLength: 30 }, "the peer's prefix wins");
  t.match(req({ dev: 'v0', address: '127.0.0.5/8' }), { scope: 254 });
  t.match(req({ dev: 'v0', address: 'fd00::1/64', validLifetime: 60 }), { validLifetime: 60, preferredLifetime: 60 }, 'preferred defaults to valid');
  t.match(req({ dev: 'v0', address: 'fd00::1/64', preferredLifetime: 60 }), { validLifetime: 0xffffffff, preferredLifetime: 60 });
  const del = prepareAddress({ dev: 'v0', address: '10.0.0.2/24', broadcast: '+', metric: 3, scope: 'link' }, 'delete').request;
  t.match(del, { scope: 0, broadcast: undefined, metric: undefined }, 'a delete sends only what identifies the address');
  t.equal(prepareAddress({ dev: 4, address: '10.0.0.2/24' }, 'add').text, '10.0.0.2/24 dev #4');
});

t.test('addressesToIpJson uses linkToIpJson when given, without ip-link-only keys', async (t) => {
  const lo = links.find((l) => l.index === 1)!;
  const address: Address = decoded.find((a) => a.index === 1) ?? { family: 4, index: 1, prefixLength: 8, flags: 0x80, flagNames: [], scope: 254, scopeName: 'host', address: '127.0.0.1', local: '127.0.0.1', validLifetime: 'forever', preferredLifetime: 'forever', unknown: [] };
  const out = addressesToIpJson([lo], [address], {
    linkToIpJson: () => ({ ifindex: 1, ifname: 'lo', linkmode: 'DEFAULT', inet6_addr_gen_mode: 'eui64', mtu: 65536 }),
  });
  t.same(Object.keys(out[0]!), ['ifindex', 'ifname', 'mtu', 'addr_info']);
  t.ok(lo.inet6AddrGenMode !== undefined && lo.linkmode !== undefined, 'the decoded link has what only ip link prints');
  t.notOk('inet6_addr_gen_mode' in addressesToIpJson([lo], [])[0]! || 'linkmode' in addressesToIpJson([lo], [])[0]!, 'the default printer drops it too');
});
