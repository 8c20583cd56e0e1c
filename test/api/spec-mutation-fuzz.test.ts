// Plain JavaScript callers, at random: valid specs for every rtnetlink and
// nf_tables entry point, each mutated (a field anywhere in it set to a hostile
// value, a known field name added where it does not belong, a field removed,
// the whole argument replaced) and passed to the sync and the async form.
// Whatever the call does — succeeds, is refused, is answered by the kernel
// with an error — it must end with nothing but nlkit's own error classes: no
// TypeError, RangeError or SyntaxError from inside nlkit (a Symbol in a
// message template, BigInt in JSON.stringify, a null-prototype object turned
// into a string), an async form must reject rather than throw, and no
// rejection may go unhandled. javascript-callers.test.ts lists the refusals
// one by one; this covers the combinations nobody listed.
//
// Seeded: NLKIT_API_FUZZ_SEED=N replays a run, NLKIT_API_FUZZ_ROUNDS=N runs
// more mutations per entry point (default 60).
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import t from 'tap';
import * as nl from '../../src/index.js';
import { openNftables, openRoute, rule } from '../../src/index.js';
import { ip, requireRoot, testNetns } from '../helpers/netns.js';
import { seededRandom } from '../helpers/random.js';

const SEED = Number(process.env.NLKIT_API_FUZZ_SEED ?? 20261207);
const ROUNDS = Number(process.env.NLKIT_API_FUZZ_ROUNDS ?? 60);
const random = seededRandom(SEED);
const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!;

/** Every error class nlkit exports: the only kinds of error a call may end with. */
const NLKIT_ERRORS = ([...Object.values(nl), ...Object.values(nl.nftables)] as unknown[]).filter(
  (v): v is new (...args: never[]) => Error => typeof v === 'function' && v.prototype instanceof Error,
);
const isNlkitError = (error: unknown) => NLKIT_ERRORS.some((E) => error instanceof E);

const nullPrototype = Object.create(null) as object;
/** Values a JavaScript caller can pass where nlkit expects something else. */
const HOSTILE: readonly unknown[] = [
  undefined, null, true, false, 0, -0, -1, 1, 1.5, NaN, Infinity, -Infinity, 2 ** 31, 2 ** 32, 2 ** 53, -(2 ** 53), 1e300, Number.MIN_VALUE,
  '', ' ', '0', '-1', 'x'.repeat(300), '\u0000', 'v0', 'lo', '10.0.0.1', '10.0.0.1/24', 'fd00::1/64', '::', 'default', '02:00:00:00:00:01',
  'toString', '__proto__', 'constructor', 'zz', '1e3', '0x10',
  [], [1], [null], ['a'], [[]], {}, { a: 1 }, nullPrototype, { toString: 5 }, { valueOf: () => { throw new Error('valueOf'); } },
  () => 1, Symbol('x'), 10n, new Date(0), /re/, Buffer.alloc(3), new Uint8Array(2), new Map([[1, 2]]), new Set([1]),
];

/**
 * Field names of the specs, read from the sources: a mutation adds one where
 * it does not belong. Names that point at other namespaces are left out, so a
 * mutation can never move a device out of the test's namespace.
 */
function fieldVocabulary(): string[] {
  const names = new Set<string>();
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir)) {
      const path = join(dir, entry);
      if (statSync(path).isDirectory()) walk(path);
      else if (/spec.*\.ts$|kinds\/.*\.ts$/.test(path)) {
        for (const m of readFileSync(path, 'utf8').matchAll(/\b(?:spec|s|o|options|changes)\.(\w+)/g)) names.add(m[1]!);
      }
    }
  };
  walk(new URL('../../src/route', import.meta.url).pathname);
  walk(new URL('../../src/nftables', import.meta.url).pathname);
  return [...names].filter((n) => !/netns|^pid$|^fd$|^path$|^peer$/i.test(n)).sort();
}
const VOCABULARY = fieldVocabulary();

/** Keys whose values must never be mutated: they could reach outside the test's namespace. */
const PROTECTED = /netns/i;
/** br0's ifindex, the same every time the fixture is made again (createPod takes the master by index). */
const BRIDGE_INDEX = 100;

type Path = (string | number)[];

