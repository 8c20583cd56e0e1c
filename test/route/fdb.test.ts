// Bridge FDB through nlkit (`bridge fdb add|append|replace|del|show`), compared
// with what `bridge -j fdb show` prints for the same kernel state.
import { execFileSync } from 'node:child_process';
import t from 'tap';
import { NTF_MASTER, NTF_SELF, NTF_STICKY, NUD_NOARP, NUD_PERMANENT, NUD_REACHABLE } from '../../src/generated/neighbour.js';
import { RTM_NEWNEIGH } from '../../src/generated/rtnetlink.js';
import { InvalidArgumentError } from '../../src/netlink/addresses.js';
import { NetlinkError } from '../../src/netlink/errors.js';
import { FdbService, decodeFdbEntry, fdbEntriesToBridgeJson, prepareFdb, type FdbEntry } from '../../src/route/fdb/index.js';
import { encodeNeighbour } from '../../src/route/neighbours/message.js';
import { LinkNotFoundError } from '../../src/route/resolve.js';
import { LinkService } from '../../src/route/links/index.js';
import { openCountingContext } from '../helpers/counting-socket.js';
import { requireRoot, testNetns } from '../helpers/netns.js';
import { linkNames } from './addresses-routes-helpers.js';
import { asMessage, encodePayload } from './codec-helpers.js';

function bridgeFdb(netns: string, ...args: string[]): Record<string, unknown>[] {
  const out = execFileSync('bridge', ['-n', netns, '-j', 'fdb', 'show', ...args], { encoding: 'utf8' }).trim();
  return out === '' ? [] : (JSON.parse(out) as Record<string, unknown>[]);
}

/** A comparable order: the kernel walks links and tables in an order both readers share, but sort anyway. */
const key = (j: Record<string, unknown>) => JSON.stringify(j);
const sorted = (list: Record<string, unknown>[]) => [...list].sort((a, b) => key(a).localeCompare(key(b)));

t.test('specs become the ndmsg bridge sends, and decode back', async (t) => {
  const cases: [Parameters<typeof prepareFdb>[0], Partial<FdbEntry>][] = [
    [{ dev: 3, mac: '02:AA:00:00:00:01' }, { mac: '02:aa:00:00:00:01', state: NUD_NOARP | NUD_PERMANENT, flags: NTF_SELF, flagNames: ['self'], stateName: 'permanent' }],
    [{ dev: 3, mac: '02:00:00:00:00:02', master: true, state: 'static', sticky: true }, { state: NUD_NOARP | NUD_REACHABLE, flags: NTF_MASTER | NTF_STICKY, flagNames: ['master', 'sticky'], stateName: 'static' }],
    [{ dev: 3, mac: '02:00:00:00:00:03', master: true, self: true, state: 'dynamic', vlan: 10 }, { state: NUD_REACHABLE, stateName: '', flagNames: ['self', 'master'], vlan: 10 }],
    [{ dev: 3, mac: '00:00:00:00:00:00', dst: 'fd00::2', port: 4790, vni: 77, srcVni: 5, via: 4, router: true, externLearn: true }, {
      dst: 'fd00::2', port: 4790, vni: 77, srcVni: 5, via: 4, flagNames: ['self', 'router', 'extern_learn'],
    }],
  ];
  for (const [spec, expected] of cases) {
    const { message, text } = prepareFdb(spec);
    message.ifindex = 3;
    if (message.via === undefined && spec.via !== undefined) message.via = spec.via as number;
    const decoded = decodeFdbEntry(asMessage(RTM_NEWNEIGH, encodePayload(encodeNeighbour, message)));
    t.match(decoded, { ifindex: 3, unknown: [], ...expected }, text);
  }
  const bad: [unknown, RegExp][] = [
    [{ dev: 'vx0', mac: '02:00:00:00:00' }, /mac must be a MAC address/],
    [{ mac: '02:00:00:00:00:01' }, /fdb spec needs dev/],
    [{ dev: 'vx0', mac: '02:00:00:00:00:01', state: 'stale' }, /state must be one of "permanent", "static", "dynamic"/],
    [{ dev: 'vx0', mac: '02:00:00:00:00:01', vni: 2 ** 24 }, /vni must be an integer from 0 to 16777215/],
    [{ dev: 'vx0', mac: '02:00:00:00:00:01', vlan: 4095 }, /vlan must be an integer from 1 to 4094/],
    [{ dev: 'vx0', mac: '02:00:00:00:00:01', dst: '10.0.0.300' }, /dst/],
    [{ dev: 'vx0', mac: '02:00:00:00:00:01', master: 'yes' }, /master must be true or false/],
    [{ dev: 'vx0', mac: '02:00:00:00:00:01', vnid: 3 }, /fdb spec has no option "vnid"/],
  ];
  for (const [spec, message] of bad) t.throws(() => prepareFdb(spec as never), { constructor: InvalidArgumentError, message }, JSON.stringify(spec));
});

