// Addresses against the kernel: created with nlkit, read back with nlkit and
// with `ip -j -d addr show` in the same namespace, compared field by field.
import t, { type Test } from 'tap';
import { RTM_GETADDR } from '../../src/generated/rtnetlink.js';
import { InvalidArgumentError } from '../../src/netlink/addresses.js';
import { NetlinkBatchError, NetlinkError } from '../../src/netlink/errors.js';
import { NLM_F_DUMP_FILTERED } from '../../src/netlink/message.js';
import { RTM_NEWADDR } from '../../src/generated/rtnetlink.js';
import {
  addressAttributeName, addressesToIpJson, decodeAddress, encodeAddressDumpRequest, encodeAddressRequest, IFADDRMSG_LEN,
  type Address, type AddressSpec,
} from '../../src/route/addresses/index.js';
import { EncodedRequest } from '../../src/route/encoded-request.js';
import { ipValue } from '../../src/route/ip-value.js';
import { LinkNotFoundError } from '../../src/route/resolve.js';
import { AF_INET, AF_INET6 } from '../../src/sys/constants.js';
import { tripwireContext } from '../helpers/counting-socket.js';
import { ip, ipJson, requireRoot, testNetns } from '../helpers/netns.js';
import { readTogether } from '../helpers/read-together.js';
import { maskAddressJson } from '../helpers/volatile.js';
import { ifindex, services, vethPair, type Services } from './addresses-routes-helpers.js';

/**
 * nlkit's view of the links (decoded by the links module) and of their
 * addresses, rendered as ip prints them, next to `ip -j -d addr show [dev DEV]`.
 * Finite lifetimes and bridge timers are masked; the tests that set a lifetime
 * check its value.
 */
function compareWithIp(t: Test, s: Services, netns: string, read: () => Address[], dev?: string): void {
  const args = dev === undefined ? [] : ['dev', dev];
  const { mine, theirs: ipRead } = readTogether(() => ipJson(netns, '-d', 'addr', 'show', ...args), () => ({ links: s.link.list(), addresses: read() }), maskAddressJson);
  const theirs = maskAddressJson(ipRead);
  const shown = dev === undefined ? mine.links : mine.links.filter((l) => l.name === dev);
  const rendered = maskAddressJson(addressesToIpJson(shown, mine.addresses, { directory: mine.links }));
  t.same(rendered, theirs, `nlkit list + addressesToIpJson equals ip -j -d addr show ${args.join(' ')}`);
  // Key order too: the JSON text is identical.
  t.equal(JSON.stringify(rendered), JSON.stringify(theirs), 'same key order');
}

