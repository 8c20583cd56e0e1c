// The namespace pool (src/pod/pool.ts, pool-worker.ts, refill-gate.ts) under
// hostile timing: closed while pods are being made from it, its worker killed
// while it waits at the refill gate, mount targets that cannot be linked,
// names already taken, the process ending with the pool full. Each must end
// in typed errors at worst, with no fd, namespace or name left behind.
import { spawn } from 'node:child_process';
import { readdirSync, readFileSync, rmSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import t, { type Test } from 'tap';
import { createPod, createPodAsync, deletePod, listNetns, NetnsExistsError, openNamespacePool, openRoute, type Pod } from '../../src/index.js';
import { deleteNetns } from '../../src/netns/index.js';
import { nlkitFds, openNlkitFds } from '../helpers/fds.js';
import { requireRoot, testNetns, uniqueNetnsName } from '../helpers/netns.js';

if (!requireRoot(t)) process.exit(0);

const CHILD = fileURLToPath(new URL('./pool-child.ts', import.meta.url));
const settle = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Runs `command` with a kill after `limitMs`; resolves with status, output and when stdout last ended a line. */
function runChild(command: string, args: string[], limitMs: number): Promise<{ status: number | null; signal: string | null; stdout: string; stderr: string; msAfterOutput: number }> {
  const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  let lastLine = performance.now();
  child.stdout.on('data', (chunk: Buffer) => {
    stdout += chunk;
    lastLine = performance.now();
  });
  child.stderr.on('data', (chunk: Buffer) => void (stderr += chunk));
  const killer = setTimeout(() => child.kill('SIGKILL'), limitMs);
  return new Promise((resolve) => child.on('close', (status, signal) => {
    clearTimeout(killer);
    resolve({ status, signal, stdout, stderr, msAfterOutput: performance.now() - lastLine });
  }));
}

/** A host namespace with a bridge for pods, and a name prefix whose leftovers are removed at the end. */
function podHost(t: Test): { host: ReturnType<typeof openRoute>; prefix: string } {
  const [hostNs] = testNetns(t, 1, 'robpool');
  const host = openRoute({ netns: hostNs! });
  t.teardown(() => host.close());
  const prefix = uniqueNetnsName('rp');
  t.teardown(() => listNetns().filter((n) => n.startsWith(prefix)).forEach((n) => deleteNetns(n)));
  return { host, prefix };
}

t.test('the worker killed while it waits at the refill gate: restarted, nothing leaked', async (t) => {
  const before = openNlkitFds();
  const pool = openNamespacePool({ size: 2 });
  await pool.whenReady();
  const libc = await import('../../src/sys/libc.js');
  pool.pauseRefill(); // a pod "being made" for the whole test: the worker waits at the gate
  for (let i = 0; i < 5; i++) {
    const taken = pool.take()!;
    libc.close(taken.fd);
    if (taken.mountTarget !== undefined) libc.close(taken.mountTarget);
    await settle(20); // the worker is asked for one more and waits at the gate
    const started = performance.now();
    await pool.crashWorker();
    t.ok(performance.now() - started < 2_000, `crash ${i + 1}: terminate() ends a worker blocked in Atomics.wait`);
    if (pool.available === 0) {
      pool.resumeRefill();
      await pool.whenReady(1);
      pool.pauseRefill();
    }
  }
  pool.resumeRefill();
  await pool.whenReady();
  t.equal(pool.available, 2, 'refilled once the gate opened');
  await pool.close();
  t.same(nlkitFds().length - before, 0, 'no fd left behind by the killed workers', { fds: nlkitFds() });
});

t.test('close() while pods are being made from the pool, sync and async: every pod whole or a typed error, nothing left', async (t) => {
  const { host, prefix } = podHost(t);
  const before = openNlkitFds();
  const pool = openNamespacePool({ size: 8 });
  await pool.whenReady(4);
  const pods: Pod[] = [];
  const failures: unknown[] = [];
  const asyncPods = Array.from({ length: 12 }, (_, i) => createPodAsync(host, { netns: `${prefix}-a${i}`, pool, hostEnd: { name: `pa${i}` }, addresses: [`10.151.0.${i + 1}/24`] }));
  // Closed while those are in flight; the sync pods after it find the pool closed and make their own.
  const closing = pool.close();
  for (let i = 0; i < 6; i++) {
    try {
      pods.push(createPod(host, { netns: `${prefix}-s${i}`, pool, hostEnd: { name: `ps${i}` }, addresses: [`10.151.1.${i + 1}/24`] }));
    } catch (error) {
      failures.push(error);
    }
  }
  for (const outcome of await Promise.allSettled(asyncPods)) {
    if (outcome.status === 'fulfilled') pods.push(outcome.value);
    else failures.push(outcome.reason);
  }
  await closing;
  t.same(failures.map((e) => `${(e as Error).name}: ${(e as Error).message}`), [], 'a closing pool fails no pod');
  t.equal(pods.length, 18, 'every pod made');
  t.ok(pods.some((p) => p.fromPool), 'some took pooled namespaces');
  t.ok(pods.some((p) => !p.fromPool), 'those after close() made their own');
  for (const pod of pods) deletePod(pod);
  t.equal(openNlkitFds(), before, 'every fd back as it was', { fds: nlkitFds() });
  t.same(listNetns().filter((n) => n.startsWith(prefix)), [], 'every pod namespace deleted');
});

t.test('a name already taken: NetnsExistsError, the pooled namespace and its target closed, the gate open again', async (t) => {
  const { host, prefix } = podHost(t);
  const [taken] = testNetns(t, 1, 'robpooltaken');
  const before = openNlkitFds();
  const pool = openNamespacePool({ size: 4 });
  await pool.whenReady();
  for (let i = 0; i < 3; i++) {
    t.throws(() => createPod(host, { netns: taken!, pool, hostEnd: { name: `tk${i}` } }), NetnsExistsError, `attempt ${i + 1}: sync`);
    await t.rejects(createPodAsync(host, { netns: taken!, pool, hostEnd: { name: `tka${i}` } }), NetnsExistsError, `attempt ${i + 1}: async`);
  }
  t.equal(pool.taken, 4, 'each attempt took a pooled namespace (and dropped it)');
  // The failed pods released the gate: the worker refills.
  await Promise.race([pool.whenReady(), settle(5_000).then(() => { throw new Error('pool not refilled in 5 s: the gate stayed shut'); })]);
  t.equal(host.link.list().filter((l) => l.name?.startsWith('tk')).length, 0, 'no host end left');
  const pod = createPod(host, { netns: `${prefix}-ok`, pool, hostEnd: { name: 'tkok' } });
  t.ok(pod.fromPool, 'the pool still serves');
  deletePod(pod);
  await pool.close();
  t.equal(openNlkitFds(), before, 'no fd leaked', { fds: nlkitFds() });
});

t.test('2,000 pods through the pool, sync and async: no fd growth', async (t) => {
  const { host, prefix } = podHost(t);
  const before = openNlkitFds();
  const pool = openNamespacePool({ size: 8 });
  await pool.whenReady();
  const counts: number[] = [];
  let fromPool = 0;
  for (let i = 0; i < 2000; i++) {
    const spec = { netns: `${prefix}-${i}`, pool, hostEnd: { name: `tp${i}` }, addresses: [`10.152.${(i >> 8) + 1}.${i & 255}/16`] };
    const pod = i % 2 === 0 ? createPod(host, spec) : await createPodAsync(host, spec);
    if (pod.fromPool) fromPool++;
    deletePod(pod);
    if (i % 250 === 249) counts.push(openNlkitFds() - before);
  }
  t.ok(fromPool > 1000, `${fromPool} of 2000 pods took a pooled namespace`);
  t.ok(Math.max(...counts) <= 2 * 8 + 2, `fds held every 250 pods stay within the pool's slots: ${counts.join(' ')}`);
  await pool.close();
  t.equal(openNlkitFds(), before, 'after close() every fd is back', { fds: nlkitFds() });
});

t.test('mount targets that cannot be linked (EXDEV, /run/netns re-bind-mounted in a private mount namespace): pods named all the same', async (t) => {
  const [hostNs] = testNetns(t, 1, 'robpoolx');
  const prefix = uniqueNetnsName('rpx');
  // The child's /run/netns mount is private to it, but the directory beneath is the host's:
  // a name it creates there and fails to delete would be a plain file here.
  t.teardown(() => {
    for (const name of readdirSync('/run/netns')) if (name.startsWith(prefix)) rmSync(`/run/netns/${name}`, { force: true });
  });
  const ran = await runChild('unshare', ['-m', '--propagation', 'private', process.execPath, '--import', 'tsx', CHILD, 'exdev', hostNs!, prefix], 60_000);
  t.equal(ran.status, 0, `child status 0 (stderr: ${ran.stderr.slice(-2000)})`);
  const report = JSON.parse(ran.stdout.trim().split('\n').at(-1) || '{}');
  t.same(report.errors, [], 'no pod failed');
  t.equal(report.named, 8, 'every pod named');
  t.equal(report.reachable, 8, 'every name leads to its pod');
  t.equal(report.deleted, 8, 'every pod deleted');
  t.ok(report.fromPool >= 4, `${report.fromPool} pods from the pool, the first ones through the EXDEV fallback`);
  t.same(readdirSync('/run/netns').filter((n) => n.startsWith(prefix)), [], 'nothing left in /run/netns');
  t.notOk(readFileSync('/proc/self/mountinfo', 'utf8').includes(prefix), 'no mount of it reached the host');
});

for (const mode of ['exit-full', 'exit-midway'] as const) {
  t.test(`${mode === 'exit-full' ? 'a full pool left open at the end of a script' : 'process.exit() while the worker refills'}: the process ends by itself, no namespace survives`, async (t) => {
    const ran = await runChild(process.execPath, ['--import', 'tsx', CHILD, mode], 30_000);
    t.equal(ran.signal, null, `not killed (stderr: ${ran.stderr.slice(-2000)})`);
    t.equal(ran.status, 0, 'status 0');
    t.ok(ran.msAfterOutput < 3_000, `ended ${Math.round(ran.msAfterOutput)} ms after its last output`);
    const report = JSON.parse(ran.stdout.trim().split('\n')[0] || '{}');
    t.equal(report.inodes?.length, 4, 'the child reported its pooled namespaces');
    // A namespace outlives its process only through a mount; the pool names none.
    const mounted = readFileSync('/proc/self/mountinfo', 'utf8').split('\n').filter((line) => (report.inodes as number[]).some((ino) => line.includes(`net:[${ino}]`)));
    t.same(mounted, [], 'none of them is mounted anywhere');
  });
}
