// `link add … link-netns NAME | link-netnsid ID` (IFLA_LINK_NETNSID) and a
// veth peer made in another namespace: ip runs in one namespace, nlkit in its
// twin, each with its own peer namespace holding the other end of a veth at
// the same ifindex. ip 6.1 resolves `link DEV` in the current namespace and
// the kernel looks that ifindex up in the link namespace, so the macvlan and
// vxlan sit on the peer namespace's device. The two must end alike (`-d link
// show`, text and JSON, the peer namespace's name masked) and refuse alike.
import t from 'tap';
import { requireRoot, testNetns } from '../helpers/netns.js';
import { ipRun, nlkit } from './helpers.js';

/** Fixed MACs so the twins print alike; the peer namespace is named by `PEER`. */
const SETUP = [
  'link add u0 address 02:00:00:00:00:10 type veth peer name u1 address 02:00:00:00:00:11 netns PEER',
];

const STEPS = [
  'link add link u0 name mv0 address 02:00:00:00:00:20 link-netns PEER type macvlan mode bridge',
  'link add link u0 name mv1 address 02:00:00:00:00:21 link-netnsid NSID type macvlan mode private',
  'link add vx0 address 02:00:00:00:00:22 link-netnsid NSID type vxlan id 4 dstport 4789 dev u0',
  'link add w0 address 02:00:00:00:00:23 type veth peer name w1 address 02:00:00:00:00:24 netns PEER',
  'link set mv0 link-netnsid NSID mtu 1400',
  'link set mv1 link-netns PEER',
];

const REFUSED = [
  'link add link u0 name mv9 link-netnsid 77 type macvlan',
  'link add link u0 name mv9 link-netns no-such-netns-here type macvlan',
  'link add link u0 name mv9 link-netnsid 1x type macvlan',
  'link add link u0 name mv9 link-netnsid 0 link-netns PEER type macvlan',
  'link set mv0 link-netnsid 77',
  'link set nosuchdev link-netnsid NSID',
];

t.test('link-netns and link-netnsid: ip and nlkit build the same links on the peer namespace\'s devices', async (t) => {
  if (!requireRoot(t)) return;
  const [ipNs, ipPeer, myNs, myPeer] = testNetns(t, 4, 'linknetns');
  const words = (line: string, peer: string, nsid: string) => line.replaceAll('PEER', peer).replaceAll('NSID', nsid).split(' ');
  for (const [ns, peer] of [[ipNs!, ipPeer!], [myNs!, myPeer!]] as const) {
    for (const line of SETUP) t.equal(ipRun(['-n', ns, ...words(line, peer, '')]).status, 0, line);
  }
  // `link-netns` gives the peer an nsid on first use (set_netnsid_from_name); the steps after read it.
  const nsidOf = (ns: string, peer: string) => new RegExp(`nsid (\\d+) \\(iproute2 netns name: ${peer}\\)`).exec(ipRun(['-n', ns, 'netns', 'list-id']).stdout)?.[1] ?? 'none';
  for (const step of STEPS) {
    const ip = ipRun(['-n', ipNs!, ...words(step, ipPeer!, nsidOf(ipNs!, ipPeer!))]);
    const mine = await nlkit(['-n', myNs!, ...words(step, myPeer!, nsidOf(myNs!, myPeer!))]);
    t.equal(ip.status, 0, `ip ran ${step} ${ip.stderr}`);
    t.equal(mine.status, 0, `nlkit ran ${step} ${mine.stderr}`);
  }
  t.equal(nsidOf(myNs!, myPeer!), nsidOf(ipNs!, ipPeer!), 'the peer namespace got the same nsid');
  for (const form of [['-d', 'link', 'show'], ['-j', '-d', 'link', 'show'], ['link', 'show'], ['-d', 'addr', 'show']]) {
    const ip = ipRun(['-n', ipNs!, ...form]).stdout.replaceAll(ipPeer!, 'PEER');
    const mine = (await nlkit(['-n', myNs!, ...form])).stdout.replaceAll(myPeer!, 'PEER');
    t.equal(mine, ip, `same ${form.join(' ')}`);
  }
  const shown = ipRun(['-n', ipNs!, '-d', 'link', 'show']).stdout;
  t.match(shown, /mv0@if2: .*\n.* link-netns \S+ .*\n +macvlan mode bridge/, 'the macvlan sits on the peer namespace\'s ifindex 2');
  t.match(shown, /vx0@if5: .*\n.* link-netns \S+ .*\n +vxlan id 4 dev u0/, 'the vxlan\'s link namespace is the peer one (a vxlan reports its own ifindex as its link)');
  // And the peer ends, seen from the peer namespaces, match too.
  const peerIp = ipRun(['-n', ipPeer!, '-d', 'link', 'show']).stdout.replaceAll(ipNs!, 'MAIN');
  const peerMine = ipRun(['-n', myPeer!, '-d', 'link', 'show']).stdout.replaceAll(myNs!, 'MAIN');
  t.equal(peerMine, peerIp, 'same links in the peer namespaces');

  for (const line of REFUSED) {
    const ip = ipRun(['-n', ipNs!, ...words(line, ipPeer!, nsidOf(ipNs!, ipPeer!))]);
    const mine = await nlkit(['-n', myNs!, ...words(line, myPeer!, nsidOf(myNs!, myPeer!))]);
    t.not(ip.status, 0, `ip refuses ${line}`);
    t.same([mine.status, mine.stderr.replaceAll(myPeer!, 'PEER')], [ip.status, ip.stderr.replaceAll(ipPeer!, 'PEER')], `status and message of ${line}`);
  }
});
