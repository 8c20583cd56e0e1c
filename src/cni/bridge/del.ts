// DEL: the pod end (its veth peer goes with it) if the namespace and the link
// still exist, then IPAM release. Missing pieces are not errors: a runtime
// may call DEL again, after the namespace is gone, or for an ADD that never
// happened.
import { LinkNotFoundError, NetlinkError, NetnsNotFoundError } from '../../index.js';
import type { CniCall } from '../call.js';
import { ipamRequest, runIpam } from '../ipam/run.js';
import type { BridgeConfig } from './config.js';
import { removeMasquerade } from './masquerade.js';
import { openPodRoute, podNetnsGone } from './pod-netns.js';

function isGone(error: unknown): boolean {
  return error instanceof LinkNotFoundError || error instanceof NetnsNotFoundError || (error instanceof NetlinkError && (error.code === 'ENODEV' || error.code === 'ENOENT'));
}

/**
 * Deletes CNI_IFNAME in the pod; true when there was one. The kernel spends
 * 14–19 ms deleting a veth pair inside the request: it runs on a worker
 * thread, so an agent serves other calls meanwhile and concurrent DELs overlap
 * their waits as separate plugin processes do.
 */
async function deletePodEnd(call: CniCall): Promise<boolean> {
  const { netns, ifname } = call.env;
  if (podNetnsGone(netns)) return false;
  const pod = openPodRoute(netns);
  try {
    await pod.link.deleteAsync(ifname);
    return true;
  } catch (error) {
    if (isGone(error)) return false;
    throw error;
  } finally {
    pod.close();
  }
}

/** DEL: idempotent; the masquerade rules go by their tag, whether or not the pod still exists. */
export async function bridgeDel(call: CniCall, config: BridgeConfig): Promise<void> {
  await deletePodEnd(call);
  if (config.ipMasq && config.ipamType !== '') removeMasquerade(call);
  if (config.ipamType !== '') await runIpam(call, ipamRequest(call, 'DEL'));
}
