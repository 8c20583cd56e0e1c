// addressesToIpJson fed with Link objects decoded by the links module: the
// link part is the links module's printer, bridge and port data included.
import t from 'tap';
import { addressesToIpJson } from '../../src/route/addresses/index.js';
import { ip, ipJson, requireRoot, testNetns } from '../helpers/netns.js';
import { readTogether } from '../helpers/read-together.js';
import { maskAddressJson } from '../helpers/volatile.js';
import { services, vethPair } from './addresses-routes-helpers.js';

t.test('decoded Links print with their addresses as ip -j -d addr show does', async (t) => {
  if (!requireRoot(t)) return;
  const [ns] = testNetns(t, 1, 'addrl');
  vethPair(ns!);
  ip(ns!, 'link', 'add', 'br0', 'type', 'bridge');
  ip(ns!, 'link', 'set', 'v1', 'master', 'br0');
  ip(ns!, 'link', 'set', 'br0', 'up');
  ip(ns!, 'link', 'set', 'lo', 'up');
  const s = services(t, ns!);
  s.addr.addMany([
    { dev: 'v0', address: '10.0.0.2/24', label: 'v0:a' },
    { dev: 'br0', address: '10.1.0.1/24' },
    { dev: 'br0', address: 'fd04::1/64', flags: { nodad: true } },
  ]);

  // The bridge's and the port's running timers are masked (they move between any two reads).
  const all = readTogether(() => ipJson<unknown[]>(ns!, '-d', 'addr', 'show'), () => ({ links: s.link.list(), addresses: s.addr.list() }), maskAddressJson);
  const rendered = maskAddressJson(addressesToIpJson(all.mine.links, all.mine.addresses));
  const theirs = maskAddressJson(all.theirs);
  t.same(rendered, theirs, 'every link: bridge and port data included');
  t.equal(JSON.stringify(rendered), JSON.stringify(theirs), 'same key order');

  // One link shown: its master and its peer are named from the directory.
  const one = readTogether(() => ipJson<unknown[]>(ns!, '-d', 'addr', 'show', 'dev', 'v1'), () => ({ links: s.link.list(), addresses: s.addr.list({ dev: 'v1' }) }), maskAddressJson);
  const v1 = one.mine.links.filter((l) => l.name === 'v1');
  const shown = maskAddressJson(addressesToIpJson(v1, one.mine.addresses, { directory: one.mine.links }));
  t.same(shown, maskAddressJson(one.theirs), 'dev v1: master and link named through the directory');
  t.match(shown, [{ master: 'br0', link: 'v0' }]);
});
