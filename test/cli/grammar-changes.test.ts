// The changing forms of ip's grammar that take selectors or kind words:
// `route|addr|neigh|rule flush SELECTOR`, `link set DEV type bridge_slave …`,
// `link set|delete group N`,
// `netns attach NAME PID`, `-all netns exec|delete`, `netns monitor`. Each step runs through
// `ip` in one namespace and `nlkit` in another prepared alike; the two must
// end alike, as `ip -j` reads them.
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import t from 'tap';
import { requireRoot, testNetns, uniqueNetnsName } from '../helpers/netns.js';
import { maskAddressJson, maskLinkJson, maskNeighbourJson, maskRouteJson } from '../helpers/volatile.js';
import { runCli } from '../../src/cli/main.js';
import { ipOut, ipRun, nlkit } from './helpers.js';

/** Same devices, same MACs (so the same link-local addresses), same addresses, routes, neighbours, rules. */
const SETUP = [
  'link set lo up',
  'link add v0 address 02:00:00:00:00:10 type veth peer name v1 address 02:00:00:00:00:11',
  'link add br0 address 02:00:00:00:00:12 type bridge stp_state 0',
  'link set v0 master br0',
  'link set v0 up', 'link set v1 up', 'link set br0 up',
  'link add g0 address 02:00:00:00:00:20 type veth peer name g1 address 02:00:00:00:00:21',
  'link set g0 group 5', 'link set g1 group 5',
  'addr add 10.0.0.1/24 dev v1',
  'addr add 10.0.0.2/24 dev v1',
  'addr add 10.0.5.1/24 dev v1 label v1:five',
  'addr add 10.0.6.1/24 dev v1 label v1:six valid_lft 500 preferred_lft 100',
  'addr add 10.0.7.1/24 dev v1 label v1:seven',
  'addr add 10.1.0.1/16 dev br0',
  'addr add fd00::1/64 dev v1 nodad',
  'addr add fd00::2/64 dev v1 nodad',
  'route add 10.20.1.0/24 via 10.0.0.3',
  'route add 10.20.2.0/24 via 10.0.0.4',
  'route add 10.21.0.0/16 via 10.0.0.3 proto static',
  'route add 10.22.0.0/16 via 10.0.0.4 proto static metric 9',
  'route add 10.23.0.0/16 via 10.0.0.5 table 100 metric 7',
  'route add 10.24.0.0/16 via 10.0.0.5 table 100 metric 8',
  'route add fd01::/64 via fd00::9 dev v1',
  'route add fd02::/64 via fd00::9 dev v1',
  'neigh add 10.0.0.7 lladdr 02:00:00:00:00:07 dev v1',
  'neigh add 10.0.0.8 lladdr 02:00:00:00:00:08 dev v1 nud stale',
  'neigh add 10.0.5.8 lladdr 02:00:00:00:00:58 dev v1 nud stale',
  'neigh add 10.0.5.9 lladdr 02:00:00:00:00:59 dev v1 nud noarp',
  'neigh add 10.1.0.9 lladdr 02:00:00:00:00:19 dev br0 nud stale',
  'rule add from 10.5.0.0/16 lookup 100 pref 100',
  'rule add fwmark 0x10/0xff table 100 pref 200',
  'rule add to 10.6.0.0/16 table 101 pref 300',
  'rule add iif v1 table 101 pref 310',
];
/** ip -batch lines take no -6, and `rule add` reads its prefixes as IPv4 without it. */
const RULE6 = ['-6', 'rule', 'add', 'from', 'fd05::/64', 'lookup', '100', 'pref', '300'];

const STEPS = [
  'route flush root 10.20.0.0/16',
  'route flush proto static metric 9',
  'route flush via 10.0.0.3',
  'route flush table 100 metric 7',
  '-6 route flush match fd01::1',
  'addr flush dev v1 to 10.0.5.0/24',
  'addr flush dev v1 label v1:s*',
  'addr flush dev v1 secondary',
  '-6 addr flush dev v1 to fd00::2/128',
  'neigh flush dev v1 nud stale to 10.0.5.0/24',
  'neigh flush to 10.0.0.0/16 nud all',
  'rule flush pref 200',
  'rule flush table 101 iif v1',
  'rule flush from 10.5.0.0/16',
  '-6 rule flush from fd05::/64',
  'link set v0 type bridge_slave cost 7 hairpin on learning off priority 3',
  'link set v0 type bridge_slave mcast_fast_leave on neigh_suppress on isolated on flood off',
  'link set group 5 mtu 1400 txqueuelen 77',
  'link delete group 5',
];

