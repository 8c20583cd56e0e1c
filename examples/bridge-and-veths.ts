// A bridge with three veth ports, all inside one throwaway network namespace:
// the layout of a container host (one bridge, one veth per container), in
// miniature. Each veth's far end stays in the same namespace here; in a real
// host it would be created inside the container's namespace with peer.netns.
//
// Run it as root from a clone with `node --import=tsx examples/bridge-and-veths.ts`.
import { createNetns, deleteNetns, linkToIpJson, openRoute, type BridgePortInfo } from 'nlkit';

const NS = 'nlkit-bridge-demo';
const PORTS = 3;
// IFLA_BRPORT_STATE values (BR_STATE_* in linux/if_bridge.h).
const PORT_STATES = ['disabled', 'listening', 'learning', 'forwarding', 'blocking'];

createNetns(NS); // ip netns add nlkit-bridge-demo
const rt = openRoute({ netns: NS });
try {
  // ip link add br0 type bridge forward_delay 0 ageing_time 30000; ip link set br0 up
  // forward_delay 0: ports forward at once instead of after 15 s of listening/learning
  // (that delay only matters with STP on; it is off by default).
  rt.link.add({ name: 'br0', type: 'bridge', forwardDelay: 0, ageingTime: 30000, up: true });
  // ip addr add 10.124.0.1/24 dev br0
  rt.addr.add({ dev: 'br0', address: '10.124.0.1/24' });

  // Resolve the bridge once: a master given by name costs one RTM_GETLINK per add.
  const bridge = rt.link.get('br0');
  for (let i = 0; i < PORTS; i++) {
    // ip link add vp0 master br0 up type veth peer name vp0-c — one request
    rt.link.add({ name: `vp${i}`, type: 'veth', master: bridge.index, up: true, peer: { name: `vp${i}-c`, up: true } });
  }

  // ip link show master br0
  for (const port of rt.link.list({ master: 'br0' })) {
    const info = port.slaveInfo as BridgePortInfo;
    console.log(`${port.name}: ${port.slaveKind} port, state ${PORT_STATES[info.state ?? 0]}, cost ${info.cost}, learning ${info.learning}`);
  }

  // The bridge as `ip -j -d link show br0` prints it (the fields that matter here).
  const json = linkToIpJson(rt.link.get('br0'));
  const data = (json.linkinfo as { info_data: Record<string, unknown> }).info_data;
  console.log(json.ifname, json.operstate, { forward_delay: data.forward_delay, ageing_time: data.ageing_time, stp_state: data.stp_state });

  // Take one port out of the bridge (ip link set vp2 nomaster), then delete it
  // (its peer vp2-c goes with it).
  rt.link.set('vp2', { master: null });
  rt.link.delete('vp2');
  console.log('ports left:', rt.link.list({ master: 'br0' }).map((l) => l.name).join(', '));
} finally {
  rt.close();
  deleteNetns(NS); // everything inside goes with the namespace
}
