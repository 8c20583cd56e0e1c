// The public API as plain JavaScript can call it: wrong types, wrong shapes,
// missing arguments, NaN, out-of-range integers, unknown kinds. Every entry
// point must refuse them with nlkit's InvalidArgumentError naming the argument
// (never a TypeError or RangeError from inside nlkit), Async forms must reject
// rather than throw, and nothing may reach the kernel: the sockets count what
// is sent and the namespace's state is compared before and after.
import { execFileSync } from 'node:child_process';
import t, { type Test } from 'tap';
import { NETLINK_NETFILTER, NETLINK_ROUTE } from '../../src/generated/netlink.js';
import * as nl from '../../src/index.js';
import {
  InvalidArgumentError, NftablesConnection, RouteConnection, rule, parseRule, openRoute, openNftables,
} from '../../src/index.js';
import { openCountingSocket } from '../helpers/counting-socket.js';
import { ip, requireRoot, testNetns } from '../helpers/netns.js';
import { nft, nftLoad } from '../nftables/helpers.js';

/** One refused call: what it is, the call, and what the message must name. */
interface Refusal {
  what: string;
  call: () => unknown;
  names: RegExp;
}

/** How a value reads in a case name. */
function show(value: unknown): string {
  if (typeof value === 'function') return 'a function';
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'bigint') return `${value}n`;
  if (Number.isNaN(value)) return 'NaN';
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}

/** One case per bad value: `make(value)` calls the entry point with it. */
function each(what: string, values: readonly unknown[], names: RegExp, make: (value: any) => unknown): Refusal[] {
  return values.map((value) => ({ what: `${what} with ${show(value)}`, call: () => make(value), names }));
}

/** The same cases for a method and its `...Async` twin. */
function both(target: any, method: string, what: string, values: readonly unknown[], names: RegExp, args: (value: any) => unknown[]): Refusal[] {
  return [
    ...each(`${what}`, values, names, (v) => target[method](...args(v))),
    ...each(what.replace(`${method}(`, `${method}Async(`), values, names, (v) => target[`${method}Async`](...args(v))),
  ];
}

// ---- bad values, by what the argument should have been ------------------------------

/** For an object argument that is required. */
const NOT_OBJECTS = ['pod1', null, undefined, 42, NaN, true, [], () => {}];
/** For an optional options object: undefined means "defaults", anything else that is not an object is refused. */
const NOT_OPTIONS = ['pod1', null, 42, NaN, true, [], () => {}];
const NOT_ARRAYS = ['10.0.0.1/24', null, undefined, 42, {}, true];
const NOT_LINK_REFS = [null, undefined, {}, [], true, NaN, -1, 0, 1.5, 2 ** 31, Infinity, '', 'x'.repeat(16), 'a b', 'a/b', 'a:b'];
const NOT_U32 = ['1', NaN, -1, 1.5, Infinity, null, {}, [], 2 ** 32, true];
const NOT_STRINGS = [5, null, {}, [], true, NaN];
const NOT_NETNS_REFS = [5, null, true, [], {}, '', 'a/b', '..', { name: 5 }, { name: '' }, { pid: 'x' }, { pid: 0 }, { fd: -1 }, { fd: 1.5 }, { path: '' }, { path: 5 }];
const NOT_FAMILIES = ['ipv4', 'toString', 'constructor', 5, null, {}, ''];

/**
 * Runs every case: the error must be an InvalidArgumentError naming the
 * argument; an `...Async` form must return a rejected promise, never throw;
 * and no request may be sent.
 */
async function expectRefusals(t: Test, cases: readonly Refusal[], sent: () => number): Promise<void> {
  for (const c of cases) {
    const before = sent();
    const isAsync = /Async\b/.test(c.what);
    let thrown: unknown;
    let returned: unknown;
    let threwSynchronously = false;
    try {
      returned = c.call();
    } catch (error) {
      thrown = error;
      threwSynchronously = true;
    }
    if (returned instanceof Promise) {
      try {
        await returned;
      } catch (error) {
        thrown = error;
      }
    }
    const error = thrown as Error | undefined;
    const ok = error instanceof InvalidArgumentError && c.names.test(error.message) && sent() === before && !(isAsync && threwSynchronously);
    if (ok) {
      t.pass(c.what);
      continue;
    }
    t.fail(c.what, {
      got: error === undefined ? `no error (returned ${show(returned)})` : `${error.name}: ${error.message}`,
      wanted: `InvalidArgumentError matching ${c.names}`,
      ...(isAsync && threwSynchronously ? { async: 'threw synchronously instead of rejecting' } : {}),
      ...(sent() !== before ? { sent: sent() - before } : {}),
    });
  }
}

/** What `ip` and `nft` show of a namespace: must not change while bad calls are refused. */
function snapshot(netns: string): string {
  return [
    ip(netns, '-j', 'link', 'show'),
    ip(netns, '-j', 'addr', 'show'),
    ip(netns, '-j', 'route', 'show', 'table', 'all'),
    ip(netns, '-j', 'rule', 'show'),
    ip(netns, '-j', 'neigh', 'show'),
    ip(netns, '-j', 'netns', 'list-id'),
    nft(netns, 'list', 'ruleset'),
  ].join('\n');
}

/** A namespace with something for a wrongly defaulted call to break: links, an address, a table with a chain and a set. */
function populated(t: Test): string {
  const [ns] = testNetns(t, 1, 'js');
  ip(ns!, 'link', 'set', 'lo', 'up');
  ip(ns!, 'link', 'add', 'v0', 'type', 'veth', 'peer', 'name', 'v1');
  ip(ns!, 'link', 'set', 'v0', 'up');
  ip(ns!, 'addr', 'add', '10.0.0.1/24', 'dev', 'v0');
  nftLoad(ns!, 'table inet t {\n\tset s {\n\t\ttype ipv4_addr\n\t}\n\tchain c {\n\t}\n}\n');
  return ns!;
}

const unhandled: unknown[] = [];
const onUnhandled = (reason: unknown) => unhandled.push(reason);
process.on('unhandledRejection', onUnhandled);
t.teardown(() => process.off('unhandledRejection', onUnhandled));

// ---- rtnetlink ------------------------------------------------------------------------

