// The namespace pool: never the same namespace twice, a worker crash does not
// stop it, and nothing of it outlives close() or the process.
import { execFileSync } from 'node:child_process';
import { statSync } from 'node:fs';
import t from 'tap';
import {
  createPod, InvalidArgumentError, listNetns, NamespacePoolClosedError, NetnsExistsError, netnsExists, netnsInode, openNamespacePool, openRoute,
} from '../../src/index.js';
import { deleteNetns } from '../../src/netns/index.js';
import { nlkitFds, openNlkitFds } from '../helpers/fds.js';
import { ipJson, requireRoot, testNetns, uniqueNetnsName } from '../helpers/netns.js';

if (!requireRoot(t)) process.exit(0);

const inodeOf = (fd: number): number => statSync(`/proc/self/fd/${fd}`).ino;

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
  for (let taken = pool.take(); taken; taken = pool.take()) libc.close(taken.fd);
  await pool.whenReady();
  t.equal(pool.available, 4);
  t.ok(pool.isOpen);
  for (let i = 0; i < 3; i++) {
    await pool.crashWorker();
    for (let taken = pool.take(); taken; taken = pool.take()) libc.close(taken.fd);
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
  t.throws(() => createPod(host, { netns: existing!, pool, hostEnd: { name: 'vtaken' } }), NetnsExistsError);
  // The pool refills in the background: compare once it holds one again.
  await pool.whenReady();
  t.equal(foreign(), 1, 'the taken namespace\'s fd was closed (the refill replaced it)');
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
