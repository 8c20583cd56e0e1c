// ADD: the bridge, then IPAM, then the pod in one createPod (veth with the
// peer born in the pod under CNI_IFNAME, host end enslaved and up, addresses,
// pod end up, routes), then the gateway on the bridge. Whatever fails after
// IPAM gave an address releases it again.
import { randomBytes } from 'node:crypto';
import { createPod, NetlinkError, openRoute, type PodRoute, type RouteConnection } from '../../index.js';
import { withHostState } from '../agent/cache.js';
import type { CniCall } from '../call.js';
import { CniError, CniErrorCode } from '../errors.js';
import { networkCidr, parseCidr } from '../ip.js';
import { ipamRequest, runIpam } from '../ipam/run.js';
import type { IpamResult } from '../ipam/types.js';
import { parseResult } from '../spec/result.js';
import type { CniResult, CniRoute } from '../spec/types.js';
import { refuseForAdd, type BridgeConfig } from './config.js';
import { planGateways, type GatewayPlan } from './gateways.js';
import { bridgeKey, enableForwarding, ensureBridge, ensureGatewayAddress } from './host.js';
import { applyMasquerade, removeMasquerade } from './masquerade.js';
import { openPodRoute, requirePodNetns } from './pod-netns.js';

/** A host end name as the reference makes them: `veth` and 8 random hex digits. */
function hostEndName(): string {
  return `veth${randomBytes(4).toString('hex')}`;
}

function podRoute(r: CniRoute, fallbackGateway: { 4?: string; 6?: string }): PodRoute {
  const dst = parseCidr(r.dst, 'route dst', CniErrorCode.internal);
  const gateway = r.gw ?? fallbackGateway[dst.family];
  const route: PodRoute = { dst: networkCidr(dst), family: dst.family, scope: r.scope ?? 'global' };
  if (gateway !== undefined) route.gateway = gateway;
  if (r.priority !== undefined) route.metric = r.priority;
  if (r.table !== undefined) route.table = r.table;
  if (r.mtu !== undefined || r.advmss !== undefined) route.metrics = { ...(r.mtu === undefined ? {} : { mtu: r.mtu }), ...(r.advmss === undefined ? {} : { advmss: r.advmss }) };
  return route;
}

/** The pod end's sysctls the reference sets: ARP announcements, and DAD off unless `enabledad`. */
function podSysctls(config: BridgeConfig, ifname: string, plan: GatewayPlan | undefined): Record<string, string> {
  const sysctls: Record<string, string> = { [`net/ipv4/conf/${ifname}/arp_notify`]: '1' };
  if (plan?.ips.some((ip) => ip.address.includes(':'))) {
    sysctls[`net/ipv6/conf/${ifname}/accept_dad`] = config.enableDad ? '1' : '0';
    if (config.enableDad) sysctls[`net/ipv6/conf/${ifname}/enhanced_dad`] = '1';
  }
  return sysctls;
}

/** Creates the pod's veth and configuration; an existing CNI_IFNAME is the reference's error. */
function makePod(call: CniCall, host: RouteConnection, config: BridgeConfig, bridgeIndex: number, plan: GatewayPlan | undefined) {
  const { env } = call;
  const fallback: { 4?: string; 6?: string } = {};
  for (const ip of plan?.ips ?? []) {
    const family = ip.address.includes(':') ? 6 : 4;
    if (ip.gateway !== undefined && fallback[family] === undefined) fallback[family] = ip.gateway;
  }
  const mtu = config.mtu === undefined ? {} : { mtu: config.mtu };
  try {
    return createPod(host, {
      netns: { path: env.netns },
      hostEnd: { name: hostEndName(), master: bridgeIndex, ...mtu },
      podEnd: { name: env.ifname, ...(config.mac === undefined ? {} : { address: config.mac }), ...mtu },
      // The reference leaves the pod's loopback alone: the loopback plugin's job.
      loopback: false,
      addresses: (plan?.ips ?? []).map((ip) => (ip.address.includes(':') ? { address: ip.address } : { address: ip.address, broadcast: '+' })),
      routes: (plan?.routes ?? []).map((r) => podRoute(r, fallback)),
      sysctls: podSysctls(config, env.ifname, plan),
    });
  } catch (error) {
    if (error instanceof NetlinkError && error.code === 'EEXIST' && ifnameTaken(call)) {
      throw new CniError(CniErrorCode.internal, `container veth name provided (${env.ifname}) already exists`);
    }
    throw error;
  }
}

