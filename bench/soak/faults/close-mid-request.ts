// close() while Promise requests are in flight on the connection (and while
// a veth creation is in flight on a second host connection): each request
// resolves or rejects with SocketClosedError, and a socket opened right
// after (which may get the same fd number) works. In sync mode a sync call
// is also made while the Promise calls are queued: it runs before them, or
// once one of them waits for its reply, is refused with SocketBusyError.
import { setImmediate as immediate, setTimeout as sleep } from 'node:timers/promises';
import { openRoute, SocketBusyError, SocketClosedError } from '../../../src/index.js';
import { vethSpec } from '../pod.js';
import { check } from '../tally.js';
import { refusedExpected, type Fault } from './fault.js';

const NAME = 'close mid-request';
const MOMENTS = ['at once', 'after a microtask', 'after an immediate', 'after the first reply', 'after 1 ms'] as const;

export const closeMidRequest: Fault = {
  name: NAME,
  weight: 1,
  async run(c, inside) {
    const extraHost = c.track(openRoute({ netns: c.world.hostNetns }));
    c.beat('start requests to abandon');
    const inFlight: Promise<unknown>[] = [
      inside.link.listAsync(),
      inside.addr.addAsync({ dev: 'eth0', address: `10.202.${c.index % 250}.${c.lane + 1}/32` }),
      inside.route.listAsync(),
      inside.link.setAsync('eth0', { mtu: 1400 + c.rng.below(100) }),
      extraHost.link.addAsync(vethSpec(c, `${c.pod.hostEnd}c`, 'eth1')),
    ];
    // Observe every outcome now, so none can become an unhandled rejection.
    const settled = Promise.allSettled(inFlight);

    if (c.mode === 'sync') {
      // Before the first Promise call has sent anything a sync call may go
      // first; once one waits for its reply, sync calls are refused.
      for (const when of ['at once', 'after an immediate']) {
        if (when === 'after an immediate') await immediate();
        try {
          c.beat(`sync call while Promise calls are queued (${when})`);
          const links = inside.link.list();
          check(links.some((l) => l.name === 'eth0'), 'a sync call between Promise calls lists no eth0');
          c.tally.note(`close mid-request: sync call between Promise calls ran (${when})`);
        } catch (error) {
          c.tally.expected(NAME, error, [SocketBusyError]);
        }
      }
    }

    const moment = c.rng.pick(MOMENTS);
    c.beat(`wait ${moment}`);
    if (moment === 'after a microtask') await Promise.resolve();
    else if (moment === 'after an immediate') await immediate();
    else if (moment === 'after the first reply') await Promise.race(inFlight).catch(() => undefined);
    else if (moment === 'after 1 ms') await sleep(1);
    c.beat('close with requests in flight');
    c.close(inside);
    c.close(extraHost);

    c.beat('settle abandoned requests');
    let completed = 0;
    for (const outcome of await settled) {
      if (outcome.status === 'fulfilled') completed++;
      else c.tally.expected(NAME, outcome.reason, [SocketClosedError]);
    }
    c.tally.note(`close mid-request: requests completed before close (${moment})`, completed);
    c.tally.note(`close mid-request: requests abandoned (${moment})`, inFlight.length - completed);

    try {
      await c.call('call on the closed connection', () => inside.link.list(), () => inside.link.listAsync());
      refusedExpected('a call on a closed connection');
    } catch (error) {
      c.tally.expected(NAME, error, [SocketClosedError]);
    }

    // A new socket right away: the kernel hands out the lowest free fd, often the one just closed.
    c.beat('reopen after close');
    const again = c.track(openRoute({ netns: c.pod.netns }));
    const links = await again.link.listAsync();
    check(links.some((l) => l.name === 'eth0'), 'a connection opened after close() does not see eth0');
    c.beat('sync call on the reopened connection');
    check(again.link.get('lo').index === 1, 'lo is not index 1 on the reopened connection');
    c.close(again);
  },
};
