// CHECK: the attachment in prevResult still matches the kernel — the bridge
// (kind, MAC, promiscuous mode), the pod end (veth, MAC, up), the host end
// (the pod end's peer, enslaved to the bridge, MAC), every address on the pod
// end and every route (destination and gateway) in the pod, and with ipMasq
// the attachment's masquerade rules. Failures carry
// the reference's code (999) and say what drifted.
import { LinkNotFoundError, openRoute, type Link, type RouteConnection } from '../../index.js';
import type { CniCall } from '../call.js';
import { CniError, CniErrorCode } from '../errors.js';
import { networkCidr, parseAddress, parseCidr } from '../ip.js';
import { ipamRequest, runIpam } from '../ipam/run.js';
import { parseResult } from '../spec/result.js';
import type { CniInterface, CniIpConfig, CniRoute } from '../spec/types.js';
import type { BridgeConfig } from './config.js';
import { masqueradeRuleCount } from './masquerade.js';
import { openPodRoute } from './pod-netns.js';

function drift(message: string): never {
  throw new CniError(CniErrorCode.internal, message);
}

function linkNamed(rt: RouteConnection, name: string): Link | undefined {
  try {
    return rt.link.get(name);
  } catch (error) {
    if (error instanceof LinkNotFoundError) return undefined;
    throw error;
  }
}

function checkBridge(host: RouteConnection, iface: CniInterface | undefined, config: BridgeConfig): Link {
  if (!iface?.name) drift('Interface name missing ');
  if (iface.sandbox) drift(`Interface ${iface.name} should not be in sandbox`);
  const link = linkNamed(host, iface.name) ?? drift(`Interface name ${iface.name} not found`);
  if (link.kind !== 'bridge') drift(`Interface ${iface.name} does not have link type of bridge`);
  if (iface.mac && iface.mac !== link.address) drift(`Bridge interface ${iface.name} Mac doesn't match: ${iface.mac}`);
  const promisc = link.flagNames.includes('PROMISC');
  if (promisc !== config.promiscMode) drift(`Bridge interface ${iface.name} configured Promisc Mode ${config.promiscMode} doesn't match current state: ${promisc} `);
  return link;
}

function checkPodEnd(pod: RouteConnection, iface: CniInterface): Link {
  const link = linkNamed(pod, iface.name) ?? drift(`Interface name ${iface.name} not found`);
  if (link.kind !== 'veth') drift(`Error: Container interface ${iface.name} not of type veth`);
  if (link.link === undefined) drift(`Unable to obtain veth peer index for veth ${iface.name}`);
  if (iface.mac && iface.mac !== link.address) drift(`Interface ${iface.name} Mac ${iface.mac} doesn't match container Mac: ${link.address}`);
  if (!link.up) drift(`Interface ${iface.name} is down`);
  return link;
}

/** The host end among the result's interfaces: the pod end's peer, a port of the bridge. */
function checkHostEnd(host: RouteConnection, interfaces: CniInterface[], skip: Set<string>, bridge: Link, podEnd: Link): void {
  for (const iface of interfaces) {
    if (skip.has(iface.name) || iface.sandbox) continue;
    const link = linkNamed(host, iface.name) ?? drift(`Interface name ${iface.name} not found`);
    if (link.kind !== 'veth' || link.index !== podEnd.link || link.master !== bridge.index) continue;
    if (iface.mac && iface.mac !== link.address) drift(`Interface ${iface.name} Mac doesn't match: ${iface.mac} not found`);
    if (!link.up) drift(`Interface ${iface.name} is down`);
    return;
  }
  drift(`CNI veth created for bridge ${bridge.name} was not found`);
}

function checkAddresses(pod: RouteConnection, podEnd: Link, ips: CniIpConfig[]): void {
  const present = new Set(pod.addr.list({ dev: podEnd.index }).map((a) => `${a.local ?? a.address}/${a.prefixLength}`));
  for (const ip of ips) {
    const cidr = parseCidr(ip.address, 'prevResult address', CniErrorCode.decodeFailure);
    if (!present.has(`${cidr.address}/${cidr.prefixLength}`)) drift(`Failed to match addr ${ip.address} on interface ${podEnd.name}`);
  }
}

function checkRoutes(pod: RouteConnection, routes: CniRoute[]): void {
  const table = pod.route.list();
  for (const r of routes) {
    const dst = parseCidr(r.dst, 'prevResult route', CniErrorCode.decodeFailure);
    const prefix = networkCidr(dst);
    const gw = r.gw === undefined ? undefined : parseAddress(r.gw, 'prevResult route gw', CniErrorCode.decodeFailure);
    const found = table.some((k) => {
      const family = k.dst?.includes(':') || k.gateway?.includes(':') ? 6 : 4;
      if (family !== dst.family || k.dstLength !== dst.prefixLength) return false;
      if (dst.prefixLength !== 0 && `${k.dst}/${k.dstLength}` !== prefix) return false;
      return gw === undefined || (k.gateway !== undefined && parseAddress(k.gateway, 'route').value === gw.value);
    });
    if (!found) drift(`Expected Route ${JSON.stringify(r)} not found in routing table`);
  }
}

/** CHECK. */
export async function bridgeCheck(call: CniCall, config: BridgeConfig): Promise<void> {
  const { env, network, options } = call;
  const pod = openPodRoute(env.netns);
  const host = openRoute(options.hostNetns === undefined ? {} : { netns: options.hostNetns });
  try {
    if (config.ipamType !== '') await runIpam(call, ipamRequest(call, 'CHECK'));
    if (!network.prevResult) drift('Required prevResult missing');
    const result = parseResult(network.prevResult);
    const interfaces = result.interfaces ?? [];
    const bridgeIface = interfaces.find((i) => i.name === config.bridge);
    const podIface = interfaces.find((i) => i.name === env.ifname && i.sandbox === env.netns);
    const bridge = checkBridge(host, bridgeIface, config);
    if (!podIface) drift(`Sandbox in prevResult  doesn't match configured netns: ${env.netns}`);
    const podEnd = checkPodEnd(pod, podIface);
    checkHostEnd(host, interfaces, new Set([config.bridge, env.ifname]), bridge, podEnd);
    const podIndex = interfaces.indexOf(podIface);
    const ips = (result.ips ?? []).filter((ip) => ip.interface === undefined || ip.interface === podIndex);
    checkAddresses(pod, podEnd, ips);
    checkRoutes(pod, result.routes ?? []);
    if (config.ipMasq && config.ipamType !== '') {
      const rules = masqueradeRuleCount(call);
      if (rules !== ips.length) drift(`ipMasq: ${rules} masquerade rules in table inet nlkit-cni for this attachment, expected ${ips.length}`);
    }
  } finally {
    pod.close();
    host.close();
  }
}
