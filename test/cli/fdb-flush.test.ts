// `link set PORT type bridge_slave fdb_flush` (IFLA_BRPORT_FLUSH) and `link
// set BR type bridge fdb_flush` (IFLA_BR_FDB_FLUSH): ip in one namespace,
// nlkit in its twin, each bridge holding two learned entries; the flushes
// must remove the same entries (the port's alone, then the bridge's).
import { spawnSync } from 'node:child_process';
import t, { type Test } from 'tap';
import { requireRoot, testNetns } from '../helpers/netns.js';
import { ipRun, nlkit } from './helpers.js';

const SETUP = [
  'link add br0 address 02:00:00:00:00:b0 type bridge stp_state 0',
  'link add p0 address 02:00:00:00:00:10 type veth peer name q0 address 02:00:00:00:00:a0',
  'link add p1 address 02:00:00:00:00:11 type veth peer name q1 address 02:00:00:00:00:a1',
  'link set p0 master br0', 'link set p1 master br0',
  'link set br0 up', 'link set p0 up', 'link set p1 up', 'link set q0 up', 'link set q1 up',
];

/** The bridge's own FDB entries (not the devices' multicast `self` ones), sorted: MAC, port and state. */
function fdb(ns: string): string[] {
  const r = spawnSync('bridge', ['-n', ns, '-j', 'fdb', 'show', 'br', 'br0'], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`bridge fdb show: ${r.stderr}`);
  const entries = JSON.parse(r.stdout) as { mac: string; ifname: string; master?: string; state?: string }[];
  return entries.filter((e) => e.master === 'br0').map((e) => `${e.mac} ${e.ifname} ${e.state || 'learned'}`).sort();
}

const learnedQ0 = '02:00:00:00:00:a0 p0 learned';
const learnedQ1 = '02:00:00:00:00:a1 p1 learned';

/** Sets up `ns` and waits for the bridge to learn both peers (their IPv6 start-up traffic), then stops learning so nothing comes back after a flush. */
async function prepare(t: Test, ns: string): Promise<void> {
  const setup = ipRun(['-n', ns, '-batch', '-'], SETUP.join('\n'));
  t.equal(setup.status, 0, `set up ${setup.stderr}`);
  for (let i = 0; i < 100; i++) {
    const entries = fdb(ns);
    if (entries.includes(learnedQ0) && entries.includes(learnedQ1)) break;
    // An all-nodes ping from each peer makes the traffic the bridge learns from, should start-up have sent none yet.
    for (const dev of ['q0', 'q1']) spawnSync('ip', ['netns', 'exec', ns, 'ping', '-6', '-c1', '-W1', '-I', dev, 'ff02::1'], { stdio: 'ignore' });
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  for (const port of ['p0', 'p1']) t.equal(ipRun(['-n', ns, 'link', 'set', port, 'type', 'bridge_slave', 'learning', 'off']).status, 0);
}

t.test('fdb_flush on a port, then on the bridge: ip and nlkit remove the same entries', async (t) => {
  if (!requireRoot(t)) return;
  const [a, b] = testNetns(t, 2, 'fdbflush');
  await prepare(t, a!);
  await prepare(t, b!);
  t.ok(fdb(a!).includes(learnedQ0) && fdb(a!).includes(learnedQ1), 'ip namespace learned both');
  t.ok(fdb(b!).includes(learnedQ0) && fdb(b!).includes(learnedQ1), 'nlkit namespace learned both');

  const steps: [string, (e: string[]) => void][] = [
    ['link set p0 type bridge_slave fdb_flush', (e) => {
      t.notOk(e.includes(learnedQ0), 'the port flush removed the port\'s learned entry');
      t.ok(e.includes(learnedQ1), 'and left the other port\'s');
    }],
    ['link set br0 type bridge fdb_flush', (e) => t.notOk(e.includes(learnedQ1), 'the bridge flush removed the rest')],
  ];
  for (const [step, check] of steps) {
    const ip = ipRun(['-n', a!, ...step.split(' ')]);
    const mine = await nlkit(['-n', b!, ...step.split(' ')]);
    t.equal(ip.status, 0, `ip ran ${step} ${ip.stderr}`);
    t.equal(mine.status, 0, `nlkit ran ${step} ${mine.stderr}`);
    check(fdb(a!));
    t.same(fdb(b!), fdb(a!), `same FDB after ${step}`);
    // Permanent entries (the ports' own addresses) survive both flushes.
    t.ok(fdb(b!).includes('02:00:00:00:00:10 p0 permanent'), 'p0\'s own address stays');
  }
});

t.test('fdb_flush on a link that is no bridge port: the same refusal as ip', async (t) => {
  if (!requireRoot(t)) return;
  const [ns] = testNetns(t, 1, 'fdbnoport');
  t.equal(ipRun(['-n', ns!, 'link', 'add', 'v0', 'type', 'veth', 'peer', 'name', 'v1']).status, 0);
  for (const line of ['link set v0 type bridge_slave fdb_flush', 'link set v0 type bridge fdb_flush']) {
    const ip = ipRun(['-n', ns!, ...line.split(' ')]);
    const mine = await nlkit(['-n', ns!, ...line.split(' ')]);
    t.not(ip.status, 0, `ip refuses ${line}`);
    t.same([mine.status, mine.stderr], [ip.status, ip.stderr], `status and message of ${line}`);
  }
});
