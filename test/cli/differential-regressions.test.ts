// Answers the random differential run (differential.test.ts) found nlkit
// giving differently from ip that usage-errors.test.ts's exact, line-by-line
// comparison cannot hold: output with numbers that move on their own, and
// state only ip can make. Each command runs through `ip -n A` and through
// nlkit in-process on namespace B, prepared alike (by ip), and the two must
// answer alike, with only those numbers masked.
import t from 'tap';
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
