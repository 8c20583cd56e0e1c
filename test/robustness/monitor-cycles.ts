// Child of monitor-burst.test.ts: opens and closes monitors thousands of
// times in the namespace given as argv[2], each with a burst of notifications
// queued and being read (so a burst pause is pending at many of the closes),
// with listeners, iterators and a view in turn. Prints one JSON line and then
// must exit by itself: a timer or a watch left behind keeps it alive, and the
// parent, which times the exit, fails.
import { openMonitor } from '../../src/monitor/index.js';
import { openRoute } from '../../src/route/index.js';
import { openNlkitFds } from '../helpers/fds.js';

const ns = process.argv[2]!;
const CYCLES = 2000;
const fdsBefore = openNlkitFds();
const rt = openRoute({ netns: ns });
rt.link.add({ name: 'c0', type: 'veth', peer: { name: 'c1' } });
rt.link.set('c0', { up: true });
const burst = Array.from({ length: 16 }, (_, i) => ({ dev: 'c0', address: `10.130.0.${i + 1}/32` }));

for (let cycle = 0; cycle < CYCLES; cycle++) {
  const monitor = openMonitor({ netns: ns, groups: ['ipv4-address'], ...(cycle % 7 === 0 ? { list: true } : {}) });
  let delivered = 0;
  const iterator = cycle % 3 === 0 ? monitor[Symbol.asyncIterator]() : undefined;
  const pending = iterator?.next();
  monitor.on('event', () => void delivered++);
  if (cycle % 2 === 0) rt.addr.addMany(burst);
  else rt.addr.deleteMany(burst);
  // Let the loop read part of it (a burst pause starts), then close at a varying moment.
  await new Promise((resolve) => (cycle % 4 === 0 ? setImmediate(resolve) : setTimeout(resolve, cycle % 3)));
  if (cycle % 5 === 0) monitor.poll(0);
  monitor.close();
  if (pending) await pending;
  if (delivered < 0) throw new Error('unreachable');
}
rt.close();
process.stdout.write(`${JSON.stringify({ cycles: CYCLES, fdsBefore, fdsAfter: openNlkitFds() })}\n`);