/** What each listing of the namespace reads, through ip -j, with what moves on its own masked. */
const LISTINGS: Record<string, (ns: string) => unknown> = {
  links: (ns) => {
    const links = maskLinkJson(ipJson(ns, '-d', 'link', 'show')) as Record<string, any>[];
    for (const l of links) {
      const data = l.linkinfo?.info_data;
      if (data) for (const k of ['hello_timer', 'tcn_timer', 'topology_change_timer', 'gc_timer']) delete data[k];
    }
    return links;
  },
  addresses: (ns) => maskAddressJson(ipJson(ns, 'addr', 'show')),
  routes: (ns) => maskRouteJson(ipJson(ns, 'route', 'show', 'table', 'all')),
  routes6: (ns) => (maskRouteJson(ipJson(ns, '-6', 'route', 'show', 'table', 'all')) as Record<string, unknown>[]).filter((r) => r.protocol !== 'kernel'),
  // The entries the test made (the kernel adds multicast ones), in address order: the dump's follows hash buckets.
  neighbours: (ns) => (maskNeighbourJson(ipJson(ns, 'neigh', 'show', 'nud', 'all')) as { dst: string; lladdr?: string }[])
    .filter((n) => n.lladdr?.startsWith('02:00:')).sort((x, y) => x.dst.localeCompare(y.dst)),
  rules: (ns) => [ipJson(ns, 'rule', 'show'), ipJson(ns, '-6', 'rule', 'show')],
};

/** The listings a step changes (its object's, and the routes an address takes along). */
const TOUCHES: Record<string, string[]> = {
  route: ['routes', 'routes6'], addr: ['addresses', 'routes', 'routes6'], neigh: ['neighbours'], rule: ['rules'], link: ['links'],
};

function snapshot(ns: string, listings = Object.keys(LISTINGS)): Record<string, unknown> {
  return Object.fromEntries(listings.map((name) => [name, LISTINGS[name]!(ns)]));
}

function ipJson(ns: string, ...args: string[]): unknown {
  return JSON.parse(ipOut('-n', ns, '-j', ...args));
}

const withFamily = (line: string): [string[], string[]] => {
  const words = line.split(' ');
  return words[0]!.startsWith('-') ? [[words[0]!], words.slice(1)] : [[], words];
};

t.test('flush with selectors and bridge port options: ip and nlkit leave the same namespace', async (t) => {
  if (!requireRoot(t)) return;
  const [a, b] = testNetns(t, 2, 'gramchg');
  for (const ns of [a!, b!]) {
    execFileSync('ip', ['netns', 'exec', ns, 'sysctl', '-qw', 'net.ipv6.conf.all.accept_dad=0', 'net.ipv6.conf.default.accept_dad=0']);
    const setup = ipRun(['-n', ns, '-batch', '-'], SETUP.join('\n'));
    t.equal(setup.status, 0, `set up ${setup.stderr}`);
    ipOut(...RULE6.slice(0, 1), '-n', ns, ...RULE6.slice(1));
  }
  t.same(snapshot(b!), snapshot(a!), 'prepared alike');
  for (const step of STEPS) {
    const [opts, words] = withFamily(step);
    const touched = TOUCHES[words[0]!]!;
    const before = JSON.stringify(snapshot(a!, touched));
    const ip = ipRun([...opts, '-n', a!, ...words]);
    const mine = await nlkit([...opts, '-n', b!, ...words]);
    t.equal(ip.status, 0, `ip ran ${step} ${ip.stderr}`);
    t.equal(mine.status, ip.status, `status of ${step} ${mine.stderr}`);
    const after = snapshot(a!, touched);
    t.not(JSON.stringify(after), before, `${step} changed something`);
    t.same(snapshot(b!, touched), after, `same namespace after ${step}`);
  }
  t.same(snapshot(b!), snapshot(a!), 'same namespace at the end');
  // Without a selector, `rule flush` leaves only priority 0.
  t.equal(ipRun(['-n', a!, 'rule', 'flush']).status, 0);
  t.equal((await nlkit(['-n', b!, 'rule', 'flush'])).status, 0);
  t.same(snapshot(b!, ['rules']), snapshot(a!, ['rules']), 'same rules after rule flush');
  t.same((ipJson(b!, 'rule', 'show') as { priority: number }[]).map((r) => r.priority), [0], 'only the local rule is left');
});