t.test('IPv4 and IPv6 addresses read back exactly as ip shows them', async (t) => {
  if (!requireRoot(t)) return;
  const [ns] = testNetns(t, 1, 'addr');
  vethPair(ns!);
  ip(ns!, 'link', 'add', 'br0', 'type', 'bridge');
  const s = services(t, ns!);
  const { addr } = s;
  const specs: AddressSpec[] = [
    { dev: 'v0', address: '10.0.0.2/24', broadcast: '+', label: 'v0:x' },
    { dev: 'v0', address: '10.0.0.3/24' },
    { dev: 'v0', address: '10.0.1.1', peer: '10.0.1.2/32' },
    { dev: 'v0', address: '10.9.0.1/24', scope: 'link', metric: 55 },
    { dev: 'v0', address: 'fd00::1/64', flags: { nodad: true, noprefixroute: true } },
    { dev: 'v0', address: 'fd00:1::1/64', flags: { nodad: true }, validLifetime: 1000, preferredLifetime: 500 },
    { dev: 'v0', address: 'fd00:2::1/64', flags: { nodad: true }, validLifetime: 1000, preferredLifetime: 0 },
    { dev: 'br0', address: '10.20.0.1/16', broadcast: '10.20.255.254' },
    { dev: 'v1', address: '127.1.0.1/8' },
    { dev: ifindex(ns!, 'v1'), address: '192.168.7.1/24', scope: 200, validLifetime: 3600 },
  ];
  for (const spec of specs) addr.add(spec);

  compareWithIp(t, s, ns!, () => addr.list());
  const all = addr.list();

  const find = (local: string) => all.find((a) => (a.local ?? a.address) === local)!;
  t.match(find('10.0.0.2'), { family: 4, prefixLength: 24, broadcast: '10.0.0.255', label: 'v0:x', scope: 0, scopeName: 'global', validLifetime: 'forever' });
  t.same(find('10.0.0.3').flagNames, ['secondary', 'permanent'], 'second address in the subnet is secondary');
  t.match(find('10.0.1.1'), { local: '10.0.1.1', address: '10.0.1.2', prefixLength: 32 });
  t.match(find('10.9.0.1'), { scopeName: 'link', metric: 55 });
  t.same(find('fd00::1').flagNames, ['nodad', 'permanent', 'noprefixroute']);
  t.equal(find('fd00::1').local, undefined, 'IPv6 without a peer has only IFA_ADDRESS');
  t.ok(find('fd00:1::1').validLifetime as number <= 1000 && (find('fd00:1::1').validLifetime as number) > 990, 'valid lifetime counts down from 1000');
  t.notOk(find('fd00:1::1').flagNames.includes('permanent'), 'a finite lifetime is dynamic');
  t.ok(find('fd00:2::1').flagNames.includes('deprecated'), 'preferred 0 deprecates at once');
  t.match(find('10.20.0.1'), { broadcast: '10.20.255.254' });
  t.match(find('127.1.0.1'), { scopeName: 'host' }, 'loopback addresses default to host scope, as with ip');
  t.match(find('192.168.7.1'), { scope: 200, scopeName: 'site' });
});

t.test('add refuses an existing address; replace updates it; delete removes it', async (t) => {
  if (!requireRoot(t)) return;
  const [ns] = testNetns(t, 1, 'addr');
  vethPair(ns!);
  const s = services(t, ns!);
  const { addr, label } = s;
  addr.add({ dev: 'v0', address: '10.0.0.2/24' });
  const err = t.throws(() => addr.add({ dev: 'v0', address: '10.0.0.2/24' })) as NetlinkError;
  t.type(err, NetlinkError);
  t.equal(err.code, 'EEXIST');
  t.equal(err.operation, 'add address');
  t.equal(err.object, `10.0.0.2/24 dev v0 in ${label}`);
  t.match(err.extack.message, /already/i, 'the kernel says why');

  addr.replace({ dev: 'v0', address: '10.0.0.2/24', validLifetime: 300, preferredLifetime: 100, metric: 7 });
  const [replaced] = addr.list({ dev: 'v0', family: 4 });
  t.ok((replaced!.validLifetime as number) <= 300 && (replaced!.preferredLifetime as number) <= 100, 'new lifetimes');
  t.equal(replaced!.metric, 7);
  compareWithIp(t, s, ns!, () => addr.list(), 'v0');

  addr.delete({ dev: 'v0', address: '10.0.0.2/24' });
  t.same(addr.list({ dev: 'v0', family: 4 }), []);
  t.same(ipJson(ns!, '-4', 'addr', 'show', 'dev', 'v0'), [], 'ip agrees it is gone');
  const gone = t.throws(() => addr.delete({ dev: 'v0', address: '10.0.0.2/24' })) as NetlinkError;
  t.match(gone, { code: 'EADDRNOTAVAIL', operation: 'delete address' });

  addr.add({ dev: 'v0', address: 'fd00::5/64', flags: { nodad: true } });
  addr.delete({ dev: 'v0', address: 'fd00::5/64' });
  t.notOk(addr.list({ family: 6 }).some((a) => a.address === 'fd00::5'), 'IPv6 delete');
  t.throws(() => addr.add({ dev: 'nosuch0', address: '10.0.0.2/24' }), LinkNotFoundError, 'unknown dev names fail before the add');
});