/** Plain objects and arrays: what a mutation walks into (not Buffers, Maps, rule builders). */
function isPlain(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && (Array.isArray(value) || Object.getPrototypeOf(value) === Object.prototype);
}

/** Every place in `value` a mutation can hit: object fields and array elements, at any depth. */
function paths(value: unknown, at: Path = [], out: Path[] = []): Path[] {
  if (!isPlain(value)) return out;
  for (const [key, inner] of Object.entries(value)) {
    if (PROTECTED.test(key)) continue;
    const path = [...at, Array.isArray(value) ? Number(key) : key];
    out.push(path);
    paths(inner, path, out);
  }
  return out;
}

/** Objects in `value` (the root included) a field can be added to. */
function objects(value: unknown, at: Path = [], out: Path[] = []): Path[] {
  if (!isPlain(value) || Array.isArray(value)) return out;
  out.push(at);
  for (const [key, inner] of Object.entries(value)) if (!PROTECTED.test(key)) objects(inner, [...at, key], out);
  return out;
}

function at(root: any, path: Path): any {
  return path.reduce((node, key) => node[key], root);
}

/** A deep copy of plain data (the specs are JSON-like; rule builders stay shared, they are not mutated). */
function copy<T>(value: T): T {
  if (!isPlain(value)) return value;
  if (Array.isArray(value)) return value.map(copy) as T;
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, copy(v)])) as T;
}

/** The spec with one to three mutations; a description of them for a failure message. */
function mutate(spec: unknown): { value: unknown; what: string } {
  if (random() < 0.05) {
    const value = copy(pick(HOSTILE));
    return { value, what: `the whole argument = ${show(value)}` };
  }
  const value = copy(spec);
  const what: string[] = [];
  for (let n = 1 + Math.floor(random() * 3); n > 0; n--) {
    const r = random();
    const fields = paths(value);
    if (r < 0.6 && fields.length) {
      const path = pick(fields);
      // A copy, so later mutations never write into the shared hostile values.
      const v = copy(pick(HOSTILE));
      at(value, path.slice(0, -1))[path[path.length - 1]!] = v;
      what.push(`${path.join('.')} = ${show(v)}`);
    } else if (r < 0.85) {
      const targets = objects(value);
      if (targets.length === 0) continue;
      const path = pick(targets);
      const key = pick(VOCABULARY);
      const v = copy(pick(HOSTILE));
      at(value, path)[key] = v;
      what.push(`${[...path, key].join('.')} = ${show(v)} (added)`);
    } else if (fields.length) {
      const path = pick(fields);
      const parent = at(value, path.slice(0, -1));
      if (Array.isArray(parent)) parent.splice(Number(path[path.length - 1]), 1);
      else delete parent[path[path.length - 1]!];
      what.push(`${path.join('.')} removed`);
    }
  }
  return { value, what: what.join(', ') || 'unchanged' };
}

function show(value: unknown): string {
  if (typeof value === 'function') return 'a function';
  if (typeof value === 'symbol') return 'a symbol';
  if (typeof value === 'bigint') return `${value}n`;
  if (typeof value === 'string') return JSON.stringify(value.length > 20 ? `${value.slice(0, 20)}…` : value);
  if (Number.isNaN(value)) return 'NaN';
  if (value !== null && typeof value === 'object' && Object.getPrototypeOf(value) === null) return 'a null-prototype object';
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return Object.prototype.toString.call(value);
  }
}

/** One entry point: its sync and async forms, called with (possibly mutated) arguments. */
interface Entry {
  name: string;
  /** The valid argument that gets mutated. */
  spec: unknown;
  call(arg: unknown): unknown;
  callAsync(arg: unknown): unknown;
}

/** What was wrong with one call, or undefined when it ended as it may. */
async function judge(entry: Entry, arg: unknown, isAsync: boolean): Promise<string | undefined> {
  let returned: unknown;
  try {
    returned = isAsync ? entry.callAsync(arg) : entry.call(arg);
  } catch (error) {
    if (isAsync) return `threw synchronously instead of rejecting: ${describe(error)}`;
    return isNlkitError(error) && (error as Error).message !== '' ? undefined : `threw ${describe(error)}`;
  }
  if (!isAsync) return undefined;
  if (!(returned instanceof Promise)) return `returned ${show(returned)} instead of a promise`;
  try {
    await returned;
    return undefined;
  } catch (error) {
    return isNlkitError(error) && (error as Error).message !== '' ? undefined : `rejected with ${describe(error)}`;
  }
}

