// A pod as an orchestrator builds it with nlkit's public API: a namespace, a
// veth whose peer eth0 is born inside it (host end enslaved to the bridge and
// up, one request), then inside: lo up, the address, eth0 up, the default
// route. Torn down by deleting the namespace.
import { createNetns, deleteNetns, netnsExists, openRoute, type RouteConnection } from '../../src/index.js';
import type { Cycle } from './cycle.js';
import { check } from './tally.js';
import { BRIDGE_ADDRESS } from './world.js';

export function vethSpec(c: Cycle, hostEnd = c.pod.hostEnd, peer = 'eth0') {
  return { type: 'veth' as const, name: hostEnd, master: c.world.bridgeIndex, up: true, peer: { name: peer, netns: c.pod.netns } };
}

export async function addVeth(c: Cycle): Promise<void> {
  const spec = vethSpec(c);
  await c.call('add veth', () => c.host.link.add(spec), () => c.host.link.addAsync(spec));
}

/** Brings the inside up through a socket opened in the pod; returns that connection (tracked by the cycle). */
export async function configurePod(c: Cycle): Promise<RouteConnection> {
  c.beat('open inside');
  const inside = c.track(openRoute({ netns: c.pod.netns }));
  const address = { dev: 'eth0', address: c.pod.address };
  const route = { dst: 'default', gateway: BRIDGE_ADDRESS };
  await c.call('lo up', () => inside.link.set('lo', { up: true }), () => inside.link.setAsync('lo', { up: true }));
  await c.call('add address', () => inside.addr.add(address), () => inside.addr.addAsync(address));
  await c.call('eth0 up', () => inside.link.set('eth0', { up: true }), () => inside.link.setAsync('eth0', { up: true }));
  await c.call('add default route', () => inside.route.add(route), () => inside.route.addAsync(route));
  return inside;
}

export async function setupPod(c: Cycle): Promise<RouteConnection> {
  c.beat('create netns');
  createNetns(c.pod.netns);
  await addVeth(c);
  return configurePod(c);
}

/** Lists links, addresses and routes inside the pod and checks they are what the setup made. */
export async function verifyPod(c: Cycle, inside: RouteConnection): Promise<void> {
  const links = await c.call('list links', () => inside.link.list(), () => inside.link.listAsync());
  const names = links.map((l) => `${l.name}${l.up ? '+' : '-'}`).sort().join(',');
  check(names === 'eth0+,lo+', `pod ${c.pod.netns} links are ${names}, expected eth0+,lo+`);
  const addresses = await c.call('list addresses', () => inside.addr.list(), () => inside.addr.listAsync());
  const own = c.pod.address.split('/')[0];
  check(addresses.some((a) => (a.local ?? a.address) === own), `pod ${c.pod.netns} lacks its address ${own}`);
  const routes = await c.call('list routes', () => inside.route.list(), () => inside.route.listAsync());
  check(routes.some((r) => r.dst === undefined && r.gateway === BRIDGE_ADDRESS), `pod ${c.pod.netns} lacks its default route`);
}

/** Closes what the cycle opened, then deletes the namespace unless a fault already did. */
export function teardownPod(c: Cycle): void {
  c.beat('teardown');
  c.closeAll();
  if (netnsExists(c.pod.netns)) deleteNetns(c.pod.netns);
}
