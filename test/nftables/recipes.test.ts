// Recipes: each one batch, listed by nft as expected, removed without touching
// other rules, and doing their job on real packets between test namespaces.
import t from 'tap';
import {
  applyPodIsolation, applyPodIsolationAsync, applyPodMasquerade, applyPortForward, applyPortForwardAsync, openNftables,
  podIsolationPlan, portForwardPlan, removePodIsolation, removePodMasquerade, removePortForward, removePortForwardAsync,
} from '../../src/nftables/index.js';
import { ip, requireRoot, testNetns } from '../helpers/netns.js';
import { nft, nftLoad, ruleLines } from './helpers.js';
import { buildTopology, ECHO_SERVER, nodeIn, ONE_SHOT_CLIENT } from './topology.js';

t.test('recipes are listed by nft as the rules they promise, and removed leaving other rules alone', async (t) => {
  if (!requireRoot(t)) return;
  const [ns] = testNetns(t, 1, 'nftrecipe');
  // Someone else's rules in the same table and chains must survive.
  nftLoad(ns!, `table inet nlkit {
	chain forward {
		type filter hook forward priority filter; policy accept;
		tcp dport 9999 accept comment "not ours"
	}
	chain prerouting {
		type nat hook prerouting priority dstnat; policy accept;
		udp dport 9999 counter comment "not ours either"
	}
}\n`);
  const conn = openNftables({ netns: ns! });
  t.teardown(() => conn.close());
  const generation = conn.generation().id;
  applyPodIsolation(conn, { id: 'podnet', subnets: ['10.88.0.0/16', '10.99.0.0/16', 'fd00:88::/64'] });
  t.equal(conn.generation().id, generation + 1, 'one batch');
  applyPodMasquerade(conn, { id: 'podnet', subnet: '10.88.0.0/16', outInterface: 'eth0' });
  applyPortForward(conn, { id: 'ctr-1', podAddress: '10.88.1.2', ports: [{ hostPort: 8080, podPort: 80 }, { hostPort: 5353, protocol: 'udp' }] });
  applyPortForward(conn, { id: 'ctr-2', podAddress: 'fd00:88::2', ports: [{ hostPort: 8443, podPort: 443, hostAddress: 'fd00::1' }] });
  t.same(ruleLines(ns!, 'inet', 'nlkit', 'forward'), [
    'tcp dport 9999 accept comment "not ours"',
    'ip saddr { 10.88.0.0/16, 10.99.0.0/16 } ip daddr { 10.88.0.0/16, 10.99.0.0/16 } ct state established,related accept comment "nlkit:isolation:podnet"',
    'ip saddr { 10.88.0.0/16, 10.99.0.0/16 } ip daddr { 10.88.0.0/16, 10.99.0.0/16 } drop comment "nlkit:isolation:podnet"',
    'ip6 saddr fd00:88::/64 ip6 daddr fd00:88::/64 ct state established,related accept comment "nlkit:isolation:podnet"',
    'ip6 saddr fd00:88::/64 ip6 daddr fd00:88::/64 drop comment "nlkit:isolation:podnet"',
  ]);
  t.same(ruleLines(ns!, 'inet', 'nlkit', 'postrouting'), [
    'ip saddr 10.88.0.0/16 ip daddr != 10.88.0.0/16 oifname "eth0" masquerade comment "nlkit:masquerade:podnet"',
  ]);
  const dnat = [
    'meta nfproto ipv4 fib daddr type local tcp dport 8080 dnat ip to 10.88.1.2:80 comment "nlkit:portmap:ctr-1"',
    'meta nfproto ipv4 fib daddr type local udp dport 5353 dnat ip to 10.88.1.2:5353 comment "nlkit:portmap:ctr-1"',
    'fib daddr type local ip6 daddr fd00::1 tcp dport 8443 dnat ip6 to [fd00:88::2]:443 comment "nlkit:portmap:ctr-2"',
  ];
  t.same(ruleLines(ns!, 'inet', 'nlkit', 'prerouting'), ['udp dport 9999 counter packets 0 bytes 0 comment "not ours either"', ...dnat]);
  t.same(ruleLines(ns!, 'inet', 'nlkit', 'output'), dnat);
  t.match(nft(ns!, 'list', 'chain', 'inet', 'nlkit', 'output'), /type nat hook output priority -100; policy accept;/);

  // Re-applying replaces, never duplicates.
  applyPodIsolation(conn, { id: 'podnet', subnets: ['10.88.0.0/16'] });
  t.same(ruleLines(ns!, 'inet', 'nlkit', 'forward'), [
    'tcp dport 9999 accept comment "not ours"',
    'ip saddr 10.88.0.0/16 ip daddr 10.88.0.0/16 ct state established,related accept comment "nlkit:isolation:podnet"',
    'ip saddr 10.88.0.0/16 ip daddr 10.88.0.0/16 drop comment "nlkit:isolation:podnet"',
  ]);

  t.equal(removePortForward(conn, { id: 'ctr-1' }), 4, 'two rules in each of prerouting and output');
  t.same(ruleLines(ns!, 'inet', 'nlkit', 'prerouting'), ['udp dport 9999 counter packets 0 bytes 0 comment "not ours either"', dnat[2]]);
  t.equal(await removePortForwardAsync(conn, { id: 'ctr-2' }), 2);
  t.equal(removePortForward(conn, { id: 'ctr-2' }), 0, 'removing again finds nothing');
  t.equal(removePodIsolation(conn, { id: 'podnet' }), 2);
  t.equal(removePodMasquerade(conn, { id: 'podnet' }), 1);
  t.same(ruleLines(ns!, 'inet', 'nlkit', 'forward'), ['tcp dport 9999 accept comment "not ours"']);
  t.same(ruleLines(ns!, 'inet', 'nlkit', 'prerouting'), ['udp dport 9999 counter packets 0 bytes 0 comment "not ours either"']);
  t.same(ruleLines(ns!, 'inet', 'nlkit', 'postrouting'), []);
});

