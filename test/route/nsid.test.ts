import t, { type Test } from 'tap';
import { NETLINK_ROUTE } from '../../src/generated/netlink.js';
import { RTM_GETNSID, RTM_NEWNSID } from '../../src/generated/rtnetlink.js';
import { InvalidArgumentError } from '../../src/netlink/addresses.js';
import { describeMessage } from '../../src/netlink/debug.js';
import { NetlinkError } from '../../src/netlink/errors.js';
import { NetnsNotFoundError, openNetns } from '../../src/netns/index.js';
import {
  decodeNetnsId, decodeNsidMessage, encodeNsid, netnsIdsToIpJson, nsidAttributeName, NsidService, type NetnsId,
} from '../../src/route/nsid/index.js';
import { openNlkitFds } from '../helpers/fds.js';
import { ip, ipJson, requireRoot, testNetns } from '../helpers/netns.js';
import { openCountingContext, tripwireContext } from '../helpers/counting-socket.js';
import { asMessage, encodePayload, messageOf, payloadOf, readFixture } from './codec-helpers.js';

const fixture = readFixture('route/nsid/nsid.json');
const fixtureNames = new Map<number, string>(Object.entries(fixture.names as Record<string, string>).map(([id, name]) => [Number(id), name]));
const decodeAll = (hexes: string[]) => hexes.map((hex) => decodeNetnsId(messageOf(hex)));

t.test('fixtures: kernel replies decode to what ip -j netns list-id prints', async (t) => {
  t.strictSame(netnsIdsToIpJson(decodeAll(fixture.list.messages), fixtureNames), fixture.list.ip, 'list-id');
  t.strictSame(netnsIdsToIpJson(decodeAll(fixture.target.messages), fixtureNames), fixture.target.ip, `list-id target-nsid ${fixture.target.targetNsid}`);
  t.strictSame(decodeAll(fixture.target.messages), [{ nsid: 3, currentNsid: 0, unknown: [] }, { nsid: 8, currentNsid: -1, unknown: [] }]);
  t.strictSame(decodeAll(fixture.get.messages), [{ nsid: fixture.get.nsid, unknown: [] }], 'the reply to RTM_GETNSID by fd');
});

t.test('fixtures: replies re-encode to the kernel bytes; requests decode back', async (t) => {
  for (const hex of [...fixture.list.messages, ...fixture.target.messages, ...fixture.get.messages]) {
    const message = messageOf(hex);
    t.strictSame(encodePayload(encodeNsid, decodeNsidMessage(message)), payloadOf(message));
  }
  const request = { nsid: -1, fd: 7, pid: 42, targetNsid: 3, unknown: [{ type: 77, nested: false, data: Buffer.from('abcd') }] };
  t.strictSame(decodeNsidMessage(asMessage(RTM_NEWNSID, encodePayload(encodeNsid, request))), request);
  t.strictSame(decodeNetnsId(asMessage(RTM_NEWNSID, encodePayload(encodeNsid, { fd: 3 }))), { nsid: -1, unknown: [{ type: 3, nested: false, data: Buffer.from([3, 0, 0, 0]) }] },
    'a reply without NETNSA_NSID reads as unassigned; what a reply should not carry is kept');
  t.equal(nsidAttributeName([3]), 'NETNSA_FD');
  t.equal(nsidAttributeName([1]), 'NETNSA_NSID');
});

t.test('netnsIdsToIpJson follows iproute2\'s name cache', async (t) => {
  const names = new Map([[0, 'alpha'], [2, 'beta']]);
  const ids: NetnsId[] = [
    { nsid: 4, currentNsid: 0, unknown: [] }, // named by its current nsid
    { nsid: 2, currentNsid: 0, unknown: [] }, // that name is used up: falls back to its own nsid
    { nsid: 0, currentNsid: -1, unknown: [] }, // no current nsid: by nsid
    { nsid: 9, unknown: [] }, // nobody's
  ];
  t.strictSame(netnsIdsToIpJson(ids, names), [
    { nsid: 4, 'current-nsid': 0, name: 'alpha' },
    { nsid: 2, 'current-nsid': 0, name: 'beta' },
    { nsid: 0, name: 'alpha' },
    { nsid: 9 },
  ]);
  t.strictSame(netnsIdsToIpJson([{ nsid: 1, unknown: [] }]), [{ nsid: 1 }], 'names are optional');
});

t.test('bad input is refused before anything is sent', async (t) => {
  const nsid = new NsidService(tripwireContext());
  const bad: [string, () => unknown, RegExp][] = [
    ['negative id', () => nsid.set('x', -1), /nsid must be an integer from 0 to 2147483647/],
    ['fraction', () => nsid.set('x', 1.5), /nsid must be an integer/],
    ['too big', () => nsid.set('x', 2 ** 31), /nsid must be an integer/],
    ['not auto', () => nsid.set('x', 'any' as never), /nsid must be an integer 0-2147483647 or 'auto'/],
    ['bad name', () => nsid.set('a/b', 1), /must not contain "\/"/],
    ['bad pid', () => nsid.get({ pid: -4 }), /pid must be a positive integer/],
    ['bad ref', () => nsid.get(42 as never), /netns must be a namespace reference/],
    ['target', () => nsid.list({ targetNsid: -1 }), /targetNsid must be an integer from 0/],
    ['filter key', () => nsid.list({ target: 1 } as never), /has no option "target"/],
  ];
  for (const [name, run, message] of bad) t.throws(run, { name: 'InvalidArgumentError', message }, name);
  t.throws(() => nsid.get('nlkt-no-such-namespace'), NetnsNotFoundError, 'a missing namespace is reported before sending');
  await t.rejects(nsid.setAsync('x', -2), InvalidArgumentError);
  await t.rejects(nsid.listAsync({ targetNsid: 'one' } as never), InvalidArgumentError);
});

