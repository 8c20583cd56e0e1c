// The forms of ip's grammar nlkit once refused for want of a library field:
// `link set DEV type KIND OPTIONS` (the kind's changelink), `link add NAME type
// veth` without a peer name, `numtxqueues`/`numrxqueues`/`broadcast`, and
// `route get … ipproto|sport|dport|uid|connected`. Each step runs through `ip`
// in one namespace and `nlkit` in another prepared alike; they must end alike
// (`ip -j -d link show`), print alike, or fail alike.
import t, { type Test } from 'tap';
import { requireRoot, testNetns } from '../helpers/netns.js';
import { maskLinkJson, maskRouteJson } from '../helpers/volatile.js';
import { ipOut, ipRun, nlkit } from './helpers.js';

const SETUP = [
  'link set lo up',
  'link add v0 address 02:00:00:00:00:10 type veth peer name v1 address 02:00:00:00:00:11',
  'link add br0 address 02:00:00:00:00:12 type bridge stp_state 0',
  'link add vx0 address 02:00:00:00:00:13 type vxlan id 5 dstport 4789',
  'link add m0 link v0 address 02:00:00:00:00:14 type macvlan mode bridge',
  'link add i0 address 02:00:00:00:00:15 type ifb',
  'link set v0 up', 'link set v1 up',
  'addr add 10.0.0.1/24 dev v0',
  'route add 10.9.0.0/16 via 10.0.0.2',
  'route add 10.9.0.0/16 via 10.0.0.3 table 100',
  'route add 10.9.0.0/16 via 10.0.0.4 table 101',
  'route add 10.9.0.0/16 via 10.0.0.5 table 102',
  'rule add ipproto tcp dport 80 lookup 100 pref 100',
  'rule add ipproto udp sport 1000-1010 lookup 101 pref 110',
  'rule add uidrange 500-600 lookup 102 pref 120',
];

/** [step, whether it changes what `ip -d link show` prints] */
const STEPS: readonly (readonly [string, boolean])[] = [
  ['link set br0 type bridge stp_state 1 priority 100 forward_delay 400 ageing_time 1000', true],
  ['link set br0 type bridge mcast_snooping 0 mcast_querier 1 group_fwd_mask 0x4000', true],
  ['link set vx0 type vxlan ttl 10 ageing 100 nolearning', true],
  ['link set m0 type macvlan mode private', true],
  ['link set v0 type veth', false],
  ['link set i0 type ifb', false],
  ['link add w0 type veth', true],
  ['link add w2 numtxqueues 4 numrxqueues 3 type veth peer mtu 1400 txqueuelen 50', true],
  ['link add w4 type veth peer name w5 group 7', true],
  ['link add br1 broadcast 02:ff:ff:ff:ff:00 numtxqueues 2 type bridge', true],
  ['link set w4 brd 02:ff:ff:ff:ff:01', true],
  ['link set v1 broadcast 02:ff:ff:ff:ff:02 type veth', true],
];

/** Refused by the kernel: nlkit must print ip's line and exit with its status. */
const KERNEL_ERRORS = [
  'link set vx0 type vxlan id 6',
  'link set vx0 type vxlan dstport 5000',
  'link set v0 type bridge stp_state 1',
  'link set br0 type bridge vlan_filtering 1',
];

/** Lookups whose answer the flow fields choose (the rules above), printed as ip prints them. */
const LOOKUPS = [
  'route get 10.9.1.1',
  'route get 10.9.1.1 ipproto tcp dport 80',
  'route get 10.9.1.1 ipproto 6 dport 80',
  'route get 10.9.1.1 ipproto tcp dport 81',
  'route get 10.9.1.1 ipproto udp sport 1005',
  'route get 10.9.1.1 ipproto udp sport 0x3e9 dport 53',
  'route get 10.9.1.1 uid 550',
  'route get 10.9.1.1 uid 550 ipproto tcp dport 80',
  'route get 10.9.1.1 connected from 10.0.0.1',
  'route get fibmatch 10.9.1.1 ipp 6 dport 80',
];

const LOOKUP_ERRORS = [
  'route get 10.9.1.1 sport x', 'route get 10.9.1.1 dport 70000', 'route get 10.9.1.1 ipproto 300', 'route get 10.9.1.1 ipproto sctp',
];

/** What moves between two namespaces built alike: random MACs of the kernel-named links, and what derives from them. */
function links(ns: string): unknown {
  const all = maskLinkJson(JSON.parse(ipOut('-n', ns, '-j', '-d', 'link', 'show'))) as Record<string, any>[];
  for (const l of all) {
    if (/^veth\d/.test(l.ifname) || ['w0', 'w2', 'w4', 'w5', 'br1'].includes(l.ifname)) delete l.address;
    const data = l.linkinfo?.info_data;
    if (data) for (const k of ['hello_timer', 'tcn_timer', 'topology_change_timer', 'gc_timer', 'bridge_id', 'root_id']) delete data[k];
  }
  return all;
}

const split = (line: string) => line.split(' ');