function describe(error: unknown): string {
  if (!(error instanceof Error)) return `a non-Error ${show(error)}`;
  return `${error.constructor.name}: ${error.message.split('\n')[0]}\n${error.stack?.split('\n').slice(1, 4).join('\n')}`;
}

const unhandled: unknown[] = [];
const onUnhandled = (reason: unknown) => unhandled.push(reason);
process.on('unhandledRejection', onUnhandled);
t.teardown(() => process.off('unhandledRejection', onUnhandled));

t.test(`rtnetlink and nf_tables entry points end every mutated call with nlkit's errors (seed ${SEED}, ${ROUNDS} rounds)`, async (t) => {
  if (!requireRoot(t)) return;
  const [ns, podNs] = testNetns(t, 2, 'apifz');
  /** The links every entry's spec names, made again before each entry: a mutated call may rename or delete them. */
  const restore = () => {
    for (const link of JSON.parse(ip(ns!, '-j', 'link', 'show')) as { ifname: string }[]) {
      if (link.ifname !== 'lo') spawnSync('ip', ['-n', ns!, 'link', 'del', link.ifname], { stdio: 'ignore' });
    }
    ip(ns!, 'link', 'set', 'lo', 'up');
    ip(ns!, 'link', 'add', 'v0', 'index', '10', 'type', 'veth', 'peer', 'name', 'v1', 'index', '11');
    ip(ns!, 'link', 'add', 'br0', 'index', String(BRIDGE_INDEX), 'type', 'bridge');
    ip(ns!, 'link', 'set', 'v0', 'up');
    ip(ns!, 'addr', 'add', '10.0.0.1/24', 'dev', 'v0');
    ip(ns!, '-6', 'addr', 'add', 'fd00::1/64', 'dev', 'v0', 'nodad');
  };
  restore();
  const rt = openRoute({ netns: ns! });
  const nf = openNftables({ netns: ns! });
  t.teardown(() => {
    rt.close();
    nf.close();
  });
  nf.addTable({ family: 'inet', name: 't' });
  nf.addChain({ family: 'inet', table: 't', name: 'c', type: 'filter', hook: 'input', priority: 0 });
  nf.addSet({ family: 'inet', table: 't', name: 's', type: 'ipv4_addr' });

  const service = (target: any, method: string, spec: unknown, before: unknown[] = []): Entry => ({
    name: `${method}`,
    spec,
    call: (arg) => target[method](...before, arg),
    callAsync: (arg) => target[`${method}Async`](...before, arg),
  });
  const entries: Entry[] = [
    { ...service(rt.link, 'add', { name: 'fz0', type: 'veth', mtu: 1400, up: true, address: '02:00:00:00:00:05', txqueuelen: 100, group: 3, peer: { name: 'fz1', mtu: 1400 } }), name: 'link.add(veth)' },
    { ...service(rt.link, 'add', { name: 'fzb', type: 'bridge', stp: false, vlanFiltering: true, forwardDelay: 400, ageingTime: 30000, up: true }), name: 'link.add(bridge)' },
    { ...service(rt.link, 'add', { name: 'fzm', type: 'macvlan', link: 'v0', mode: 'bridge' }), name: 'link.add(macvlan)' },
    { ...service(rt.link, 'add', { name: 'fzx', type: 'vxlan', id: 42, dstport: 4789, learning: false, local: '10.0.0.1', ttl: 5 }), name: 'link.add(vxlan)' },
    { ...service(rt.link, 'add', { name: 'fzi', type: 'ifb' }), name: 'link.add(ifb)' },
    { ...service(rt.link, 'addTunTap', { name: 'fzt', mode: 'tap', multiQueue: false }), name: 'link.addTunTap' },
    { ...service(rt.link, 'set', { mtu: 1450, up: true, alias: 'fuzzed', txqueuelen: 500, master: 'br0' }, ['v1']), name: 'link.set' },
    { ...service(rt.link, 'set', { bridgePort: { cost: 5, priority: 3, hairpin: true, learning: false } }, ['v1']), name: 'link.set(bridgePort)' },
    { ...service(rt.addr, 'add', { dev: 'v0', address: '10.0.3.1/24', broadcast: '+', label: 'v0:f', metric: 5, validLifetime: 600, preferredLifetime: 300 }), name: 'addr.add' },
    { ...service(rt.addr, 'add', { dev: 'v0', address: 'fd00:3::1/64', flags: { nodad: true, noprefixroute: true } }), name: 'addr.add(IPv6)' },
    { ...service(rt.addr, 'delete', { dev: 'v0', address: '10.0.3.1/24' }), name: 'addr.delete' },
    { ...service(rt.addr, 'addMany', [{ dev: 'v0', address: '10.0.4.1/32' }, { dev: 'v0', address: '10.0.4.2/32' }]), name: 'addr.addMany' },
    { ...service(rt.addr, 'list', { dev: 'v0', family: 4 }), name: 'addr.list' },
    { ...service(rt.route, 'add', { dst: '10.9.0.0/16', gateway: '10.0.0.2', dev: 'v0', metric: 7, table: 100, protocol: 'static', metrics: { mtu: 1400, advmss: 1360, lock: ['mtu'] } }), name: 'route.add' },
    { ...service(rt.route, 'add', { dst: '10.8.0.0/16', nexthops: [{ gateway: '10.0.0.2', dev: 'v0', weight: 2 }, { gateway: '10.0.0.3', dev: 'v0' }] }), name: 'route.add(multipath)' },
    { ...service(rt.route, 'replace', { dst: 'fd09::/64', gateway: 'fd00::2', dev: 'v0', pref: 'high', expires: 100 }), name: 'route.replace(IPv6)' },
    { ...service(rt.route, 'delete', { dst: '10.9.0.0/16', table: 100 }), name: 'route.delete' },
    { ...service(rt.route, 'get', { to: '10.0.0.2', iif: 'lo', mark: 3 }), name: 'route.get' },
    { ...service(rt.route, 'list', { table: 'all', family: 4 }), name: 'route.list' },
    { ...service(rt.neigh, 'add', { dev: 'v0', address: '10.0.0.7', lladdr: '02:00:00:00:00:07', state: 'permanent' }), name: 'neigh.add' },
    { ...service(rt.neigh, 'list', { dev: 'v0', state: ['permanent'] }), name: 'neigh.list' },
    { ...service(rt.rule, 'add', { priority: 100, from: '10.1.0.0/16', table: 100, iif: 'v0', fwmark: 5, sport: [1000, 2000] }), name: 'rule.add' },
    { ...service(rt.rule, 'delete', { priority: 100 }), name: 'rule.delete' },
    { ...service(rt.fdb, 'add', { dev: 'v1', mac: '02:00:00:00:00:09', master: true, state: 'static' }), name: 'fdb.add' },
    { ...service(rt.nexthop, 'add', { id: 7, via: '10.0.0.2', dev: 'v0' }), name: 'nexthop.add' },
    { ...service(rt.nexthop, 'add', { id: 9, group: [{ id: 7, weight: 2 }] }), name: 'nexthop.add(group)' },
    { ...service(rt.tc.qdisc, 'add', { dev: 'v1', kind: 'tbf', handle: '1:', rate: '1mbit', burst: '10kb', latency: '25ms' }), name: 'tc.qdisc.add(tbf)' },
    { ...service(rt.tc.qdisc, 'replace', { dev: 'v0', kind: 'htb', handle: '1:', default: 0x10 }), name: 'tc.qdisc.replace(htb)' },
    { ...service(rt.tc.class, 'add', { dev: 'v0', kind: 'htb', parent: '1:', classid: '1:10', rate: '1.5mbit', ceil: '2mbit', prio: 1 }), name: 'tc.class.add(htb)' },
    { ...service(rt.tc.qdisc, 'add', { dev: 'v1', kind: 'ingress' }), name: 'tc.qdisc.add(ingress)' },
    {
      ...service(rt.tc.filter, 'add', {
        dev: 'v1', parent: 'ffff:', protocol: 'ip', pref: 2, kind: 'u32',
        match: ['ip dst 10.0.0.0/8', 'ip dport 80 0xffff'],
        actions: [{ kind: 'mirred', direction: 'egress', action: 'mirror', dev: 'v0' }, { kind: 'gact', control: 'drop' }],
      }),
      name: 'tc.filter.add(u32)',
    },
    { ...service(rt.tc.filter, 'list', { dev: 'v1', parent: 'ffff:' }), name: 'tc.filter.list' },
    {
      name: 'nftables.queueNftJson',
      spec: {
        nftables: [
          { add: { table: { family: 'inet', name: 'fzj' } } },
          { add: { chain: { family: 'inet', table: 'fzj', name: 'in', type: 'filter', hook: 'input', prio: 0, policy: 'accept' } } },
          { add: { set: { family: 'inet', table: 'fzj', name: 'ports', type: 'inet_service', elem: [22, 80] } } },
          { add: { rule: { family: 'inet', table: 'fzj', chain: 'in', expr: [
            { match: { op: '==', left: { payload: { protocol: 'tcp', field: 'dport' } }, right: '@ports' } },
            { counter: { packets: 0, bytes: 0 } },
            { accept: null },
          ] } } },
        ],
      },
      call: (arg) => {
        const tx = nf.transaction();
        nl.nftables.queueNftJson(tx, arg);
        return tx.commit();
      },
      callAsync: async (arg) => {
        const tx = nf.transaction();
        nl.nftables.queueNftJson(tx, arg);
        return tx.commitAsync();
      },
    },
    {
      // An existing namespace: `netns` is never mutated (PROTECTED), so nothing is made outside the test's namespaces.
      name: 'createPod',
      spec: { netns: { name: podNs! }, hostEnd: { name: 'fzh', master: BRIDGE_INDEX, mtu: 1400 }, podEnd: { name: 'eth0' }, addresses: ['10.0.7.2/24'], routes: [{ dst: 'default', gateway: '10.0.7.1' }] },
      call: (arg) => nl.createPod(rt, arg as never),
      callAsync: (arg) => nl.createPodAsync(rt, arg as never),
    },
    {
      name: 'openMonitor',
      spec: { netns: ns!, groups: ['link', 'ipv4-address', 'ipv4-route'] },
      call: (arg) => nl.openMonitor(arg as never).close(),
      callAsync: async (arg) => nl.openMonitor(arg as never).close(),
    },
    { ...service(nf, 'addTable', { family: 'inet', name: 'fz', flags: ['dormant'], comment: 'x' }), name: 'nft addTable' },
    { ...service(nf, 'addChain', { family: 'inet', table: 't', name: 'fzc', type: 'filter', hook: 'forward', priority: 10, policy: 'accept' }), name: 'nft addChain' },
    { ...service(nf, 'addSet', { family: 'inet', table: 't', name: 'fzs', type: 'ipv4_addr', flags: ['interval'], elements: ['10.0.0.0/8'] }), name: 'nft addSet' },
    { ...service(nf, 'addRule', { family: 'inet', table: 't', chain: 'c', rule: rule().accept(), comment: 'x' }), name: 'nft addRule' },
    { ...service(nf, 'addElements', ['10.1.1.1', '10.1.1.2'], [{ family: 'inet', table: 't', name: 's' }]), name: 'nft addElements' },
    { ...service(nf, 'listRules', { family: 'inet', table: 't', chain: 'c' }), name: 'nft listRules' },
  ];

  for (const entry of entries) {
    const problems: string[] = [];
    restore();
    // The unmutated spec first: a base that nlkit itself refused would make every mutation test only that refusal.
    try {
      entry.call(copy(entry.spec));
    } catch (error) {
      if (error instanceof nl.InvalidArgumentError || !isNlkitError(error)) problems.push(`the valid spec: ${describe(error)}`);
    }
    for (let round = 0; round < ROUNDS; round++) {
      const { value, what } = mutate(entry.spec);
      const isAsync = random() < 0.5;
      const problem = await judge(entry, value, isAsync);
      if (problem !== undefined && problems.length < 5) problems.push(`${isAsync ? 'async ' : ''}${what}: ${problem}`);
    }
    t.same(problems, [], `${entry.name}: ${ROUNDS} mutated calls end with nlkit's errors only`);
  }
  await new Promise((resolve) => setImmediate(resolve));
  t.same(unhandled.map(String), [], 'no unhandled rejection');
});