function routeCases(rt: RouteConnection): Refusal[] {
  const veth = (extra: object) => ({ type: 'veth', name: 'vx', peer: { name: 'vy' }, ...extra });
  const address = (extra: object) => ({ dev: 'v0', address: '10.0.0.9/24', ...extra });
  const route = (extra: object) => ({ dst: '10.9.0.0/16', dev: 'v0', ...extra });
  const neighbour = (extra: object) => ({ dev: 'v0', address: '10.0.0.7', lladdr: '02:00:00:00:00:07', ...extra });
  return [
    // links
    ...both(rt.link, 'add', 'link.add(spec)', NOT_OBJECTS, /link spec/, (v) => [v]),
    ...both(rt.link, 'add', 'link.add(spec) name', NOT_STRINGS, /\bname\b/, (v) => [veth({ name: v })]),
    ...both(rt.link, 'add', 'link.add(spec) type', ['nope', 5, null, undefined, {}, 'toString'], /type|kind/, (v) => [{ type: v, name: 'vx' }]),
    ...both(rt.link, 'add', 'link.add(spec) mtu', NOT_U32, /\bmtu\b/, (v) => [veth({ mtu: v })]),
    ...both(rt.link, 'add', 'link.add(spec) up', ['yes', 1, null, {}], /\bup\b/, (v) => [veth({ up: v })]),
    ...both(rt.link, 'add', 'link.add(spec) netns', NOT_NETNS_REFS.filter((v) => v !== null), /netns/, (v) => [veth({ netns: v })]),
    ...both(rt.link, 'add', 'link.add(spec) master', [null, {}, [], NaN, -1, ''], /master/, (v) => [veth({ master: v })]),
    ...both(rt.link, 'add', 'link.add(spec) peer', ['vy', 5, null, [], { name: 5 }, { name: 'vy', mtu: 'big' }], /peer/, (v) => [veth({ peer: v })]),
    ...both(rt.link, 'add', 'link.add(spec) address', [5, 'zz:00:00:00:00:01', null, {}], /address/, (v) => [veth({ address: v })]),
    ...both(rt.link, 'add', 'link.add(spec) unknown field', ['x'], /peername/, (v) => [veth({ peername: v })]),
    ...both(rt.link, 'add', 'link.add(bridge spec)', ['on', 5, null], /stp/, (v) => [{ type: 'bridge', name: 'bx', stp: v }]),
    ...both(rt.link, 'add', 'link.add(vxlan spec)', ['x', -1, 2 ** 24, null], /\bid\b|vni/, (v) => [{ type: 'vxlan', name: 'vxl', id: v }]),
    ...both(rt.link, 'add', 'link.add(macvlan spec)', ['sideways', 5, null], /mode/, (v) => [{ type: 'macvlan', name: 'mv', link: 'v0', mode: v }]),
    ...both(rt.link, 'set', 'link.set(dev)', NOT_LINK_REFS, /\bdev\b/, (v) => [v, { up: true }]),
    ...both(rt.link, 'set', 'link.set(dev, changes)', NOT_OBJECTS, /changes/, (v) => ['v0', v]),
    ...both(rt.link, 'set', 'link.set(dev, changes) mtu', NOT_U32, /\bmtu\b/, (v) => ['v0', { mtu: v }]),
    ...both(rt.link, 'set', 'link.set(dev, changes) unknown field', ['pod1'], /nets/, (v) => ['v0', { nets: v }]),
    ...both(rt.link, 'set', 'link.set(dev, changes) netns', NOT_NETNS_REFS.filter((v) => v !== undefined), /netns/, (v) => ['v1', { netns: v }]),
    ...both(rt.link, 'delete', 'link.delete(dev)', NOT_LINK_REFS, /\bdev\b/, (v) => [v]),
    ...both(rt.link, 'deleteGroup', 'link.deleteGroup(group)', [...NOT_U32, 0], /group/, (v) => [v]),
    ...both(rt.link, 'get', 'link.get(dev)', NOT_LINK_REFS, /\bdev\b/, (v) => [v]),
    ...both(rt.link, 'list', 'link.list(filter)', NOT_OPTIONS, /filter/, (v) => [v]),
    ...both(rt.link, 'list', 'link.list(filter) type', [5, null, '', {}], /type/, (v) => [{ type: v }]),
    ...both(rt.link, 'list', 'link.list(filter) master', [null, {}, NaN, ''], /master/, (v) => [{ master: v }]),
    ...both(rt.link, 'list', 'link.list(filter) unknown field', ['veth'], /kind/, (v) => [{ kind: v }]),
    // addresses
    ...['add', 'replace', 'delete'].flatMap((m) => [
      ...both(rt.addr, m, `addr.${m}(spec)`, NOT_OBJECTS, /address spec/, (v) => [v]),
      ...both(rt.addr, m, `addr.${m}(spec) dev`, NOT_LINK_REFS, /\bdev\b/, (v) => [address({ dev: v })]),
      ...both(rt.addr, m, `addr.${m}(spec) address`, [...NOT_STRINGS, undefined, '10.0.0.300/24', '10.0.0.1/33'], /address/, (v) => [address({ address: v })]),
      ...both(rt.addr, m, `addr.${m}(spec) label`, [5, '', {}, 'x'.repeat(16)], /label/, (v) => [address({ label: v })]),
      ...both(rt.addr, m, `addr.${m}(spec) scope`, [{}, [], 'galaxy', -1, 256], /scope/, (v) => [address({ scope: v })]),
      ...both(rt.addr, m, `addr.${m}(spec) metric`, NOT_U32, /metric/, (v) => [address({ metric: v })]),
      ...both(rt.addr, m, `addr.${m}(spec) validLifetime`, ['5', -1, NaN, {}], /validLifetime/, (v) => [address({ validLifetime: v })]),
      ...both(rt.addr, m, `addr.${m}(spec) flags`, ['nodad', 5, { nodad: 'yes' }, [5]], /flag/, (v) => [address({ flags: v })]),
      ...both(rt.addr, m, `addr.${m}(spec) broadcast`, [5, {}, '10.0.0.255/24'], /broadcast/, (v) => [address({ broadcast: v })]),
      ...both(rt.addr, m, `addr.${m}(spec) unknown field`, ['v0'], /device/, (v) => [address({ device: v })]),
    ]),
    ...['addMany', 'deleteMany'].flatMap((m) => [
      ...both(rt.addr, m, `addr.${m}(specs)`, NOT_ARRAYS, /specs/, (v) => [v]),
      ...both(rt.addr, m, `addr.${m}(specs) element`, [null, 5, 'x', address({ dev: null })], /specs\[1\]/, (v) => [[address({}), v]]),
    ]),
    ...['list', 'flush'].flatMap((m) => [
      ...both(rt.addr, m, `addr.${m}(filter)`, NOT_OPTIONS, /filter/, (v) => [v]),
      ...both(rt.addr, m, `addr.${m}(filter) dev`, [null, {}, NaN, 0, ''], /\bdev\b/, (v) => [{ dev: v }]),
      ...both(rt.addr, m, `addr.${m}(filter) family`, ['4', 5, null, 'inet'], /family/, (v) => [{ family: v }]),
    ]),
    ...both(rt.addr, 'flush', 'addr.flush(filter) label', [5, '', {}], /label/, (v) => [{ label: v }]),
    ...both(rt.addr, 'flush', 'addr.flush(filter) scope', ['galaxy', {}, -1], /scope/, (v) => [{ scope: v }]),
    // routes
    ...['add', 'replace', 'append', 'delete'].flatMap((m) => [
      ...both(rt.route, m, `route.${m}(spec)`, NOT_OBJECTS, /route spec/, (v) => [v]),
      ...both(rt.route, m, `route.${m}(spec) dst`, [5, null, undefined, {}, '10.9.0.0/99', 'nowhere'], /\bdst\b/, (v) => [route({ dst: v })]),
      ...both(rt.route, m, `route.${m}(spec) gateway`, [5, {}, 'gw', 'fd00::1'], /gateway/, (v) => [route({ dev: undefined, gateway: v })]),
      ...both(rt.route, m, `route.${m}(spec) dev`, NOT_LINK_REFS.filter((v) => v !== undefined), /\bdev\b/, (v) => [route({ dev: v })]),
      ...both(rt.route, m, `route.${m}(spec) table`, [{}, [], -1, 'nope', NaN], /table/, (v) => [route({ table: v })]),
      ...both(rt.route, m, `route.${m}(spec) metric`, NOT_U32, /metric/, (v) => [route({ metric: v })]),
      ...both(rt.route, m, `route.${m}(spec) type`, ['nope', {}, -1], /type/, (v) => [route({ type: v })]),
      ...both(rt.route, m, `route.${m}(spec) protocol`, [[], {}, 'nope', 256], /protocol/, (v) => [route({ protocol: v })]),
      ...both(rt.route, m, `route.${m}(spec) nexthops`, ['x', [], [null], [{ gateway: 5 }], [{ dev: {} }], [{ dev: 'v0', weight: 0 }]], /nexthops/, (v) => [route({ dev: undefined, nexthops: v })]),
      ...both(rt.route, m, `route.${m}(spec) metrics`, ['x', 5, [], { mtu: 'big' }, { nope: 1 }], /metric|mtu|nope/, (v) => [route({ metrics: v })]),
      ...both(rt.route, m, `route.${m}(spec) onlink`, ['yes', 1, null], /onlink/, (v) => [route({ onlink: v })]),
      ...both(rt.route, m, `route.${m}(spec) unknown field`, ['10.0.0.2'], /\bvia\b/, (v) => [route({ via: v })]),
    ]),
    ...['addMany', 'deleteMany'].flatMap((m) => [
      ...both(rt.route, m, `route.${m}(specs)`, NOT_ARRAYS, /specs/, (v) => [v]),
      ...both(rt.route, m, `route.${m}(specs) element`, [null, 5, route({ dst: null })], /specs\[1\]/, (v) => [[route({}), v]]),
    ]),
    ...both(rt.route, 'get', 'route.get(lookup)', NOT_OBJECTS, /lookup/, (v) => [v]),
    ...both(rt.route, 'get', 'route.get(lookup) to', [5, null, undefined, {}, '10.0.0.0/8'], /\bto\b/, (v) => [{ to: v }]),
    ...both(rt.route, 'get', 'route.get(lookup) iif', [null, {}, NaN, ''], /\biif\b/, (v) => [{ to: '10.0.0.2', iif: v }]),
    ...both(rt.route, 'get', 'route.get(lookup) mark', NOT_U32, /mark/, (v) => [{ to: '10.0.0.2', mark: v }]),
    ...both(rt.route, 'list', 'route.list(filter)', NOT_OPTIONS, /filter/, (v) => [v]),
    ...both(rt.route, 'list', 'route.list(filter) table', [{}, [], -1, 'nope'], /table/, (v) => [{ table: v }]),
    ...both(rt.route, 'list', 'route.list(filter) family', ['inet', 5], /family/, (v) => [{ family: v }]),
    ...both(rt.route, 'list', 'route.list(filter) dev', [null, NaN, {}], /\bdev\b/, (v) => [{ dev: v }]),
    // neighbours
    ...['add', 'replace', 'delete'].flatMap((m) => [
      ...both(rt.neigh, m, `neigh.${m}(spec)`, NOT_OBJECTS, /neighbou?r spec/, (v) => [v]),
      ...both(rt.neigh, m, `neigh.${m}(spec) dev`, NOT_LINK_REFS, /\bdev\b/, (v) => [neighbour({ dev: v })]),
      ...both(rt.neigh, m, `neigh.${m}(spec) address`, [...NOT_STRINGS, undefined, '10.0.0.0/24'], /address/, (v) => [neighbour({ address: v })]),
      ...both(rt.neigh, m, `neigh.${m}(spec) lladdr`, [5, {}, 'zz'], /lladdr|MAC/, (v) => [neighbour({ lladdr: v })]),
      ...both(rt.neigh, m, `neigh.${m}(spec) state`, ['nope', 5, {}], /state/, (v) => [neighbour({ state: v })]),
      ...both(rt.neigh, m, `neigh.${m}(spec) router`, ['yes', 1], /router/, (v) => [neighbour({ router: v })]),
    ]),
    ...both(rt.neigh, 'get', 'neigh.get(query)', NOT_OBJECTS, /query|neighbou?r/, (v) => [v]),
    ...both(rt.neigh, 'get', 'neigh.get(query) address', [null, 5, {}], /address/, (v) => [{ dev: 'v0', address: v }]),
    ...['list', 'flush'].flatMap((m) => [
      ...both(rt.neigh, m, `neigh.${m}(filter)`, NOT_OPTIONS, /filter/, (v) => [v]),
      ...both(rt.neigh, m, `neigh.${m}(filter) state`, [5, 'nope', {}, [5]], /state/, (v) => [{ state: v }]),
      ...both(rt.neigh, m, `neigh.${m}(filter) proxy`, ['yes', 1], /proxy/, (v) => [{ proxy: v }]),
      ...both(rt.neigh, m, `neigh.${m}(filter) dev`, [[], NaN, null], /\bdev\b/, (v) => [{ dev: v }]),
    ]),
    // bridge fdb
    ...['add', 'append', 'replace', 'delete'].flatMap((m) => [
      ...both(rt.fdb, m, `fdb.${m}(spec)`, NOT_OBJECTS, /fdb spec/, (v) => [v]),
      ...both(rt.fdb, m, `fdb.${m}(spec) dev`, NOT_LINK_REFS, /\bdev\b/, (v) => [{ dev: v, mac: '02:00:00:00:00:01' }]),
      ...both(rt.fdb, m, `fdb.${m}(spec) mac`, [undefined, 5, {}, 'zz', '02:00:00:00:00'], /\bmac\b/, (v) => [{ dev: 'v0', mac: v }]),
      ...both(rt.fdb, m, `fdb.${m}(spec) vni`, ['1', NaN, -1, 1.5, 2 ** 24, null], /\bvni\b/, (v) => [{ dev: 'v0', mac: '02:00:00:00:00:01', vni: v }]),
      ...both(rt.fdb, m, `fdb.${m}(spec) master`, ['yes', 1, null], /master/, (v) => [{ dev: 'v0', mac: '02:00:00:00:00:01', master: v }]),
    ]),
    ...both(rt.fdb, 'list', 'fdb.list(filter)', NOT_OPTIONS, /filter/, (v) => [v]),
    ...both(rt.fdb, 'list', 'fdb.list(filter) vlan', [0, 4095, 'x', null], /vlan/, (v) => [{ vlan: v }]),
    // tun/tap, alternative names, port options, protodown reasons
    ...both(rt.link, 'addTunTap', 'link.addTunTap(spec)', NOT_OBJECTS, /tun\/tap spec/, (v) => [v]),
    ...both(rt.link, 'addTunTap', 'link.addTunTap(spec) mode', ['nope', 5, null, undefined], /mode/, (v) => [{ name: 'tap9', mode: v }]),
    ...both(rt.link, 'addAltName', 'link.addAltName(dev)', NOT_LINK_REFS, /\bdev\b/, (v) => [v, 'alt']),
    ...both(rt.link, 'addAltName', 'link.addAltName(dev, name)', [...NOT_STRINGS, '', 'a b', 'x'.repeat(128)], /altname/, (v) => ['v0', v]),
    ...both(rt.link, 'set', 'link.set(dev, changes) bridgePort', ['on', 5, null, [], { hairpin: 'on' }, { cost: 0 }], /bridgePort/, (v) => ['v0', { bridgePort: v }]),
    ...both(rt.link, 'set', 'link.set(dev, changes) protodownReason', ['x', 5, null, { 32: true }, { 3: 'on' }], /protodownReason/, (v) => ['v0', { protodownReason: v }]),
    // rules
    ...['add', 'delete'].flatMap((m) => [
      ...both(rt.rule, m, `rule.${m}(spec)`, NOT_OBJECTS, /rule spec/, (v) => [v]),
      ...both(rt.rule, m, `rule.${m}(spec) priority`, NOT_U32, /priority/, (v) => [{ priority: v, table: 100 }]),
      ...both(rt.rule, m, `rule.${m}(spec) from`, [5, {}, 'x'], /\bfrom\b/, (v) => [{ from: v, table: 100 }]),
      ...both(rt.rule, m, `rule.${m}(spec) table`, [{}, 'nope', -1], /table/, (v) => [{ table: v }]),
      ...both(rt.rule, m, `rule.${m}(spec) iif`, [5, {}, 'a/b'], /\biif\b/, (v) => [{ iif: v, table: 100 }]),
      ...both(rt.rule, m, `rule.${m}(spec) action`, ['nope', 5], /action/, (v) => [{ action: v }]),
      ...both(rt.rule, m, `rule.${m}(spec) sport`, ['x', [1], [0, 5], {}], /sport/, (v) => [{ sport: v, table: 100 }]),
      ...both(rt.rule, m, `rule.${m}(spec) not`, ['yes', 1], /\bnot\b/, (v) => [{ not: v, table: 100 }]),
    ]),
    ...both(rt.rule, 'list', 'rule.list(filter)', NOT_OPTIONS, /filter/, (v) => [v]),
    ...both(rt.rule, 'list', 'rule.list(filter) family', [5, '4', 'inet'], /family/, (v) => [{ family: v }]),
    // namespace ids
    ...both(rt.nsid, 'set', 'nsid.set(netns)', NOT_NETNS_REFS, /netns/, (v) => [v, 5]),
    ...both(rt.nsid, 'set', 'nsid.set(netns, id)', ['5', null, undefined, -1, NaN, {}, 'automatic', 2 ** 31], /nsid|\bid\b/, (v) => ['lo-ns', v]),
    ...both(rt.nsid, 'get', 'nsid.get(netns)', NOT_NETNS_REFS, /netns/, (v) => [v]),
    ...both(rt.nsid, 'list', 'nsid.list(filter)', NOT_OPTIONS, /filter/, (v) => [v]),
    ...both(rt.nsid, 'list', 'nsid.list(filter) targetNsid', NOT_U32, /targetNsid/, (v) => [{ targetNsid: v }]),
  ];
}

