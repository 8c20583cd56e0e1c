// `link add NAME type veth peer WORDS` with the link words ip 6.1 reads
// after `peer` (iplink_parse again, into the peer's own ifinfomsg and
// attributes), against ip on a twin namespace: each command's status, output
// and error, and after it the links of the namespace and of the peer
// namespaces (`ip -j -d link show`) and the namespace's nsids.
import { spawn } from 'node:child_process';
import t from 'tap';
import { requireRoot, testNetns } from '../helpers/netns.js';
import { maskLinkJson } from '../helpers/volatile.js';
import { ipOut, ipRun, nlkit } from './helpers.js';

// Fixed MACs: every link a step creates names its address, so the twins print alike.
const SETUP = ['link add br0 address 02:00:00:00:00:aa type bridge', 'link add d0 address 02:00:00:00:00:ab type bridge'];

/**
 * In ip's namespace, @P and @Q are its peer namespaces and @PID a process in
 * @P; in nlkit's, its own twins of them.
 */
const STEPS = [
  // Enslaving: the kernel does not enslave a peer, so `master` after `peer` is checked and then has no effect.
  'link add v0 address 02:00:00:00:01:00 type veth peer name v1 address 02:00:00:00:01:01 master br0',
  'link add v2 address 02:00:00:00:01:02 master br0 type veth peer name v3 address 02:00:00:00:01:03',
  'link add v4 address 02:00:00:00:01:04 type veth peer v5 address 02:00:00:00:01:05 nomaster mtu 9000',
  // What the kernel sets on the peer at birth: queues, limits, broadcast, group and the header's flags.
  'link add v6 address 02:00:00:00:01:06 type veth peer dev v7 address 02:00:00:00:01:07 mtu 1400 broadcast 02:ff:ff:ff:ff:fe ' +
    'txqueuelen 77 numtxqueues 3 numrxqueues 2 gso_max_size 30000 gso_max_segs 100 gro_max_size 30000 group 5 alias hi ' +
    'arp off multicast off promisc on allmulticast on dynamic on',
  'link add v8 address 02:00:00:00:01:08 type veth peer name v9 address 02:00:00:00:01:09 multicast off allmulticast off ' +
    'promisc off dynamic off arp on down carrier off protodown on',
  // Read, and ignored by the kernel on a peer: link, link-netnsid, parentdev; index without one for the new link.
  'link add w0 address 02:00:00:00:01:10 type veth peer name w1 address 02:00:00:00:01:11 link br0 link-netnsid 0 parentdev foo',
  'link add w2 address 02:00:00:00:01:12 type veth peer name w3 address 02:00:00:00:01:13 index 50',
  'link add w4 address 02:00:00:00:01:14 index 60 type veth peer name w5 address 02:00:00:00:01:15 index 61',
  // A broadcast address longer than the link's: its first 6 bytes.
  'link add w6 address 02:00:00:00:01:16 type veth peer name w7 address 02:00:00:00:01:17 brd 02:11:22:33:44:55:66',
  // Other namespaces: by name, by a process in it, and link-netns (which assigns an nsid, then has no effect).
  'link add w8 address 02:00:00:00:01:18 type veth peer name w9 address 02:00:00:00:01:19 netns @P mtu 1300 arp off master br0',
  'link add x0 address 02:00:00:00:01:20 netns @P type veth peer name x1 address 02:00:00:00:01:21',
  'link add x2 address 02:00:00:00:01:22 type veth peer name x3 address 02:00:00:00:01:23 netns @PID',
  'link add x4 address 02:00:00:00:01:24 type veth peer name x5 address 02:00:00:00:01:25 link-netns @Q',
  'link add x6 address 02:00:00:00:01:26 type veth peer name x7 address 02:00:00:00:01:27 gro_max_size 70000 gso_max_size 70000 txqueuelen -1',
  // Refused, by ip or by the kernel.
  'link add q0 type veth peer name q1 brd 02:ff',
  'link add q0 type veth peer name q1 link nosuch',
  'link add q0 type veth peer name q1 numtxqueues 0',
  'link add q0 type veth peer name q1 numrxqueues 5000',
  'link add q0 type veth peer name q1 gso_max_size 10',
  'link add q0 type veth peer name q1 gso_max_segs 70000',
  'link add q0 type veth peer name q1 netns 99999999',
  'link add q0 type veth peer name q1 netns 0',
  'link add q0 type veth peer name q1 address 02:00:00',
  'link add q0 type veth peer name q1 address 01:00:00:00:00:01',
  'link add q0 type veth peer name q1 mtu 10',
  'link add q0 type veth peer name q1 mtu 70000',
  'link add q0 type veth peer name q1 mtu -1',
  'link add q0 type veth peer name q1 master nosuch',
  'link add q0 type veth peer name q1 vrf d0',
  'link add q0 type veth peer name q1 link-netns nosuch',
  'link add q0 type veth peer name q1 index 0',
  'link add q0 type veth peer group 3',
  'link add q0 type veth peer name q1 type veth',
  'link add q0 type veth peer name q1 promisc maybe',
  'link add q0 type veth peer name q1 netns @P netns @P',
  'link add q0 type veth peer name q1 name q2',
  /*
   * Last: ip asks the kernel to create the peer up, which it refuses once the
   * peer is registered, so ip's attempt uses up an ifindex; nlkit refuses
   * without sending, and a link created after this would get another ifindex.
   */
  'link add q0 address 02:00:00:00:01:30 type veth peer name q1 address 02:00:00:00:01:31 up',
];

