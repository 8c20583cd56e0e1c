// `nlkit -j ... show` against `ip -j ... show` on the same namespace state.
import { execFileSync } from 'node:child_process';
import t from 'tap';
import { requireRoot, testNetns } from '../helpers/netns.js';
import { maskAddressJson, maskLinkJson, maskNeighbourJson, maskRouteJson } from '../helpers/volatile.js';
import { ipOut, ipRun, nlkit } from './helpers.js';

function buildTopology(ns: string): void {
  // No duplicate address detection: a tentative flag would otherwise clear between ip's read and nlkit's.
  execFileSync('ip', ['netns', 'exec', ns, 'sysctl', '-qw', 'net.ipv6.conf.all.accept_dad=0', 'net.ipv6.conf.default.accept_dad=0']);
  const lines = [
    'link add v0 type veth peer name v1',
    'link add br0 type bridge',
    'link set v0 master br0',
    'link set v0 up', 'link set v1 up', 'link set br0 up', 'link set lo up',
    'link add mv0 link v1 type macvlan mode bridge',
    'link add vx0 type vxlan id 42 dstport 4789 local 10.0.0.1 dev v1',
    'addr add 10.0.0.1/24 dev v1',
    'addr add 10.0.0.9/24 dev v1',
    'addr add 10.9.0.1/16 brd + dev br0 label br0:x',
    'addr add fd00::1/64 dev v1 nodad',
    'route add 10.1.0.0/16 via 10.0.0.2',
    'route add 10.2.0.0/16 via 10.0.0.2 metric 20 proto static',
    'route add blackhole 10.3.0.0/16',
    'route add 10.4.0.0/16 dev v1 table 100',
    'route add fd01::/64 via fd00::2 dev v1',
    'neigh add 10.0.0.7 lladdr 02:00:00:00:00:07 dev v1',
    'neigh add fd00::7 lladdr 02:00:00:00:00:17 dev v1 nud reachable',
    'rule add from 10.5.0.0/16 lookup 100 pref 100',
    'rule add fwmark 0x10/0xff table 100 pref 200',
    '-6 rule add from fd05::/64 lookup 100 pref 300',
  ];
  for (const line of lines) {
    const words = line.split(' ');
    const opts = words[0]!.startsWith('-') ? [words.shift()!] : [];
    ipOut(...opts, '-n', ns, ...words);
  }
}

const CASES: { args: string[]; mask: (v: unknown) => unknown }[] = [
  { args: ['link', 'show'], mask: maskLinkJson },
  { args: ['-d', 'link', 'show'], mask: maskLinkJson },
  { args: ['-s', 'link', 'show', 'dev', 'lo'], mask: maskLinkJson },
  { args: ['link', 'show', 'master', 'br0'], mask: maskLinkJson },
  { args: ['link', 'show', 'type', 'veth'], mask: maskLinkJson },
  { args: ['link', 'show', 'up'], mask: maskLinkJson },
  { args: ['address', 'show'], mask: maskAddressJson },
  { args: ['-d', 'address', 'show'], mask: maskAddressJson },
  { args: ['-4', 'addr', 'show'], mask: maskAddressJson },
  { args: ['-6', 'a', 's', 'dev', 'v1'], mask: maskAddressJson },
  { args: ['route', 'show'], mask: maskRouteJson },
  { args: ['r'], mask: maskRouteJson },
  { args: ['-d', 'route', 'show'], mask: maskRouteJson },
  { args: ['route', 'show', 'table', 'all'], mask: maskRouteJson },
  { args: ['-6', 'route', 'show', 'table', 'all'], mask: maskRouteJson },
  { args: ['route', 'show', 'table', '100'], mask: maskRouteJson },
  { args: ['route', 'show', 'proto', 'static'], mask: maskRouteJson },
  { args: ['route', 'show', 'type', 'blackhole'], mask: maskRouteJson },
  { args: ['route', 'show', 'dev', 'v1'], mask: maskRouteJson },
  { args: ['route', 'show', '10.1.0.0/16'], mask: maskRouteJson },
  { args: ['route', 'get', '10.1.2.3'], mask: maskRouteJson },
  { args: ['neigh', 'show'], mask: maskNeighbourJson },
  { args: ['-4', 'neigh', 'show', 'dev', 'v1'], mask: maskNeighbourJson },
  { args: ['rule', 'show'], mask: (v) => v },
  { args: ['-6', 'rule', 'show'], mask: (v) => v },
];

t.test('nlkit -j prints what ip -j prints', async (t) => {
  if (!requireRoot(t)) return;
  const [ns] = testNetns(t, 1, 'cli');
  buildTopology(ns!);
  for (const { args, mask } of CASES) {
    const ip = ipRun(['-n', ns!, '-j', ...args]);
    const mine = await nlkit(['-n', ns!, '-j', ...args]);
    t.equal(mine.status, ip.status, `status of ${args.join(' ')}`);
    t.equal(mine.stderr, ip.stderr, `stderr of ${args.join(' ')}`);
    t.same(mask(JSON.parse(mine.stdout)), mask(JSON.parse(ip.stdout)), `ip -j ${args.join(' ')}`);
  }
});

t.test('-p prints ip\'s pretty layout byte for byte; text is ip\'s for the plain cases', async (t) => {
  if (!requireRoot(t)) return;
  const [ns] = testNetns(t, 1, 'cli');
  buildTopology(ns!);
  for (const args of [['link', 'show', 'lo'], ['-4', 'route', 'show'], ['rule', 'show']]) {
    t.equal((await nlkit(['-n', ns!, '-j', '-p', ...args])).stdout, ipRun(['-n', ns!, '-j', '-p', ...args]).stdout, `-j -p ${args.join(' ')}`);
  }
  for (const args of [['link', 'show'], ['addr', 'show'], ['-o', 'link', 'show'], ['route', 'show'], ['route', 'show', 'table', '100'], ['neigh', 'show', 'dev', 'v1'], ['rule', 'show']]) {
    t.equal((await nlkit(['-n', ns!, ...args])).stdout, ipRun(['-n', ns!, ...args]).stdout, `text of ${args.join(' ')}`);
  }
});

t.test('errors: the line ip prints and its exit status', async (t) => {
  if (!requireRoot(t)) return;
  const [ns] = testNetns(t, 1, 'cli');
  buildTopology(ns!);
  const cases = [
    ['link', 'show', 'nosuch'],
    ['route', 'add', '10.1.0.0/16', 'via', '10.0.0.2'],
    ['route', 'add', '10.7.0.0/16', 'via', '1.2.3.4'],
    ['addr', 'add', '10.0.0.1/24', 'dev', 'v1'],
    ['frobnicate'],
    ['link', 'frobnicate'],
    ['-frobnicate', 'link'],
  ];
  for (const args of cases) {
    const ip = ipRun(['-n', ns!, ...args]);
    const mine = await nlkit(['-n', ns!, ...args]);
    t.equal(mine.status, ip.status, `status of ${args.join(' ')}`);
    t.equal(mine.stderr.replaceAll('nlkit', 'ip'), ip.stderr, `stderr of ${args.join(' ')}`);
  }
  const missing = await nlkit(['-n', 'nlkit-no-such-netns', 'link']);
  t.equal(missing.status, 255);
  t.equal(missing.stderr, 'Cannot open network namespace "nlkit-no-such-netns": No such file or directory\n');
});