t.test('openRoute refuses options that are not options, before opening anything', async (t) => {
  await expectRefusals(t, [
    ...each('openRoute(options)', NOT_OPTIONS, /openRoute: options must be an object/, (v) => openRoute(v)),
    ...each('openRoute({ netns })', NOT_NETNS_REFS.filter((v) => v !== undefined), /netns/, (v) => openRoute({ netns: v })),
    ...each('openRoute({ nets })', ['pod1'], /nets/, (v) => openRoute({ nets: v } as never)),
    ...each('openRoute({ receiveBufferSize })', ['big', -1, NaN], /receiveBufferSize/, (v) => openRoute({ receiveBufferSize: v })),
  ], () => 0);
});

t.test('every rtnetlink service method refuses what plain JavaScript can pass, and sends nothing', async (t) => {
  if (!requireRoot(t)) return;
  const ns = populated(t);
  const counting = openCountingSocket(t, NETLINK_ROUTE, ns);
  const rt = new RouteConnection(counting.socket, `netns ${ns}`);
  const before = snapshot(ns);
  await expectRefusals(t, routeCases(rt), counting.sent);
  t.equal(counting.sent(), 0, 'no request reached the kernel');
  t.equal(snapshot(ns), before, 'the namespace is unchanged');
});

// ---- nf_tables ------------------------------------------------------------------------

