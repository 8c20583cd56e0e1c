// The host end of the container's veth: the peer of CNI_IFNAME (looked up in
// the pod), which must be one of prevResult's host-side interfaces (no
// `sandbox`), as the reference finds it.
import { LinkNotFoundError, openRoute, type Link, type RouteConnection } from '../../index.js';
import type { CniCall } from '../call.js';
import { openPodRoute } from '../bridge/pod-netns.js';
import { CniError, CniErrorCode } from '../errors.js';
import type { CniInterface } from '../spec/types.js';

/** A connection in the namespace that plays the host. */
export function openHostRoute(call: CniCall): RouteConnection {
  return openRoute(call.options.hostNetns === undefined ? {} : { netns: call.options.hostNetns });
}

function peerIndex(call: CniCall): number | undefined {
  const pod = openPodRoute(call.env.netns);
  try {
    return pod.link.get(call.env.ifname).link;
  } catch (error) {
    if (error instanceof LinkNotFoundError) return undefined;
    throw error;
  } finally {
    pod.close();
  }
}

/** The host end, read from the kernel. */
export function findHostInterface(call: CniCall, host: RouteConnection, interfaces: readonly CniInterface[]): Link {
  if (interfaces.length === 0) throw new CniError(CniErrorCode.internal, 'no interfaces provided');
  const index = peerIndex(call);
  if (index === undefined || index <= 0) throw new CniError(CniErrorCode.internal, `container interface ${call.env.ifname} has no veth peer`);
  let link: Link;
  try {
    link = host.link.get(index);
  } catch (error) {
    if (error instanceof LinkNotFoundError) throw new CniError(CniErrorCode.internal, `veth peer with index ${index} is not in host ns`);
    throw error;
  }
  if (!interfaces.some((i) => !i.sandbox && i.name === link.name)) throw new CniError(CniErrorCode.internal, 'no veth peer of container interface found in host ns');
  return link;
}
