// The namespace pool: never the same namespace twice, a worker crash does not
// stop it, and nothing of it outlives close() or the process.
import { execFileSync } from 'node:child_process';
import { readlinkSync, statSync } from 'node:fs';
import t from 'tap';
import {
  createPod, deletePod, InvalidArgumentError, listNetns, NamespacePoolClosedError, NetnsExistsError, netnsExists, netnsInode, openNamespacePool, openRoute,
  type PooledNamespace,
} from '../../src/index.js';
import { deleteNetns } from '../../src/netns/index.js';
import { nlkitFds, openNlkitFds } from '../helpers/fds.js';
import { ipJson, requireRoot, testNetns, uniqueNetnsName } from '../helpers/netns.js';

if (!requireRoot(t)) process.exit(0);

const inodeOf = (fd: number): number => statSync(`/proc/self/fd/${fd}`).ino;

/** The taker of a pooled namespace owns both of its fds. */
function closeTaken(libc: { close(fd: number): void }, taken: PooledNamespace): void {
  libc.close(taken.fd);
  if (taken.mountTarget !== undefined) libc.close(taken.mountTarget);
}

/** Open fds of unnamed mount targets (O_TMPFILE files in /run/netns). */
const mountTargets = (): number => nlkitFds().filter((fd) => / -> \/run\/netns\/#\d+ \(deleted\)$/.test(fd)).length;

t.test('options are checked', async (t) => {
  t.throws(() => openNamespacePool({ size: 0 }), InvalidArgumentError);
  t.throws(() => openNamespacePool({ size: 1.5 }), InvalidArgumentError);
  t.throws(() => openNamespacePool({ sise: 4 } as never), /unknown option "sise"/);
  t.throws(() => openNamespacePool(null as never), InvalidArgumentError);
  const pool = openNamespacePool({ size: 2 });
  t.teardown(() => pool.close());
  await t.rejects(pool.whenReady(5), InvalidArgumentError, 'a count beyond the size rejects (no throw from a Promise function)');
});

t.test('never hands out a namespace twice, nor the caller\'s own', async (t) => {
  const fds = openNlkitFds();
  const pool = openNamespacePool({ size: 8 });
  const seen = new Set<number>();
  const own = netnsInode('current');
  const libc = await import('../../src/sys/libc.js');
  // Held open to the end: a freed namespace's inode number is reused at once.
  const held: number[] = [];
  for (let i = 0; i < 40; i++) {
    let taken = pool.take();
    if (!taken) {
      await pool.whenReady(1);
      taken = pool.take()!;
    }
    const inode = inodeOf(taken.fd);
    t.notOk(seen.has(inode), `namespace ${i} is new`);
    t.not(inode, own);
    seen.add(inode);
    held.push(taken.fd);
    if (taken.mountTarget !== undefined) libc.close(taken.mountTarget);
  }
  // The taker owns the fds.
  for (const fd of held) libc.close(fd);
  t.equal(pool.taken, 40);
  await pool.close();
  t.equal(openNlkitFds(), fds, 'close() frees every namespace it held');
});

t.test('a crashed worker is replaced and the pool refills', async (t) => {
  const pool = openNamespacePool({ size: 4 });
  t.teardown(() => pool.close());
  await pool.whenReady();
  await pool.crashWorker();
  const libc = await import('../../src/sys/libc.js');
  for (let taken = pool.take(); taken; taken = pool.take()) closeTaken(libc, taken);
  await pool.whenReady();
  t.equal(pool.available, 4);
  t.ok(pool.isOpen);
  for (let i = 0; i < 3; i++) {
    await pool.crashWorker();
    for (let taken = pool.take(); taken; taken = pool.take()) closeTaken(libc, taken);
  }
  await pool.whenReady();
  t.equal(pool.available, 4, 'refilled after repeated crashes');
});

t.test('close() ends waiting callers and frees what is held; the pool names nothing', async (t) => {
  const fds = openNlkitFds();
  const pool = openNamespacePool({ size: 16 });
  await pool.whenReady(4);
  // Other test files create named namespaces meanwhile: compare by inode, not by listing.
  const own = `net:[${netnsInode('current')}]`;
  const pooled = new Set(nlkitFds().filter((fd) => / -> net:\[/.test(fd) && !fd.endsWith(own)).map((fd) => Number(/net:\[(\d+)\]/.exec(fd)![1])));
  t.ok(pooled.size >= 4, `the pool holds ${pooled.size} namespaces`);
  const named = listNetns().filter((name) => { try { return pooled.has(netnsInode(name)); } catch { return false; } });
  t.same(named, [], 'pooled namespaces have no name');
  const waiting = t.rejects(pool.whenReady(16), NamespacePoolClosedError, 'a caller waiting for more is told the pool closed');
  await Promise.all([pool.close(), pool.close()]);
  await waiting;
  await t.rejects(pool.whenReady(), NamespacePoolClosedError);
  t.equal(pool.take(), undefined);
  t.notOk(pool.isOpen);
  t.equal(openNlkitFds(), fds);
});

t.test('pods from the pool: named as ip netns names them; an empty pool falls back to making one', async (t) => {
  const [hostNetns] = testNetns(t, 1, 'poolhost');
  const host = openRoute({ netns: hostNetns! });
  t.teardown(() => host.close());
  host.link.add({ name: 'br0', type: 'bridge', up: true });
  const bridge = host.link.get('br0').index;
  const pool = openNamespacePool({ size: 2 });
  t.teardown(() => pool.close());
  await pool.whenReady();
  const names = [uniqueNetnsName('pooled'), uniqueNetnsName('pooled'), uniqueNetnsName('pooled')];
  t.teardown(() => names.forEach((n) => netnsExists(n) && deleteNetns(n)));
  const pods = names.map((netns, i) => createPod(host, { netns, pool, hostEnd: { name: `vp${i}`, master: bridge }, addresses: [`10.88.0.${i + 2}/16`] }));
  t.same(pods.map((p) => p.fromPool), [true, true, false]);
  for (const [i, netns] of names.entries()) {
    t.ok(listNetns().includes(netns), `${netns} is listed`);
    t.same(ipJson(netns, 'addr', 'show', 'eth0')[0].addr_info.map((a: { local: string }) => a.local).filter((a: string) => a.startsWith('10.')), [`10.88.0.${i + 2}`]);
  }
  t.equal(new Set(names.map((n) => netnsInode(n))).size, 3, 'three different namespaces');
});

t.test('a taken name: the pooled namespace is freed, not leaked', async (t) => {
  const [existing] = testNetns(t, 1, 'taken');
  const pool = openNamespacePool({ size: 1 });
  t.teardown(() => pool.close());
  await pool.whenReady();
  const host = openRoute();
  t.teardown(() => host.close());
  // Namespaces other than this one held open (the worker briefly holds an fd of its own namespace too).
  const own = `net:[${netnsInode('current')}]`;
  const foreign = (): number => nlkitFds().filter((fd) => / -> net:\[/.test(fd) && !fd.endsWith(own)).length;
  t.equal(foreign(), 1, 'the pool holds one');
  t.equal(mountTargets(), 1, 'with its mount target');
  t.throws(() => createPod(host, { netns: existing!, pool, hostEnd: { name: 'vtaken' } }), NetnsExistsError);
  // The pool refills in the background: compare once it holds one again.
  await pool.whenReady();
  t.equal(foreign(), 1, 'the taken namespace\'s fd was closed (the refill replaced it)');
  t.equal(mountTargets(), 1, 'and its mount target\'s, never linked');
});

t.test('a process that exits with a full pool leaves no namespace behind', async (t) => {
  const script = `
    import { openNamespacePool } from ${JSON.stringify(new URL('../../src/index.ts', import.meta.url).href)};
    const pool = openNamespacePool({ size: 8 });
    await pool.whenReady();
    console.log(pool.available);
    process.exit(0);
  `;
  // The child gets a /run/netns of its own (a private mount namespace with a
  // fresh tmpfs), so what it leaves there is its own whatever other tests do.
  const shell = [
    'mount -t tmpfs nlkit-pool-test /run/netns || exit 97',
    '"$1" --import=tsx --input-type=module -e "$0" || exit $?',
    'echo "left:$(ls /run/netns | tr \'\\n\' \' \')"',
  ].join('\n');
  const out = execFileSync('unshare', ['--mount', '--propagation', 'private', '--', 'sh', '-c', shell, script, process.execPath], { encoding: 'utf8', cwd: new URL('../..', import.meta.url).pathname });
  t.same(out.trim().split('\n'), ['8', 'left:'], 'nothing named; the unnamed ones died with their fds');
});

t.test('a pooled namespace comes with lo up and nothing else, and an unnamed mount target', async (t) => {
  const pool = openNamespacePool({ size: 1 });
  t.teardown(() => pool.close());
  await pool.whenReady();
  const libc = await import('../../src/sys/libc.js');
  const taken = pool.take()!;
  t.teardown(() => closeTaken(libc, taken));
  t.equal(taken.loopbackUp, true);
  const inside = openRoute({ netns: { fd: taken.fd } });
  t.teardown(() => inside.close());
  t.same(inside.link.list().map((l) => `${l.index} ${l.name} ${l.up ? 'up' : 'down'}`), ['1 lo up']);
  t.same(inside.route.list({ table: 'all' }).filter((r) => r.oif !== 1), [], 'no route but lo\'s');
  t.type(taken.mountTarget, 'number');
  t.match(readlinkSync(`/proc/self/fd/${taken.mountTarget}`), /^\/run\/netns\/#\d+ \(deleted\)$/, 'an unnamed file under /run/netns');
});

t.test('a pod with loopback: false makes its own namespace: a pooled one has lo up', async (t) => {
  const [hostNetns] = testNetns(t, 1, 'poollo');
  const host = openRoute({ netns: hostNetns! });
  t.teardown(() => host.close());
  const pool = openNamespacePool({ size: 1 });
  t.teardown(() => pool.close());
  await pool.whenReady();
  const name = uniqueNetnsName('nolo');
  t.teardown(() => netnsExists(name) && deleteNetns(name));
  const pod = createPod(host, { netns: name, pool, loopback: false, hostEnd: { name: 'vnolo' } });
  t.equal(pod.fromPool, false);
  t.equal(pool.taken, 0, 'the pooled namespace stays in the pool');
  t.same(ipJson(name, 'link', 'show', 'lo')[0].flags.includes('UP'), false, 'lo is down');
});

t.test('the worker makes no namespace while a pod is being made unless the pool is empty, and catches up after', async (t) => {
  const pool = openNamespacePool({ size: 3 });
  t.teardown(() => pool.close());
  await pool.whenReady();
  const libc = await import('../../src/sys/libc.js');
  // As createPod does for the whole of a pod.
  pool.pauseRefill();
  closeTaken(libc, pool.take()!);
  closeTaken(libc, pool.take()!);
  await new Promise((resolve) => setTimeout(resolve, 100));
  t.equal(pool.available, 1, 'nothing made during the pod, though the pool asked for two');
  closeTaken(libc, pool.take()!);
  await pool.whenReady(1);
  t.pass('an empty pool is refilled during a pod');
  pool.resumeRefill();
  await pool.whenReady();
  t.equal(pool.available, 3, 'full again once the pod was done');
});

t.test('close() ends a worker that waits for pods to finish', async (t) => {
  const fds = openNlkitFds();
  const pool = openNamespacePool({ size: 2 });
  await pool.whenReady();
  const libc = await import('../../src/sys/libc.js');
  pool.pauseRefill();
  // One left: the worker, asked for one more, waits for the pod to end.
  closeTaken(libc, pool.take()!);
  await new Promise((resolve) => setTimeout(resolve, 20));
  const started = performance.now();
  await pool.close();
  t.ok(performance.now() - started < 2_000, 'closed without waiting for the worker to be terminated');
  pool.resumeRefill();
  t.equal(openNlkitFds(), fds);
});

t.test('1000 pods from a pool leak no fd and leave no namespace behind', async (t) => {
  const [hostNetns] = testNetns(t, 1, 'poolfds');
  const host = openRoute({ netns: hostNetns! });
  t.teardown(() => host.close());
  host.link.add({ name: 'br0', type: 'bridge', up: true });
  const bridge = host.link.get('br0').index;
  const before = openNlkitFds();
  const pool = openNamespacePool({ size: 8 });
  t.teardown(() => pool.close());
  await pool.whenReady();
  const prefix = uniqueNetnsName('leak');
  t.teardown(() => listNetns().filter((n) => n.startsWith(prefix)).forEach((n) => deleteNetns(n)));
  let fromPool = 0;
  for (let i = 0; i < 1000; i++) {
    const pod = createPod(host, { netns: `${prefix}-${i}`, pool, hostEnd: { name: `vl${i}`, master: bridge }, addresses: [`10.88.${(i >> 8) + 1}.${i & 255}/16`] });
    if (pod.fromPool) fromPool++;
    deletePod(pod);
    // A burst of 8 takes the pool empty; it refills in the gap after.
    if (i % 8 === 7) await pool.whenReady();
  }
  t.equal(fromPool, 1000, 'every pod took a pooled namespace');
  const held = openNlkitFds() - before;
  t.ok(held <= 2 * 8 + 2, `while open, the pool holds at most a namespace and a mount target per slot (and the worker an fd of its own namespace and a socket while it makes one): ${held}`, { fds: nlkitFds() });
  await pool.close();
  t.equal(openNlkitFds(), before, 'after close(), every fd is back as it was');
  t.same(listNetns().filter((n) => n.startsWith(prefix)), [], 'every pod namespace was deleted');
});

t.test('naming onto a prepared target: a taken name is NetnsExistsError; a target that cannot be linked falls back to a new file', async (t) => {
  const libc = await import('../../src/sys/libc.js');
  const { nameNetnsOnto, openMountTarget } = await import('../../src/netns/mount-target.js');
  const { CLONE_NEWNET } = await import('../../src/generated/sched.js');
  const [existing] = testNetns(t, 1, 'target');
  // A namespace of our own to name, held by an fd only.
  const original = libc.openReadOnly('/proc/thread-self/ns/net');
  libc.unshare(CLONE_NEWNET);
  const nsFd = libc.openReadOnly('/proc/thread-self/ns/net');
  libc.setns(original, CLONE_NEWNET);
  libc.close(original);
  t.teardown(() => libc.close(nsFd));
  const target = openMountTarget();
  t.teardown(() => libc.close(target));
  t.throws(() => nameNetnsOnto(existing!, nsFd, target), NetnsExistsError);
  // /tmp is not the /run/netns mount: linkat fails with EXDEV.
  const elsewhere = libc.openUnnamedFile('/tmp');
  t.teardown(() => libc.close(elsewhere));
  const name = uniqueNetnsName('fallback');
  t.teardown(() => netnsExists(name) && deleteNetns(name));
  nameNetnsOnto(name, nsFd, elsewhere);
  t.equal(netnsInode(name), inodeOf(nsFd), 'named all the same');
  const other = uniqueNetnsName('linked');
  t.teardown(() => netnsExists(other) && deleteNetns(other));
  nameNetnsOnto(other, nsFd, target);
  t.equal(netnsInode(other), inodeOf(nsFd), 'and by linking the prepared target');
  t.ok(listNetns().includes(other));
});