const LISTS = ['listTables', 'listChains', 'listRules', 'listSets', 'listObjects'];

function nftablesCases(nf: NftablesConnection): Refusal[] {
  const table = (extra: object) => ({ family: 'inet', name: 'tx', ...extra });
  const chain = (extra: object) => ({ family: 'inet', table: 't', name: 'cx', ...extra });
  const base = (extra: object) => chain({ type: 'filter', hook: 'input', priority: 0, ...extra });
  const spec = (extra: object) => ({ family: 'inet', table: 't', chain: 'c', rule: rule().accept(), ...extra });
  const set = (extra: object) => ({ family: 'inet', table: 't', name: 'sx', type: 'ipv4_addr', ...extra });
  const target = { family: 'inet', table: 't', name: 's', type: 'ipv4_addr' };
  return [
    ...LISTS.flatMap((m) => [
      ...both(nf, m, `${m}(filter)`, NOT_OPTIONS, /filter/, (v) => [v]),
      ...both(nf, m, `${m}(filter) family`, NOT_FAMILIES, /family/, (v) => [{ family: v }]),
      ...both(nf, m, `${m}(filter) table`, NOT_STRINGS, /table/, (v) => [{ table: v }]),
      ...both(nf, m, `${m}(filter) unknown field`, ['t'], /tabel/, (v) => [{ tabel: v }]),
    ]),
    ...both(nf, 'listRules', 'listRules(filter) chain', NOT_STRINGS, /chain/, (v) => [{ chain: v }]),
    ...both(nf, 'listRuleset', 'listRuleset(filter)', NOT_OPTIONS, /filter/, (v) => [v]),
    ...both(nf, 'listRuleset', 'listRuleset(filter) family', NOT_FAMILIES, /family/, (v) => [{ family: v }]),
    ...both(nf, 'getSet', 'getSet(family)', NOT_FAMILIES, /family/, (v) => [v, 't', 's']),
    ...both(nf, 'getSet', 'getSet(family, table)', [...NOT_STRINGS, undefined], /table/, (v) => ['inet', v, 's']),
    ...both(nf, 'getSet', 'getSet(family, table, name)', [...NOT_STRINGS, undefined], /\bset\b|name/, (v) => ['inet', 't', v]),
    ...both(nf, 'listElements', 'listElements(ref)', NOT_OBJECTS, /\bset\b|ref/, (v) => [v]),
    ...both(nf, 'listElements', 'listElements(ref) name', NOT_STRINGS, /\bset\b|name/, (v) => [{ family: 'inet', table: 't', name: v }]),
    ...both(nf, 'addTable', 'addTable(spec)', NOT_OBJECTS, /table spec/, (v) => [v]),
    ...both(nf, 'addTable', 'addTable(spec) name', [...NOT_STRINGS, undefined, ''], /table name/, (v) => [table({ name: v })]),
    ...both(nf, 'addTable', 'addTable(spec) family', NOT_FAMILIES, /family/, (v) => [table({ family: v })]),
    ...both(nf, 'addTable', 'addTable(spec) flags', ['dormant', 5, {}, ['sleepy']], /flag/, (v) => [table({ flags: v })]),
    ...both(nf, 'addTable', 'addTable(spec) comment', [5, {}, null], /comment/, (v) => [table({ comment: v })]),
    ...both(nf, 'addTable', 'addTable(spec) unknown field', ['x'], /nmae/, (v) => [table({ nmae: v })]),
    ...both(nf, 'addTable', 'addTable(spec, options)', NOT_OPTIONS, /options/, (v) => [table({}), v]),
    ...both(nf, 'addTable', 'addTable(spec, options) exclusive', ['yes', 1, null], /exclusive/, (v) => [table({}), { exclusive: v }]),
    ...both(nf, 'deleteTable', 'deleteTable(ref)', NOT_OBJECTS, /table/, (v) => [v]),
    ...both(nf, 'deleteTable', 'deleteTable(ref) handle', [0, -1, '5', NaN], /handle/, (v) => [{ family: 'inet', handle: v }]),
    ...both(nf, 'deleteTable', 'deleteTable(ref) without name or handle', [{}], /name|handle/, (v) => [{ family: 'inet', ...v }]),
    ...both(nf, 'addChain', 'addChain(spec)', NOT_OBJECTS, /chain spec/, (v) => [v]),
    ...both(nf, 'addChain', 'addChain(spec) name', [...NOT_STRINGS, undefined], /chain name/, (v) => [chain({ name: v })]),
    ...both(nf, 'addChain', 'addChain(spec) hook', ['sideways', 5, null], /hook/, (v) => [base({ hook: v })]),
    ...both(nf, 'addChain', 'addChain(spec) priority', ['first', NaN, {}, 2 ** 31], /priority/, (v) => [base({ priority: v })]),
    ...both(nf, 'addChain', 'addChain(spec) policy', ['reject', 5, {}], /policy/, (v) => [base({ policy: v })]),
    ...both(nf, 'addChain', 'addChain(spec, options)', NOT_OPTIONS, /options/, (v) => [chain({}), v]),
    ...both(nf, 'deleteChain', 'deleteChain(ref)', NOT_OBJECTS, /chain/, (v) => [v]),
    ...both(nf, 'deleteChain', 'deleteChain(ref) name', NOT_STRINGS, /chain/, (v) => [{ family: 'inet', table: 't', name: v }]),
    ...['addRule', 'insertRule'].flatMap((m) => [
      ...both(nf, m, `${m}(spec)`, NOT_OBJECTS, /rule spec/, (v) => [v]),
      ...both(nf, m, `${m}(spec) chain`, [...NOT_STRINGS, undefined], /chain/, (v) => [spec({ chain: v })]),
      ...both(nf, m, `${m}(spec) rule`, ['accept', 5, null, {}, []], /\brule\b/, (v) => [spec({ rule: v })]),
      ...both(nf, m, `${m}(spec) expressions`, ['x', 5, null, [null], [5], [{ kind: 'nope' }], [{}]], /expression/, (v) => [spec({ rule: undefined, expressions: v })]),
      ...both(nf, m, `${m}(spec) comment`, [5, {}, null], /comment/, (v) => [spec({ comment: v })]),
      ...both(nf, m, `${m}(spec) userdata`, ['x', 5, {}], /userdata/, (v) => [spec({ userdata: v })]),
      ...both(nf, m, `${m}(spec, options)`, NOT_OPTIONS, /options/, (v) => [spec({}), v]),
    ]),
    ...both(nf, 'addRule', 'addRule(spec, options) after', [0, -1, '5', NaN, null], /after/, (v) => [spec({}), { after: v }]),
    ...both(nf, 'insertRule', 'insertRule(spec, options) before', [0, -1, '5', NaN, null], /before/, (v) => [spec({}), { before: v }]),
    ...both(nf, 'replaceRule', 'replaceRule(spec)', NOT_OBJECTS, /rule spec/, (v) => [v]),
    ...both(nf, 'replaceRule', 'replaceRule(spec) handle', [0, -1, '5', NaN, null, undefined], /handle/, (v) => [spec({ handle: v })]),
    ...both(nf, 'deleteRule', 'deleteRule(ref)', NOT_OBJECTS, /rule/, (v) => [v]),
    ...both(nf, 'deleteRule', 'deleteRule(ref) handle', [0, -1, '5', NaN, null, undefined], /handle/, (v) => [{ family: 'inet', table: 't', chain: 'c', handle: v }]),
    ...both(nf, 'addSet', 'addSet(spec)', NOT_OBJECTS, /set spec/, (v) => [v]),
    ...both(nf, 'addSet', 'addSet(spec) type', [5, null, undefined, 'ipv5_addr', {}, []], /type/, (v) => [set({ type: v })]),
    ...both(nf, 'addSet', 'addSet(spec) flags', ['interval', [5], ['sorted']], /flag/, (v) => [set({ flags: v })]),
    ...both(nf, 'addSet', 'addSet(spec) size', [-1, '5', NaN, {}], /size/, (v) => [set({ size: v })]),
    ...both(nf, 'addSet', 'addSet(spec) elements', ['10.0.0.1', 5, {}, [null], [{}], ['nope']], /element/, (v) => [set({ elements: v })]),
    ...both(nf, 'addSet', 'addSet(spec, options)', NOT_OPTIONS, /options/, (v) => [set({}), v]),
    ...both(nf, 'deleteSet', 'deleteSet(ref)', NOT_OBJECTS, /\bset\b/, (v) => [v]),
    ...['addElements', 'deleteElements'].flatMap((m) => [
      ...both(nf, m, `${m}(target)`, NOT_OBJECTS, /target|set/, (v) => [v, ['10.0.0.1']]),
      ...both(nf, m, `${m}(target) name`, NOT_STRINGS, /\bset\b|name/, (v) => [{ ...target, name: v }, ['10.0.0.1']]),
      ...both(nf, m, `${m}(target, elements)`, ['10.0.0.1', null, undefined, 5, {}], /elements/, (v) => [target, v]),
      ...both(nf, m, `${m}(target, elements) element`, [null, 5, {}, 'nope', { key: null }], /element/, (v) => [target, ['10.0.0.1', v]]),
    ]),
  ];
}

