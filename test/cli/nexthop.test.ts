// `nlkit nexthop` against `ip nexthop` (iproute2 6.1): every command of the
// corpus runs through ip in one namespace and nlkit in another prepared
// alike; status, stdout and stderr must match exactly, and the state after.
import t from 'tap';
import { requireRoot, testNetns } from '../helpers/netns.js';
import { ipOut, ipRun, nlkit } from './helpers.js';

const SETUP = [
  'link set lo up', 'link add v0 address 02:00:00:00:00:10 type veth peer name v1 address 02:00:00:00:00:11',
  'link set v0 up', 'link set v1 up', 'addr add 10.0.0.1/24 dev v0', 'addr add fd00::1/64 dev v0 nodad',
];

const COMMANDS = [
  'nexthop show', 'nexthop add id 1 via 10.0.0.2 dev v0', 'nexthop add id 2 via 10.0.0.3 dev v0 proto static', 'nexthop add id 3 blackhole',
  'nexthop add id 4 dev v0', 'nexthop add id 5 via fd00::2 dev v0', 'nexthop add id 6 via 192.168.9.1 dev v0 onlink',
  'nexthop add id 7 via inet 10.0.0.6 dev v0', '-6 nexthop add id 8 dev v0', 'nexthop add id 9 via 10.2 dev v0 onlink',
  'nexthop add id 10 group 1/2,3', 'nexthop add id 11 group 1,5/2 type resilient buckets 8 idle_timer 60 unbalanced_timer 20',
  'nexthop add id 12 group 5 type mpath',
  'nexthop add id 20 via 172.16.1.2 fdb', 'nexthop add id 21 via 172.16.1.3 fdb', 'nexthop add id 22 group 20/21 fdb',
  // Without an id, or with id 0, the kernel picks the next free one (13, then 14): the same in both namespaces.
  'nexthop add via 10.0.0.4 dev v0', 'nexthop add id 0 via 10.0.0.5 dev v0', 'nexthop add group 13/14,2', 'nexthop get id 15',
  'nexthop replace via 10.0.0.9 dev v0', 'nexthop replace id 0 via 10.0.0.9 dev v0', 'nexthop del', 'nexthop del id 0',
  'nexthop show', '-j nexthop show', '-d nexthop show', '-j -d nexthop show', '-j -p nexthop show', 'nexthop list dev v0', 'nexthop lst groups',
  'nexthop show fdb', 'nexthop show id 10', 'nexthop get id 11', '-j nexthop get id 1', '-d nexthop get id 2', 'nexthop show protocol 4', 'nexthop s gr',
  'nexthop list id 99', 'nexthop get id 99',
  // Refused: by the kernel, or as ip reads the words.
  'nexthop add id 1 via 10.0.0.9 dev v0', 'nexthop add id 30 via 10.0.0.2 dev nope', 'nexthop add id x blackhole', 'nexthop add id 31 group 1/x',
  'nexthop add id 31 group 1/2,0', 'nexthop add id 31 group 1/2,257', 'nexthop add id 31 group 1 type bogus', 'nexthop add id 31 bogus',
  'nexthop add id 31 protocol bogus blackhole', 'nexthop add id 31 dev v0 via fd00::5', 'nexthop add id 31 via inet6 10.0.0.8 dev v0',
  'nexthop add id 31 group 1/99', 'nexthop show dev nope', 'nexthop show bogus', 'nexthop show protocol x', 'nexthop add id',
  // Changes, deletes and flushes.
  'nexthop replace id 1 via 10.0.0.9 dev v0', 'nexthop replace id 32 via 10.0.0.10 dev v0', 'nexthop del id 3', 'nexthop del id 3',
  'nexthop show', 'nexthop flush dev v0', 'nexthop show', 'nexthop flush', 'nexthop flush', 'nexthop show',
  'nexthop add id 40 via 10.0.0.2 dev v0', 'nexthop add id 41 group 40', 'nexthop flush groups', 'nexthop flush id 40', '-j nexthop show',
];

t.test('nlkit nexthop answers and changes as ip nexthop', async (t) => {
  if (!requireRoot(t)) return;
  const [a, b] = testNetns(t, 2, 'clinhx') as [string, string];
  for (const ns of [a, b]) for (const line of SETUP) ipOut('-n', ns, ...line.split(' '));
  for (const command of COMMANDS) {
    const words = command.split(' ');
    const ip = ipRun(['-n', a, ...words]);
    const mine = await nlkit(['-n', b, ...words]);
    t.same({ status: mine.status, stdout: mine.stdout, stderr: mine.stderr }, { status: ip.status, stdout: ip.stdout, stderr: ip.stderr }, command);
    t.equal(ipOut('-n', b, '-d', 'nexthop', 'show'), ipOut('-n', a, '-d', 'nexthop', 'show'), `the same nexthops after ${command}`);
  }
  t.match(ipRun(['-n', a, 'nexthop', 'add', 'id', '31', 'group', '1/2,257']).stderr, /"weight" is invalid/, 'ip does refuse (the corpus compares refusals, not two silences)');
  // Where nlkit names itself, only the status is compared.
  for (const command of ['nexthop bogus', 'nexthop get', 'nexthop help']) {
    const words = command.split(' ');
    t.equal((await nlkit(['-n', b, ...words])).status, ipRun(['-n', a, ...words]).status, `status of ${command}`);
  }
});