function ifnameTaken(call: CniCall): boolean {
  const pod = openPodRoute(call.env.netns);
  try {
    return pod.link.list().some((l) => l.name === call.env.ifname);
  } finally {
    pod.close();
  }
}

/** Merges a prevResult in front of this plugin's part, as the spec asks of a plugin given one. */
function chain(previous: CniResult | undefined, own: CniResult): CniResult {
  if (!previous) return own;
  const offset = previous.interfaces?.length ?? 0;
  const result: CniResult = {
    cniVersion: own.cniVersion,
    interfaces: [...(previous.interfaces ?? []), ...(own.interfaces ?? [])],
    ips: [...(previous.ips ?? []), ...(own.ips ?? []).map((ip) => (ip.interface === undefined ? ip : { ...ip, interface: ip.interface + offset }))],
    routes: [...(previous.routes ?? []), ...(own.routes ?? [])],
  };
  const dns = own.dns ?? previous.dns;
  if (dns) result.dns = dns;
  return result;
}

/** ADD: returns the 1.x result (printed in the configuration's version by the caller). */
export async function bridgeAdd(call: CniCall, config: BridgeConfig): Promise<CniResult> {
  refuseForAdd(config);
  const { env, network, options } = call;
  const previous = network.prevResult ? parseResult(network.prevResult) : undefined;
  // A missing namespace is reported before anything is made or allocated.
  requirePodNetns(env.netns);
  // The agent's connection and what it knows about this host; a standalone call opens its own.
  return withHostState(options, async (state) => {
    const host = state?.route ?? openRoute(options.hostNetns === undefined ? {} : { netns: options.hostNetns });
    let allocated = false;
    let made: ReturnType<typeof makePod> | undefined;
    let masqueraded = false;
    try {
      let bridge = ensureBridge(host, config, options, state);
      let ipam: IpamResult | undefined;
      if (config.ipamType !== '') {
        ipam = await runIpam(call, ipamRequest(call, 'ADD', config.ips));
        allocated = true;
      }
      const plan = ipam ? planGateways(ipam, config) : undefined;
      try {
        made = makePod(call, host, config, bridge.index, plan);
      } catch (error) {
        // A bridge the agent remembered may have been deleted (or made again) since: check it and try once more.
        if (!state || error instanceof CniError) throw error;
        state.forget(bridgeKey(config));
        const fresh = ensureBridge(host, config, options, state);
        if (fresh.index === bridge.index) throw error;
        bridge = fresh;
        made = makePod(call, host, config, bridge.index, plan);
      }
      if (plan && config.isGateway) {
        for (const { family, cidr } of plan.bridgeAddresses) ensureGatewayAddress(host, bridge, family, cidr, config.forceAddress, state);
        for (const family of new Set(plan.bridgeAddresses.map((a) => a.family))) enableForwarding(options, family, state);
      }
      if (config.hairpinMode) host.link.set(made.hostEnd.index, { bridgePort: { hairpin: true } });
      if (plan && config.ipMasq) {
        masqueraded = true;
        applyMasquerade(call, plan.ips);
      }
      // A bridge made by someone else follows its ports' MACs until a gateway pins it: read it last
      // (the agent knows it: a gateway address pinned it to the MAC it remembers).
      const pinned = state !== undefined && plan !== undefined && config.isGateway && plan.bridgeAddresses.length > 0 && bridge.address !== undefined;
      const bridgeMac = pinned ? bridge.address! : host.link.get(bridge.index).address ?? '';
      const own: CniResult = {
        cniVersion: network.cniVersion,
        interfaces: [
          { name: bridge.name, mac: bridgeMac },
          { name: made.hostEnd.name, mac: made.hostEnd.address },
          { name: env.ifname, mac: made.podEnd.address, sandbox: env.netns },
        ],
      };
      if (plan) {
        own.ips = plan.ips;
        own.routes = plan.routes;
      }
      if (network.dns && Object.keys(network.dns).length) own.dns = network.dns;
      return chain(previous, own);
    } catch (error) {
      if (masqueraded) {
        try {
          removeMasquerade(call);
        } catch {
          // the ADD's own error is the one to report
        }
      }
      if (made) {
        try {
          host.link.delete(made.hostEnd.index);
        } catch {
          // gone already; the ADD's own error is the one to report
        }
      }
      if (allocated) {
        try {
          await runIpam(call, ipamRequest(call, 'DEL'));
        } catch {
          // the ADD's own error is the one to report
        }
      }
      // Undone: withHostState drops what the agent knew of this host unless the error is a CniError.
      throw error;
    } finally {
      if (!state) host.close();
    }
  });
}
