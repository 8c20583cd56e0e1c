// linkNetnsId on macvlan and vxlan specs: IFLA_LINK_NETNSID (s32) among the
// creating request's top-level attributes, nothing when absent, and a value
// that is no s32 refused before anything is sent.
import t from 'tap';
import { IFLA_LINK, IFLA_LINK_NETNSID } from '../../../src/generated/if_link.js';
import { InvalidArgumentError } from '../../../src/netlink/addresses.js';
import type { MessageWriter } from '../../../src/netlink/writer.js';
import { writtenAttributes } from '../../helpers/written-attributes.js';
import { macvlan } from '../../../src/route/links/kinds/macvlan.js';
import { vxlan } from '../../../src/route/links/kinds/vxlan.js';

/** [type, s32 payload] of each attribute `write` puts in an empty writer. */
function attributes(write: (w: MessageWriter) => void): [number, number][] {
  return writtenAttributes(write).map((a) => [a.type, a.payload.readInt32LE(0)]);
}

const ctx = { linkIndex: () => 7, netnsFd: () => 0 };

t.test('macvlan: IFLA_LINK, then IFLA_LINK_NETNSID when given', async (t) => {
  const spec = { type: 'macvlan' as const, name: 'm0', link: 'v0', linkNetnsId: 3 };
  macvlan.validate(spec);
  t.same(attributes((w) => macvlan.encodeLinkAttributes!(spec, w, ctx)), [[IFLA_LINK, 7], [IFLA_LINK_NETNSID, 3]]);
  t.same(attributes((w) => macvlan.encodeLinkAttributes!({ ...spec, linkNetnsId: undefined }, w, ctx)), [[IFLA_LINK, 7]]);
  // ip sends any int; the kernel refuses an id it does not know.
  t.same(attributes((w) => macvlan.encodeLinkAttributes!({ ...spec, linkNetnsId: -1 }, w, ctx)), [[IFLA_LINK, 7], [IFLA_LINK_NETNSID, -1]]);
  for (const bad of [2 ** 31, 1.5, '3']) {
    t.throws(() => macvlan.validate({ ...spec, linkNetnsId: bad as never }), { constructor: InvalidArgumentError, message: /linkNetnsId/ }, String(bad));
  }
});

t.test('vxlan: IFLA_LINK_NETNSID alone at the top level (its lower device is in IFLA_INFO_DATA)', async (t) => {
  const spec = { type: 'vxlan' as const, name: 'x0', id: 4, linkNetnsId: 0 };
  vxlan.validate(spec);
  t.same(attributes((w) => vxlan.encodeLinkAttributes!(spec, w, ctx)), [[IFLA_LINK_NETNSID, 0]]);
  t.same(attributes((w) => vxlan.encodeLinkAttributes!({ type: 'vxlan', name: 'x0', id: 4 }, w, ctx)), []);
});