t.test('list filters by link and family in the kernel', async (t) => {
  if (!requireRoot(t)) return;
  const [ns] = testNetns(t, 1, 'addr');
  vethPair(ns!);
  const s = services(t, ns!);
  const { addr, socket } = s;
  addr.addMany([
    { dev: 'v0', address: '10.0.0.2/24' }, { dev: 'v0', address: 'fd00::2/64', flags: { nodad: true } },
    { dev: 'v1', address: '10.0.0.3/24' }, { dev: 'v1', address: 'fd00::3/64', flags: { nodad: true } },
  ]);
  const v0 = ifindex(ns!, 'v0');
  const locals = (list: Address[]) => list.map((a) => a.local ?? a.address).filter((a) => !a.startsWith('fe80')).sort();
  t.same(locals(addr.list({ dev: 'v0' })), ['10.0.0.2', 'fd00::2']);
  t.same(locals(addr.list({ dev: v0, family: 6 })), ['fd00::2']);
  t.same(locals(addr.list({ family: 4 })), ['10.0.0.2', '10.0.0.3'], 'lo is down and has no address yet');
  compareWithIp(t, s, ns!, () => addr.list({ dev: 'v1' }), 'v1');

  // The same dump request the service sends, on the raw socket: every reply is
  // already filtered and marked so by the kernel.
  const replies = socket.dump(
    { type: RTM_GETADDR, encode: (w) => encodeAddressDumpRequest(w, AF_INET6, v0) },
    { operation: 'dump addresses' },
    (m) => ({ filtered: (m.flags & NLM_F_DUMP_FILTERED) !== 0, address: decodeAddress(m)! }),
  );
  t.ok(replies.length >= 2, 'fd00::2 and the link-local address');
  t.ok(replies.every((r) => r.filtered), 'NLM_F_DUMP_FILTERED on every reply');
  t.ok(replies.every((r) => r.address.index === v0 && r.address.family === 6), 'only v0, only IPv6');
  t.throws(() => addr.list({ dev: 9999 }), LinkNotFoundError, 'a missing ifindex is reported as such');
});

t.test('addMany/deleteMany: packed requests, the failing one named, the rest applied', async (t) => {
  if (!requireRoot(t)) return;
  const [ns] = testNetns(t, 1, 'addr');
  vethPair(ns!);
  const { addr, label } = services(t, ns!);
  addr.add({ dev: 'v0', address: '10.1.2.3/32' });
  const specs: AddressSpec[] = Array.from({ length: 1200 }, (_, i) => ({ dev: 'v0', address: `10.1.${i >> 8}.${i & 255}/32` }));
  const failing = 2 * 256 + 3;
  t.equal(specs[failing]!.address, '10.1.2.3/32');
  const err = t.throws(() => addr.addMany(specs)) as NetlinkBatchError;
  t.type(err, NetlinkBatchError);
  t.equal(err.total, 1200);
  t.same(err.failures.map((f) => f.index), [failing], 'exactly the duplicate failed');
  t.match(err.failures[0]!.error, { code: 'EEXIST', operation: 'add address', object: `10.1.2.3/32 dev v0 in ${label}` });
  t.equal(addr.list({ dev: 'v0', family: 4 }).length, 1200, 'every other address was added');
  t.equal(ipJson(ns!, '-4', 'addr', 'show', 'dev', 'v0')[0].addr_info.length, 1200, 'ip counts them too');

  addr.delete(specs[17]!);
  const del = t.throws(() => addr.deleteMany(specs)) as NetlinkBatchError;
  t.same(del.failures.map((f) => f.index), [17]);
  t.equal(del.failures[0]!.error.code, 'EADDRNOTAVAIL');
  t.same(addr.list({ dev: 'v0', family: 4 }), [], 'all the rest deleted');
  addr.addMany([]);
  addr.deleteMany([]);
});