t.test('recipe input is checked before anything is sent', async (t) => {
  t.throws(() => podIsolationPlan({ id: 'x', subnets: [] }), /at least one subnet/);
  t.throws(() => podIsolationPlan({ id: 'x', subnets: ['10.0.0.0/40'] }), /invalid prefix length/);
  t.throws(() => podIsolationPlan({ id: 'bad id with spaces', subnets: ['10.0.0.0/8'] }), /isolation id must be 1-96 characters/);
  t.throws(() => portForwardPlan({ id: 'c', podAddress: '10.0.0.1', ports: [{ hostPort: 0 }] }), /hostPort must be a port 1-65535/);
  t.throws(() => portForwardPlan({ id: 'c', podAddress: '10.0.0.1', ports: [{ hostPort: 80, protocol: 'sctp' as 'tcp' }] }), /protocol must be tcp or udp/);
  t.throws(() => portForwardPlan({ id: 'c', podAddress: '10.0.0.1', ports: [{ hostPort: 80, hostAddress: 'fd00::1' }] }), /must be an address of the pod's family/);
  t.throws(() => portForwardPlan({ id: 'c', podAddress: 'pod', ports: [{ hostPort: 80 }] }), /is not an IP address/);
});

t.test('host port DNAT forwards a TCP connection from outside to the pod', async (t) => {
  if (!requireRoot(t)) return;
  const net = buildTopology(t, 'nftdnat');
  const conn = openNftables({ netns: net.host });
  t.teardown(() => conn.close());
  const server = nodeIn(t, net.pod1, ECHO_SERVER, ['80']);
  await server.line(/^listening/);
  await applyPortForwardAsync(conn, { id: 'web', podAddress: '10.88.1.2', ports: [{ hostPort: 8080, podPort: 80 }] });
  const client = nodeIn(t, net.outside, ONE_SHOT_CLIENT, ['192.168.50.1', '8080']);
  t.equal(await client.line(/^(echo|fail)/), 'echo hello', 'the outside client reached the pod through the host port');
  t.equal(await server.line(/^peer/), 'peer 192.168.50.2', 'the pod sees the real client (DNAT only)');
  t.equal(removePortForward(conn, { id: 'web' }), 2);
  const refused = nodeIn(t, net.outside, ONE_SHOT_CLIENT, ['192.168.50.1', '8080']);
  t.match(await refused.line(/^(echo|fail)/), /^fail (ECONNREFUSED|timeout)$/, 'without the rule the host port leads nowhere');
});

t.test('masquerade lets a pod reach an outside peer that has no route back to pods', async (t) => {
  if (!requireRoot(t)) return;
  const net = buildTopology(t, 'nftmasq');
  const conn = openNftables({ netns: net.host });
  t.teardown(() => conn.close());
  const server = nodeIn(t, net.outside, ECHO_SERVER, ['9000']);
  await server.line(/^listening/);
  applyPodMasquerade(conn, { id: 'pods', subnet: '10.88.0.0/16', outInterface: 'hout' });
  const client = nodeIn(t, net.pod1, ONE_SHOT_CLIENT, ['192.168.50.2', '9000']);
  t.equal(await client.line(/^(echo|fail)/), 'echo hello');
  t.equal(await server.line(/^peer/), 'peer 192.168.50.1', 'the outside peer sees the host address');
});

/** Keeps one connection open: prints `first`, waits for `go` on stdin, then reports the old and a new connection. */
const ISOLATION_CLIENT = `
const net = require('node:net');
const [host, port] = process.argv.slice(-2);
const old = net.connect({ host, port: Number(port) });
old.on('error', () => {});
old.once('data', () => {
  console.log('first');
  process.stdin.once('data', () => {
    const t1 = setTimeout(() => report('established:fail'), 1500);
    old.once('data', () => { clearTimeout(t1); report('established:ok'); });
    old.write('b');
  });
});
old.on('connect', () => old.write('a'));
function report(line) {
  console.log(line);
  if (line.startsWith('established')) {
    const fresh = net.connect({ host, port: Number(port), timeout: 800 });
    fresh.on('connect', () => { console.log('new:ok'); process.exit(0); });
    fresh.on('timeout', () => { console.log('new:fail'); process.exit(0); });
    fresh.on('error', (e) => { console.log('new:fail ' + e.code); process.exit(0); });
  }
}
`;

t.test('pod isolation drops new pod-to-pod connections but lets established traffic through', async (t) => {
  if (!requireRoot(t)) return;
  const net = buildTopology(t, 'nftiso');
  const conn = openNftables({ netns: net.host });
  t.teardown(() => conn.close());
  // Connection tracking starts in a namespace with the first rule that needs it (here the host's
  // masquerade); connections it did not see from their start would look new to it.
  applyPodMasquerade(conn, { id: 'pods', subnet: '10.88.0.0/16', outInterface: 'hout' });
  const server = nodeIn(t, net.pod2, ECHO_SERVER, ['80']);
  await server.line(/^listening/);
  const client = nodeIn(t, net.pod1, ISOLATION_CLIENT, ['10.88.2.2', '80']);
  await client.line(/^first/);
  await applyPodIsolationAsync(conn, { id: 'pods', subnets: ['10.88.0.0/16'] });
  client.send('go\n');
  t.equal(await client.line(/^established:/), 'established:ok', 'the connection opened before isolation still works');
  t.match(await client.line(/^new:/), /^new:fail/, 'a new connection between pods is dropped');
  // The outside is not a pod: given a route, its new connections to a pod pass.
  ip(net.outside, 'route', 'add', '10.88.0.0/16', 'via', '192.168.50.1');
  const outside = nodeIn(t, net.outside, ONE_SHOT_CLIENT, ['10.88.2.2', '80']);
  t.equal(await outside.line(/^(echo|fail)/), 'echo hello', 'traffic from outside the pod subnets is not isolated');
  removePodIsolation(conn, { id: 'pods' });
  const again = nodeIn(t, net.pod1, ONE_SHOT_CLIENT, ['10.88.2.2', '80']);
  t.equal(await again.line(/^(echo|fail)/), 'echo hello', 'after removal pods reach each other again');
});
