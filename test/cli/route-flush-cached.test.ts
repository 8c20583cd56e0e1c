// `route flush cached` as ip 6.1 does it, on two copies of the path-MTU
// topology (test/helpers/pmtu-exceptions.ts): before each command both A
// namespaces get fresh exceptions, then ip flushes one and nlkit the other,
// with the same status, standard error and standard output (-s counts rounds)
// and the same routes, cached and not, left behind.
import { spawn } from 'node:child_process';
import t from 'tap';
import { pmtuTopology, provokeExceptions, type PmtuTopology } from '../helpers/pmtu-exceptions.js';
import { requireRoot } from '../helpers/netns.js';
import { maskRouteJson } from '../helpers/volatile.js';
import { InvalidArgumentError } from '../../src/netlink/addresses.js';
import { openRoute } from '../../src/route/connection.js';
import { ipOut, ipRun, nlkit, type CliRun } from './helpers.js';

const FORMS: readonly string[][] = [
  ['route', 'flush', 'cached'], ['-6', 'route', 'flush', 'cached'], ['-s', 'route', 'flush', 'cached'], ['-6', '-s', 'route', 'flush', 'cached'],
  ['-s', 'route', 'flush', 'cached', 'table', 'all'], ['-s', '-s', 'route', 'flush', 'cached', 'table', 'all'], ['-4', '-s', '-s', 'route', 'flush', 'cached'],
  ['-6', '-s', '-s', 'route', 'flush', 'cached'], ['-6', '-o', '-s', '-s', 'route', 'flush', 'cached'], ['-j', '-6', '-s', '-s', 'route', 'flush', 'cached'],
  ['-6', 'route', 'flush', 'table', 'cache'], ['-6', '-s', 'route', 'flush', 'cloned', 'dev', 'a0'], ['-6', '-s', 'route', 'flush', 'cached', 'dev', 'lo'],
  ['-6', '-s', 'route', 'flush', 'cached', 'to', 'fd00:9::/64'], ['-6', '-s', 'route', 'flush', 'cached', 'exact', 'fd00:2::1'],
  ['-6', 'route', 'flush', 'cached', 'dev', 'nosuch'], ['-6', 'route', 'flush', 'cached', 'table', '100'], ['-j', '-s', 'route', 'flush', 'cached'],
];

/** Countdowns and ages move between the two namespaces' reads. */
const mask = (run: CliRun): CliRun => ({ ...run, stdout: run.stdout.replace(/\b(expires|age) \d+sec/g, '$1 Nsec') });

/** Both namespaces' routes, less the local route of each link-local address (its MAC, so its address, is random). */
function routes(ns: string): unknown {
  const json = (...args: string[]): unknown =>
    (maskRouteJson(JSON.parse(ipOut('-n', ns, '-j', ...args))) as { dst: string }[]).filter((r) => !/^fe80::[0-9a-f:]+$/.test(r.dst) || r.dst === 'fe80::');
  return { cached: json('route', 'show', 'cached', 'table', 'all'), v4: json('route', 'show', 'table', 'all'), v6: json('-6', 'route', 'show', 'table', 'all') };
}

/**
 * provokeExceptions for several topologies at once: each ping waits out its
 * timeout (the answer is "too big", not a reply; 0.2 s, as the ICMP error
 * comes back within milliseconds here), so the pings run side by side, twice
 * each, as the helper's loop does one after the other.
 */
async function provokeAll(topologies: readonly PmtuTopology[]): Promise<void> {
  const ping = (ns: string, flag: string, dst: string) => new Promise<void>((resolve) => {
    spawn('ip', ['netns', 'exec', ns, 'ping', flag, '-c1', '-W0.2', '-s', '1400', '-M', 'do', dst], { stdio: 'ignore' }).on('close', () => resolve());
  });
  await Promise.all(topologies.flatMap((top) => [['-4', '10.2.0.1'], ['-6', 'fd00:2::1']].map(async ([flag, dst]) => {
    for (let i = 0; i < 2; i++) await ping(top.a, flag!, dst!);
  })));
}