t.test('flush deletes what matches, like ip addr flush', async (t) => {
  if (!requireRoot(t)) return;
  const [ns] = testNetns(t, 1, 'addr');
  vethPair(ns!);
  const { addr } = services(t, ns!);
  addr.addMany([
    { dev: 'v0', address: '10.0.0.2/24', label: 'v0:a' }, { dev: 'v0', address: '10.0.0.3/24', label: 'v0:b' },
    { dev: 'v0', address: '10.5.0.2/24' }, { dev: 'v0', address: 'fd00::2/64', flags: { nodad: true } },
    { dev: 'v1', address: '10.0.0.9/24' }, { dev: 'v1', address: 'fd00::9/64', flags: { nodad: true } },
  ]);
  // 10.0.0.3 is a secondary of 10.0.0.2: deleting the primary takes it along, which flush tolerates.
  t.equal(addr.flush({ dev: 'v0', label: 'v0:*' }), 2, 'both labelled addresses');
  t.same(addr.list({ dev: 'v0', family: 4 }).map((a) => a.local), ['10.5.0.2']);
  t.equal(addr.flush({ dev: 'v0', scope: 'link' }), 1, 'the link-local address');
  t.same(addr.list({ dev: 'v0', family: 6 }).map((a) => a.address), ['fd00::2']);
  t.equal(addr.flush({ dev: 'v0' }), 2);
  t.same(addr.list({ dev: 'v0' }), []);
  t.equal(addr.list({ dev: 'v1' }).length, 3, 'v1 untouched (two addresses and its link-local)');
  t.equal(addr.flush({ dev: 'v0' }), 0, 'nothing left');
  t.equal(await addr.flushAsync({ dev: 'v1', family: 6 }), 2);
  t.same(addr.list({ dev: 'v1' }).map((a) => a.local), ['10.0.0.9']);
});

t.test('Async forms do the same', async (t) => {
  if (!requireRoot(t)) return;
  const [ns] = testNetns(t, 1, 'addr');
  vethPair(ns!);
  const { addr } = services(t, ns!);
  await addr.addAsync({ dev: 'v0', address: '10.0.0.2/24' });
  await t.rejects(addr.addAsync({ dev: 'v0', address: '10.0.0.2/24' }), { code: 'EEXIST', operation: 'add address' });
  await addr.replaceAsync({ dev: 'v0', address: '10.0.0.2/24', metric: 9 });
  t.equal((await addr.listAsync({ dev: 'v0', family: 4 }))[0]!.metric, 9);
  await addr.addManyAsync([{ dev: 'v1', address: '10.0.1.1/24' }, { dev: 'v1', address: '10.0.1.2/24' }]);
  t.same(await addr.listAsync({ family: 4 }), addr.list({ family: 4 }), 'listAsync returns what list does');
  // The secondary: deleting the primary would take the secondary along.
  await addr.deleteManyAsync([{ dev: 'v1', address: '10.0.1.2/24' }]);
  await addr.deleteAsync({ dev: 'v0', address: '10.0.0.2/24' });
  t.same((await addr.listAsync({ family: 4 })).map((a) => a.local), ['10.0.1.1']);
  await t.rejects(addr.listAsync({ dev: 'nosuch0' }), LinkNotFoundError);
  await t.rejects(addr.addAsync({ dev: 'v0', address: '10.0.0.300/24' }), InvalidArgumentError);
});

t.test('a kernel error that points at an attribute names it', async (t) => {
  if (!requireRoot(t)) return;
  const [ns] = testNetns(t, 1, 'addr');
  vethPair(ns!);
  const { socket } = services(t, ns!);
  // Bypasses nlkit's validation on purpose: IFA_LABEL longer than the kernel's policy allows.
  const request = {
    family: AF_INET, prefixLength: 24, flags: 0, scope: 0, index: ifindex(ns!, 'v0'),
    local: ipValue('10.0.0.2', 4), address: ipValue('10.0.0.2', 4), label: 'x'.repeat(40),
  };
  const err = t.throws(() => socket.execute(new EncodedRequest(RTM_NEWADDR, 0x600, request, encodeAddressRequest), {
    operation: 'add address', object: 'raw', headerLength: IFADDRMSG_LEN, attributeName: addressAttributeName,
  })) as NetlinkError;
  t.equal(err.code, 'ERANGE');
  t.equal(err.attribute, 'IFA_LABEL');
});