interface Side {
  ns: string;
  names: Record<'@P' | '@Q', string>;
  pid: number;
}

const wordsOf = (step: string, side: Side): string[] =>
  step.split(' ').map((w) => (w === '@PID' ? String(side.pid) : w in side.names ? side.names[w as '@P' | '@Q'] : w));

/** The side's links, its peer namespaces' links and its nsids, with the side's namespace names as @P/@Q. */
function state(side: Side): string {
  const links = (ns: string): unknown => maskLinkJson(JSON.parse(ipOut('-n', ns, '-j', '-d', 'link', 'show')));
  let text = JSON.stringify({
    links: links(side.ns), p: links(side.names['@P']), q: links(side.names['@Q']),
    nsids: ipOut('-n', side.ns, 'netns', 'list-id'),
  });
  for (const [placeholder, name] of Object.entries(side.names)) text = text.replaceAll(name, placeholder);
  return text;
}

t.test('veth peer words: what ip accepts after `peer`, and the state it leaves', async (t) => {
  if (!requireRoot(t)) return;
  const [a, b, pa, pb, qa, qb] = testNetns(t, 6, 's2peer') as [string, string, string, string, string, string];
  // A process in each @P namespace for `netns PID`; ended (by its pid) when the test ends.
  const sleepers = [pa, pb].map((ns) => spawn('ip', ['netns', 'exec', ns, 'sleep', '600'], { stdio: 'ignore' }));
  t.teardown(() => { for (const s of sleepers) s.kill(); });
  await new Promise((resolve) => setTimeout(resolve, 300));
  const sides: [Side, Side] = [
    { ns: a, names: { '@P': pa, '@Q': qa }, pid: sleepers[0]!.pid! },
    { ns: b, names: { '@P': pb, '@Q': qb }, pid: sleepers[1]!.pid! },
  ];
  for (const side of sides) {
    t.equal(ipRun(['-n', side.ns, '-batch', '-'], SETUP.join('\n')).status, 0, `set up ${side.ns}`);
    t.match(ipOut('netns', 'identify', String(side.pid)), side.names['@P'], `process ${side.pid} is in ${side.names['@P']}`);
  }
  t.equal(state(sides[1]), state(sides[0]), 'prepared alike');
  let refused = 0;
  for (const step of STEPS) {
    const ip = ipRun(['-n', a, ...wordsOf(step, sides[0])]);
    const mine = await nlkit(['-n', b, ...wordsOf(step, sides[1])]);
    if (ip.status !== 0) refused++;
    const masked = (s: string, side: Side): string => Object.entries(side.names).reduce((x, [k, v]) => x.replaceAll(v, k), s);
    t.same(
      { status: mine.status, stdout: mine.stdout, stderr: masked(mine.stderr, sides[1]) },
      { status: ip.status, stdout: ip.stdout, stderr: masked(ip.stderr, sides[0]) },
      step,
    );
    t.equal(state(sides[1]), state(sides[0]), `${step}: the same links after it`);
  }
  t.equal(refused, 23, 'ip refused the 23 commands meant to fail, and no other');
  // The compared state holds what the words did to the peers.
  const peer = (name: string, ns = a): Record<string, unknown> => (JSON.parse(ipOut('-n', ns, '-j', '-d', 'link', 'show', name)) as Record<string, unknown>[])[0]!;
  t.match(peer('v7'), { mtu: 1400, broadcast: '02:ff:ff:ff:ff:fe', txqlen: 77, num_tx_queues: 3, gso_max_size: 30000, group: '5', flags: ['BROADCAST', 'NOARP', 'ALLMULTI', 'PROMISC', 'DYNAMIC', 'M-DOWN'] });
  t.notOk(peer('v1').master, 'no master for a peer');
  t.equal(peer('w5').ifindex, 61, 'the peer index asked for along with the link\'s');
  t.equal(peer('w9', pa).mtu, 1300, 'a peer made in another namespace, with its words');
  t.ok(peer('x3', pa), 'a peer made in the namespace of a process');
  t.match(ipOut('-n', a, 'netns', 'list-id'), qa, 'link-netns gave @Q an nsid');
});
