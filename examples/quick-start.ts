// Quick start: two throwaway network namespaces joined by a veth pair, an
// address on each end, a listing of what was made, and a clean teardown.
// Nothing in the namespace you run it from is touched.
//
// Run it as root from a clone with `node --import=tsx examples/quick-start.ts`,
// or after `npm install nlkit` with any TypeScript runner (tsx, ts-node, node --experimental-strip-types).
//
// The iproute2 commands each step replaces are in the comments.
import { createNetns, deleteNetns, linkToIpJson, openRoute, type RouteConnection } from 'nlkit';

const HOST = 'nlkit-qs-host';
const POD = 'nlkit-qs-pod';

const created: string[] = [];
const connections: RouteConnection[] = [];
try {
  // ip netns add nlkit-qs-host; ip netns add nlkit-qs-pod
  for (const name of [HOST, POD]) {
    createNetns(name);
    created.push(name);
  }
  const host = openRoute({ netns: HOST });
  connections.push(host);
  const pod = openRoute({ netns: POD });
  connections.push(pod);

  // ip -n nlkit-qs-host link add veth-pod type veth peer name eth0 netns nlkit-qs-pod
  // ip -n nlkit-qs-host link set veth-pod up; ip -n nlkit-qs-pod link set eth0 up
  // One RTM_NEWLINK creates both ends; the peer is born inside POD and is
  // brought up right after by a second request sent inside POD.
  host.link.add({ name: 'veth-pod', type: 'veth', up: true, peer: { name: 'eth0', netns: POD, up: true } });

  // ip -n nlkit-qs-host addr add 10.123.0.1/24 dev veth-pod
  // ip -n nlkit-qs-pod addr add 10.123.0.2/24 dev eth0
  host.addr.add({ dev: 'veth-pod', address: '10.123.0.1/24' });
  pod.addr.add({ dev: 'eth0', address: '10.123.0.2/24' });
  pod.link.set('lo', { up: true });

  for (const [name, rt] of [[HOST, host], [POD, pod]] as const) {
    console.log(`${name}:`);
    const links = rt.link.list(); // ip -n NAME link show
    for (const link of links) {
      const addresses = rt.addr.list({ dev: link.index, family: 4 }).map((a) => `${a.address}/${a.prefixLength}`);
      const peer = link.kind === 'veth' ? ` (veth, peer ifindex ${link.link} in nsid ${link.linkNetnsId})` : '';
      console.log(`  ${link.index}: ${link.name} <${link.flagNames.join(',')}> ${link.operstate}${peer} ${addresses.join(' ')}`);
    }
  }

  // The same link as `ip -n nlkit-qs-pod -j -d link show eth0` prints it.
  const eth0 = pod.link.get('eth0');
  console.log(JSON.stringify(linkToIpJson(eth0, pod.link.list())));
} finally {
  for (const rt of connections) rt.close();
  // ip netns delete ...: the kernel removes both veth ends with the namespaces.
  for (const name of created) deleteNetns(name);
}
