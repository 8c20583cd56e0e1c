// `route show cached` / `route list table cache`: the routes the kernel cloned
// when a path MTU came back smaller (test/helpers/pmtu-exceptions.ts). ip and
// nlkit list them on A, text and JSON, the expiry masked (it ticks).
import t from 'tap';
import { requireRoot } from '../helpers/netns.js';
import { pmtuTopology, provokeExceptions } from '../helpers/pmtu-exceptions.js';
import { ipRun, nlkit } from './helpers.js';

function mask(text: string): string {
  return text.replace(/expires -?\d+sec/g, 'expires Nsec').replace(/"expires":-?\d+/g, '"expires":N');
}

const FORMS = [
  ['route', 'show', 'cached'],
  ['route', 'list', 'table', 'cache'],
  ['-6', 'route', 'show', 'cached'],
  ['-6', 'route', 'show', 'table', 'cache'],
  ['-j', 'route', 'show', 'cached'],
  ['-j', '-6', 'route', 'show', 'cached'],
  ['-j', '-p', '-6', 'route', 'show', 'cached'],
  ['-d', '-6', 'route', 'show', 'cached'],
  ['route', 'show', 'cached', 'dev', 'a0'],
  ['-6', 'route', 'show', 'cached', 'to', 'fd00:2::1'],
  ['-6', 'route', 'show', 'cached', 'to', 'fd00:3::/64'],
  ['route', 'show', 'cached', 'proto', 'static'],
  ['route', 'show', 'cached', 'dev', 'nosuch'],
  ['route', 'show'],
];

t.test('cached routes: the exceptions a path MTU leaves, as ip lists them', async (t) => {
  if (!requireRoot(t)) return;
  const topology = pmtuTopology(t);
  const a = topology.a;
  // Nothing cloned yet: both print nothing.
  for (const form of [['route', 'show', 'cached'], ['-6', 'route', 'show', 'cached']]) {
    t.equal((await nlkit(['-n', a, ...form])).stdout, ipRun(['-n', a, ...form]).stdout, `empty ${form.join(' ')}`);
  }
  // Too big for R's link to B: R answers with the 1280 MTU, which A keeps.
  provokeExceptions(topology);
  t.match(ipRun(['-n', a, 'route', 'show', 'cached']).stdout, /10\.2\.0\.1 via 10\.1\.0\.2 dev a0 \n +cache expires \d+sec mtu 1280/, 'A keeps an IPv4 exception');
  t.match(ipRun(['-n', a, '-6', 'route', 'show', 'cached']).stdout, /fd00:2::1 via fd00:1::2 dev a0 .*mtu 1280/, 'A keeps an IPv6 exception');
  for (const form of FORMS) {
    const ip = ipRun(['-n', a, ...form]);
    const mine = await nlkit(['-n', a, ...form]);
    t.same([mine.status, mask(mine.stdout), mine.stderr], [ip.status, mask(ip.stdout), ip.stderr], form.join(' '));
  }
  // A flush of the cache deletes the exception (RTM_F_CLONED), not the table's route it came from (test/cli/route-flush-cached.test.ts).
  const flush = await nlkit(['-n', a, '-6', 'route', 'flush', 'cached']);
  t.equal(flush.status, 0);
  t.equal(ipRun(['-n', a, '-6', 'route', 'show', 'cached']).stdout, '', 'the IPv6 exception is gone');
  t.match(ipRun(['-n', a, '-6', 'route', 'show', 'default']).stdout, /default via fd00:1::2/, 'the default route is still there');
});
