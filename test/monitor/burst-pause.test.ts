// After a read of 8 or more notifications the monitor stops watching its
// socket for a millisecond (src/monitor/monitor.ts, BURST_PAUSE_MS): every
// notification of a burst must still arrive, in order, the watch must come
// back for the next burst and for a lone notification, and close() during a
// pause must end delivery.
import t from 'tap';
import { execFileSync } from 'node:child_process';
import { writeFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openMonitor, type AddressEvent } from '../../src/monitor/index.js';
import { openRoute } from '../../src/route/index.js';
import { isRoot, testNetns } from '../helpers/netns.js';

const root = { skip: !isRoot && 'needs root to create namespaces' };
const settle = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

async function until(what: string, count: () => number, n: number, ms = 10_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (count() < n) {
    if (Date.now() > deadline) throw new Error(`${what}: ${count()} of ${n} after ${ms} ms`);
    await settle(2);
  }
}

const addresses = (third: number, n: number) => Array.from({ length: n }, (_, i) => ({ dev: 'v0', address: `10.${third}.${i >> 8}.${i & 255}/32` }));

t.test('bursts, then lone notifications: every one arrives, in order', root, async (t) => {
  const [ns] = testNetns(t, 1, 'monburst');
  const rt = openRoute({ netns: ns });
  t.teardown(() => rt.close());
  rt.link.add({ name: 'v0', type: 'veth', peer: { name: 'v1' } });
  const monitor = openMonitor({ netns: ns!, groups: ['ipv4-address'] });
  t.teardown(() => monitor.close());
  const seen: string[] = [];
  monitor.on('event', (event) => {
    if (event.kind === 'address') seen.push(`${event.action} ${(event as AddressEvent).address.address}`);
  });

  // From this process: the whole burst is queued before the monitor reads, so
  // its first read takes a full batch and the pause follows.
  const first = addresses(81, 300);
  rt.addr.addMany(first);
  await until('first burst', () => seen.length, 300);
  t.same(seen, first.map((a) => `new ${a.address.split('/')[0]}`), 'the first burst, in the order made');

  // A second burst right away: the watch is back (or the pause's own read takes it).
  rt.addr.deleteMany(first);
  await until('second burst', () => seen.length, 600);
  t.same(seen.slice(300), first.map((a) => `del ${a.address.split('/')[0]}`), 'the second burst, in order');

  // From another process, at the pace `ip` makes changes: reads of any size.
  const dir = mkdtempSync(join(tmpdir(), 'nlkit-burst-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const batch = join(dir, 'batch');
  const paced = addresses(82, 200);
  writeFileSync(batch, paced.map((a) => `addr add ${a.address} dev v0\n`).join(''));
  execFileSync('ip', ['-n', ns!, '-batch', batch]);
  await until('ip batch', () => seen.length, 800);
  t.same(seen.slice(600), paced.map((a) => `new ${a.address.split('/')[0]}`), 'the changes of another process, in order');

  // Lone changes after the bursts are delivered without another burst to carry them.
  for (let i = 0; i < 3; i++) {
    await settle(20);
    rt.addr.add({ dev: 'v0', address: `10.83.0.${i + 1}/32` });
    await until(`lone change ${i + 1}`, () => seen.length, 801 + i, 2_000);
    t.equal(seen.at(-1), `new 10.83.0.${i + 1}`, `lone change ${i + 1} delivered`);
  }
});

t.test('close() right after a burst (its pause pending) ends delivery', root, async (t) => {
  const [ns] = testNetns(t, 1, 'monburst');
  const rt = openRoute({ netns: ns });
  t.teardown(() => rt.close());
  rt.link.add({ name: 'v0', type: 'veth', peer: { name: 'v1' } });
  const monitor = openMonitor({ netns: ns!, groups: ['ipv4-address'] });
  let delivered = 0;
  let afterClose = 0;
  monitor.on('event', () => {
    if (!monitor.isOpen) afterClose++;
    delivered++;
  });
  rt.addr.addMany(addresses(84, 64));
  await until('burst', () => delivered, 64);
  // The read of 64 started a 1 ms pause, most likely still pending: close, then change more.
  monitor.close();
  rt.addr.addMany(addresses(85, 64));
  await settle(50);
  t.equal(delivered, 64, 'nothing delivered after close()');
  t.equal(afterClose, 0, 'no listener call on a closed monitor');
});
