// Routes through nexthop objects from the command line: `route add … nhid N`
// ends in the state ip's does, and `-j -d route show` carries the nh_info
// object ip fetches for each such route.
import t from 'tap';
import { requireRoot, testNetns } from '../helpers/netns.js';
import { maskRouteJson } from '../helpers/volatile.js';
import { ipOut, ipRun, nlkit } from './helpers.js';

const SETUP = [
  'link set lo up', 'link add v0 type veth peer name v1', 'link set v0 up', 'link set v1 up', 'addr add 10.0.0.1/24 dev v0',
  'addr add fd00::1/64 dev v0 nodad',
  'nexthop add id 1 via 10.0.0.2 dev v0', 'nexthop add id 2 via 10.0.0.3 dev v0', 'nexthop add id 3 blackhole',
  'nexthop add id 5 via fd00::2 dev v0', 'nexthop add id 10 group 1/2,3',
  'nexthop add id 11 group 1/2,3 type resilient buckets 8 idle_timer 60', 'nexthop add id 6 via 192.168.9.1 dev v0 onlink proto static',
];
const STEPS = [
  'route add 10.5.0.0/16 nhid 1', 'route add 10.6.0.0/16 nhid 10 metric 5', 'route add 10.7.0.0/16 nhid 3 table 100',
  'route add fd05::/64 nhid 5', 'route replace 10.5.0.0/16 nhid 2', 'route del 10.6.0.0/16 nhid 10 metric 5', 'route add 10.8.0.0/16 nhid 99',
  'route add 10.9.0.0/16 nhid 0x1',
];
// Not table all: the local table's link-local routes differ with each namespace's MACs and DAD timing.
const READS = ['-j -d route show', '-j -d route show table 100', '-j -d -6 route show', '-j route show', '-j -d route show 10.5.0.0/16'];

t.test('route add … nhid and -j -d route show, as ip', async (t) => {
  if (!requireRoot(t)) return;
  const [a, b] = testNetns(t, 2, 'clinh') as [string, string];
  for (const ns of [a, b]) for (const line of SETUP) ipOut('-n', ns, ...line.split(' '));
  for (const step of STEPS) {
    const ip = ipRun(['-n', a, ...step.split(' ')]);
    const mine = await nlkit(['-n', b, ...step.split(' ')]);
    t.same({ status: mine.status, stdout: mine.stdout, stderr: mine.stderr }, { status: ip.status, stdout: ip.stdout, stderr: ip.stderr }, step);
  }
  for (const read of READS) {
    const words = read.split(' ');
    const theirs = maskRouteJson(JSON.parse(ipOut('-n', a, ...words)));
    t.same(maskRouteJson(JSON.parse(ipOut('-n', b, ...words))), theirs, `${read}: the same state`);
    const mine = await nlkit(['-n', b, ...words]);
    t.equal(mine.status, 0, `nlkit ${read}`);
    t.same(maskRouteJson(JSON.parse(mine.stdout)), theirs, `nlkit ${read} prints what ip prints, nh_info included`);
  }
  // Text: the nh_info line of -d, for each kind of nexthop object.
  for (const line of ['route add 10.20.0.0/16 nhid 10', 'route add 10.21.0.0/16 nhid 3', 'route add 10.22.0.0/16 nhid 11', 'route add 10.23.0.0/16 nhid 6']) {
    for (const ns of [a, b]) ipOut('-n', ns, ...line.split(' '));
  }
  for (const read of ['-d route show', '-d -6 route show', 'route show', '-d route show 10.22.0.0/16']) {
    const words = read.split(' ');
    const mine = await nlkit(['-n', b, ...words]);
    t.equal(mine.stdout, ipOut('-n', a, ...words), `nlkit ${read}: the text ip prints`);
  }
  t.match(ipOut('-n', a, '-d', 'route', 'show'), /\n\tnh_info id 11 group 1\/2,3 type resilient buckets 8 idle_timer 60 /, 'ip prints the nh_info lines compared');
  t.match(ipOut('-n', a, '-j', '-d', 'route', 'show', '10.5.0.0/16'), /"nh_info":\{"id":2/, 'ip does print nh_info (the comparison is not of two outputs without it)');
});