t.test('fdb entries on bridge ports and vxlan remotes: add, append, replace, delete, list vs bridge -j fdb show', async (t) => {
  if (!requireRoot(t)) return;
  const [ns] = testNetns(t, 1, 'fdb');
  const ctx = openCountingContext(t, ns!);
  const links = new LinkService(ctx);
  const fdb = new FdbService(ctx);
  links.add({ name: 'br0', type: 'bridge', up: true });
  links.add({ name: 'p1', type: 'veth', master: 'br0', up: true, peer: { name: 'p1c', up: true } });
  links.add({ name: 'p2', type: 'veth', master: 'br0', up: true, peer: { name: 'p2c', up: true } });
  // The peers' IPv6 traffic would otherwise add learned entries between nlkit's read and bridge's.
  for (const port of ['p1', 'p2']) links.set(port, { bridgePort: { learning: false } });
  links.add({ name: 'vx0', type: 'vxlan', id: 42, dstport: 4789, learning: false, up: true });
  links.add({ name: 'vx6', type: 'vxlan', id: 43, local: 'fd00::1', dstport: 4789 });
  links.add({ name: 'under', type: 'veth', up: true, peer: { name: 'underc' } });

  // Bridge entries, every state.
  fdb.add({ dev: 'p1', mac: '02:00:00:00:00:a1', master: true, state: 'static' });
  fdb.add({ dev: 'p1', mac: '02:00:00:00:00:a2', master: true, state: 'static', sticky: true });
  fdb.add({ dev: 'p2', mac: '02:00:00:00:00:a3', master: true, state: 'dynamic' });
  fdb.add({ dev: 'br0', mac: '02:00:00:00:00:a4', self: true });
  fdb.add({ dev: 'p2', mac: '02:00:00:00:00:a5', master: true, state: 'static', externLearn: true });
  // vxlan remotes: the flooding entry with two remotes, a unicast entry through an underlay link.
  fdb.add({ dev: 'vx0', mac: '00:00:00:00:00:00', dst: '10.0.0.2' });
  fdb.append({ dev: 'vx0', mac: '00:00:00:00:00:00', dst: '10.0.0.3', vni: 20, port: 4790 });
  await fdb.appendAsync({ dev: 'vx0', mac: '00:00:00:00:00:00', dst: '10.0.0.4' });
  // An IPv6 vxlan takes IPv6 remotes only (EAFNOSUPPORT otherwise).
  fdb.add({ dev: 'vx6', mac: '00:00:00:00:00:00', dst: 'fd00::4', port: 4791 });
  fdb.add({ dev: 'vx0', mac: '02:00:00:00:00:b1', dst: '10.0.0.5', via: 'under', externLearn: true });

  const names = linkNames(ns!);
  t.strictSame(sorted(fdbEntriesToBridgeJson(fdb.list(), names)), sorted(bridgeFdb(ns!)), 'everything: equal to bridge -j fdb show');
  t.strictSame(sorted(fdbEntriesToBridgeJson(await fdb.listAsync({ master: 'br0' }), names)), sorted(bridgeFdb(ns!, 'br', 'br0')), 'br br0');
  const p1 = fdb.list({ dev: 'p1' });
  t.ok(p1.length >= 2 && p1.every((e) => e.ifindex === links.get('p1').index), 'brport p1: only p1 entries');
  const sticky = p1.find((e) => e.mac === '02:00:00:00:00:a2')!;
  // The kernel reports the bridge in NDA_MASTER, not as NTF_MASTER.
  t.match(sticky, { flagNames: ['sticky'], stateName: 'static', master: links.get('br0').index });
  const remotes = fdb.list({ dev: 'vx0' }).filter((e) => e.mac === '00:00:00:00:00:00');
  t.strictSame(remotes.map((e) => e.dst).sort(), ['10.0.0.2', '10.0.0.3', '10.0.0.4'], 'three remotes for the flooding entry');

  // replace moves an entry to another port; delete removes one remote, then an entry.
  fdb.replace({ dev: 'p2', mac: '02:00:00:00:00:a1', master: true, state: 'static' });
  t.equal(fdb.list({ master: 'br0' }).find((e) => e.mac === '02:00:00:00:00:a1')?.ifindex, links.get('p2').index, 'replace moved a1 to p2');
  // A vxlan remote is identified by dst, port and vni; without them the kernel matches the device's
  // own port and VNI, finds no such remote and still answers success.
  fdb.delete({ dev: 'vx0', mac: '00:00:00:00:00:00', dst: '10.0.0.3' });
  t.ok(fdb.list({ dev: 'vx0' }).some((e) => e.dst === '10.0.0.3'), 'dst alone does not name the remote with vni 20 port 4790');
  fdb.delete({ dev: 'vx0', mac: '00:00:00:00:00:00', dst: '10.0.0.3', vni: 20, port: 4790 });
  await fdb.deleteAsync({ dev: 'p2', mac: '02:00:00:00:00:a3', master: true });
  t.strictSame(sorted(fdbEntriesToBridgeJson(fdb.list(), linkNames(ns!))), sorted(bridgeFdb(ns!)), 'after replace and delete: equal to bridge');
  t.notOk(fdb.list().some((e) => e.mac === '02:00:00:00:00:a3' || e.dst === '10.0.0.3'), 'deleted');

  // Errors: typed, from the kernel or before sending.
  t.throws(() => fdb.add({ dev: 'p1', mac: '02:00:00:00:00:a2', master: true, state: 'static' }), { constructor: NetlinkError, code: 'EEXIST' });
  t.throws(() => fdb.delete({ dev: 'p1', mac: '02:00:00:00:00:ff', master: true }), { constructor: NetlinkError, code: 'ENOENT' });
  t.throws(() => fdb.add({ dev: 'nope', mac: '02:00:00:00:00:01', master: true }), LinkNotFoundError);
  const before = ctx.sent();
  t.throws(() => fdb.list({ vlan: 0 }), InvalidArgumentError);
  t.throws(() => fdb.list({ port: 'p1' } as never), InvalidArgumentError);
  t.equal(ctx.sent(), before, 'bad filters never reach the kernel');
});
