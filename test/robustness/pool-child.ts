// Child of pool.test.ts, for what must not happen in the test process itself:
//   exdev HOSTNS PREFIX  — inside a private mount namespace (the parent runs
//     it under `unshare -m`), /run/netns is bind-mounted over itself after the
//     pool prepared its mount targets, so linking them fails with EXDEV; pods
//     must be named all the same, then deleted. Prints a JSON report.
//   exit-full / exit-midway — a full pool left open at the end of the script
//     (the process must end by itself), or process.exit() while the worker is
//     making namespaces. Prints the inodes of the pooled namespaces first.
import { execFileSync } from 'node:child_process';
import { statSync } from 'node:fs';
import { createPod, deletePod, netnsExists, openNamespacePool, openRoute } from '../../src/index.js';

const [mode, hostNs, prefix] = process.argv.slice(2);

if (mode === 'exdev') {
  const host = openRoute({ netns: hostNs! });
  const pool = openNamespacePool({ size: 4 });
  await pool.whenReady();
  // Only in this process's own mount namespace (see the parent): the host's /run/netns is untouched.
  execFileSync('mount', ['--bind', '/run/netns', '/run/netns']);
  const report = { named: 0, fromPool: 0, reachable: 0, deleted: 0, errors: [] as string[] };
  for (let i = 0; i < 8; i++) {
    const name = `${prefix}-${i}`;
    try {
      const pod = createPod(host, { netns: name, pool, hostEnd: { name: `ex${i}` }, addresses: [`10.150.0.${i + 1}/24`] });
      if (pod.fromPool) report.fromPool++;
      if (netnsExists(name)) report.named++;
      // The name leads to the pod's own namespace: its address is there.
      const inside = openRoute({ netns: name });
      if (inside.addr.list({ family: 4 }).some((a) => a.local === `10.150.0.${i + 1}`)) report.reachable++;
      inside.close();
      deletePod(pod);
      if (!netnsExists(name)) report.deleted++;
    } catch (error) {
      report.errors.push(`${(error as Error).name}: ${(error as Error).message}`);
    }
  }
  await pool.close();
  host.close();
  process.stdout.write(`${JSON.stringify(report)}\n`);
} else {
  const pool = openNamespacePool({ size: 16 });
  await pool.whenReady();
  const libc = await import('../../src/sys/libc.js');
  const inodes: number[] = [];
  // Take a few and look at them, to learn the inodes of pooled namespaces; give them back to the kernel.
  for (let i = 0; i < 4; i++) {
    const taken = pool.take()!;
    inodes.push(statSync(`/proc/self/fd/${taken.fd}`).ino);
    libc.close(taken.fd);
    if (taken.mountTarget !== undefined) libc.close(taken.mountTarget);
  }
  process.stdout.write(`${JSON.stringify({ inodes, available: pool.available })}\n`);
  if (mode === 'exit-midway') {
    // The worker is refilling the four taken: exit in the middle of it.
    setTimeout(() => process.exit(0), 1);
  }
  // exit-full: nothing else; an open pool must not keep the process alive.
}