function transactionCases(nf: NftablesConnection): Refusal[] {
  const tx = () => nf.transaction() as any;
  const methods = ['addTable', 'deleteTable', 'flushTable', 'addChain', 'deleteChain', 'flushChain', 'addRule', 'insertRule', 'replaceRule', 'deleteRule', 'addSet', 'addObject', 'deleteObject', 'deleteSet', 'flushSet'];
  return [
    ...methods.flatMap((m) => each(`transaction().${m}(argument)`, NOT_OBJECTS, /spec|ref|table|chain|rule|set|object/, (v) => tx()[m](v))),
    ...each('transaction().flushChain(ref) name', NOT_STRINGS, /chain/, (v) => tx().flushChain({ family: 'inet', table: 't', name: v })),
    ...each('transaction().addObject(spec) type', ['nope', 5, null], /type/, (v) => tx().addObject({ family: 'inet', table: 't', name: 'o', type: v })),
    ...each('transaction().addElements(target, elements)', NOT_ARRAYS, /elements/, (v) => tx().addElements({ family: 'inet', table: 't', name: 's', type: 'ipv4_addr' }, v)),
    ...each('transaction().addElements(target, elements, options)', NOT_OPTIONS, /options/, (v) => tx().addElements({ family: 'inet', table: 't', name: 's', type: 'ipv4_addr' }, ['10.0.0.1'], v)),
    ...each('transaction().commit(options)', NOT_OPTIONS, /options/, (v) => tx().addTable({ family: 'inet', name: 'tx' }).commit(v)),
    ...each('transaction().commitAsync(options)', NOT_OPTIONS, /options/, (v) => tx().addTable({ family: 'inet', name: 'tx' }).commitAsync(v)),
    ...each('transaction().commit(options) generation', ['5', -1, NaN, 2 ** 32], /generation/, (v) => tx().addTable({ family: 'inet', name: 'tx' }).commit({ generation: v })),
    ...each('transaction().commit(options) echo', ['yes', 1], /echo/, (v) => tx().addTable({ family: 'inet', name: 'tx' }).commit({ echo: v })),
    ...each('transaction().commit(options) unknown field', [1], /generatoin/, (v) => tx().addTable({ family: 'inet', name: 'tx' }).commit({ generatoin: v })),
  ];
}