t.test('link set DEV type KIND: errors as ip, or nlkit\'s own where the library cannot', async (t) => {
  if (!requireRoot(t)) return;
  const [ns] = testNetns(t, 1, 'gramset');
  ipOut('-n', ns!, 'link', 'add', 'v0', 'type', 'veth', 'peer', 'name', 'v1');
  ipOut('-n', ns!, 'link', 'add', 'br0', 'type', 'bridge');
  ipOut('-n', ns!, 'link', 'set', 'v0', 'master', 'br0');
  for (const line of ['link set v0 type bridge_slave bogus 1', 'link set v0 type bridge_slave hairpin maybe', 'link set v0 type bridge_slave priority 99999', 'link set v0 carrier maybe', 'link set v0 promisc maybe', 'link delete group 0', 'link delete group 55', 'link set group x up', 'link set dev v0 up 1513', 'link set dev v0 mtu 1400 v1', 'link set v0 up dev v1', 'addr add 10.0.0.1/32 o dev v0', 'addr add 10.0.0.300/32 dev v0', 'route add 10.9.0.0/16 via', 'rule add foo']) {
    const ip = ipRun(['-n', ns!, ...line.split(' ')]);
    const mine = await nlkit(['-n', ns!, ...line.split(' ')]);
    t.not(ip.status, 0, `ip refuses ${line}`);
    t.equal(mine.status, ip.status, `status of ${line}`);
    t.equal(mine.stderr, ip.stderr, `stderr of ${line}`);
  }
  // Kinds nlkit does not parse on `link add` (the kernel here lacks dummy) are refused before anything is sent.
  const kind = await nlkit(['-n', ns!, 'link', 'set', 'br0', 'type', 'dummy']);
  t.equal(kind.status, 2);
  t.match(kind.stderr, /^Error: nlkit's "link set" changes the options of types veth, bridge, macvlan, vxlan, ifb and bridge_slave, not of "type dummy"/);
});

t.test('netns attach NAME PID names the namespace of a process, as ip does', async (t) => {
  if (!requireRoot(t)) return;
  const [ns] = testNetns(t, 1, 'gramatt');
  const sleeper = spawn('ip', ['netns', 'exec', ns!, 'sleep', '30'], { stdio: 'ignore' });
  t.teardown(() => void sleeper.kill());
  // The sleeper is in the namespace once `ip netns pids` lists it.
  let pid: string | undefined;
  for (let i = 0; i < 200 && !pid; i++) {
    pid = ipOut('netns', 'pids', ns!).trim().split('\n').find(Boolean);
    if (!pid) await new Promise((r) => setTimeout(r, 10));
  }
  t.ok(pid, 'a process in the namespace');
  const name = uniqueNetnsName('gramatt');
  t.teardown(() => void spawnSync('ip', ['netns', 'del', name]));
  t.equal((await nlkit(['netns', 'attach', name, pid!])).status, 0);
  t.equal(ipOut('netns', 'identify', pid!).trim().split('\n').length >= 1, true);
  // Both names now open the same namespace: a link made through one shows through the other.
  ipOut('-n', name, 'link', 'add', 'att0', 'type', 'veth', 'peer', 'name', 'att1');
  t.same(JSON.parse(ipOut('-n', ns!, '-j', 'link', 'show', 'att0'))[0].ifname, 'att0');
  for (const args of [[name, pid!], [uniqueNetnsName('gramatt'), '999999999'], [name, 'abc'], [name]]) {
    const ip = ipRun(['netns', 'attach', ...args]);
    const mine = await nlkit(['netns', 'attach', ...args]);
    t.not(ip.status, 0, `ip refuses attach ${args.join(' ')}`);
    t.equal(mine.status, ip.status, `status of attach ${args.join(' ')}`);
    t.equal(mine.stderr, ip.stderr, `stderr of attach ${args.join(' ')}`);
  }
});

/**
 * `-all` acts on every name under /run/netns, so it runs in a private mount
 * namespace with a fresh tmpfs there (the host's namespaces are never seen),
 * once with `ip` and once with `nlkit`; the script refuses to go on unless
 * /run/netns is that tmpfs.
 */
function allScript(tool: string): string {
  return [
    'mount -t tmpfs nlkit-gram /run/netns || exit 97',
    '[ "$(stat -f -c %T /run/netns)" = tmpfs ] || exit 98',
    '[ -z "$(ls /run/netns)" ] || exit 99',
    // Set up with ip for both: the two `-all` forms are what is compared (each nlkit start costs a Node start).
    'ip netns add nlkt-all-a', 'ip netns add nlkt-all-b',
    'ip -n nlkt-all-b link add pair0 type veth peer name pair1',
    // The command prints the devices it sees: lo alone in a, lo and the pair in b.
    `out=$(${tool} -all netns exec ip -o link show); echo status $?`,
    `printf '%s\\n' "$out" | cut -d' ' -f2 | sort`,
    `${tool} -all netns delete; echo status $?`,
    'ls /run/netns | wc -l',
  ].join('\n');
}

t.test('-all netns exec|delete act on every named namespace, as ip -all does', async (t) => {
  if (!requireRoot(t)) return;
  const nlkitCommand = `${process.execPath} --import tsx src/cli/bin.ts`;
  const run = (tool: string) => spawnSync('unshare', ['--mount', '--propagation', 'private', '--', 'sh', '-c', allScript(tool)], { encoding: 'utf8', timeout: 60_000 });
  const ip = run('ip');
  const mine = run(nlkitCommand);
  t.equal(ip.status, 0, `ip's script ran ${ip.stderr}`);
  t.equal(mine.status, 0, `nlkit's script ran ${mine.stderr}`);
  t.match(ip.stdout, /^status 0\n[^]*status 0\n0\n$/, 'ip: exec runs, delete leaves nothing');
  t.match(ip.stdout, /nlkt-all-a\n[^]*pair0@pair1:/, 'the command ran in each namespace');
  // ip writes its `netns: NAME` headers through stdio buffers, so they reach a pipe after the command's output: compare the lines as sets.
  const lines = (s: string) => s.split('\n').sort();
  t.same(lines(mine.stdout), lines(ip.stdout), 'same output lines');
  t.equal(mine.stderr, ip.stderr, 'same errors');
  // No command: refused before any namespace is entered.
  const none = await nlkit(['-all', 'netns', 'exec']);
  const ipNone = ipRun(['-all', 'netns', 'exec']);
  t.equal(none.status, ipNone.status, 'status without a command');
  t.equal(none.stderr, ipNone.stderr, 'error without a command');
});

t.test('netns monitor prints add/delete as names come and go, as ip netns monitor does', async (t) => {
  if (!requireRoot(t)) return;
  // ip writes through stdio, block-buffered into a pipe: stdbuf makes it line-buffered.
  const watcher = spawn('stdbuf', ['-oL', 'ip', 'netns', 'monitor'], { stdio: ['ignore', 'pipe', 'ignore'] });
  t.teardown(() => void watcher.kill());
  let ipOutput = '';
  watcher.stdout.on('data', (d) => void (ipOutput += d));
  let out = '';
  const abort = new AbortController();
  const running = nlkitMonitor(abort.signal, (s) => void (out += s));
  // Both watch once they have started; other sessions' names may show too, only ours are compared.
  await new Promise((r) => setTimeout(r, 500));
  const names = [uniqueNetnsName('grammon'), uniqueNetnsName('grammon')];
  t.teardown(() => { for (const n of names) spawnSync('ip', ['netns', 'del', n]); });
  ipOut('netns', 'add', names[0]!);
  ipOut('netns', 'add', names[1]!);
  ipOut('netns', 'del', names[0]!);
  const expected = [`add ${names[0]}`, `add ${names[1]}`, `delete ${names[0]}`];
  const ours = (text: string) => text.split('\n').filter((l) => names.some((n) => l.endsWith(` ${n}`)));
  for (let i = 0; i < 100 && (ours(out).length < 3 || ours(ipOutput).length < 3); i++) await new Promise((r) => setTimeout(r, 20));
  abort.abort();
  t.equal(await running, 0, 'exits 0 when stopped');
  t.same(ours(out), expected, 'nlkit: add, add, delete');
  t.same(ours(out), ours(ipOutput), 'as ip netns monitor prints them');
});

function nlkitMonitor(signal: AbortSignal, stdout: (s: string) => void): Promise<number> {
  return runCli(['netns', 'monitor'], { stdout, stderr: stdout, signal });
}
