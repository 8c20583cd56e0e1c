// Bad input is refused before anything is sent; kernel refusals name the
// operation, the object, the kernel's own message and the attribute.
import t, { type Test } from 'tap';
import { RTM_NEWLINK } from '../../../src/generated/rtnetlink.js';
import { InvalidArgumentError } from '../../../src/netlink/addresses.js';
import { NLM_F_CREATE, NLM_F_EXCL } from '../../../src/netlink/message.js';
import { NetlinkError } from '../../../src/netlink/errors.js';
import { NetnsNotFoundError } from '../../../src/netns/errors.js';
import { encodeLinkRequest, linkAttributeName, linkKind, type LinkChanges, type LinkSpec } from '../../../src/route/links/index.js';
import { IFINFOMSG_LEN, LinkNotFoundError } from '../../../src/route/resolve.js';
import { requireRoot, testNetns } from '../../helpers/netns.js';
import { openLinks } from './helpers.js';

t.test('creating an existing name: EEXIST naming the operation and the object', async (t) => {
  if (!requireRoot(t)) return;
  const [ns] = testNetns(t, 1, 'exists');
  const c = openLinks(t, ns!);
  c.links.add({ name: 'dup', type: 'veth', peer: { name: 'dup-peer' } });
  const error = t.throws(() => c.links.add({ name: 'dup', type: 'ifb' })) as NetlinkError;
  t.type(error, NetlinkError);
  t.match(error, { code: 'EEXIST', operation: 'create link', object: `dup in netns ${ns}` });
  t.match(error.message, new RegExp(`^create link dup in netns ${ns} failed: EEXIST`));
  // A peer name taken in its target namespace fails the whole request.
  t.throws(() => c.links.add({ name: 'other', type: 'veth', peer: { name: 'dup-peer' } }), { code: 'EEXIST' });
  t.throws(() => c.links.get('other'), LinkNotFoundError, 'and leaves nothing behind');
});

t.test("the kernel's extended ack text and the offending attribute are in the error", async (t) => {
  if (!requireRoot(t)) return;
  const [ns] = testNetns(t, 1, 'extack');
  const c = openLinks(t, ns!);
  c.links.add({ name: 'v0', type: 'veth', peer: { name: 'v0p' } });
  t.throws(() => c.links.set('v0', { mtu: 70000 }), {
    name: 'NetlinkError', code: 'EINVAL', operation: 'set link', object: `v0 in netns ${ns}`,
    extack: { message: 'mtu greater than device maximum' },
    message: `set link v0 in netns ${ns} failed: EINVAL mtu greater than device maximum`,
  });
  t.throws(() => c.links.add({ name: 'vx0', type: 'vxlan', id: 1, mtu: 70000 }), {
    code: 'EINVAL', attribute: 'IFLA_MTU', message: /failed: EINVAL MTU must be between 68 and 65535 \(at IFLA_MTU\)$/,
  });
  t.throws(() => c.links.add({ name: 'vx1', type: 'vxlan', id: 1, address: '01:00:5e:00:00:01' }), {
    code: 'EADDRNOTAVAIL', attribute: 'IFLA_ADDRESS', extack: { message: 'Provided Ethernet address is not unicast' },
  });
  // nlkit refuses a VNI of 2^24 before sending; sent anyway, the kernel points
  // inside IFLA_LINKINFO and the path is named level by level.
  const vxlan = linkKind('vxlan')!;
  const spec = { name: 'vx9', type: 'vxlan', id: 2 ** 24 };
  t.throws(
    () => c.socket.execute(
      { type: RTM_NEWLINK, flags: NLM_F_CREATE | NLM_F_EXCL, encode: (w) => encodeLinkRequest(w, { name: spec.name, create: { kind: vxlan, spec, ctx: { linkIndex: () => 0, netnsFd: () => -1 } } }) },
      { operation: 'create link', object: 'vx9', headerLength: IFINFOMSG_LEN, attributeName: (path) => linkAttributeName(path, vxlan.dataAttributeNames) },
    ),
    { code: 'ERANGE', attribute: 'IFLA_LINKINFO/IFLA_INFO_DATA/IFLA_VXLAN_ID', extack: { message: 'VXLAN ID must be lower than 16777216' } },
  );
  t.throws(() => c.links.add({ name: 'vx2', type: 'vxlan', id: 1, link: 4242 }), {
    code: 'ENODEV', extack: { message: 'Invalid local interface, device not found' },
  });
});

