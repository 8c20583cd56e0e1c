// STATUS and GC: what the bridge plugin itself needs to serve ADD (netlink in
// the host namespace, an IPAM it can reach), and forwarding both to IPAM.
import { openRoute } from '../../index.js';
import type { CniCall } from '../call.js';
import { CniError, CniErrorCode } from '../errors.js';
import { findPlugin } from '../ipam/delegate.js';
import { ipamRequest, runIpam } from '../ipam/run.js';
import type { BridgeConfig } from './config.js';

/** STATUS: resolves when ADD can be served; throws code 50 (or IPAM's own error) when not. */
export async function bridgeStatus(call: CniCall, config: BridgeConfig): Promise<void> {
  try {
    openRoute(call.options.hostNetns === undefined ? {} : { netns: call.options.hostNetns }).close();
  } catch (error) {
    throw new CniError(CniErrorCode.notAvailable, 'plugin not available: no netlink socket in the host namespace', (error as Error).message);
  }
  if (config.ipamType === '') return;
  const inProcess = call.options.ipam?.[config.ipamType] !== undefined || config.ipamType === 'host-local';
  if (!inProcess) {
    try {
      findPlugin(config.ipamType, call.env.path);
    } catch (error) {
      throw new CniError(CniErrorCode.notAvailable, `plugin not available: IPAM plugin ${JSON.stringify(config.ipamType)} not found`, (error as Error).message);
    }
  }
  await runIpam(call, ipamRequest(call, 'STATUS'));
}

/** GC: IPAM releases what no valid attachment holds. The bridge keeps no other per-attachment state. */
export async function bridgeGc(call: CniCall, config: BridgeConfig): Promise<void> {
  if (!call.network.validAttachments) throw new CniError(CniErrorCode.invalidConfig, 'GC needs cni.dev/valid-attachments (the attachments still in use)');
  if (config.ipamType !== '') await runIpam(call, ipamRequest(call, 'GC'));
}
