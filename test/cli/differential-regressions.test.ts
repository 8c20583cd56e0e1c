// Answers the random differential run (differential.test.ts) found nlkit
// giving differently from ip, pinned by the seed that found them: output with
// numbers that move on their own, state only ip can make, and lines whose
// answer depends on the namespace (its links, routes, rules, neighbours).
// Each command runs through `ip -n A` and through nlkit in-process on
// namespace B, prepared alike (by ip), and the two must answer alike, with
// only those numbers masked.
import t, { type Test } from 'tap';
import { requireRoot, testNetns } from '../helpers/netns.js';
import { ipOut, ipRun, nlkit } from './helpers.js';

const SETUP = [
  'link add v1 address 02:00:00:00:00:01 type veth peer name v2 address 02:00:00:00:00:02',
  'neigh add 10.6.0.100 dev v1 lladdr 02:00:00:00:43:51',
  'neigh add 10.6.0.101 dev v1 lladdr 02:00:00:00:43:52 nud stale',
];

/**
 * The entries' ages in seconds (used/confirmed/updated) tick between the two
 * runs, and a dump lists them in the order of the table's hash, seeded per
 * namespace: ages masked, lines sorted; the reference count is kept.
 */
const maskAges = (text: string): string => text.replace(/ used \d+\/\d+\/\d+/g, ' used N/N/N').split('\n').sort().join('\n');

t.test('-s neigh get prints the reference the get holds, as ip does (seed 111)', async (t) => {
  if (!requireRoot(t)) return;
  const [a, b] = testNetns(t, 2, 'diffreg');
  for (const ns of [a!, b!]) for (const line of SETUP) ipOut('-n', ns, ...line.split(' '));
  for (const line of ['-s neigh get 10.6.0.100 dev v1', '-s neigh get 10.6.0.101 dev v1', '-s -s neigh get 10.6.0.100 dev v1', '-s neigh show dev v1']) {
    const theirs = ipRun(['-n', a!, ...line.split(' ')]);
    const mine = await nlkit(['-n', b!, ...line.split(' ')]);
    t.equal(theirs.status, 0, `ip takes ${line}`);
    t.same({ status: mine.status, stderr: mine.stderr, stdout: maskAges(mine.stdout) }, { status: theirs.status, stderr: theirs.stderr, stdout: maskAges(theirs.stdout) }, line);
  }
  t.match(ipRun(['-n', a!, '-s', 'neigh', 'get', '10.6.0.100', 'dev', 'v1']).stdout, / ref 1 /, 'ip shows the reference (the comparison covers it)');
});

t.test('rule flush deletes rules whose action only ip makes, as ip does (seed 180)', async (t) => {
  if (!requireRoot(t)) return;
  const [a, b] = testNetns(t, 2, 'diffreg');
  // Action 0 (`none`), 9 (`throw`) and 12: ip sends any route type as a rule's action and the kernel keeps it.
  const rules = ['pref 7499 0 table 100', 'pref 7500 0', 'pref 7503 9', 'pref 7504 12 table 7', 'pref 7505 blackhole', 'pref 7506 table 100', 'pref 7507 9 table 100'];
  for (const ns of [a!, b!]) for (const rule of rules) ipOut('-n', ns, 'rule', 'add', ...rule.split(' '));
  for (const line of ['rule flush table 100', 'rule flush']) {
    const theirs = ipRun(['-n', a!, ...line.split(' ')]);
    const mine = await nlkit(['-n', b!, ...line.split(' ')]);
    t.same(mine, theirs, line);
    t.same(ipOut('-n', b!, '-j', 'rule', 'show'), ipOut('-n', a!, '-j', 'rule', 'show'), `same rules after ${line}`);
  }
});