t.test('bad input is refused before anything is sent', async (t) => {
  // A context whose socket explodes when touched: InvalidArgumentError proves nothing was sent.
  const { AddressService } = await import('../../src/route/addresses/service.js');
  const addr = new AddressService(tripwireContext());
  const bad: [unknown, RegExp][] = [
    [{ dev: 'v0', address: '10.0.0.300/24' }, /not a valid IPv4 or IPv6/],
    [{ dev: 'v0', address: '10.0.0.1/33' }, /invalid prefix length \(0-32/],
    [{ dev: 'v0', address: 'fd00::1/129' }, /0-128/],
    [{ dev: 'v0', address: '10.0.0.1/24', peer: 'fd00::2' }, /peer .* is IPv6 but address .* is IPv4/],
    [{ dev: 'v0', address: '10.0.0.1/24', broadcast: 'fd00::ff' }, /broadcast must be an IPv4 address/],
    [{ dev: 'v0', address: 'fd00::1/64', broadcast: '+' }, /broadcast applies to IPv4 addresses only/],
    [{ dev: 'v0', address: 'fd00::1/64', label: 'v0:x' }, /label applies to IPv4/],
    [{ dev: 'v0', address: '10.0.0.1/24', label: 'a-very-long-label' }, /at most 15 bytes/],
    [{ dev: 'v0', address: '10.0.0.1/24', scope: 'planet' }, /scope "planet" is unknown/],
    [{ dev: 'v0', address: '10.0.0.1/24', scope: 256 }, /0-255/],
    [{ dev: 'v0', address: '10.0.0.1/24', flags: { nodad: true } }, /nodad applies to IPv6 addresses only/],
    [{ dev: 'v0', address: '10.0.0.1/24', flags: { fast: true } }, /unknown address flag "fast"/],
    [{ dev: 'v0', address: '10.0.0.1/24', flags: { mcautojoin: true } }, /mcautojoin needs a multicast address/],
    [{ dev: 'v0', address: 'fd00::1/64', validLifetime: 100, preferredLifetime: 200 }, /preferredLifetime \(200\) must not exceed validLifetime \(100\)/],
    [{ dev: 'v0', address: 'fd00::1/64', validLifetime: 0 }, /must not be 0/],
    [{ dev: 'v0', address: 'fd00::1/64', validLifetime: -1 }, /number of seconds/],
    [{ dev: 'v0', address: 'fd00::1/64', preferredLifetime: 'never' }, /or 'forever'/],
    [{ dev: 'v0', address: '10.0.0.1/24', metric: 2 ** 32 }, /metric must be an integer from 0 to 4294967295/],
    [{ dev: 'this-name-is-too-long', address: '10.0.0.1/24' }, /at most 15/],
    [{ dev: 0, address: '10.0.0.1/24' }, /dev index/],
    [{ dev: 'v0', address: '10.0.0.1/24', via: '10.0.0.9' }, /has no option "via"/],
    [{ dev: 'v0' }, /address must be a string/],
  ];
  for (const [spec, message] of bad) {
    t.throws(() => addr.add(spec as AddressSpec), InvalidArgumentError, JSON.stringify(spec));
    t.throws(() => addr.add(spec as AddressSpec), message, JSON.stringify(spec));
  }
  t.throws(() => addr.addMany([{ dev: 'v0', address: '10.0.0.1/24' }, { dev: 'v0', address: 'bad' }]), /specs\[1\]: address "bad"/);
  t.throws(() => addr.addMany('x' as never), /must be an array/);
  t.throws(() => addr.list({ family: 5 as 4 }), /family must be 4 or 6/);
  t.throws(() => addr.list({ device: 'v0' } as never), /no option "device"/);
  t.throws(() => addr.flush({ label: '' }), /label must be a non-empty string/);
  t.throws(() => addr.flush({ scope: 'galaxy' as never }), /scope "galaxy" is unknown/);
  await t.rejects(addr.addAsync({ dev: 'v0', address: 'nope' }), InvalidArgumentError);
  await t.rejects(addr.deleteManyAsync([{ dev: 'v0', address: '1.2.3.4/40' }]), /specs\[0\]/);
});

