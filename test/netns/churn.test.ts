// Long churn must not leak file descriptors or grow memory without bound.
import t from 'tap';
import { openNlkitFds } from '../helpers/fds.js';
import { NETLINK_ROUTE } from '../../src/generated/netlink.js';
import { createNetns, deleteNetns, netnsExists, openNetlinkSocket, withNetns, netnsInode } from '../../src/netns/index.js';
import { requireRoot, uniqueNetnsName } from '../helpers/netns.js';


t.test('namespace and socket churn leaks no fds and no memory', async (t) => {
  if (!requireRoot(t)) return;
  const home = netnsInode('current');
  const cycle = (n: number) => {
    for (let i = 0; i < n; i++) {
      const name = uniqueNetnsName('churn');
      createNetns(name);
      try {
        const sock = openNetlinkSocket(NETLINK_ROUTE, { netns: name });
        sock.close();
        withNetns(name, () => undefined);
      } finally {
        deleteNetns(name);
      }
      t.notOk(netnsExists(name));
    }
  };
  cycle(50); // warm up allocations and caches
  global.gc?.();
  const fds = openNlkitFds();
  const heap = process.memoryUsage().heapUsed;
  cycle(400);
  global.gc?.();
  t.equal(openNlkitFds(), fds, 'fd count unchanged after 400 cycles');
  // Without --expose-gc the heap can only be bounded loosely.
  t.ok(process.memoryUsage().heapUsed - heap < 32 * 1024 * 1024, 'heap did not grow by tens of MB');
  t.equal(netnsInode('current'), home, 'thread never left its namespace');
});
