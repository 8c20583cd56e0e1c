// `-d` details as ip prints them: every kind this kernel creates (veth,
// bridge and its ports, macvlan in its modes, macvtap, vxlan in its address
// families and flags, ifb, tun and tap) shown by `ip` and `nlkit` on the same
// namespace, text byte for byte and JSON byte for byte, the running STP
// timers masked (they move between the two runs).
import t from 'tap';
import { requireRoot, testNetns } from '../helpers/netns.js';
import { ipRun, nlkit } from './helpers.js';

/** One line per link so that a line ip refuses (a kind the kernel lacks) leaves the others. */
const SETUP = [
  'link add v0 type veth peer name v1',
  'link add v2 type veth peer name v3',
  'link add v4 type veth peer name v5',
  'link add br0 type bridge',
  // No vlan_filtering: this kernel's bridge has no VLAN support (EOPNOTSUPP).
  'link add br1 type bridge stp_state 1 priority 100 mcast_stats_enabled 1 group_fwd_mask 0x4000 mcast_querier 1',
  'link set v0 master br0',
  'link set v2 master br1',
  'link set v4 master br1',
  'link set v2 type bridge_slave priority 7 cost 9 hairpin on guard on mcast_router 2 group_fwd_mask 0x4000 backup_port v4 locked on mcast_to_unicast on isolated on',
  // br1's ports stay down: with STP their states would move every 15 s.
  'link set v0 up', 'link set v1 up', 'link set br0 up', 'link set br1 up',
  'link add m0 link v1 type macvlan mode bridge',
  'link add m1 link v1 type macvlan mode source',
  'link set m1 type macvlan macaddr add 02:00:00:00:00:aa',
  'link add m2 link v3 type macvlan mode passthru nopromisc',
  'link add mt0 link v1 type macvtap mode private',
  'link add vx0 type vxlan id 5 dstport 4789 local 10.0.0.1 dev v1 ttl 10',
  'link add vx1 type vxlan dstport 4789 dev v1 external',
  'link add vx2 type vxlan id 7 group ff05::1 dev v1 dstport 0 nolearning proxy rsc l2miss l3miss noudpcsum udp6zerocsumtx',
  'link add vx3 type vxlan id 8 remote 10.1.1.1 ttl inherit tos inherit df set ageing 0 maxaddress 10 dstport 4789 srcport 1000 2000',
  'link add vx4 type vxlan id 9 remote 2001:db8::1 local 2001:db8::2 tos 0x10 df inherit flowlabel 0x123 gbp dstport 4789',
  'link add i0 type ifb',
  'tuntap add t0 mode tun',
  'tuntap add t1 mode tap multi_queue user 0 group 0 vnet_hdr',
  'tuntap add t2 mode tap user 54321 group 54321',
];

/** Bridge and port timers tick between ip's dump and nlkit's. */
function maskTimers(text: string): string {
  return text.replace(/("?(?:hello|tcn|topology_change|gc|hold|message_age|forward_delay)_timer"?[: ]) *\d+\.\d\d/g, '$1X');
}

const FORMS = [
  ['-d', 'link', 'show'],
  ['-d', 'addr', 'show'],
  ['-o', '-d', 'link', 'show'],
  ['-s', '-d', 'link', 'show'],
  ['-j', '-d', 'link', 'show'],
  ['-j', '-p', '-d', 'link', 'show'],
  ['-d', 'link', 'show', 'type', 'bridge_slave'],
  ['-d', 'link', 'show', 'dev', 't0'],
  ['link', 'show'],
];

t.test('-d details of every kind print as ip prints them', async (t) => {
  if (!requireRoot(t)) return;
  const [ns] = testNetns(t, 1, 'details');
  const refused: string[] = [];
  for (const line of SETUP) {
    const r = ipRun(['-n', ns!, ...line.split(' ')]);
    if (r.status !== 0) refused.push(`${line}: ${r.stderr.trim()}`);
  }
  // Every kind above exists on the kernels the tests run on: a refusal is a broken setup, not a skip.
  t.same(refused, [], 'ip set up every link');
  for (const form of FORMS) {
    const args = ['-n', ns!, ...form];
    // A link still settling (carrier, a port's state) may change between the
    // runs: ip runs before and after nlkit, and a pair that disagrees is retried.
    let before = ipRun(args);
    let mine = await nlkit(args);
    let after = ipRun(args);
    for (let tries = 0; tries < 10 && maskTimers(before.stdout) !== maskTimers(after.stdout); tries++) {
      await new Promise((resolve) => setTimeout(resolve, 200));
      before = ipRun(args);
      mine = await nlkit(args);
      after = ipRun(args);
    }
    t.equal(before.status, 0, `ip ${form.join(' ')}`);
    t.equal(mine.status, 0, `nlkit ${form.join(' ')} ${mine.stderr}`);
    t.equal(maskTimers(before.stdout), maskTimers(after.stdout), `${form.join(' ')} settled`);
    t.equal(maskTimers(mine.stdout), maskTimers(before.stdout), `same output for ${form.join(' ')}`);
  }
});

t.test('bridge timers print with two decimals in JSON, as ip writes them', async (t) => {
  if (!requireRoot(t)) return;
  const [ns] = testNetns(t, 1, 'timers');
  const setup = ipRun(['-n', ns!, '-batch', '-'], 'link add br0 type bridge\nlink add v0 type veth peer name v1\nlink set v0 master br0\n');
  t.equal(setup.status, 0, setup.stderr);
  const mine = await nlkit(['-n', ns!, '-j', '-d', 'link', 'show']);
  // A stopped timer: ip writes 0.00, which JSON.stringify of a number would shorten to 0.
  t.match(mine.stdout, /"gc_timer":\d+\.\d\d[,}]/);
  t.match(mine.stdout, /"hold_timer":0\.00,"message_age_timer":0\.00,"forward_delay_timer":0\.00,/);
  t.match(mine.stdout, /"hello_timer":0\.00,"tcn_timer":0\.00,"topology_change_timer":0\.00,/);
});
