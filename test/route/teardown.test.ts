// Deleting a pod's namespace and re-creating it under the same names at once:
// the kernel tears the old namespace down in a work queue, so without waiting
// the host end's name is still taken.
import t from 'tap';
import { createNetns, deleteNetns, netnsExists } from '../../src/netns/index.js';
import { deleteNetnsAndWait, deleteNetnsAndWaitAsync, NetnsTeardownTimeoutError, openRoute } from '../../src/route/index.js';
import { NetlinkError } from '../../src/netlink/index.js';
import { openNetns } from '../../src/netns/index.js';
import { requireRoot, testNetns, uniqueNetnsName } from '../helpers/netns.js';

function podNamespace(t: { teardown(fn: () => void): void }): string {
  const name = uniqueNetnsName('pod');
  createNetns(name);
  t.teardown(() => { if (netnsExists(name)) deleteNetnsAndWait(name); });
  return name;
}

t.test('deleteNetnsAndWait returns once the host ends are gone; the names can be reused at once', async (t) => {
  if (!requireRoot(t)) return;
  const [host] = testNetns(t, 1, 'tdhost');
  const rt = openRoute({ netns: host });
  t.teardown(() => rt.close());
  for (const mode of ['sync', 'async'] as const) {
    for (let i = 0; i < 10; i++) {
      const pod = podNamespace(t);
      rt.link.add({ name: 'vpod', type: 'veth', peer: { name: 'eth0', netns: pod } });
      const index = rt.link.get('vpod').index;
      const result = mode === 'sync' ? deleteNetnsAndWait(pod, { watch: host }) : await deleteNetnsAndWaitAsync(pod, { watch: host });
      t.same(result.links, [{ index, name: 'vpod' }], `${mode} ${i}: the host end is reported`);
      t.throws(() => rt.link.get(index), { code: 'ENODEV' }, `${mode} ${i}: and gone`);
      t.notOk(netnsExists(pod));
      // The same names again, immediately.
      createNetns(pod);
      rt.link.add({ name: 'vpod', type: 'veth', peer: { name: 'eth0', netns: pod } });
      deleteNetnsAndWait(pod, { watch: host });
    }
  }
});

t.test('a macvlan or vxlan moved into the pod is not waited for: its lower device on the host stays', async (t) => {
  if (!requireRoot(t)) return;
  const [host] = testNetns(t, 1, 'tdmv');
  const rt = openRoute({ netns: host });
  t.teardown(() => rt.close());
  rt.link.add({ name: 'br0', type: 'bridge', up: true });
  const pod = podNamespace(t);
  rt.link.add({ name: 'mv0', type: 'macvlan', link: 'br0', mode: 'bridge', netns: pod });
  rt.link.add({ name: 'vpod', type: 'veth', peer: { name: 'eth0', netns: pod } });
  for (const mode of ['sync', 'async'] as const) {
    const vpod = rt.link.get('vpod').index;
    const started = Date.now();
    const result = mode === 'sync'
      ? deleteNetnsAndWait(pod, { watch: host, timeoutMs: 5000 })
      : await deleteNetnsAndWaitAsync(pod, { watch: host, timeoutMs: 5000 });
    t.same(result.links, [{ index: vpod, name: 'vpod' }], `${mode}: only the veth's host end is waited for`);
    t.ok(Date.now() - started < 5000, `${mode}: no timeout`);
    t.equal(rt.link.get('br0').name, 'br0', `${mode}: the macvlan's lower device is still there`);
    createNetns(pod);
    rt.link.add({ name: 'mv0', type: 'macvlan', link: 'br0', mode: 'bridge', netns: pod });
    rt.link.add({ name: 'vpod', type: 'veth', peer: { name: 'eth0', netns: pod } });
  }
});

t.test('a namespace kept alive by an open fd times out with the remaining devices named', async (t) => {
  if (!requireRoot(t)) return;
  const [host] = testNetns(t, 1, 'tdhold');
  const rt = openRoute({ netns: host });
  t.teardown(() => rt.close());
  const pod = podNamespace(t);
  rt.link.add({ name: 'vheld', type: 'veth', peer: { name: 'eth0', netns: pod } });
  const held = openNetns(pod);
  let error: unknown;
  try {
    deleteNetnsAndWait(pod, { watch: host, timeoutMs: 100 });
  } catch (e) {
    error = e;
  } finally {
    held.close();
  }
  t.type(error, NetnsTeardownTimeoutError);
  t.match((error as Error).message, /vheld .*something still holds the namespace/);
  t.same((error as NetnsTeardownTimeoutError).remaining.map((l) => l.name), ['vheld']);
  // Released: the kernel now removes it.
  for (let i = 0; i < 200; i++) {
    try { rt.link.get('vheld'); } catch (e) { if ((e as NetlinkError).code === 'ENODEV') return; throw e; }
    await new Promise((r) => setTimeout(r, 10));
  }
  t.fail('the device outlived the released namespace');
});

