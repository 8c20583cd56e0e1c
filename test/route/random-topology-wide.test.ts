// Wide random topologies (test/helpers/random-topology.ts) built with
// `ip -batch`, read back with nlkit and rendered with its *ToIpJson
// converters, next to what `ip -j` prints for the same namespace: links,
// addresses, routes of every table, neighbours, rules and namespace ids,
// both families. Only what moves on its own is masked (test/helpers/volatile.ts).
import { execFileSync, spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { isDeepStrictEqual } from 'node:util';
import t, { type Test } from 'tap';
import { RTA_ENCAP, RTA_ENCAP_TYPE } from '../../src/generated/rtnetlink.js';
import { withNetns } from '../../src/netns/index.js';
import { openRoute, type RouteConnection } from '../../src/route/index.js';
import {
  addressesToIpJson, linkToIpJson, neighboursToIpJson, netnsIdsToIpJson, routeToIpJson, rulesToIpJson, type Link, type NeighbourState,
} from '../../src/route/index.js';
import { requireRoot, testNetns } from '../helpers/netns.js';
import { randomWideTopology, type RandomTopology } from '../helpers/random-topology.js';
import { readTogether } from '../helpers/read-together.js';
import { maskAddressJson, maskLinkJson, maskNeighbourJson, maskRouteJson } from '../helpers/volatile.js';

const SEEDS = Number(process.env.NLKIT_WIDE_SEEDS ?? 25);
const FIRST_SEED = Number(process.env.NLKIT_WIDE_FIRST_SEED ?? 1);

/**
 * `ip -j [options] -n NS args` parsed; ip prints nothing at all for an empty
 * rule or neighbour list. A table nobody has added to does not exist: ip
 * fails on it, nlkit lists no routes, and both mean the same empty table.
 */
function ipJson(netns: string, args: readonly string[]): unknown {
  const run = spawnSync('ip', ['-n', netns, '-j', ...args], { encoding: 'utf8' });
  if (run.status !== 0) {
    if (/FIB table does not exist/.test(run.stderr)) return [];
    throw new Error(`ip -n ${netns} -j ${args.join(' ')} failed: ${run.stderr.trim()}`);
  }
  const out = run.stdout.trim();
  return out === '' ? [] : JSON.parse(out);
}

/** Where two JSON values differ, at most `limit` paths, for the failure message. */
function differences(mine: unknown, theirs: unknown, path = '', out: string[] = [], limit = 8): string[] {
  if (out.length >= limit || isDeepStrictEqual(mine, theirs)) return out;
  if (mine && theirs && typeof mine === 'object' && typeof theirs === 'object' && Array.isArray(mine) === Array.isArray(theirs)) {
    for (const key of new Set([...Object.keys(mine), ...Object.keys(theirs)])) {
      differences((mine as any)[key], (theirs as any)[key], Array.isArray(mine) ? `${path}[${key}]` : `${path}.${key}`, out, limit);
    }
    if (out.length === 0) out.push(`${path || '(top)'}: same content, different key order`);
    return out;
  }
  out.push(`${path || '(top)'}: nlkit ${JSON.stringify(mine)}, ip ${JSON.stringify(theirs)}`);
  return out;
}

/** Neighbour states `ip neigh show` prints without `nud`: all but noarp, and no stateless entry. */
const DEFAULT_NEIGHBOUR_STATES: NeighbourState[] = ['permanent', 'reachable', 'stale', 'incomplete', 'delay', 'probe', 'failed'];

interface Read {
  what: string;
  ip: string[];
  mine: (rt: RouteConnection, links: Link[], names: ReadonlyMap<number, string>) => unknown;
  mask: (value: any) => unknown;
}

const same = <T>(v: T): T => v;

function reads(netnsNames: readonly string[]): Read[] {
  // Without -4 or -6, `ip route show table all` shows both families (only a named table defaults to IPv4).
  const routes = (family: 4 | 6 | undefined): Read => ({
    what: `${family ? `-${family} ` : ''}route show table all`,
    ip: [...(family ? [`-${family}`] : []), '-d', 'route', 'show', 'table', 'all'],
    mine: (rt, _links, names) => rt.route.list({ ...(family ? { family } : {}), table: 'all' }).map((r) => routeToIpJson(r, names, { showTable: true })),
    mask: maskRouteJson,
  });
  const neighbours = (family: 4 | 6, proxy: boolean, all: boolean): Read => ({
    what: `${family === 6 ? '-6 ' : ''}neigh show${proxy ? ' proxy' : ''}${all ? ' nud all' : ''}`,
    ip: [...(family === 6 ? ['-6'] : ['-4']), 'neigh', 'show', ...(proxy ? ['proxy'] : []), ...(all ? ['nud', 'all'] : [])],
    mine: (rt, _links, names) => neighboursToIpJson(rt.neigh.list(proxy ? { family, proxy } : { family, state: all ? 'all' : DEFAULT_NEIGHBOUR_STATES }), names),
    mask: maskNeighbourJson,
  });
  const rules = (family: 4 | 6, details: boolean): Read => ({
    what: `${family === 6 ? '-6 ' : ''}${details ? '-d ' : ''}rule show`,
    ip: [...(family === 6 ? ['-6'] : []), ...(details ? ['-d'] : []), 'rule', 'show'],
    mine: (rt) => rulesToIpJson(rt.rule.list({ family }), { details }),
    mask: same,
  });
  return [
    { what: '-d link show', ip: ['-d', 'link', 'show'], mine: (_rt, links) => links.map((l) => linkToIpJson(l, links)), mask: maskLinkJson },
    { what: '-d addr show', ip: ['-d', 'addr', 'show'], mine: (rt, links) => addressesToIpJson(links, rt.addr.list(), { directory: links }), mask: maskAddressJson },
    routes(undefined),
    routes(4),
    routes(6),
    // One table, plain and detailed: no "table" key, and without -d no default type, protocol or scope.
    ...([[4, 'main', false], [6, 'main', false], [4, '100', true], [6, 'local', true], [4, '4000000', false]] as const).map(([family, table, details]): Read => ({
      what: `-${family}${details ? ' -d' : ''} route show table ${table}`,
      ip: [`-${family}`, ...(details ? ['-d'] : []), 'route', 'show', 'table', table],
      mine: (rt, _links, names) => rt.route.list({ family, table: table === 'main' || table === 'local' ? table : Number(table) }).map((r) => routeToIpJson(r, names, { details })),
      mask: maskRouteJson,
    })),
    neighbours(4, false, false),
    neighbours(6, false, false),
    neighbours(4, false, true),
    neighbours(6, false, true),
    neighbours(4, true, false),
    neighbours(6, true, false),
    rules(4, false),
    rules(6, false),
    rules(4, true),
    rules(6, true),
    {
      what: 'netns list-id',
      ip: ['netns', 'list-id'],
      // ip names ids from /run/netns; of those, only this test's namespaces can have an id here.
      mine: (rt) => netnsIdsToIpJson(rt.nsid.list(), new Map(netnsNames.flatMap((n) => {
        const id = rt.nsid.get(n);
        return id === undefined ? [] : [[id, n] as [number, string]];
      }))),
      mask: same,
    },
  ];
}

function build(topology: RandomTopology, names: readonly string[]): string | undefined {
  for (const batch of topology.batches) {
    const run = spawnSync('ip', [...batch.options, '-n', names[batch.netns]!, '-batch', '-'], { input: batch.lines.join('\n') + '\n', encoding: 'utf8' });
    if (run.status !== 0) return `ip ${batch.options.join(' ')} -batch in namespace ${batch.netns} refused it: ${run.stderr.trim()}`;
  }
  return undefined;
}

function describe(topology: RandomTopology): string {
  return topology.batches.map((b) => `# namespace ${b.netns}${b.options.length ? ` (ip ${b.options.join(' ')})` : ''}\n${b.lines.join('\n')}`).join('\n');
}

/**
 * Waits (up to 5 s) until no address is tentative on a link with carrier:
 * DAD ends there within a second or two, and reading while it ends only
 * makes readTogether retry. Without carrier an address stays tentative,
 * which does not move and is compared as it is.
 */
async function dadSettled(namespaces: readonly string[]): Promise<void> {
  for (let attempt = 0; attempt < 50; attempt++) {
    const busy = namespaces.some((ns) => (ipJson(ns, ['-6', 'addr', 'show']) as any[]).some((link) =>
      link.operstate === 'UP' && (link.addr_info as any[]).some((a) => a.tentative && !a.dadfailed)));
    if (!busy) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

async function compareSeed(t: Test, seed: number): Promise<void> {
  const names = testNetns(t, 2, 'wide');
  const topology = randomWideTopology(seed, [names[0]!, names[1]!]);
  for (const ns of names) {
    withNetns(ns, () => {
      for (const conf of ['all', 'default']) {
        writeFileSync(`/proc/sys/net/ipv6/conf/${conf}/accept_dad`, topology.dad ? '1' : '0');
        writeFileSync(`/proc/sys/net/ipv6/conf/${conf}/optimistic_dad`, topology.dad ? '1' : '0');
      }
    });
  }
  const refused = build(topology, names);
  if (refused !== undefined) {
    t.fail(`seed ${seed}: ${refused}`, { diagnostic: true, batches: describe(topology) });
    return;
  }
  if (topology.dad) await dadSettled(names.slice(0, topology.namespaces));
  const failures: string[] = [];
  for (const ns of names.slice(0, topology.namespaces)) {
    const rt = openRoute({ netns: ns });
    try {
      for (const read of reads(names)) {
        const { mine, theirs } = readTogether(() => ipJson(ns, read.ip), () => {
          const links = rt.link.list();
          return read.mine(rt, links, new Map(links.map((l) => [l.index, l.name])));
        }, read.mask);
        const masked = [read.mask(mine), read.mask(theirs)];
        // Key order too: the JSON text must be the same.
        if (JSON.stringify(masked[0]) !== JSON.stringify(masked[1])) {
          failures.push(`namespace ${names.indexOf(ns)}, ip -j ${read.what}:\n  ${differences(masked[0], masked[1]).join('\n  ')}`);
        }
      }
    } finally {
      rt.close();
    }
  }
  // In the diagnostic block, where the lines keep their breaks.
  if (failures.length > 0) t.fail(`seed ${seed}: nlkit differs from ip`, { diagnostic: true, differences: failures.join('\n'), batches: describe(topology) });
  else t.pass(`seed ${seed}: ${topology.batches.reduce((n, b) => n + b.lines.length, 0)} lines, every read identical`);
}

t.test('wide random topologies: nlkit rendered as ip -j equals ip -j', async (t) => {
  if (!requireRoot(t)) return;
  for (let seed = FIRST_SEED; seed < FIRST_SEED + SEEDS; seed++) {
    await t.test(`seed ${seed}`, async (t) => compareSeed(t, seed));
  }
});

// What the random topologies found, pinned one by one.

/** A gid or uid with a name in `path` and one without, for the tun owner test. */
function namedAndUnnamedId(path: string): [number, string, number] {
  const entries = readFileSync(path, 'utf8').split('\n').map((l) => l.split(':')).filter((f) => f.length >= 3 && /^\d+$/.test(f[2]!));
  const named = entries.find((f) => f[2] !== '0') ?? entries[0]!;
  const ids = new Set(entries.map((f) => Number(f[2])));
  let unnamed = 54321;
  while (ids.has(unnamed)) unnamed++;
  return [Number(named[2]), named[0]!, unnamed];
}

t.test('a tun device\'s user and group print as names where /etc/passwd and /etc/group have them, as ip prints them', async (t) => {
  if (!requireRoot(t)) return;
  const [ns] = testNetns(t, 1, 'widetun');
  const [uid, userName, unnamedUid] = namedAndUnnamedId('/etc/passwd');
  const [gid, groupName, unnamedGid] = namedAndUnnamedId('/etc/group');
  execFileSync('ip', ['-n', ns!, 'tuntap', 'add', 'dev', 'named0', 'mode', 'tap', 'user', String(uid), 'group', String(gid)]);
  execFileSync('ip', ['-n', ns!, 'tuntap', 'add', 'dev', 'numbered0', 'mode', 'tun', 'user', String(unnamedUid), 'group', String(unnamedGid)]);
  const rt = openRoute({ netns: ns! });
  t.teardown(() => rt.close());
  const links = rt.link.list();
  const mine = (name: string) => (linkToIpJson(links.find((l) => l.name === name)!, links).linkinfo as any).info_data;
  const theirs = (name: string) => (ipJson(ns!, ['-d', 'link', 'show', 'dev', name]) as any)[0].linkinfo.info_data;
  t.match(mine('named0'), { user: userName, group: groupName });
  t.strictSame(mine('named0'), theirs('named0'));
  t.match(mine('numbered0'), { user: unnamedUid, group: unnamedGid }, 'no name: the number');
  t.strictSame(mine('numbered0'), theirs('numbered0'));
});

t.test('neighbours: an extern_learn entry passes any state filter, an empty link-layer address prints as ip prints it', async (t) => {
  if (!requireRoot(t)) return;
  const [ns] = testNetns(t, 1, 'wideneigh');
  const batch = [
    'link add va type veth peer name vb',
    'link set va up',
    'neigh add 10.0.0.5 lladdr 02:00:00:00:00:05 dev va nud noarp extern_learn',
    'neigh add 10.0.0.6 lladdr 02:00:00:00:00:06 dev va nud noarp',
    'neigh add 10.0.0.7 lladdr 02:00:00:00:00:07 dev va nud stale extern_learn',
    // A tun device has no link-layer address: its entries carry an empty NDA_LLADDR.
    'tuntap add dev t0 mode tun',
    'link set t0 up',
    'neigh add fd00::1 dev t0 nud permanent',
  ];
  t.equal(spawnSync('ip', ['-n', ns!, '-batch', '-'], { input: batch.join('\n') + '\n' }).status, 0, 'ip built it');
  const rt = openRoute({ netns: ns! });
  t.teardown(() => rt.close());
  const names = new Map(rt.link.list().map((l) => [l.index, l.name]));
  const shown = (filter: Parameters<RouteConnection['neigh']['list']>[0]) => neighboursToIpJson(rt.neigh.list(filter), names).map((n) => n.dst);
  t.strictSame(shown({ family: 4, state: DEFAULT_NEIGHBOUR_STATES }).sort(), ['10.0.0.5', '10.0.0.7'], 'the NOARP extern_learn entry is shown without nud, the plain NOARP one is not');
  t.strictSame(shown({ family: 4, state: 'reachable' }).sort(), ['10.0.0.5', '10.0.0.7'], 'extern_learn entries pass a state filter they do not match');
  t.strictSame(neighboursToIpJson(rt.neigh.list({ family: 4, state: DEFAULT_NEIGHBOUR_STATES }), names), ipJson(ns!, ['-4', 'neigh', 'show']), 'ip -j -4 neigh show');
  t.strictSame(neighboursToIpJson(rt.neigh.list({ family: 4, state: 'reachable' }), names), ipJson(ns!, ['-4', 'neigh', 'show', 'nud', 'reachable']), 'ip -j -4 neigh show nud reachable');
  const onTun = neighboursToIpJson(rt.neigh.list({ family: 6, dev: 't0', state: 'permanent' }), names);
  t.equal(rt.neigh.list({ family: 6, dev: 't0', state: 'permanent' })[0]?.lladdr, '', 'decoded: an empty address');
  t.match(onTun, [{ dst: 'fd00::1', lladdr: '08' }], 'rendered: ip reads the next attribute\'s length byte');
  t.strictSame(onTun, ipJson(ns!, ['-6', 'neigh', 'show', 'nud', 'permanent']));
});

t.test('routes with a lightweight tunnel encap print it as ip does, paths too', async (t) => {
  if (!requireRoot(t)) return;
  const [ns] = testNetns(t, 1, 'wideencap');
  const batch = [
    'link set lo up',
    'link add va type veth peer name vb',
    'link set va up',
    'link set vb up',
    'addr add 10.1.0.1/24 dev va',
    'addr add 10.2.0.1/24 dev vb',
    'route add 172.20.0.0/16 encap ip id 5 src 192.0.2.1 dst 198.51.100.7 ttl 9 tos 0x10 key csum seq dev va',
    // The route's own tos after the encap's: ip prints "tos" twice.
    'route add 172.21.0.0/16 encap ip dst 9.9.9.9 tos 0x10 via 10.1.0.2 dev va tos 0x08',
    'route add 172.22.0.0/16 nexthop encap ip id 7 dst 1.1.1.1 via 10.1.0.2 dev va nexthop encap ip6 dst fd00::1 tc 4 csum via 10.2.0.2 dev vb',
    'route add 172.23.0.0/16 encap ip6 id 18446744073709551615 src fd00::8 dst fd00::9 hoplimit 3 tc 0xb8 seq dev va',
  ];
  t.equal(spawnSync('ip', ['-n', ns!, '-batch', '-'], { input: batch.join('\n') + '\n' }).status, 0, 'ip built it');
  const rt = openRoute({ netns: ns! });
  t.teardown(() => rt.close());
  const names = new Map(rt.link.list().map((l) => [l.index, l.name]));
  const routes = rt.route.list({ family: 4 });
  const mine = routes.map((r) => routeToIpJson(r, names));
  t.strictSame(mine, ipJson(ns!, ['-d', 'route', 'show']), 'ip -j -d route show');
  t.equal(JSON.stringify(mine), JSON.stringify(ipJson(ns!, ['-d', 'route', 'show'])), 'key order too');
  const byPrefix = (prefix: string) => mine[routes.findIndex((r) => r.dst === prefix)];
  t.match(byPrefix('172.20.0.0'), { encap: 'ip', id: 5, src: '192.0.2.1', dst: '198.51.100.7', ttl: 9, tos: 16, key: true, csum: true, seq: true },
    'the encap dst takes the route dst\'s place, as a JSON reader of ip\'s output sees it');
  t.match(byPrefix('172.21.0.0'), { encap: 'ip', tos: '0x08' }, 'the route\'s tos, printed last, wins');
  t.match(byPrefix('172.23.0.0'), { encap: 'ip6', id: 18446744073709551615, src: 'fd00::8', hoplimit: 3, tc: 0xb8, seq: true });
  // Crafted attributes: what cannot be read is left out, nothing throws.
  const base = routes[routes.findIndex((r) => r.dst === '172.20.0.0')]!;
  const truncated = [{ type: RTA_ENCAP_TYPE, nested: false, data: Buffer.from([2, 0]) }, { type: RTA_ENCAP, nested: false, data: Buffer.from([0xff, 0xff, 1, 0, 9, 9, 9, 9]) }];
  const shown = routeToIpJson({ ...base, unknown: truncated }, names);
  t.equal(shown.encap, 'ip');
  t.equal(shown.id, undefined, 'an attribute running past the payload ends the walk');
  t.equal(routeToIpJson({ ...base, unknown: [{ type: RTA_ENCAP_TYPE, nested: false, data: Buffer.from([2]) }] }, names).encap, undefined, 'a short type: no encap');
  t.equal(routeToIpJson({ ...base, unknown: [{ type: RTA_ENCAP_TYPE, nested: false, data: Buffer.from([99, 0]) }] }, names).encap, 'unknown', 'an unknown type, as ip names it');
  t.match(mine.find((r) => Array.isArray(r.nexthops)), { nexthops: [{ encap: 'ip', id: 7, dst: '1.1.1.1', gateway: '10.1.0.2' }, { encap: 'ip6', dst: 'fd00::1', tc: 4, csum: true, gateway: '10.2.0.2' }] });
});