/** Builder calls, checked when called or at the latest when the rule is linearized (before any batch is built). */
function builderCases(): Refusal[] {
  const built = (make: (r: any) => unknown) => (v: unknown) => {
    const r = make(v) as nl.RuleBuilder;
    return r.expressions('inet');
  };
  return [
    ...each('rule().ip.saddr(value)', [null, undefined, {}, true, NaN, 'nope', '10.0.0.0/40', []], /ip saddr/, built((v) => rule().ip.saddr(v))),
    ...each('rule().tcp.dport(value)', [null, {}, -1, 70000, 1.5, NaN, 'http-ish', true], /tcp dport/, built((v) => rule().tcp.dport(v))),
    ...each('rule().tcp.dport(relation, value)', ['=~', 5, null], /tcp dport/, built((v) => (rule().tcp.dport as any)(v, 22))),
    ...each('rule().iifname(value)', [5, null, {}, 'x'.repeat(16), '*'], /iifname/, built((v) => rule().iifname(v))),
    ...each('rule().meta.mark(value)', [-1, 2 ** 32, 'x', null], /meta mark|mark/, built((v) => rule().meta.mark(v))),
    ...each('rule().ct.state(states)', [null, 'sleepy', {}, true], /ct state/, built((v) => rule().ct.state(v))),
    ...each('rule().ct.state()', [undefined], /ct state/, built(() => rule().ct.state())),
    ...each('rule().fib(lookup)', [null, 5, 'nowhere', ['saddr', 5]], /fib/, built((v) => rule().fib(v, 'type', 'local'))),
    ...each('rule().fib(lookup, result)', [null, 5, 'colour'], /fib|result/, built((v) => rule().fib('daddr', v, 'local'))),
    ...each('rule().counter(start)', ['x', null, 5, { packets: -1, bytes: 0 }, { packets: 'x', bytes: 0 }], /counter/, built((v) => rule().counter(v))),
    ...each('rule().jump(chain)', [5, null, undefined, '', {}], /jump/, built((v) => rule().jump(v))),
    ...each('rule().goto(chain)', [5, null, undefined, '', {}], /goto/, built((v) => rule().goto(v))),
    ...each('rule().reject(options)', ['tcp reset', null, 5, { with: 'nope' }, { with: 5 }], /reject/, built((v) => rule().reject(v))),
    ...each('rule().log(options)', ['prefix', null, 5, { level: 'loud' }, { group: 'x' }, { prefix: 5 }, { snaplen: -1 }, { flags: 'all' }], /log/, built((v) => rule().log(v))),
    ...each('rule().limit(options)', ['10/second', null, undefined, { rate: 'x', per: 'second' }, { rate: 10, per: 'fortnight' }, { rate: -1, per: 'second' }, { rate: 10, per: 'second', burst: 'x' }], /limit/, built((v) => rule().limit(v))),
    ...each('rule().quota(bytes)', ['1MB', -1, NaN, null, undefined], /quota/, built((v) => rule().quota(v))),
    ...each('rule().quota(bytes, options)', ['over', null, 5, { over: 'yes' }], /quota/, built((v) => rule().quota(100, v))),
    ...each('rule().setMark(value)', ['x', null, -1, 2 ** 32, NaN], /mark/, built((v) => rule().setMark(v))),
    ...each('rule().setCtMark(value)', ['x', null, -1], /mark/, built((v) => rule().setCtMark(v))),
    ...each('rule().masquerade(options)', ['random', null, 5, { ports: {} }, { ports: true }, { ports: -1 }, { random: 'yes' }], /masquerade/, built((v) => rule().masquerade(v))),
    ...each('rule().snat(to)', [5, null, undefined, '', 'nowhere', {}], /snat/, built((v) => rule().snat(v))),
    ...each('rule().dnat(to, options)', ['random', null, 5, { persistent: 'yes' }], /dnat/, built((v) => rule().dnat('10.0.0.2', v))),
    ...each('rule().redirect(port)', [true, {}, -1, 70000, null, 'x'], /redirect/, built((v) => rule().redirect(v))),
    ...each('rule().comment(text)', [5, null, {}, 'x'.repeat(300)], /comment/, built((v) => rule().comment(v))),
    ...each('rule().expression(expression)', [null, 5, 'accept', {}, { kind: 'nope' }], /expression/, (v) => nl.nftables.encodeExpression(new nl.MessageWriter(), (rule().expression(v).expressions('inet') as any)[0])),
    ...each('rule().expressions(family)', ['ipv4', null, 5], /family/, (v) => rule().accept().expressions(v)),
    ...each('rule().linearize(context)', [null, 'inet', 5], /context/, (v) => rule().accept().linearize(v)),
    ...each('parseRule(text)', [5, null, undefined, {}, ['accept']], /parseRule|text|rule/, (v) => parseRule(v)),
    ...each('parseRule(text) words', ['ip saddr', 'tcp dport banana accept', 'frobnicate', 'jump'], /./, (v) => parseRule(v).expressions('inet')),
    ...each('tokenize(text)', [5, null, {}], /text|tokenize/, (v) => nl.nftables.tokenize(v)),
    ...each('parseNatTarget(text)', [5, null, '', 'x:y'], /nat|to|address/, (v) => nl.nftables.parseNatTarget(v, 'dnat to')),
  ];
}

