// The CNI bandwidth plugin's recipe: what it builds (tc's view of it), that a
// failing setup leaves nothing behind, and real TCP transfers between two
// namespaces that take at least the time the configured rate implies, in both directions.
import t, { type Test } from 'tap';
import { InvalidArgumentError } from '../../../src/netlink/addresses.js';
import { openRoute } from '../../../src/route/connection.js';
import { removeBandwidthLimit, setBandwidthLimit, setBandwidthLimitAsync } from '../../../src/route/tc/bandwidth.js';
import { ip, requireRoot, testNetns } from '../../helpers/netns.js';
import { nodeIn } from '../../nftables/topology.js';
import { tcJson } from './helpers.js';
import { TRANSFER_PEER as PEER } from '../../helpers/transfer-peer.js';

const PORT = 5100;
const RATE = 250_000; // '2mbit' in bytes per second
const BURST = 16 * 1024; // '16kb'
const SIZE = 400_000;
/** The token bucket lets at most BURST + RATE x t bytes through in t seconds. */
const LOWER_BOUND_MS = ((SIZE - BURST) / RATE) * 1000;

if (requireRoot(t)) {
  const [host, pod] = testNetns(t, 2, 'bw') as [string, string];
  const rt = openRoute({ netns: host });
  t.teardown(() => rt.close());
  rt.link.add({ name: 'vh', type: 'veth', up: true, peer: { name: 'eth0', netns: pod } });
  rt.addr.add({ dev: 'vh', address: '10.99.0.1/24' });
  ip(pod, 'addr', 'add', '10.99.0.2/24', 'dev', 'eth0');
  ip(pod, 'link', 'set', 'eth0', 'up');

  const hostPeer = nodeIn(t, host, PEER, [String(PORT)]);
  const podPeer = nodeIn(t, pod, PEER, [String(PORT)]);
  t.teardown(() => {
    hostPeer.child.stdin.end();
    podPeer.child.stdin.end();
  });

  /** Both directions at once: host → pod (into the pod) and pod → host (out of it); returns the receivers' times in ms. */
  async function transfer(t: Test, tag: string): Promise<{ into: number; out: number }> {
    // Node starts in 50-70 ms on an idle machine; a busy one (tests run in parallel) takes seconds.
    await Promise.all([hostPeer.line(/^listening/, 20_000), podPeer.line(/^listening/, 20_000)]);
    hostPeer.send(`send 10.99.0.2 ${PORT} ${SIZE} ${tag}in\n`);
    podPeer.send(`send 10.99.0.1 ${PORT} ${SIZE} ${tag}out\n`);
    const [into, out] = await Promise.all([podPeer.line(new RegExp(`^got ${tag}in `), 15_000), hostPeer.line(new RegExp(`^got ${tag}out`), 15_000)]);
    const parse = (line: string) => {
      const [, , bytes, ms] = line.split(' ');
      t.equal(Number(bytes), SIZE, 'every byte arrived');
      return Number(ms);
    };
    return { into: parse(into), out: parse(out) };
  }

  t.test('without a limit the transfers are fast (so the limit is what slows them)', async (t) => {
    const { into, out } = await transfer(t, 'free');
    t.ok(into < LOWER_BOUND_MS / 2, `into the pod: ${into.toFixed(1)} ms`);
    t.ok(out < LOWER_BOUND_MS / 2, `out of the pod: ${out.toFixed(1)} ms`);
  });

  t.test('setBandwidthLimit builds what the CNI bandwidth plugin builds', (t) => {
    setBandwidthLimit(rt, { hostDev: 'vh', ingress: { rate: '2mbit', burst: '16kb' }, egress: { rate: '2mbit', burst: '16kb', ifb: 'bwifb0' } });
    const limit = RATE * 0.025 + BURST; // latency 25 ms
    t.match(tcJson(host, '-d', 'qdisc', 'show', 'dev', 'vh'), [
      { kind: 'tbf', handle: '1:', root: true, options: { rate: RATE, burst: '16Kb/1', lat: 25000 } },
      { kind: 'ingress', handle: 'ffff:', parent: 'ffff:fff1' },
    ], 'tbf at the host end\'s root, ingress beside it');
    t.match(tcJson(host, '-d', 'qdisc', 'show', 'dev', 'bwifb0'), [{ kind: 'tbf', handle: '1:', root: true, options: { rate: RATE, burst: '16Kb/1', lat: 25000 } }], 'tbf on the ifb');
    t.match(rt.tc.qdisc.list({ dev: 'bwifb0' }), [{ options: { limit } }], 'limit = rate x latency + burst');
    t.match(tcJson(host, 'filter', 'show', 'dev', 'vh', 'parent', 'ffff:').at(-1), {
      protocol: 'all', pref: 1, kind: 'u32',
      options: { flowid: '1:1', match: { value: '0', mask: '0', off: 0 }, actions: [{ kind: 'mirred', mirred_action: 'redirect', direction: 'egress', to_dev: 'bwifb0' }] },
    }, 'u32 match-all on the host end\'s ingress redirects to the ifb');
    t.equal(rt.link.get('bwifb0').mtu, rt.link.get('vh').mtu, 'the ifb has the host end\'s MTU');
    t.ok(rt.link.get('bwifb0').flags & 1, 'the ifb is up');
    t.end();
  });

  t.test('traffic through the limits takes at least (size - burst) / rate, in both directions', async (t) => {
    const { into, out } = await transfer(t, 'slow');
    t.ok(into >= LOWER_BOUND_MS, `into the pod: ${into.toFixed(0)} ms >= ${LOWER_BOUND_MS.toFixed(0)} ms`);
    t.ok(out >= LOWER_BOUND_MS, `out of the pod: ${out.toFixed(0)} ms >= ${LOWER_BOUND_MS.toFixed(0)} ms`);
  });

  t.test('removeBandwidthLimit removes the qdiscs and the ifb; a second call finds nothing to do', (t) => {
    removeBandwidthLimit(rt, { hostDev: 'vh', ifb: 'bwifb0' });
    t.same(rt.tc.qdisc.list({ dev: 'vh' }).map((q) => q.kind), ['noqueue'], 'the host end is back to noqueue');
    t.notOk(rt.link.list().some((l) => l.name === 'bwifb0'), 'the ifb is gone');
    removeBandwidthLimit(rt, { hostDev: 'vh', ifb: 'bwifb0' });
    t.end();
  });

  t.test('all or nothing: a failing step removes what the earlier ones made', async (t) => {
    // The ifb name is taken, so creating it fails after the tbf went in.
    rt.link.add({ name: 'taken0', type: 'ifb' });
    await t.rejects(setBandwidthLimitAsync(rt, { hostDev: 'vh', ingress: { rate: '1mbit', burst: '10kb' }, egress: { rate: '1mbit', burst: '10kb', ifb: 'taken0' } }), { code: 'EEXIST' });
    t.same(rt.tc.qdisc.list({ dev: 'vh' }).map((q) => q.kind), ['noqueue'], 'no qdisc left on the host end');
    t.throws(() => setBandwidthLimit(rt, { hostDev: 'vh', ingress: { rate: '0bit', burst: '10kb' } }), InvalidArgumentError, 'a zero rate is refused before anything is sent');
    t.throws(() => setBandwidthLimit(rt, { hostDev: 'vh' }), /ingress, egress or both/);
  });
}