t.test('bad arguments are refused before anything is deleted', async (t) => {
  t.throws(() => deleteNetnsAndWait('x', 'fast' as never), { name: 'InvalidArgumentError' });
  t.throws(() => deleteNetnsAndWait('x', { timeoutMs: -1 }), { name: 'InvalidArgumentError' });
  t.throws(() => deleteNetnsAndWait('x', { wait: true } as never), /unknown option "wait"/);
  t.throws(() => deleteNetnsAndWait('a/b'), { name: 'InvalidArgumentError' });
  await t.rejects(deleteNetnsAndWaitAsync(42 as never), { name: 'InvalidArgumentError' });
});

t.test('EEXIST says which name is taken, where, and when a teardown holds it', async (t) => {
  if (!requireRoot(t)) return;
  const [host] = testNetns(t, 1, 'tdexist');
  const rt = openRoute({ netns: host });
  t.teardown(() => rt.close());
  const pod = podNamespace(t);
  rt.link.add({ name: 'vtaken', type: 'veth', peer: { name: 'eth0', netns: pod } });
  const peerTaken = t.throws(() => rt.link.add({ name: 'vother', type: 'veth', peer: { name: 'eth0', netns: pod } })) as NetlinkError;
  t.match(peerTaken, { code: 'EEXIST', message: new RegExp(`veth peer name "eth0" is already taken in netns ${pod} \\(by link #\\d+, a veth\\)`) });
  await t.rejects(rt.link.addAsync({ name: 'vother', type: 'veth', peer: { name: 'eth0', netns: pod } }), { code: 'EEXIST', message: /veth peer name "eth0" is already taken/ });
  const hostTaken = t.throws(() => rt.link.add({ name: 'vtaken', type: 'veth', peer: { name: 'eth1', netns: pod } })) as NetlinkError;
  t.match(hostTaken.message, new RegExp(`link name "vtaken" is already taken in netns ${host}`));
  t.equal(hostTaken.operation, 'create link');

  // Re-create right after a plain delete: the old host end may still exist.
  let exists = 0;
  let tornDown = 0;
  for (let i = 0; i < 40 && tornDown === 0; i++) {
    const again = podNamespace(t);
    rt.link.add({ name: 'vagain', type: 'veth', peer: { name: 'eth0', netns: again } });
    deleteNetns(again);
    createNetns(again);
    try {
      rt.link.add({ name: 'vagain', type: 'veth', peer: { name: 'eth0', netns: again } });
    } catch (error) {
      if ((error as NetlinkError).code !== 'EEXIST') throw error;
      exists++;
      t.match((error as Error).message, /link name "vagain" is already taken/);
      if (/being torn down .*deleteNetnsAndWait/.test((error as Error).message)) tornDown++;
    }
    deleteNetnsAndWait(again, { watch: host });
    // The host end of the first pair may outlive the wait's view when the second add failed.
    for (let w = 0; w < 500; w++) {
      try { rt.link.get('vagain'); } catch { break; }
      await new Promise((r) => setTimeout(r, 2));
    }
  }
  t.ok(exists > 0, `EEXIST seen in ${exists} re-creations`);
  t.ok(tornDown > 0, 'and its message pointed at the teardown in progress');
});

t.test('an EEXIST the kernel explains keeps its words; a veth peer without netns is looked up where the kernel puts it', async (t) => {
  if (!requireRoot(t)) return;
  const [host, other] = testNetns(t, 2, 'tdvx');
  const rt = openRoute({ netns: host });
  t.teardown(() => rt.close());
  rt.link.add({ name: 'vx0', type: 'vxlan', id: 42, dstport: 4789 });
  const vni = t.throws(() => rt.link.add({ name: 'vx1', type: 'vxlan', id: 42, dstport: 4789 })) as NetlinkError;
  t.match(vni, { code: 'EEXIST' });
  t.match(vni.extack?.message, /VNI/, "the kernel's message stays in extack");
  t.notMatch(vni.message, /teardown|free now/, 'no guess about a teardown');
  await t.rejects(rt.link.addAsync({ name: 'vx1', type: 'vxlan', id: 42, dstport: 4789 }), { code: 'EEXIST', message: /VNI/ });

  // The host end goes to `other`, the peer stays in the connection's namespace.
  rt.link.add({ name: 'taken', type: 'veth', peer: { name: 'tpeer' } });
  const peer = t.throws(() => rt.link.add({ name: 'h1', type: 'veth', netns: other, peer: { name: 'taken' } })) as NetlinkError;
  t.match(peer.message, new RegExp(`veth peer name "taken" is already taken in .*${host}|veth peer name "taken" is already taken in this namespace`), peer.message);
});