t.test('a link kind the kernel has no driver for filters nothing in the dump, and ip\'s own kind test then fails every link (seed 504)', async (t) => {
  if (!requireRoot(t)) return;
  const [a, b] = testNetns(t, 2, 'diffreg');
  const setup = [
    'link add v2 address 02:00:00:00:02:01 type veth peer name p2 address 02:00:00:00:02:02',
    'link add br0 type bridge',
    'link set p2 master br0',
    'addr add 10.1.0.1/24 dev v2',
  ];
  for (const ns of [a!, b!]) for (const line of setup) ipOut('-n', ns, ...line.split(' '));
  const lines = [
    '-j link show type lst', '-j -s link lst type lst type bridge_slave', '-j link show master br0 type lst', 'link show type lst',
    '-j addr show type lst', '-o addr show type lst', '-br addr show type lst', '-j link show type veth type bridge_slave',
  ];
  for (const line of lines) {
    const theirs = ipRun(['-n', a!, ...line.split(' ')]);
    t.same(await nlkit(['-n', b!, ...line.split(' ')]), theirs, line);
  }
  t.equal(ipRun(['-n', a!, '-j', 'link', 'show', 'type', 'lst']).stdout, '[{},{},{},{}]\n', 'ip prints every link (lo, v2, p2, br0) as {} (the comparison covers it)');
});

/** Each line through ip on A and nlkit on B: the same answer, then the same routes (both families, every table) and rules. */
async function sameAnswersAndState(t: Test, a: string, b: string, lines: readonly string[]): Promise<void> {
  const state = (ns: string) => ['route show table all', '-6 route show table all', 'rule show', '-6 rule show'].map((read) => ipOut('-n', ns, '-j', ...read.split(' ')));
  for (const line of lines) {
    const theirs = ipRun(['-n', a, ...line.split(' ')]);
    t.same(await nlkit(['-n', b, ...line.split(' ')]), theirs, line);
    t.same(state(b), state(a), `same routes and rules after ${line}`);
  }
}

t.test('route test sends NLM_F_EXCL alone: IPv4 creates nothing, IPv6 adds (seed 572)', async (t) => {
  if (!requireRoot(t)) return;
  const [a, b] = testNetns(t, 2, 'diffreg');
  for (const ns of [a!, b!]) ipOut('-n', ns, 'link', 'set', 'lo', 'up');
  await sameAnswersAndState(t, a!, b!, [
    'route t all', 'route test 10.9.0.0/16 dev lo', 'route add 10.9.0.0/16 dev lo', 'route te 10.9.0.0/16 dev lo',
    '-6 route test fd00:9::/64 dev lo', '-6 route t fd00:9::/64 dev lo', 'route test 10.8.0.0/16 dev nope0',
  ]);
  t.equal(ipRun(['-n', a!, 'route', 'test', '10.7.0.0/16', 'dev', 'lo']).stderr, 'RTNETLINK answers: No such file or directory\n', 'ip\'s IPv4 test adds nothing');
});

t.test('a route destination `all` or `any` is 0/0, as `default` (seed 572)', async (t) => {
  if (!requireRoot(t)) return;
  const [a, b] = testNetns(t, 2, 'diffreg');
  for (const ns of [a!, b!]) ipOut('-n', ns, 'link', 'set', 'lo', 'up');
  await sameAnswersAndState(t, a!, b!, [
    'route add all dev lo', 'route add default dev lo', 'route del all', '-6 route add to any dev lo', '-6 route del to all dev lo',
    'route add unicast any dev lo table 5', 'route add blackhole all table 7', 'route add all',
  ]);
});

t.test('route show|flush table help prints the usage, after the table names (seed 581)', async (t) => {
  if (!requireRoot(t)) return;
  const [a, b] = testNetns(t, 2, 'diffreg');
  for (const line of ['route show table help', '-j route show table help 200 proto 42', 'route flush table help']) {
    const theirs = ipRun(['-n', a!, ...line.split(' ')]);
    const mine = await nlkit(['-n', b!, ...line.split(' ')]);
    t.match(theirs, { status: 255, stdout: '', stderr: /^Usage: ip route / }, `ip: ${line}`);
    t.match(mine, { status: 255, stdout: '', stderr: /^Usage: nlkit route / }, line);
  }
});