const cachedIn = (ns: string, family: '-4' | '-6'): string => ipOut('-n', ns, family, 'route', 'show', 'cached');

t.test('route flush cached: nlkit deletes and prints what ip does', async (t) => {
  if (!requireRoot(t)) return;
  const theirs = pmtuTopology(t);
  const mine = pmtuTopology(t);
  for (const form of FORMS) {
    await provokeAll([theirs, mine]);
    if (!t.ok(cachedIn(mine.a, '-4') && cachedIn(mine.a, '-6'), `exceptions before ${form.join(' ')}`)) return;
    const ip = ipRun(['-n', theirs.a, ...form]);
    const run = await nlkit(['-n', mine.a, ...form]);
    t.same(mask(run), mask(ip), form.join(' '));
    t.same(routes(mine.a), routes(theirs.a), `same routes after ${form.join(' ')}`);
  }
});

t.test('what each flush removes, in the namespace -n names', async (t) => {
  if (!requireRoot(t)) return;
  const topology = pmtuTopology(t);
  const a = topology.a;
  provokeExceptions(topology);
  t.equal((await nlkit(['-n', a, '-6', 'route', 'flush', 'cached'])).status, 0);
  t.equal(cachedIn(a, '-6'), '', 'the IPv6 exception is gone');
  t.match(cachedIn(a, '-4'), /10\.2\.0\.1 via 10\.1\.0\.2/, 'the IPv4 one stays (-6)');
  t.match(ipOut('-n', a, '-6', 'route', 'show', 'default'), /default via fd00:1::2/, 'the route it was cloned from stays');
  // IPv4's go through /proc/sys/net/ipv4/route/flush, which answers for the namespace of the thread that opens it.
  t.equal((await nlkit(['-n', a, 'route', 'flush', 'cached'])).status, 0);
  t.equal(cachedIn(a, '-4'), '', 'the IPv4 exception is gone: the write reached A\'s file');
  t.match(ipOut('-n', a, 'route', 'show', 'default'), /default via 10\.1\.0\.2/, 'the IPv4 default route stays');
});

t.test('the library deletes cloned routes of IPv6 only, and adds none', async (t) => {
  if (!requireRoot(t)) return;
  const topology = pmtuTopology(t);
  provokeExceptions(topology);
  const rt = openRoute({ netns: topology.a });
  t.teardown(() => rt.close());
  // IPv4's delete ignores RTM_F_CLONED: sent, it would remove the default route the exception hangs on.
  t.throws(() => rt.route.delete({ dst: '10.2.0.1', cloned: true }), InvalidArgumentError);
  t.throws(() => rt.route.add({ dst: 'fd00:2::1', family: 6, cloned: true }), InvalidArgumentError);
  t.throws(() => rt.route.delete({ dst: 'fd00:2::1', cloned: 'yes' as unknown as boolean }), InvalidArgumentError);
  t.match(cachedIn(topology.a, '-4'), /10\.2\.0\.1/, 'nothing sent for IPv4');
  const [exception] = rt.route.list({ family: 6, cloned: true });
  t.ok(exception, 'an IPv6 exception to delete');
  rt.route.delete({ dst: 'fd00:2::1/128', cloned: true });
  t.same(rt.route.list({ family: 6, cloned: true }), [], 'the exception is gone');
  t.match(ipOut('-n', topology.a, '-6', 'route', 'show', 'default'), /default via fd00:1::2/, 'its route stays');
  // Sent again with no exception left, the delete touches none of the table's routes (this kernel acks it).
  const table = ipOut('-n', topology.a, '-6', 'route', 'show', 'table', 'all');
  rt.route.delete({ dst: 'fd00:2::1/128', cloned: true });
  t.equal(ipOut('-n', topology.a, '-6', 'route', 'show', 'table', 'all'), table, 'the tables are as they were');
});