/** Expects an InvalidArgumentError whose message matches. */
function refuses(t: Test, fn: () => unknown, message: RegExp, what: string): void {
  const error = t.throws(fn, InvalidArgumentError, what) as Error | undefined;
  t.match(error?.message, message, `${what}: message`);
}

t.test('invalid input throws InvalidArgumentError and sends nothing', async (t) => {
  if (!requireRoot(t)) return;
  const [ns] = testNetns(t, 1, 'invalid');
  const c = openLinks(t, ns!);
  c.links.add({ name: 'v0', type: 'veth', peer: { name: 'v0p' } });
  const sentBefore = c.sent();
  const badSpecs: [string, unknown, RegExp][] = [
    ['17-byte name', { name: 'a'.repeat(17), type: 'ifb' }, /17 bytes; Linux allows at most 15/],
    ['name with "/"', { name: 'a/b', type: 'ifb' }, /must not contain "\/"/],
    ['bad MAC', { name: 'x0', type: 'ifb', address: '02:00:00:00:00' }, /address must be a MAC address/],
    ['MAC with junk', { name: 'x0', type: 'ifb', address: 'zz:00:00:00:00:01' }, /MAC address/],
    ['unknown type', { name: 'x0', type: 'batadv' }, /unknown link type "batadv"; nlkit can create: veth, bridge, macvlan, vxlan, ifb, dummy, vlan, vrf, ipvlan, geneve, macvtap, ipvtap, wireguard, netkit, gre, gretap, ip6gre, ip6gretap, ipip, sit, ip6tnl, vti, vti6, bond$/],
    ['no type', { name: 'x0' }, /unknown link type undefined/],
    // A veth without a peer (name) is the kernel's to name; what must follow the peer by name needs one.
    ['veth peer up without its name', { name: 'x0', type: 'veth', peer: { up: true } }, /peer.up needs peer.name/],
    ['veth peer group without its name', { name: 'x0', type: 'veth', peer: { group: 2 } }, /peer.group needs peer.name/],
    ['peer name too long', { name: 'x0', type: 'veth', peer: { name: 'p'.repeat(16) } }, /peer.name .* is 16 bytes/],
    ['peer index alone', { name: 'x0', type: 'veth', peer: { name: 'p', index: 9 } }, /peer.index needs index as well/],
    // The kernel answers a bare EEXIST; both ends default to the requesting socket's namespace.
    ['peer named as the link, same namespace', { name: 'x0', type: 'veth', peer: { name: 'x0' } }, /peer.name is the link's own name and both ends would be created in the same namespace/],
    ['peer named as the link, both in one netns', { name: 'x0', type: 'veth', netns: 'nlkit-nowhere', peer: { name: 'x0', netns: 'nlkit-nowhere' } }, /peer.name is the link's own name/],
    ['tap', { name: 'x0', type: 'tap' }, /cannot be created through rtnetlink/],
    ['mtu not an integer', { name: 'x0', type: 'ifb', mtu: 1500.5 }, /mtu must be an integer/],
    ['negative txqueuelen', { name: 'x0', type: 'ifb', txqueuelen: -1 }, /txqueuelen must be an integer from 0/],
    ['vxlan id too large', { name: 'x0', type: 'vxlan', id: 2 ** 24 }, /id must be an integer from 0 to 16777215/],
    ['vxlan without id', { name: 'x0', type: 'vxlan' }, /needs id/],
    ['vxlan mixed families', { name: 'x0', type: 'vxlan', id: 1, local: '10.0.0.1', remote: 'fd00::1' }, /must both be IPv4 or both IPv6/],
    ['vxlan unicast group', { name: 'x0', type: 'vxlan', id: 1, group: '10.0.0.1' }, /not a multicast address/],
    ['vxlan bad srcport', { name: 'x0', type: 'vxlan', id: 1, srcport: [20, 10] }, /max is below min/],
    ['macvlan without link', { name: 'x0', type: 'macvlan' }, /needs link/],
    ['macvlan bad mode', { name: 'x0', type: 'macvlan', link: 'v0', mode: 'weird' }, /mode must be one of/],
    ['typo in a bridge option', { name: 'x0', type: 'bridge', vlanfiltering: true }, /has no field "vlanfiltering"/],
    ['bridge priority out of range', { name: 'x0', type: 'bridge', priority: 70000 }, /priority must be an integer from 0 to 65535/],
    ['master of wrong type', { name: 'x0', type: 'ifb', master: {} }, /master must be an interface name or index/],
    ['bad netns name', { name: 'x0', type: 'ifb', netns: 'a/b' }, /must not contain "\/"/],
    ['alias too long', { name: 'x0', type: 'ifb', alias: 'a'.repeat(256) }, /alias is 256 bytes; the kernel allows at most 255/],
    ['not an object', 'ifb', /link spec must be an object/],
  ];
  for (const [what, spec, message] of badSpecs) {
    refuses(t, () => c.links.add(spec as LinkSpec), message, what);
    await t.rejects(c.links.addAsync(spec as LinkSpec), InvalidArgumentError, `${what} (async)`);
  }
  const badChanges: [string, LinkChanges, RegExp][] = [
    ['no changes', {}, /no changes given/],
    ['rename too long', { name: 'n'.repeat(16) }, /16 bytes/],
    ['bad MAC', { address: 'nope' }, /MAC address/],
    ['mtu negative', { mtu: -1 }, /mtu must be an integer/],
    ['unknown change', { colour: 'red' } as LinkChanges, /has no field "colour"/],
    ['master by name with netns', { netns: 'x', master: 'br0' }, /looks up its master in the new namespace/],
  ];
  for (const [what, changes, message] of badChanges) refuses(t, () => c.links.set('v0', changes), message, what);
  t.throws(() => c.links.set('bad/name', { up: true }), InvalidArgumentError);
  t.throws(() => c.links.get(-1), InvalidArgumentError);
  t.throws(() => c.links.delete(''), InvalidArgumentError);
  refuses(t, () => c.links.deleteGroup(0), /group 0 is the "default" group/, 'group 0');
  t.throws(() => c.links.deleteGroup(1.5), InvalidArgumentError);
  t.throws(() => c.links.list({ kind: 'veth' } as never), /has no field "kind"/);
  t.equal(c.sent(), sentBefore, 'not one request reached the kernel');
  // A namespace that does not exist is found out before sending, too.
  t.throws(() => c.links.add({ name: 'x0', type: 'veth', peer: { name: 'p0', netns: 'nlkt-no-such-ns' } }), NetnsNotFoundError);
  t.equal(c.sent(), sentBefore, 'still nothing sent');
});

t.test('set and delete of a missing link are LinkNotFoundError', async (t) => {
  if (!requireRoot(t)) return;
  const [ns] = testNetns(t, 1, 'missing');
  const c = openLinks(t, ns!);
  t.throws(() => c.links.set('ghost', { up: true }), { name: 'LinkNotFoundError', message: `link "ghost" does not exist in netns ${ns}` });
  t.throws(() => c.links.set(4242, { mtu: 1400 }), LinkNotFoundError);
  t.throws(() => c.links.set('ghost', { name: 'other' }), LinkNotFoundError, 'a rename looks the link up first');
  t.throws(() => c.links.add({ name: 'p0', type: 'veth', master: 'no-bridge', peer: { name: 'p1' } }), { name: 'LinkNotFoundError', message: /"no-bridge"/ });
});
