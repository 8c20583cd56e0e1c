// addressesToIpJson fed with decoded Link objects of the links module: the
// generic link part, and the exact one through the links module's printer.
import t from 'tap';
import { addressesToIpJson, type AddressLinkInfo } from '../../src/route/addresses/index.js';
import { linkToIpJson } from '../../src/route/links/ipjson.js';
import { LinkService } from '../../src/route/links/service.js';
import type { Link } from '../../src/route/links/types.js';
import { ip, ipJson, requireRoot, testNetns } from '../helpers/netns.js';
import { alignCountdowns, ipAddrShow, readTogether, services, vethPair } from './addresses-routes-helpers.js';

t.test('decoded Links print with their addresses as ip -j -d addr show does', async (t) => {
  if (!requireRoot(t)) return;
  const [ns] = testNetns(t, 1, 'addrl');
  vethPair(ns!);
  ip(ns!, 'link', 'add', 'br0', 'type', 'bridge');
  ip(ns!, 'link', 'set', 'v1', 'master', 'br0');
  ip(ns!, 'link', 'set', 'br0', 'up');
  ip(ns!, 'link', 'set', 'lo', 'up');
  const s = services(t, ns!);
  const links = new LinkService({ socket: s.socket, label: s.label });
  s.addr.addMany([
    { dev: 'v0', address: '10.0.0.2/24', label: 'v0:a' },
    { dev: 'br0', address: '10.1.0.1/24' },
    { dev: 'br0', address: 'fd04::1/64', flags: { nodad: true } },
  ]);
  // A decoded Link is an AddressLinkInfo as it is.
  const asInfo = (list: Link[]): AddressLinkInfo[] => list;

  const generic = readTogether(() => ipAddrShow(ns!), () => ({ links: links.list(), addresses: s.addr.list() }));
  const rendered = addressesToIpJson(asInfo(generic.mine.links), generic.mine.addresses);
  alignCountdowns(rendered, generic.theirs);
  t.same(rendered, generic.theirs, 'generic link part (kind data left to the links module)');

  const exact = readTogether(() => ipJson<unknown[]>(ns!, '-d', 'addr', 'show'), () => ({ links: links.list(), addresses: s.addr.list() }));
  const full = addressesToIpJson(exact.mine.links, exact.mine.addresses, { linkToIpJson: (l) => linkToIpJson(l, exact.mine.links) });
  alignCountdowns(full, exact.theirs);
  t.same(full, exact.theirs, 'with linkToIpJson: bridge and port data included');
});
