// Bridge port options set through nlkit (`ip link set dev X type bridge_slave …`),
// read back with ip -j -d link show and bridge -j -d link show.
import { execFileSync } from 'node:child_process';
import t from 'tap';
import { RTM_NEWLINK } from '../../../src/generated/rtnetlink.js';
import { InvalidArgumentError } from '../../../src/netlink/addresses.js';
import { NetlinkError } from '../../../src/netlink/errors.js';
import { MessageWriter } from '../../../src/netlink/writer.js';
import { NLM_F_REQUEST } from '../../../src/netlink/message.js';
import { decodeLink, encodeLinkRequest, type BridgePortInfo } from '../../../src/route/links/index.js';
import { encodeBridgePortOptions, validateBridgePortOptions, type BridgePortOptions } from '../../../src/route/links/bridge-port.js';
import { requireRoot, testNetns } from '../../helpers/netns.js';
import { compareWithIp, ipShow, openLinks } from './helpers.js';

function bridgeLinkJson(netns: string, dev: string): Record<string, unknown> {
  const all = JSON.parse(execFileSync('bridge', ['-n', netns, '-j', '-d', 'link', 'show', 'dev', dev], { encoding: 'utf8' })) as Record<string, unknown>[];
  return all[0]!;
}

t.test('port options encode into IFLA_INFO_SLAVE_DATA and decode back as BridgePortInfo', async (t) => {
  const options: BridgePortOptions = {
    state: 'forwarding', priority: 7, cost: 42, hairpin: true, guard: true, rootBlock: true, fastLeave: true, learning: false,
    flood: false, proxyArp: true, proxyArpWifi: true, mcastRouter: 2, mcastFlood: false, bcastFlood: false, mcastToUnicast: true,
    groupFwdMask: 0x4000, neighSuppress: true, vlanTunnel: true, isolated: true, locked: true, backupPort: 'b0',
  };
  const w = new MessageWriter();
  const start = w.beginMessage(RTM_NEWLINK, NLM_F_REQUEST, 1);
  encodeLinkRequest(w, { index: 5, slave: { kind: 'bridge', encode: (sw) => encodeBridgePortOptions(sw, validateBridgePortOptions(options), { linkIndex: () => 9 }) } });
  w.endMessage(start);
  const decoded = decodeLink(Buffer.from(w.bytes()));
  t.equal(decoded.slaveKind, 'bridge');
  t.match(decoded.slaveInfo as BridgePortInfo, {
    state: 3, priority: 7, cost: 42, mode: true, guard: true, protect: true, fastLeave: true, learning: false, unicastFlood: false,
    proxyarp: true, proxyarpWifi: true, multicastRouter: 2, mcastFlood: false, bcastFlood: false, mcastToUcast: true,
    groupFwdMask: 0x4000, neighSuppress: true, vlanTunnel: true, isolated: true, locked: true, backupPort: 9, unknown: [],
  });
});

t.test('bad port options are refused before anything is sent', async (t) => {
  if (!requireRoot(t)) return;
  const [ns] = testNetns(t, 1, 'brport-bad');
  const c = openLinks(t, ns!);
  const before = c.sent();
  const bad: [unknown, RegExp][] = [
    [{ hairpin: 'on' }, /bridgePort.hairpin must be true or false/],
    [{ cost: 0 }, /bridgePort.cost must be an integer from 1 to 65535/],
    [{ priority: 64 }, /bridgePort.priority must be an integer from 0 to 63/],
    [{ state: 'running' }, /bridgePort.state must be one of "disabled"/],
    [{ state: 5 }, /bridgePort.state must be one of/],
    [{ mcastRouter: 4 }, /mcastRouter must be an integer from 0 to 3/],
    [{ hairpn: true }, /bridgePort has no field "hairpn"/],
    [{}, /no port options given/],
    [null, /bridgePort must be an object/],
  ];
  for (const [bridgePort, message] of bad) {
    t.throws(() => c.links.set('p1', { bridgePort } as never), { constructor: InvalidArgumentError, message }, JSON.stringify(bridgePort));
  }
  t.throws(() => c.links.set('p1', { master: 'br0', bridgePort: { hairpin: true } }), { constructor: InvalidArgumentError, message: /set master first/ });
  t.equal(c.sent(), before, 'nothing reached the kernel');
});

