// `route show cached` / `route list table cache`: the routes the kernel cloned.
// Three namespaces, A — R — B, R's link to B with an MTU of 1280: a large
// ping from A with DF set makes R answer "too big", and A's kernel keeps the
// smaller path MTU as an exception (IPv6) and a next-hop exception (IPv4).
// ip and nlkit list them on A, text and JSON, the expiry masked (it ticks).
import { spawnSync } from 'node:child_process';
import t from 'tap';
import { requireRoot, testNetns } from '../helpers/netns.js';
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
  const [a, r, b] = testNetns(t, 3, 'rtcache');
  const run = (ns: string, line: string) => {
    const res = ipRun(['-n', ns, ...line.split(' ')]);
    t.equal(res.status, 0, `${line} ${res.stderr}`);
  };
  run(a!, `link add a0 type veth peer name r0 netns ${r}`);
  run(r!, `link add r1 mtu 1280 type veth peer name b1 netns ${b}`);
  run(b!, 'link set b1 mtu 1280');
  for (const [ns, devs] of [[a!, ['lo', 'a0']], [r!, ['lo', 'r0', 'r1']], [b!, ['lo', 'b1']]] as const) for (const dev of devs) run(ns, `link set ${dev} up`);
  run(a!, 'addr add 10.1.0.1/24 dev a0');
  run(a!, 'addr add fd00:1::1/64 dev a0 nodad');
  run(r!, 'addr add 10.1.0.2/24 dev r0');
  run(r!, 'addr add fd00:1::2/64 dev r0 nodad');
  run(r!, 'addr add 10.2.0.2/24 dev r1');
  run(r!, 'addr add fd00:2::2/64 dev r1 nodad');
  run(b!, 'addr add 10.2.0.1/24 dev b1');
  run(b!, 'addr add fd00:2::1/64 dev b1 nodad');
  run(a!, 'route add default via 10.1.0.2');
  run(a!, '-6 route add default via fd00:1::2');
  run(b!, 'route add default via 10.2.0.2');
  run(b!, '-6 route add default via fd00:2::2');
  for (const key of ['net.ipv4.ip_forward', 'net.ipv6.conf.all.forwarding']) {
    t.equal(spawnSync('ip', ['netns', 'exec', r!, 'sysctl', '-qw', `${key}=1`]).status, 0, key);
  }
  // Nothing cloned yet: both print nothing.
  for (const form of [['route', 'show', 'cached'], ['-6', 'route', 'show', 'cached']]) {
    t.equal((await nlkit(['-n', a!, ...form])).stdout, ipRun(['-n', a!, ...form]).stdout, `empty ${form.join(' ')}`);
  }
  // Too big for R's link to B: R answers with the 1280 MTU, which A keeps.
  for (const [flag, dst] of [['-4', '10.2.0.1'], ['-6', 'fd00:2::1']]) {
    for (let i = 0; i < 3; i++) spawnSync('ip', ['netns', 'exec', a!, 'ping', flag!, '-c1', '-W1', '-s', '1400', '-M', 'do', dst!], { stdio: 'ignore' });
  }
  t.match(ipRun(['-n', a!, 'route', 'show', 'cached']).stdout, /10\.2\.0\.1 via 10\.1\.0\.2 dev a0 \n +cache expires \d+sec mtu 1280/, 'A keeps an IPv4 exception');
  t.match(ipRun(['-n', a!, '-6', 'route', 'show', 'cached']).stdout, /fd00:2::1 via fd00:1::2 dev a0 .*mtu 1280/, 'A keeps an IPv6 exception');
  for (const form of FORMS) {
    const ip = ipRun(['-n', a!, ...form]);
    const mine = await nlkit(['-n', a!, ...form]);
    t.same([mine.status, mask(mine.stdout), mine.stderr], [ip.status, mask(ip.stdout), ip.stderr], form.join(' '));
  }
  // A flush of the cache is refused rather than sent as a delete of the table's route the exception came from.
  const flush = await nlkit(['-n', a!, '-6', 'route', 'flush', 'cached']);
  t.equal(flush.status, 2);
  t.match(ipRun(['-n', a!, '-6', 'route', 'show', 'default']).stdout, /default via fd00:1::2/, 'the default route is still there');
});
