// route.get with the flow fields of `ip route get`: ipproto, sport, dport and
// uid choose between policy rules, so each answer shows the kernel read the
// field; `connected` looks up again from the first answer's source address.
// Every answer is compared with what `ip -j route get` prints for the same words.
import t from 'tap';
import { InvalidArgumentError } from '../../src/netlink/addresses.js';
import { NetlinkError } from '../../src/netlink/errors.js';
import { RouteLookupError, routeToIpJson, type RouteLookup } from '../../src/route/routes/index.js';
import { ip, ipJson, requireRoot, testNetns } from '../helpers/netns.js';
import { maskRouteJson } from '../helpers/volatile.js';
import { linkNames, services } from './addresses-routes-helpers.js';

const SETUP = [
  'link add v0 type veth peer name v1', 'link set v0 up', 'link set v1 up',
  'addr add 10.0.0.1/24 dev v0',
  'route add 10.9.0.0/16 via 10.0.0.2',
  'route add 10.9.0.0/16 via 10.0.0.3 table 100',
  'route add 10.9.0.0/16 via 10.0.0.4 table 101',
  'route add 10.9.0.0/16 via 10.0.0.5 table 102',
  'route add 10.9.0.0/16 via 10.0.0.6 table 103',
  'rule add ipproto tcp dport 80 lookup 100 pref 100',
  'rule add ipproto udp sport 1000-1010 lookup 101 pref 110',
  'rule add uidrange 500-600 lookup 102 pref 120',
  'rule add from 10.0.0.1 ipproto icmp lookup 103 pref 130',
];

/** [ip's words after `route get`, the lookup through nlkit, the gateway the rules pick] */
const LOOKUPS: readonly (readonly [string, RouteLookup, string])[] = [
  ['10.9.1.1', { to: '10.9.1.1' }, '10.0.0.2'],
  ['10.9.1.1 ipproto tcp dport 80', { to: '10.9.1.1', ipproto: 'tcp', dport: 80 }, '10.0.0.3'],
  ['10.9.1.1 ipproto 6 dport 80', { to: '10.9.1.1', ipproto: 6, dport: 80 }, '10.0.0.3'],
  ['10.9.1.1 ipproto tcp dport 81', { to: '10.9.1.1', ipproto: 'tcp', dport: 81 }, '10.0.0.2'],
  ['10.9.1.1 ipproto udp dport 80', { to: '10.9.1.1', ipproto: 'udp', dport: 80 }, '10.0.0.2'],
  ['10.9.1.1 ipproto udp sport 1005 dport 53', { to: '10.9.1.1', ipproto: 'udp', sport: 1005, dport: 53 }, '10.0.0.4'],
  ['10.9.1.1 uid 550', { to: '10.9.1.1', uid: 550 }, '10.0.0.5'],
  ['10.9.1.1 ipproto icmp', { to: '10.9.1.1', ipproto: 'icmp' }, '10.0.0.2'],
  ['10.9.1.1 ipproto icmp from 10.0.0.1', { to: '10.9.1.1', ipproto: 'icmp', from: '10.0.0.1' }, '10.0.0.6'],
  // connected: again from the source the first answer gives (10.0.0.1), which the icmp rule needs.
  ['10.9.1.1 ipproto icmp from 10.0.0.1', { to: '10.9.1.1', ipproto: 'icmp', connected: true }, '10.0.0.6'],
  ['10.9.1.1 ipproto icmp from 10.0.0.1', { to: '10.9.1.1', ipproto: 'icmp', from: '10.0.0.1', connected: true }, '10.0.0.6'],
];

t.test('ipproto, sport, dport, uid, connected: the answer ip prints', async (t) => {
  if (!requireRoot(t)) return;
  const [ns] = testNetns(t, 1, 'getflow');
  for (const line of SETUP) ip(ns!, ...line.split(' '));
  const s = services(t, ns!);
  for (const [words, lookup, gateway] of LOOKUPS) {
    const theirs = maskRouteJson(ipJson<Record<string, unknown>[]>(ns!, 'route', 'get', ...words.split(' ')));
    t.equal(theirs[0]!.gateway, gateway, `ip: ${words} goes via ${gateway}`);
    const names = linkNames(ns!);
    const mine = routeToIpJson(s.route.get(lookup), names, { details: false, showTable: true });
    t.same(maskRouteJson([mine]), theirs, `get(${JSON.stringify(lookup)})`);
    const async = routeToIpJson(await s.route.getAsync(lookup), names, { details: false, showTable: true });
    t.same(maskRouteJson([async]), theirs, `getAsync(${JSON.stringify(lookup)})`);
  }
});

t.test('flow fields: bad values refused before sending, the kernel\'s refusals typed', async (t) => {
  if (!requireRoot(t)) return;
  const [ns] = testNetns(t, 1, 'getflowbad');
  for (const line of SETUP) ip(ns!, ...line.split(' '));
  ip(ns!, 'route', 'add', '10.98.0.0/16', 'dev', 'v1');
  ip(ns!, 'addr', 'del', '10.0.0.1/24', 'dev', 'v0');
  const s = services(t, ns!);
  for (const lookup of [
    { sport: 70000 }, { dport: -1 }, { sport: 1.5 }, { ipproto: 'bogus' }, { ipproto: 256 }, { connected: 'yes' },
  ]) {
    t.throws(() => s.route.get({ to: '10.9.1.1', ...lookup } as RouteLookup), InvalidArgumentError, JSON.stringify(lookup));
  }
  // The kernel takes TCP, UDP and ICMP only: ip prints "Error: Unsupported ip proto." for the same.
  let refused: unknown;
  try {
    s.route.get({ to: '10.9.1.1', ipproto: 'sctp' });
  } catch (error) {
    refused = error;
  }
  t.ok(refused instanceof NetlinkError, 'NetlinkError');
  t.match(refused, { code: 'EOPNOTSUPP', extack: { message: 'Unsupported ip proto' } });
  t.throws(() => ip(ns!, 'route', 'get', '10.9.1.1', 'ipproto', 'sctp'), /Unsupported ip proto/, 'ip is refused alike');
  // With no address left in the namespace, nothing to connect from (ip: "Failed to connect the route").
  t.throws(() => s.route.get({ to: '10.98.0.1', connected: true }), RouteLookupError);
  await t.rejects(s.route.getAsync({ to: '10.98.0.1', connected: true }), RouteLookupError);
  t.match(s.route.get({ to: '10.98.0.1' }), { dst: '10.98.0.1' }, 'the same lookup without connected');
});
