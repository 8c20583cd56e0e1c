// IPAM for one call: the built-in host-local store for `host-local`, an
// in-process implementation the caller registered, or the plugin on CNI_PATH.
import type { CniCall } from '../call.js';
import { parseCniArgs } from '../args.js';
import { delegateIpam } from './delegate.js';
import { hostLocalIpam } from './host-local/index.js';
import type { Ipam, IpamRequest, IpamResult } from './types.js';

const BUILT_IN: Readonly<Record<string, Ipam>> = { 'host-local': hostLocalIpam };

/** The IpamRequest for this call's command (or the one given: DEL to release after a failed ADD). */
export function ipamRequest(call: CniCall, command: IpamRequest['command'], ips?: string[]): IpamRequest {
  const { env, network } = call;
  const request: IpamRequest = {
    command,
    cniVersion: network.cniVersion,
    networkName: network.name,
    ipam: network.ipam ?? {},
    cniPath: env.path,
    rawConfig: network.bytes,
  };
  if (command !== 'GC' && command !== 'STATUS') {
    request.containerId = env.containerId;
    request.ifname = env.ifname;
    if (env.netns !== '') request.netns = env.netns;
    if (env.args !== '') request.args = parseCniArgs(env.args);
  }
  if (ips) request.ips = ips;
  if (network.validAttachments) request.validAttachments = network.validAttachments;
  return request;
}

/** Runs IPAM for the configuration's `ipam.type`. */
export async function runIpam(call: CniCall, request: IpamRequest): Promise<IpamResult | undefined> {
  const type = typeof request.ipam.type === 'string' ? request.ipam.type : '';
  const registered = call.options.ipam?.[type];
  if (registered) return registered(request);
  if (type === 'host-local') return hostLocalIpam(request, call.options.cache?.ipam);
  const inProcess = BUILT_IN[type];
  if (inProcess) return inProcess(request);
  return delegateIpam(request, { ...call.processEnv, CNI_COMMAND: request.command });
}