t.test('debug output names nsid messages', async (t) => {
  t.match(describeMessage(NETLINK_ROUTE, messageOf(fixture.target.messages[0])), /^RTM_NEWNSID nsid 3 current-nsid 0 /);
  t.match(describeMessage(NETLINK_ROUTE, asMessage(RTM_GETNSID, encodePayload(encodeNsid, { fd: 9 }))), /^RTM_GETNSID fd 9 /);
});

// ---- against the kernel ------------------------------------------------------


function setup(t: Test) {
  const [a, b, c, d] = testNetns(t, 4, 'nsid') as [string, string, string, string];
  const ctx = openCountingContext(t, a);
  return { a, b, c, d, ctx, nsid: new NsidService(ctx) };
}

/** id → name of the test's namespaces, as iproute2 builds it from /run/netns for `list-id`. */
function namesOf(nsid: NsidService, namespaces: string[]): Map<number, string> {
  const names = new Map<number, string>();
  for (const name of namespaces) {
    const id = nsid.get(name);
    if (id !== undefined) names.set(id, name);
  }
  return names;
}

t.test('kernel: ids set by nlkit read back the same through nlkit and ip', async (t) => {
  if (!requireRoot(t)) return;
  const { a, b, c, d, nsid } = setup(t);
  const fds = openNlkitFds();
  t.equal(nsid.set(b, 5), 5);
  const auto = nsid.set({ path: `/run/netns/${c}` }, 'auto');
  t.equal(auto, 0, 'the kernel picks the lowest free id');
  t.equal(openNlkitFds(), fds, 'namespace fds are closed afterwards');
  t.equal(nsid.get(b), 5);
  t.equal(nsid.get({ name: c }), auto);
  t.equal(nsid.get(d), undefined, 'no id yet');
  t.match(ip(a, 'netns', 'list-id'), /nsid 5 \(iproute2 netns name: /);

  const names = namesOf(nsid, [b, c, d]);
  t.strictSame(netnsIdsToIpJson(nsid.list(), names), ipJson(a, 'netns', 'list-id'), 'list() is ip netns list-id');
  t.strictSame(nsid.list(), [{ nsid: 0, unknown: [] }, { nsid: 5, unknown: [] }]);

  // B's own table, seen from A through B's id.
  const inB = new NsidService(openCountingContext(t, b));
  t.equal(inB.set(c, 3), 3);
  t.equal(inB.set(a, 8), 8);
  t.strictSame(netnsIdsToIpJson(nsid.list({ targetNsid: 5 }), names), ipJson(a, 'netns', 'list-id', 'target-nsid', '5'), 'target-nsid');
  t.strictSame(nsid.list({ targetNsid: 5 }).map((e) => [e.nsid, e.currentNsid]), [[3, auto], [8, -1]]);

  // A caller's own fd is used and left open.
  const handle = openNetns(d);
  t.teardown(() => handle.close());
  const withHandle = openNlkitFds();
  t.equal(nsid.set({ fd: handle.fd }, 'auto'), 1);
  t.equal(nsid.get({ fd: handle.fd }), 1);
  t.equal(openNlkitFds(), withHandle, 'the caller\'s fd stays open, nothing else is left open');
  t.equal(nsid.get({ fd: handle.fd }), 1, 'and still works');
});

t.test('kernel: errors name the operation, the object and the attribute', async (t) => {
  if (!requireRoot(t)) return;
  const { a, b, d, ctx, nsid } = setup(t);
  nsid.set(b, 5);
  const fds = openNlkitFds();
  const taken = t.throws(() => nsid.set(b, 9)) as NetlinkError;
  t.type(taken, NetlinkError);
  t.match(taken, { code: 'EEXIST', operation: 'set nsid', object: `9 for netns ${b} in netns ${a}`, attribute: 'NETNSA_FD' });
  t.match(taken.message, /Peer netns already has a nsid assigned \(at NETNSA_FD\)/);
  t.throws(() => nsid.set(d, 5), { code: 'EEXIST', attribute: 'NETNSA_NSID', message: /The specified nsid is already used/ });
  t.equal(openNlkitFds(), fds, 'fds are closed on failure too');
  t.throws(() => nsid.list({ targetNsid: 77 }), NetlinkError, 'an unknown target id');
  const sent = ctx.sent();
  t.throws(() => nsid.set(d, -5), InvalidArgumentError);
  t.equal(ctx.sent(), sent, 'a refused id sends nothing');
});

t.test('kernel: async forms', async (t) => {
  if (!requireRoot(t)) return;
  const { a, b, c, nsid } = setup(t);
  const fds = openNlkitFds();
  t.equal(await nsid.setAsync(b, 'auto'), 0);
  t.equal(await nsid.setAsync(c, 12), 12);
  await t.rejects(nsid.setAsync(c, 13), { code: 'EEXIST', attribute: 'NETNSA_FD' });
  t.equal(await nsid.getAsync(b), 0);
  t.equal(await nsid.getAsync(a), undefined, 'a namespace has no id for itself');
  t.strictSame(netnsIdsToIpJson(await nsid.listAsync(), namesOf(nsid, [b, c])), ipJson(a, 'netns', 'list-id'));
  t.equal(openNlkitFds(), fds);
});