function recipeCases(nf: NftablesConnection): Refusal[] {
  const recipes: [string, object][] = [
    ['PodIsolation', { id: 'n1', subnets: ['10.88.0.0/16'] }],
    ['PodMasquerade', { id: 'n1', subnet: '10.88.0.0/16', outInterface: 'v0' }],
    ['PortForward', { id: 'c1', podAddress: '10.88.0.2', ports: [{ hostPort: 8080, podPort: 80 }] }],
  ];
  const api = nl as any;
  return recipes.flatMap(([name, good]) => [
    ...['apply', 'remove'].flatMap((verb) => [
      ...both(api, `${verb}${name}`, `${verb}${name}(conn)`, [null, undefined, {}, 'inet', 5], /conn/, (v) => [v, good]),
      ...both(api, `${verb}${name}`, `${verb}${name}(conn, options)`, NOT_OBJECTS, /options/, (v) => [nf, v]),
      ...both(api, `${verb}${name}`, `${verb}${name}(conn, options) id`, [5, null, undefined, '', 'a b', {}], /\bid\b/, (v) => [nf, { ...good, id: v }]),
      ...both(api, `${verb}${name}`, `${verb}${name}(conn, options) table`, [5, null, '', {}], /table/, (v) => [nf, { ...good, table: v }]),
    ]),
    ...both(api, `apply${name}`, `apply${name}(conn, options) unknown field`, ['x'], /tabel/, (v) => [nf, { ...good, tabel: v }]),
    ...each(`${name.charAt(0).toLowerCase()}${name.slice(1)}Plan(options)`, NOT_OBJECTS, /options/, (v) => api.nftables[`${name.charAt(0).toLowerCase()}${name.slice(1)}Plan`](v)),
  ]).concat([
    ...both(api, 'applyPodIsolation', 'applyPodIsolation(conn, options) subnets', ['10.0.0.0/8', [], [5], ['nope'], null], /subnet/, (v) => [nf, { id: 'n1', subnets: v }]),
    ...both(api, 'applyPodMasquerade', 'applyPodMasquerade(conn, options) subnet', [5, null, 'nope', ['10.0.0.0/8']], /subnet/, (v) => [nf, { id: 'n1', subnet: v, outInterface: 'v0' }]),
    ...both(api, 'applyPodMasquerade', 'applyPodMasquerade(conn, options) outInterface', [5, null, '', 'x'.repeat(16)], /outInterface/, (v) => [nf, { id: 'n1', subnet: '10.88.0.0/16', outInterface: v }]),
    ...both(api, 'applyPortForward', 'applyPortForward(conn, options) podAddress', [5, null, 'nope', '10.0.0.0/8'], /podAddress/, (v) => [nf, { id: 'c1', podAddress: v, ports: [{ hostPort: 80 }] }]),
    ...both(api, 'applyPortForward', 'applyPortForward(conn, options) ports', ['80', null, [], [null], [5], [{ hostPort: '80' }], [{ hostPort: 80, protocol: 'sctp' }], [{ hostPort: 80, hostAddress: 5 }], [{ hostPort: 80, podPort: 0 }], [{ hostport: 80 }]], /port|protocol|hostAddress/, (v) => [nf, { id: 'c1', podAddress: '10.88.0.2', ports: v }]),
    ...both(api.nftables, 'applyRecipe', 'applyRecipe(conn, plan)', NOT_OBJECTS, /plan/, (v) => [nf, v]),
    ...both(api.nftables, 'removeRecipe', 'removeRecipe(conn, table)', [5, null, ''], /table/, (v) => [nf, v, 'nlkit:x:y']),
    ...both(api.nftables, 'removeRecipe', 'removeRecipe(conn, table, tag)', [5, null, ''], /tag/, (v) => [nf, 'nlkit', v]),
    ...each('defineRecipe(kind)', [5, null, '', {}], /kind/, (v) => api.nftables.defineRecipe(v, () => ({ chains: [], rules: [] }))),
    ...each('defineRecipe(kind, parts)', [5, null, {}, 'x'], /parts/, (v) => api.nftables.defineRecipe('custom', v)),
  ]);
}

t.test('openNftables refuses options that are not options, before opening anything', async (t) => {
  await expectRefusals(t, [
    ...each('openNftables(options)', NOT_OPTIONS, /openNftables: options must be an object/, (v) => openNftables(v)),
    ...each('openNftables({ netns })', NOT_NETNS_REFS.filter((v) => v !== undefined), /netns/, (v) => openNftables({ netns: v })),
    ...each('openNftables({ nets })', ['pod1'], /nets/, (v) => openNftables({ nets: v } as never)),
    ...each('openNftables({ sendBufferSize })', ['big', -1, NaN], /sendBufferSize/, (v) => openNftables({ sendBufferSize: v })),
  ], () => 0);
});

t.test('every nf_tables entry point refuses what plain JavaScript can pass, and sends nothing', async (t) => {
  if (!requireRoot(t)) return;
  const ns = populated(t);
  const counting = openCountingSocket(t, NETLINK_NETFILTER, ns);
  const nf = new NftablesConnection(counting.socket, `netns ${ns}`);
  const before = snapshot(ns);
  await t.test('connection methods', (t) => expectRefusals(t, nftablesCases(nf), counting.sent));
  await t.test('transactions', (t) => expectRefusals(t, transactionCases(nf), counting.sent));
  await t.test('the rule builder and parser', (t) => expectRefusals(t, builderCases(), counting.sent));
  await t.test('recipes', (t) => expectRefusals(t, recipeCases(nf), counting.sent));
  t.equal(counting.sent(), 0, 'no request reached the kernel');
  t.equal(snapshot(ns), before, 'the namespace is unchanged');
});

// ---- namespaces, helpers and converters ---------------------------------------------------

