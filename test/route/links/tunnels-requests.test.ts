// The tunnel kinds (gre, gretap, ip6gre, ip6gretap, ipip, sit, ip6tnl, vti,
// vti6) are not built into the kernel here, so they are checked against
// iproute2: nlkit's request must equal the one `ip` sent for the same command
// (fixtures/route/kinds/tunnels.json, captured by
// fixtures/capture-tunnels-requests.ts), attribute for attribute, and the
// captured request must decode to the spec's values.
import t from 'tap';
import { InvalidArgumentError } from '../../../src/netlink/addresses.js';
import { decodeLink, linkKind, type LinkSpec } from '../../../src/route/links/index.js';
import { readFixture } from '../codec-helpers.js';
import { addRequest, sameAsIp, type Capture } from './request-compare.js';

const fixture = readFixture('route/kinds/tunnels.json') as { cases: Capture[] };
const capture = (name: string) => {
  const found = fixture.cases.find((c) => c.name === name);
  if (!found) throw new Error(`no capture "${name}"`);
  return found;
};

/** Each capture's spec and what its request decodes to (the kernel's info data members nlkit names). */
const CASES: [string, LinkSpec, Record<string, unknown>][] = [
  ['gre', { name: 'gre1', type: 'gre', remote: '192.0.2.2', local: '192.0.2.1', ttl: 64 },
    { local: '192.0.2.1', remote: '192.0.2.2', ttl: 64, tos: 0, pmtudisc: true, ikey: 0, okey: 0, iflags: 0, oflags: 0, encap: 'none' }],
  ['gre key csum seq tos dev', { name: 'gre2', type: 'gre', remote: '192.0.2.2', local: '192.0.2.1', key: 42, csum: true, seq: true, tos: 0x10, link: 'eth0' },
    { ikey: 42, okey: 42, iflags: 0xb000, oflags: 0xb000, tos: 0x10, ttl: 0, link: 'eth0' }],
  ['gre ikey okey nopmtudisc', { name: 'gre3', type: 'gre', remote: '192.0.2.2', ikey: 1, okey: 2, icsum: true, oseq: true, pmtudisc: false, tos: 'inherit' },
    { ikey: 1, okey: 2, iflags: 0xa000, oflags: 0x3000, pmtudisc: false, tos: 1, local: undefined }],
  ['gre fou encap', { name: 'gre4', type: 'gre', remote: '192.0.2.2', local: '192.0.2.1', ttl: 32, encap: 'fou', encapSport: 5555, encapDport: 6666, encapCsum: true },
    { ttl: 32, encap: 'fou', encapFlags: 1, encapSport: 5555, encapDport: 6666 }],
  ['gretap', { name: 'gt1', type: 'gretap', remote: '192.0.2.2', local: '192.0.2.1', key: 5 },
    { ikey: 5, okey: 5, iflags: 0x2000, oflags: 0x2000 }],
  ['gretap plain', { name: 'gt2', type: 'gretap', remote: '192.0.2.2', local: '192.0.2.1', ttl: 255, link: 'eth0' },
    { ttl: 255, link: 'eth0' }],
  ['ip6gre', { name: 'g6a', type: 'ip6gre', remote: '2001:db8::2', local: '2001:db8::1', ttl: 64 },
    { local: '2001:db8::1', remote: '2001:db8::2', ttl: 64, encapLimit: 4, flowinfo: 0, flags: 0, encapFlags: 2, tos: undefined }],
  ['ip6gre key tclass flowlabel encaplimit', {
    name: 'g6b', type: 'ip6gre', remote: '2001:db8::2', local: '2001:db8::1', key: 7, csum: true, tclass: 0x20, flowlabel: 0x12345, encapLimit: 4, link: 'eth0',
  }, { ikey: 7, okey: 7, iflags: 0xa000, oflags: 0xa000, flowinfo: 0x02012345, encapLimit: 4, link: 'eth0' }],
  ['ip6gretap', { name: 'g6t', type: 'ip6gretap', remote: '2001:db8::2', local: '2001:db8::1', ikey: 3, okey: 4, encapLimit: 'none' },
    { ikey: 3, okey: 4, flags: 1 }],
  ['ipip', { name: 'ipip1', type: 'ipip', remote: '192.0.2.2', local: '192.0.2.1', ttl: 64 },
    { local: '192.0.2.1', remote: '192.0.2.2', ttl: 64, tos: 0, pmtudisc: true, proto: 0, link: 0 }],
  ['ipip tos dev nopmtudisc', { name: 'ipip2', type: 'ipip', remote: '192.0.2.2', tos: 0x10, link: 'eth0', pmtudisc: false },
    { tos: 0x10, pmtudisc: false, link: 'eth0', local: undefined }],
  ['sit', { name: 'sit1', type: 'sit', remote: '192.0.2.2', local: '192.0.2.1', ttl: 64 }, { ttl: 64, flags: 0, proto: 0 }],
  ['sit mode any', { name: 'sit2', type: 'sit', remote: '192.0.2.2', mode: 'any', tos: 'inherit' }, { tos: 1, proto: 0 }],
  ['ip6tnl', { name: 't6a', type: 'ip6tnl', remote: '2001:db8::2', local: '2001:db8::1' },
    { local: '2001:db8::1', remote: '2001:db8::2', ttl: 64, encapLimit: 4, flowinfo: 0, flags: 0, proto: 0, encapFlags: 2 }],
  ['ip6tnl ipip6 options', {
    name: 't6b', type: 'ip6tnl', mode: 'ipip6', remote: '2001:db8::2', local: '2001:db8::1', ttl: 32, tclass: 0x20, flowlabel: 0x12345, encapLimit: 5, link: 'eth0',
  }, { proto: 4, ttl: 32, flowinfo: 0x02012345, encapLimit: 5, link: 'eth0' }],
  ['ip6tnl ip6ip6 encaplimit none', { name: 't6c', type: 'ip6tnl', mode: 'ip6ip6', remote: '2001:db8::2', encapLimit: 'none' }, { proto: 41, flags: 1 }],
  ['vti', { name: 'vti1', type: 'vti', remote: '192.0.2.2', local: '192.0.2.1', key: 9 }, { ikey: 9, okey: 9, local: '192.0.2.1', remote: '192.0.2.2', fwmark: 0 }],
  ['vti ikey okey dev', { name: 'vti2', type: 'vti', remote: '192.0.2.2', local: '192.0.2.1', ikey: 1, okey: 2, link: 'eth0' }, { ikey: 1, okey: 2, link: 'eth0' }],
  ['vti6', { name: 'vti6a', type: 'vti6', remote: '2001:db8::2', local: '2001:db8::1', key: '0.0.0.9' }, { ikey: 9, okey: 9, remote: '2001:db8::2' }],
  ['vti6 ikey okey dev', { name: 'vti6b', type: 'vti6', remote: '2001:db8::2', local: '2001:db8::1', ikey: 1, okey: 2, link: 'eth0' }, { ikey: 1, okey: 2, link: 'eth0' }],
];