t.test('a rule action nlkit does not send is refused once the line is read: a later mistake or action word comes first (seed 586)', async (t) => {
  if (!requireRoot(t)) return;
  const [a, b] = testNetns(t, 2, 'diffreg');
  await sameAnswersAndState(t, a!, b!, [
    '-6 rule add not 0 from 192.168.1.1 priority 29708 table 1234', 'rule add 0 from 1.2.3.4 pref 5 blackhole', 'rule add xresolve pref 6 foo',
    'rule del pref 5 blackhole 0', 'rule add nat 1.2.3.4 from bad', 'rule add map-to 1.2.3.4 pref 6 blackhole', 'rule add nat x',
  ]);
  t.match(await nlkit(['-n', b!, 'rule', 'add', 'nat', '1.2.3.4']), { status: 2, stderr: /^Warning: route NAT is deprecated\nError: nlkit's rules do not take "nat"/ }, 'nat alone: ip\'s warning, then refused');
  t.match(await nlkit(['-n', b!, 'rule', 'add', 'pref', '7', 'xresolve']), { status: 2, stderr: /not "xresolve"/ }, 'alone, still refused');
});

t.test('route get default|all|any looks up the zero address of the family, as ip\'s request without RTA_DST does', async (t) => {
  if (!requireRoot(t)) return;
  const [a, b] = testNetns(t, 2, 'diffreg');
  for (const ns of [a!, b!]) ipOut('-n', ns, 'link', 'set', 'lo', 'up');
  for (const line of ['route get default', 'route get all', '-j route get to any', '-4 route get all', '-6 route get default', 'route get default from fd00::1', '-6 route get ::1 from all']) {
    const theirs = ipRun(['-n', a!, ...line.split(' ')]);
    t.same(await nlkit(['-n', b!, ...line.split(' ')]), theirs, line);
  }
  t.match(ipRun(['-n', a!, 'route', 'get', 'all']), { status: 0, stdout: /^local 0\.0\.0\.0 dev lo / }, 'ip answers (the comparison covers it)');
});

t.test('-s neigh flush prints ip\'s round lines (text under -j too), -s -s each entry it deletes (seed 771)', async (t) => {
  if (!requireRoot(t)) return;
  const [a, b] = testNetns(t, 2, 'diffreg');
  const setup = [...SETUP, 'neigh add proxy 10.9.0.1 dev v1', 'neigh add 10.6.0.102 dev v1 lladdr 02:00:00:00:43:53 nud permanent'];
  for (const ns of [a!, b!]) for (const line of setup) ipOut('-n', ns, ...line.split(' '));
  const lines = [
    '-s neigh flush proxy dev v2', '-s -s neigh flush dev v1', '-s neigh flush nud noarp', '-j -s -s neigh flush proxy', '-s neigh flush to 10.6.0.0/16 nud all',
    'neigh add 10.6.0.103 dev v1 lladdr 02:00:00:00:43:54 nud stale', '-j -s neigh flush dev v1', 'neigh flush dev v1',
  ];
  for (const line of lines) {
    const theirs = ipRun(['-n', a!, ...line.split(' ')]);
    const mine = await nlkit(['-n', b!, ...line.split(' ')]);
    t.same({ ...mine, stdout: maskAges(mine.stdout) }, { ...theirs, stdout: maskAges(theirs.stdout) }, line);
    const entries = (ns: string) => maskAges(ipOut('-n', ns, 'neigh', 'show', 'nud', 'all'));
    t.same(entries(b!), entries(a!), `same entries after ${line}`);
  }
  t.match(ipRun(['-n', a!, '-s', 'neigh', 'flush', 'dev', 'v1']).stdout, /^Nothing to flush\.\n$/, 'ip says so (the comparison covers it)');
});

t.test('-s addr|route flush print ip\'s round lines (text under -j too), -s -s each address or route a round deletes', async (t) => {
  if (!requireRoot(t)) return;
  const [a, b] = testNetns(t, 2, 'diffreg');
  // No link-local addresses: their random interface ids would differ between the namespaces.
  const setup = ['link add v1 type veth peer name v2', 'link set v1 addrgenmode none', 'link set v2 addrgenmode none', 'link set v1 up', 'link set v2 up', 'addr add 10.1.0.1/24 dev v1'];
  for (const ns of [a!, b!]) for (const line of setup) ipOut('-n', ns, ...line.split(' '));
  await sameAnswersAndState(t, a!, b!, [
    '-s route flush dev v1 proto static', 'route add 10.5.0.0/16 dev v1', '-s route flush dev v1 proto boot', 'route add 10.5.0.0/16 dev v1',
    'route add 10.6.0.0/16 dev v1 table 5 proto static', 'route add 10.7.0.0/16 via 10.1.0.2 table 5 metric 7', '-6 route add fd00:7::/64 dev v1 table 5',
    '-s -s route flush dev v1', '-j -s -s route flush table 5', '-s route flush table 123',
    'addr add fd00:1::1/64 dev v1 nodad', 'addr add 10.2.0.1/24 peer 10.2.0.9 dev v1', 'addr add 10.1.0.5/24 dev v1',
    '-s -s addr flush dev v1 primary', 'addr add 10.1.0.1/24 dev v1', '-j -s addr flush dev v1', '-s addr flush dev v1',
  ]);
  t.equal(ipRun(['-n', a!, '-s', 'route', 'flush', 'dev', 'v1']).stdout, 'Nothing to flush.\n', 'ip says so (the comparison covers it)');
});

t.test('a named device is asked for alone: master and kind are print_linkinfo\'s tests ({} under -j), nomaster tests nothing', async (t) => {
  if (!requireRoot(t)) return;
  const [a, b] = testNetns(t, 2, 'diffreg');
  const setup = [
    'link add v1 address 02:00:00:00:00:01 type veth peer name v2 address 02:00:00:00:00:02',
    'link add br0 address 02:00:00:00:00:10 type bridge', 'link add br1 address 02:00:00:00:00:11 type bridge', 'link set v2 master br0',
  ];
  for (const ns of [a!, b!]) for (const line of setup) ipOut('-n', ns, ...line.split(' '));
  const lines = [
    '-j link show dev v1 type bridge', 'link show dev v1 type bridge', '-j link show dev v2 type veth', '-j link show dev v2 master br0',
    '-j link show dev v2 master br1', '-j link show dev v1 master br0', '-j link show dev v2 nomaster', 'link show dev v2 nomaster',
    '-j addr show dev v1 type bridge', '-j addr show dev v2 master br1', '-j addr show dev v2 nomaster', '-j -4 addr show dev v2 master br1',
    '-j link show dev v2 type bridge_slave', '-br link show dev v1 type bridge', '-j link show if3 type bridge',
  ];
  for (const line of lines) {
    const theirs = ipRun(['-n', a!, ...line.split(' ')]);
    t.same(await nlkit(['-n', b!, ...line.split(' ')]), theirs, line);
  }
  t.equal(ipRun(['-n', a!, '-j', 'link', 'show', 'dev', 'v1', 'type', 'bridge']).stdout, '[{}]\n', 'ip prints {} (the comparison covers it)');
});

t.test('link add looks its lower device up once its words are read, before the name, the kind and the kind\'s words (seed 985)', async (t) => {
  if (!requireRoot(t)) return;
  const [a, b] = testNetns(t, 2, 'diffreg');
  for (const ns of [a!, b!]) ipOut('-n', ns, 'link', 'add', 'v1', 'type', 'veth', 'peer', 'name', 'v2');
  const lines = [
    'link add ma4 link nosuch address 02:00:00:00:04:01 type help macvlan mode bridge', 'link add ma4 link nosuch type foo help', 'link add ma4 link nosuch',
    'link add link nosuch type macvlan', 'link add ma4 link nosuch type bond foo', 'link add ma5 link nosuch type macvlan mode foo', 'link add ma5 link nosuch mtu x type macvlan',
  ];
  for (const line of lines) {
    const theirs = ipRun(['-n', a!, ...line.split(' ')]);
    t.same(await nlkit(['-n', b!, ...line.split(' ')]), theirs, line);
  }
  t.equal(ipRun(['-n', a!, 'link', 'add', 'ma4', 'link', 'nosuch']).stderr, 'Cannot find device "nosuch"\n', 'ip says so (the comparison covers it)');
});

t.test('-family help, and an option missing its word, print the usage as ip\'s main does (seed 1023)', async (t) => {
  if (!requireRoot(t)) return;
  const [a, b] = testNetns(t, 2, 'diffreg');
  for (const line of ['-family help inet6 neighbour show', '-f help', '-family', '-4 -f', '-batch', '-l', '-rc']) {
    const theirs = ipRun(['-n', a!, ...line.split(' ')]);
    const mine = await nlkit(['-n', b!, ...line.split(' ')]);
    t.match(theirs, { status: 255, stdout: '', stderr: /^Usage: ip / }, `ip: ${line}`);
    t.match(mine, { status: 255, stdout: '', stderr: /^Usage: nlkit / }, line);
  }
  t.same(await nlkit(['-n']), ipRun(['-n']), '-n with no name: ip opens a null name');
});
