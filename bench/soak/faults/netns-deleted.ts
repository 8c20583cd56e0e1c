// The pod's namespace is deleted while a socket in it is open, and the
// socket is used afterwards. The socket keeps the namespace alive, so calls
// on it work (or fail typed); by name the namespace is gone.
import { deleteNetns, NetnsNotFoundError, openNetns, openRoute } from '../../../src/index.js';
import { vethSpec } from '../pod.js';
import { check } from '../tally.js';
import { refusedExpected, type Fault } from './fault.js';

const NAME = 'netns deleted under an open socket';

export const netnsDeleted: Fault = {
  name: NAME,
  weight: 1,
  async run(c, inside) {
    const handle = c.rng.chance(0.5) ? c.track(openNetns(c.pod.netns)) : undefined;
    c.beat('delete netns under the socket');
    deleteNetns(c.pod.netns);

    try {
      const links = await c.call('list links in deleted netns', () => inside.link.list(), () => inside.link.listAsync());
      check(links.some((l) => l.name === 'eth0'), 'a socket in a deleted namespace lost eth0 while the namespace was held');
      c.tally.note('deleted netns: calls on the open socket worked');
    } catch (error) {
      c.tally.expected(NAME, error, 'typed');
    }
    const extra = { dev: 'eth0', address: `10.201.${c.index % 250}.${c.lane + 1}/32` };
    try {
      await c.call('add address in deleted netns', () => inside.addr.add(extra), () => inside.addr.addAsync(extra));
    } catch (error) {
      c.tally.expected(NAME, error, 'typed');
    }

    try {
      c.beat('open the deleted netns by name');
      c.track(openRoute({ netns: c.pod.netns }));
      refusedExpected('openRoute on a deleted namespace');
    } catch (error) {
      c.tally.expected(NAME, error, [NetnsNotFoundError]);
    }
    const orphan = vethSpec(c, `${c.pod.hostEnd}x`);
    try {
      await c.call('veth into the deleted netns', () => c.host.link.add(orphan), () => c.host.link.addAsync(orphan));
      refusedExpected('a veth whose peer goes into a deleted namespace');
    } catch (error) {
      c.tally.expected(NAME, error, [NetnsNotFoundError]);
    }

    if (handle) {
      // An fd still names the namespace: a socket opened through it lives there.
      c.beat('open through a held fd');
      const held = c.track(openRoute({ netns: { fd: handle.fd } }));
      const links = await c.call('list links through the held fd', () => held.link.list(), () => held.link.listAsync());
      check(links.some((l) => l.name === 'eth0'), 'a socket opened through a held namespace fd does not see eth0');
      c.close(held);
      c.close(handle);
    }
    c.close(inside);
  },
};