t.test('port options set on a port read back equal in ip and bridge', async (t) => {
  if (!requireRoot(t)) return;
  const [ns] = testNetns(t, 1, 'brport');
  const c = openLinks(t, ns!);
  c.links.add({ name: 'br0', type: 'bridge', up: true });
  c.links.add({ name: 'p1', type: 'veth', master: 'br0', up: true, peer: { name: 'p1c', up: true } });
  c.links.add({ name: 'p2', type: 'veth', master: 'br0', up: true, peer: { name: 'p2c', up: true } });
  c.links.add({ name: 'lone', type: 'veth', peer: { name: 'lonec' } });

  // Every option the kernel here takes without VLAN filtering, in one request.
  const before = c.sent();
  c.links.set('p1', {
    bridgePort: {
      priority: 5, cost: 123, hairpin: true, guard: true, rootBlock: true, fastLeave: true, learning: false, flood: false,
      proxyArp: true, mcastRouter: 2, mcastFlood: false, bcastFlood: false, mcastToUnicast: true, groupFwdMask: 0x4000,
      neighSuppress: true, isolated: true, locked: true, backupPort: 'p2',
    },
  });
  t.equal(c.sent() - before, 2, 'one lookup of the backup port, then one request');
  const p1 = compareWithIp(t, c, ns!, 'p1');
  t.match(p1.slaveInfo as BridgePortInfo, {
    priority: 5, cost: 123, mode: true, guard: true, protect: true, fastLeave: true, learning: false, unicastFlood: false,
    proxyarp: true, multicastRouter: 2, mcastFlood: false, bcastFlood: false, mcastToUcast: true, groupFwdMask: 0x4000,
    neighSuppress: true, isolated: true, locked: true, backupPort: c.links.get('p2').index,
  });
  t.match(bridgeLinkJson(ns!, 'p1'), {
    priority: 5, cost: 123, hairpin: true, guard: true, root_block: true, fastleave: true, learning: false, flood: false,
    mcast_flood: false, bcast_flood: false, mcast_router: 2, mcast_to_unicast: true, neigh_suppress: true, isolated: true, locked: true,
    backup_port: 'p2',
  }, 'bridge -j -d link show agrees');

  // Turning options off again (not state blocking: without STP the kernel moves a blocking port straight on to forwarding), state by name and the backup port removed, together with a link change.
  c.links.set('p1', { up: true, bridgePort: { hairpin: false, isolated: false, locked: false, learning: true, backupPort: null, state: 'learning' } });
  const again = compareWithIp(t, c, ns!, 'p1');
  t.match(again.slaveInfo as BridgePortInfo, { mode: false, isolated: false, locked: false, learning: true, state: 2 });
  t.equal((again.slaveInfo as BridgePortInfo).backupPort, undefined, 'nobackup_port');
  t.equal(ipShow(ns!, 'p1').linkinfo.info_slave_data.state, 'learning');
  t.equal(bridgeLinkJson(ns!, 'p1').state, 'learning');
  await c.links.setAsync('p1', { bridgePort: { state: 3 } });
  t.equal(bridgeLinkJson(ns!, 'p1').state, 'forwarding', 'the Promise form, state as a number');

  // The kernel's own refusals come back typed.
  t.throws(() => c.links.set('lone', { bridgePort: { hairpin: true } }), { constructor: NetlinkError, code: 'EOPNOTSUPP' }, 'not a bridge port');
  c.links.set('br0', { up: false });
  c.links.add({ name: 'br1', type: 'bridge', stp: true });
  c.links.set('p2', { master: 'br1' });
  t.throws(() => c.links.set('p2', { bridgePort: { state: 'forwarding' } }), { constructor: NetlinkError, code: 'EBUSY' }, 'kernel STP owns the state');
});