t.test('namespace functions refuse names and references of the wrong shape', async (t) => {
  const namesBefore = nl.listNetns();
  const api = nl as any;
  await expectRefusals(t, [
    ...['createNetns', 'deleteNetns', 'netnsExists', 'netnsPath', 'validateNetnsName'].flatMap((f) => each(`${f}(name)`, [5, null, undefined, {}, [], '', '..', 'a/b', 'a b', 'x'.repeat(256)], /namespace name/, (v) => api[f](v))),
    ...each('openNetns(ref)', NOT_NETNS_REFS, /netns/, (v) => nl.openNetns(v)),
    ...each('netnsInode(ref)', NOT_NETNS_REFS, /netns/, (v) => nl.netnsInode(v)),
  ], () => 0);
  // Other test files (and benches) create and delete their nlkt-/nlkb- namespaces meanwhile.
  const ours = (names: string[]) => names.filter((n) => !/^nlk[tb]-/.test(n));
  t.strictSame(ours(nl.listNetns()), ours(namesBefore), 'no namespace was created or deleted');
  for (const v of [null, undefined, 5, {}, []]) t.type(nl.describeNetns(v as never), 'string', `describeNetns(${show(v)}) describes rather than throws`);
});

t.test('helpers and converters refuse what is not theirs to convert', async (t) => {
  const api = nl as any;
  // A context whose socket fails the test if anything is sent through it.
  const send = () => {
    throw new Error('a request was sent');
  };
  const untouchable = { socket: { execute: send, executeAsync: send } as never, label: 'nowhere' };
  await expectRefusals(t, [
    ...each('resolveLinkIndex(ctx)', [null, undefined, {}, 'lo', 5], /ctx|connection|context/, (v) => nl.resolveLinkIndex(v, 'lo')),
    ...each('resolveLinkIndexAsync(ctx)', [null, undefined, {}, 'lo', 5], /ctx|connection|context/, (v) => nl.resolveLinkIndexAsync(v, 'lo')),
    ...each('resolveLinkIndex(ctx, dev)', NOT_LINK_REFS, /\bdev\b/, (v) => nl.resolveLinkIndex(untouchable, v)),
    ...each('new RouteConnection(socket)', [null, undefined, {}, 'pod1', 5], /socket/, (v) => new RouteConnection(v, 'x')),
    ...each('new NftablesConnection(socket)', [null, undefined, {}, 'pod1', 5], /socket/, (v) => new NftablesConnection(v, 'x')),
    ...each('new NftablesConnection(socket, label, maxBatchBytes)', ['big', -1, NaN], /maxBatchBytes/, (v) => new NftablesConnection(untouchable.socket, 'x', v)),
    ...each('new Transaction(lookupShape)', [null, {}, 'x'], /lookupShape/, (v) => new nl.Transaction(v, { commit: send, commitAsync: send } as never)),
    ...each('new Transaction(lookupShape, committer)', [null, {}, 'x', { commit: send }], /committer/, (v) => new nl.Transaction(send as never, v)),
    ...each('validateLinkRef(dev)', NOT_LINK_REFS, /\bdev\b/, (v) => nl.validateLinkRef(v)),
    ...each('validateIfName(name)', [5, null, '', 'x'.repeat(16)], /interface name/, (v) => nl.validateIfName(v)),
    ...each('parseCidr(text)', [5, null, {}, 'nope', '10.0.0.1/40'], /address/, (v) => nl.parseCidr(v)),
    ...each('requireIp(address)', [5, null, {}, 'nope'], /gateway/, (v) => nl.requireIp(v, 'gateway')),
    ...each('encodeIp(address)', [5, null, {}, 'nope'], /address/, (v) => nl.encodeIp(v)),
    ...each('encodeMac(address)', [5, null, {}, 'nope'], /MAC/, (v) => nl.encodeMac(v)),
    ...['parseRouteTable', 'parseRouteProtocol', 'parseScope', 'parseRouteType', 'parseRoutePref', 'parseIpProtocol', 'parseNeighbourState'].flatMap((f) =>
      each(`${f}(value)`, [null, undefined, {}, [], 'nope', -1, NaN, true], /table|protocol|scope|type|pref|ipproto|state/, (v) => api[f](v))),
    ...each('kindToCreate(type)', [5, null, 'nope', 'toString', {}], /type|kind/, (v) => nl.kindToCreate(v)),
    ...each('registerLinkKind(kind)', [null, 5, {}, { kind: 5 }], /kind/, (v) => nl.registerLinkKind(v)),
    ...each('registerSlaveKind(kind)', [null, 5, {}], /kind/, (v) => nl.registerSlaveKind(v)),
    ...each('registerExpression(codec)', [null, 5, {}, { kind: 'x' }], /codec|kind/, (v) => nl.nftables.registerExpression(v)),
    ...each('prepareAddress(spec)', NOT_OBJECTS, /address spec/, (v) => nl.prepareAddress(v, 'add')),
    ...each('prepareRoute(spec)', NOT_OBJECTS, /route spec/, (v) => nl.prepareRoute(v, 'add')),
    ...each('prepareLookup(lookup)', NOT_OBJECTS, /lookup/, (v) => nl.prepareLookup(v)),
    ...each('prepareNeighbour(spec)', NOT_OBJECTS, /neighbou?r spec/, (v) => nl.prepareNeighbour(v, 'add')),
    ...each('prepareRule(spec)', NOT_OBJECTS, /rule spec/, (v) => nl.prepareRule(v, 'add')),
    ...each('prepareMetrics(metrics)', ['x', null, 5, [], { mtu: -1 }], /metrics|mtu/, (v) => nl.prepareMetrics(v)),
    ...each('linkToIpJson(link)', NOT_OBJECTS, /link/, (v) => nl.linkToIpJson(v)),
    ...each('addressToIpJson(address)', NOT_OBJECTS, /address/, (v) => nl.addressToIpJson(v)),
    ...each('addressesToIpJson(links)', NOT_ARRAYS, /links/, (v) => nl.addressesToIpJson(v, [])),
    ...each('addressesToIpJson(links, addresses)', NOT_ARRAYS, /addresses/, (v) => nl.addressesToIpJson([], v)),
    ...each('routeToIpJson(route)', NOT_OBJECTS, /route/, (v) => nl.routeToIpJson(v, new Map())),
    ...each('routeToIpJson(route, linkNames)', [null, {}, 'x', []], /linkNames/, (v) => nl.routeToIpJson({ family: 4 } as never, v)),
    ...each('ruleToIpJson(rule)', NOT_OBJECTS, /rule/, (v) => nl.ruleToIpJson(v)),
    ...each('rulesToIpJson(rules)', NOT_ARRAYS, /rules/, (v) => nl.rulesToIpJson(v)),
    ...each('neighbourToIpJson(neighbour)', NOT_OBJECTS, /neighbou?r/, (v) => nl.neighbourToIpJson(v, new Map())),
    ...each('neighboursToIpJson(neighbours)', NOT_ARRAYS, /neighbou?rs/, (v) => nl.neighboursToIpJson(v, new Map())),
    ...each('netnsIdsToIpJson(ids)', NOT_ARRAYS, /ids/, (v) => nl.netnsIdsToIpJson(v)),
  ], () => 0);
});

t.test('no promise was left to reject unhandled', async (t) => {
  await new Promise((resolve) => setTimeout(resolve, 50));
  t.strictSame(unhandled.map(String), []);
});