t.test('the captures are what this kernel refuses', async (t) => {
  t.equal(fixture.cases.length, CASES.length, 'every capture has a case');
  for (const c of fixture.cases) t.ok(c.refused, `${c.name}: refused (${c.refused})`);
});

t.test('each tunnel spec encodes to the request ip sends, which decodes back to the spec', async (t) => {
  for (const [name, spec, expected] of CASES) {
    const c = capture(name);
    sameAsIp(t, addRequest(spec, c.eth0), c);
    const link = decodeLink(Buffer.from(c.request, 'hex'));
    t.equal(link.kind, spec.type, `${name}: kind`);
    const info = link.info as unknown as Record<string, unknown>;
    t.strictSame(info.unknown, [], `${name}: every member decoded`);
    for (const [key, value] of Object.entries(expected)) {
      t.strictSame(info[key], value === 'eth0' ? c.eth0 : value, `${name}: ${key}`);
    }
  }
});

t.test('bad tunnel options are refused before anything is sent', async (t) => {
  const refuses = (spec: Record<string, unknown>, message: RegExp) =>
    t.throws(() => linkKind(spec.type as string)!.validate(spec), { name: InvalidArgumentError.name, message }, JSON.stringify(spec));
  refuses({ name: 'g', type: 'gre', remote: '2001:db8::2' }, /remote "2001:db8::2" is IPv6 but the request is IPv4/);
  refuses({ name: 'g', type: 'ip6gre', local: '192.0.2.1' }, /local "192.0.2.1" is IPv4 but the request is IPv6/);
  refuses({ name: 'g', type: 'gre', key: 1, ikey: 2 }, /key \(both directions\) or ikey\/okey, not both/);
  refuses({ name: 'g', type: 'gre', okey: '1.2.3' }, /okey must be a number 0-4294967295 or a dotted quad/);
  refuses({ name: 'g', type: 'gretap', ttl: 256 }, /ttl/);
  refuses({ name: 'g', type: 'gre', tos: 'copy' }, /tos/);
  refuses({ name: 'g', type: 'gre', ttl: 64, pmtudisc: false }, /pmtudisc false needs ttl 0/);
  refuses({ name: 'g', type: 'gre', csum: 'yes' }, /csum must be true or false/);
  refuses({ name: 'g', type: 'gre', encap: 'udp' }, /encap must be one of "none", "fou", "gue"/);
  refuses({ name: 'g', type: 'ip6gretap', encapSport: 70000 }, /encapSport/);
  refuses({ name: 't', type: 'ip6tnl', flowlabel: 0x100000 }, /flowlabel/);
  refuses({ name: 't', type: 'ip6tnl', encapLimit: 'off' }, /encapLimit/);
  refuses({ name: 't', type: 'ip6tnl', mode: 'ipip' }, /mode must be one of "ip6ip6", "ipip6", "any"/);
  refuses({ name: 't', type: 'ipip', mode: 'ip6ip' }, /mode must be one of "ipip", "mplsip", "any"/);
  refuses({ name: 't', type: 'sit', isatap: 1 }, /isatap must be true or false/);
  refuses({ name: 't', type: 'ipip', ttl: 5, pmtudisc: false }, /pmtudisc false needs ttl 0/);
  refuses({ name: 'v', type: 'vti', remote: 'peer' }, /remote "peer" is not a valid IP address/);
  refuses({ name: 'v', type: 'vti6', fwmark: -1 }, /fwmark/);
  refuses({ name: 'v', type: 'vti', link: 42.5 }, /link/);
});

t.test('the tunnel kinds take only their own options', async (t) => {
  t.notOk(linkKind('gre')!.specKeys.includes('tclass'), 'gre has no tclass');
  t.notOk(linkKind('ip6gre')!.specKeys.includes('pmtudisc'), 'ip6gre has no pmtudisc');
  t.ok(linkKind('sit')!.specKeys.includes('isatap'), 'sit has isatap');
  t.notOk(linkKind('ipip')!.specKeys.includes('isatap'), 'ipip has no isatap');
  t.notOk(linkKind('vti')!.specKeys.includes('ttl'), 'vti has no ttl');
});
