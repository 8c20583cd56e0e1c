// Connections from the host to 127.0.0.1:hostPort are DNATed to the pod, but
// the kernel drops a packet with a 127/8 source leaving a real interface
// unless that interface has route_localnet; the masquerade rule then gives it
// a real source. As the reference does, the bit is set on the interface the
// host routes the pod's address through (the bridge, for nlkit-bridge).
// The agent remembers the interfaces (by index) it has set it on: a cached
// ADD then sends one route lookup and writes nothing.
import { writeFileSync } from 'node:fs';
import { withNetns, type RouteConnection } from '../../index.js';
import type { HostState } from '../agent/cache.js';
import type { CniCall } from '../call.js';
import { CniError, CniErrorCode } from '../errors.js';

/** The index of the host interface that routes to `address`, or undefined when none does. */
function routingInterface(rt: RouteConnection, address: string): number | undefined {
  try {
    return rt.route.get({ to: address }).oif;
  } catch {
    // No route to the pod: nothing to enable (the reference skips it too).
    return undefined;
  }
}

/** Sets route_localnet on the interface towards the pod's IPv4 address (`rt` is in the host namespace). */
export function enableLocalnetRouting(call: CniCall, rt: RouteConnection, address: string, state?: HostState): void {
  const oif = routingInterface(rt, address);
  if (oif === undefined) return;
  const key = `route_localnet:${oif}`;
  if (state?.fact(key)) return;
  let name: string;
  try {
    name = rt.link.get(oif).name;
  } catch {
    return; // gone meanwhile: no route to the pod any more
  }
  const path = `/proc/sys/net/ipv4/conf/${name}/route_localnet`;
  try {
    const write = () => writeFileSync(path, '1');
    if (call.options.hostNetns === undefined) write();
    else withNetns(call.options.hostNetns, write);
  } catch (error) {
    throw new CniError(CniErrorCode.internal, `unable to enable route_localnet: ${(error as Error).message}`);
  }
  state?.remember(key, true);
}
