// Connections from the host to 127.0.0.1:hostPort are DNATed to the pod, but
// the kernel drops a packet with a 127/8 source leaving a real interface
// unless that interface has route_localnet; the masquerade rule then gives it
// a real source. As the reference does, the bit is set on the interface the
// host routes the pod's address through (the bridge, for nlkit-bridge).
import { writeFileSync } from 'node:fs';
import { openRoute, withNetns } from '../../index.js';
import type { CniCall } from '../call.js';
import { CniError, CniErrorCode } from '../errors.js';

/** The host interface that routes to `address`, or undefined when none does. */
function routingInterface(call: CniCall, address: string): string | undefined {
  const rt = openRoute(call.options.hostNetns === undefined ? {} : { netns: call.options.hostNetns });
  try {
    const route = rt.route.get({ to: address });
    return route.oif === undefined ? undefined : rt.link.get(route.oif).name;
  } catch {
    // No route to the pod: nothing to enable (the reference skips it too).
    return undefined;
  } finally {
    rt.close();
  }
}

/** Sets route_localnet on the interface towards the pod's IPv4 address. */
export function enableLocalnetRouting(call: CniCall, address: string): void {
  const dev = routingInterface(call, address);
  if (dev === undefined) return;
  const path = `/proc/sys/net/ipv4/conf/${dev}/route_localnet`;
  try {
    const write = () => writeFileSync(path, '1');
    if (call.options.hostNetns === undefined) write();
    else withNetns(call.options.hostNetns, write);
  } catch (error) {
    throw new CniError(CniErrorCode.internal, `unable to enable route_localnet: ${(error as Error).message}`);
  }
}