/** `line` through ip in namespace `a` and nlkit in `b`: both refuse it, with the same status and line. */
async function refusedAlike(t: Test, a: string, b: string, line: string): Promise<void> {
  const [ip, mine] = [ipRun(['-n', a, ...split(line)]), await nlkit(['-n', b, ...split(line)])];
  t.not(ip.status, 0, `ip refuses ${line}`);
  t.same([mine.status, mine.stderr.replaceAll('nlkit', 'ip')], [ip.status, ip.stderr], `status and stderr of ${line}`);
}

t.test('kind options, nameless veth peers, queues and broadcast: ip and nlkit leave the same links', async (t) => {
  if (!requireRoot(t)) return;
  const [a, b] = testNetns(t, 2, 'gramkind');
  for (const ns of [a!, b!]) {
    const setup = ipRun(['-n', ns, '-batch', '-'], SETUP.join('\n'));
    t.equal(setup.status, 0, `set up ${setup.stderr}`);
  }
  t.same(links(b!), links(a!), 'prepared alike');
  for (const [step, changes] of STEPS) {
    const before = JSON.stringify(links(a!));
    const ip = ipRun(['-n', a!, ...split(step)]);
    const mine = await nlkit(['-n', b!, ...split(step)]);
    t.equal(ip.status, 0, `ip ran ${step} ${ip.stderr}`);
    t.equal(mine.status, 0, `nlkit ran ${step} ${mine.stderr}`);
    const after = links(a!);
    if (changes) t.not(JSON.stringify(after), before, `${step} changed something`);
    t.same(links(b!), after, `same links after ${step}`);
  }
  for (const line of KERNEL_ERRORS) await refusedAlike(t, a!, b!, line);
  t.same(links(b!), links(a!), 'nothing changed by the refused requests');
});

t.test('route get with flow fields: the answers ip prints', async (t) => {
  if (!requireRoot(t)) return;
  const [ns] = testNetns(t, 1, 'gramget');
  const setup = ipRun(['-n', ns!, '-batch', '-'], SETUP.join('\n'));
  t.equal(setup.status, 0, `set up ${setup.stderr}`);
  const gateways = new Set<string>();
  for (const line of LOOKUPS) {
    for (const json of [true, false]) {
      const args = ['-n', ns!, ...(json ? ['-j'] : []), ...split(line)];
      const ip = ipRun(args);
      const mine = await nlkit(args);
      t.equal(ip.status, 0, `ip ran ${line} ${ip.stderr}`);
      t.equal(mine.status, 0, `nlkit ran ${line} ${mine.stderr}`);
      if (json) {
        const answer = maskRouteJson(JSON.parse(ip.stdout)) as { gateway?: string }[];
        t.same(maskRouteJson(JSON.parse(mine.stdout)), answer, `-j ${line}`);
        if (!line.includes('fibmatch')) gateways.add(answer[0]!.gateway!);
      } else t.equal(mine.stdout, ip.stdout, `text of ${line}`);
    }
  }
  // Every rule was reached, so each flow field did reach the kernel.
  t.same([...gateways].sort(), ['10.0.0.2', '10.0.0.3', '10.0.0.4', '10.0.0.5']);
  for (const line of LOOKUP_ERRORS) await refusedAlike(t, ns!, ns!, line);
});

t.test('route get connected: the first answer, then the lookup from its source address', async (t) => {
  if (!requireRoot(t)) return;
  const [ns] = testNetns(t, 1, 'gramconn');
  const setup = ipRun(['-n', ns!, '-batch', '-'], SETUP.join('\n'));
  t.equal(setup.status, 0, `set up ${setup.stderr}`);
  const mine = await nlkit(['-n', ns!, 'route', 'get', '10.9.1.1', 'connected']);
  t.equal(mine.status, 0, mine.stderr);
  const first = ipOut('-n', ns!, 'route', 'get', '10.9.1.1');
  const second = ipOut('-n', ns!, 'route', 'get', '10.9.1.1', 'from', '10.0.0.1');
  t.not(first, second, 'the source address changes the answer ip prints');
  t.equal(mine.stdout, first + second);
  const json = await nlkit(['-n', ns!, '-j', 'route', 'get', '10.9.1.1', 'connected']);
  t.same(maskRouteJson(JSON.parse(json.stdout)), maskRouteJson(JSON.parse(ipOut('-n', ns!, '-j', 'route', 'get', '10.9.1.1', 'from', '10.0.0.1'))));
});

t.test('route get connected without a source address to connect from: what ip prints', async (t) => {
  if (!requireRoot(t)) return;
  const [ns] = testNetns(t, 1, 'gramnosrc');
  const setup = ipRun(['-n', ns!, '-batch', '-'], 'link add v0 type veth peer name v1\nlink set v0 up\nroute add 10.98.0.0/16 dev v0\n');
  t.equal(setup.status, 0, `set up ${setup.stderr}`);
  const line = ['-n', ns!, 'route', 'get', '10.98.0.1', 'connected'];
  const ip = ipRun(line);
  const mine = await nlkit(line);
  t.equal(ip.status, 1);
  t.equal(mine.status, ip.status);
  t.equal(mine.stdout, ip.stdout);
  t.equal(mine.stderr, ip.stderr);
});
