// The orchestrator's path, end to end, built only with nlkit: two pods on one
// bridge, then real packets between them. Everything happens in namespaces the
// test creates: a "host" namespace holding the bridge, and one per pod.
import t from 'tap';
import { execFileSync } from 'node:child_process';
import { openRoute } from '../../src/route/connection.js';
import { deleteNetnsAndWaitAsync } from '../../src/route/teardown.js';
import { netnsExists, deleteNetns, createNetns, listNetns } from '../../src/netns/index.js';
import { requireRoot, testNetns, uniqueNetnsName } from '../helpers/netns.js';

t.test('two pods on one bridge ping each other', async (t) => {
  if (!requireRoot(t)) return;
  const [host] = testNetns(t, 1, 'host');
  const pods = [uniqueNetnsName('pod'), uniqueNetnsName('pod')];
  t.teardown(() => { for (const p of pods) if (netnsExists(p)) deleteNetns(p); });

  const rt = openRoute({ netns: host });
  t.teardown(() => rt.close());
  rt.link.add({ name: 'br0', type: 'bridge', up: true });
  rt.addr.add({ dev: 'br0', address: '10.77.0.1/24' });

  pods.forEach((pod, i) => {
    createNetns(pod);
    // The peer is born inside the pod, the host end joins the bridge: one request.
    rt.link.add({ name: `vh${i}`, type: 'veth', master: 'br0', up: true, peer: { name: 'eth0', netns: pod } });
    const inside = openRoute({ netns: pod });
    try {
      inside.link.set('lo', { up: true });
      inside.addr.add({ dev: 'eth0', address: `10.77.0.${10 + i}/24` });
      inside.link.set('eth0', { up: true });
      inside.route.add({ dst: 'default', gateway: '10.77.0.1' });
    } finally {
      inside.close();
    }
  });

  const ping = (from: string, to: string) =>
    execFileSync('ip', ['netns', 'exec', from, 'ping', '-c', '1', '-W', '2', to], { encoding: 'utf8' });
  t.match(ping(pods[0]!, '10.77.0.11'), /1 received/, 'pod 0 reaches pod 1');
  t.match(ping(pods[1]!, '10.77.0.10'), /1 received/, 'pod 1 reaches pod 0');
  t.match(ping(pods[1]!, '10.77.0.1'), /1 received/, 'pod 1 reaches its gateway');
  const brPorts = rt.link.list({ master: 'br0' }).map((l) => l.name).sort();
  t.same(brPorts, ['vh0', 'vh1'], 'both host ends are bridge ports');

  // Teardown the recommended way: delete the pod namespaces; the kernel removes
  // the veths, and deleteNetnsAndWait returns once it has (however busy the machine).
  const removed = await Promise.all(pods.map((p) => deleteNetnsAndWaitAsync(p, { watch: host, timeoutMs: 60_000 })));
  t.same(removed.map((r) => r.links.map((l) => l.name)), [['vh0'], ['vh1']], 'each pod took its host end with it');
  t.notOk(listNetns().some((n) => pods.includes(n)));
  t.same(rt.link.list({ master: 'br0' }), [], 'host ends disappear with their pods');
});
