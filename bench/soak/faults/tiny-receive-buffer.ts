// A connection with a tiny receive buffer sends a packed addMany whose
// replies (half the routes fail) overflow it: ReceiveOverrunError or
// NetlinkBatchError. The connection must keep working afterwards.
import { NetlinkBatchError, openRoute, ReceiveOverrunError } from '../../../src/index.js';
import { check } from '../tally.js';
import { BRIDGE_ADDRESS } from '../world.js';
import { refusedExpected, type Fault } from './fault.js';

const NAME = 'tiny receive buffer';
/** Not on a connected network, so the kernel refuses these routes (ENETUNREACH). */
const UNREACHABLE_GATEWAY = '192.0.2.1';

export const tinyReceiveBuffer: Fault = {
  name: NAME,
  weight: 1,
  async run(c) {
    c.beat('open with a tiny receive buffer');
    const tiny = c.track(openRoute({ netns: c.pod.netns, receiveBufferSize: 8192 }));
    const count = 100 + c.rng.below(200);
    const routes = Array.from({ length: count }, (_, i) => i % 2 === 0
      ? { dst: `10.203.${i >> 8}.${i & 255}/32`, gateway: BRIDGE_ADDRESS }
      : { dst: `10.204.${i >> 8}.${i & 255}/32`, gateway: UNREACHABLE_GATEWAY });
    let unknown: Set<number> | undefined;
    try {
      await c.call('overflowing addMany', () => tiny.route.addMany(routes), () => tiny.route.addManyAsync(routes));
      refusedExpected(`an addMany of ${count} routes, half with an unreachable gateway,`);
    } catch (error) {
      c.tally.expected(NAME, error, [ReceiveOverrunError, NetlinkBatchError]);
      if (error instanceof ReceiveOverrunError) {
        unknown = new Set(error.unknown);
        c.tally.note('tiny receive buffer: requests of unknown outcome', error.unknown.length);
      }
    }

    const links = await c.call('list links after the overrun', () => tiny.link.list(), () => tiny.link.listAsync());
    check(links.length === 2, `after an overrun the connection lists ${links.length} links, expected 2`);
    const listed = await c.call('list routes after the overrun', () => tiny.route.list(), () => tiny.route.listAsync());
    const present = new Set(listed.map((r) => r.dst));
    check(!listed.some((r) => r.dst?.startsWith('10.204.')), 'a route with an unreachable gateway is in the table');
    // Every valid route is in the table, or its outcome was reported unknown.
    const missing = routes.flatMap((r, i) => (i % 2 === 0 && !present.has(r.dst.replace('/32', '')) && !present.has(r.dst) ? [i] : []));
    const unreported = missing.filter((i) => !unknown?.has(i));
    check(unreported.length === 0, `${unreported.length} of ${count} routes (indexes ${unreported.slice(0, 5).join(', ')}...) are neither in the table nor in the error's unknown list`);
    const address = { dev: 'eth0', address: `10.205.${c.index % 250}.1/32` };
    await c.call('add an address after the overrun', () => tiny.addr.add(address), () => tiny.addr.addAsync(address));
    c.close(tiny);
  },
};
