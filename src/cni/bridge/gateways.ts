// From an IPAM result to what the bridge plugin applies: every address on the
// pod end (interface 2 of the result), a gateway per address when the bridge
// is the gateway (the subnet's first address, as the reference computes it),
// a default route per family for isDefaultGateway, and the addresses the
// bridge itself takes.
import { CniError, CniErrorCode } from '../errors.js';
import { formatAddress, networkOf, parseCidr } from '../ip.js';
import type { IpamResult } from '../ipam/types.js';
import type { CniIpConfig, CniRoute } from '../spec/types.js';
import type { BridgeConfig } from './config.js';

/** The index of the pod end in the result's interfaces (bridge, host end, pod end). */
export const POD_INTERFACE = 2;

/** What ADD applies, in the result's terms. */
export interface GatewayPlan {
  ips: CniIpConfig[];
  routes: CniRoute[];
  /** `gateway/prefix` for the bridge, per family, in result order. */
  bridgeAddresses: { family: 4 | 6; cidr: string }[];
}

/** Computes gateways and default routes as the reference bridge plugin does. */
export function planGateways(ipam: IpamResult, config: BridgeConfig): GatewayPlan {
  if (!ipam.ips?.length) throw new CniError(CniErrorCode.internal, 'IPAM plugin returned missing IP config');
  const routes: CniRoute[] = (ipam.routes ?? []).map((r) => ({ ...r }));
  const defaultFound = { 4: false, 6: false };
  const bridgeAddresses: GatewayPlan['bridgeAddresses'] = [];
  const ips = ipam.ips.map((ip) => {
    const cidr = parseCidr(ip.address, 'IPAM result address', CniErrorCode.internal);
    const out: CniIpConfig = { interface: POD_INTERFACE, address: ip.address };
    if (ip.gateway) out.gateway = ip.gateway;
    else if (config.isGateway) out.gateway = formatAddress(networkOf(cidr) + 1n, cidr.family);
    const defaultDst = cidr.family === 4 ? '0.0.0.0/0' : '::/0';
    if (config.isDefaultGateway && !defaultFound[cidr.family]) {
      defaultFound[cidr.family] = routes.some((r) => r.gw !== undefined && r.dst === defaultDst);
      if (!defaultFound[cidr.family]) {
        routes.push(out.gateway === undefined ? { dst: defaultDst } : { dst: defaultDst, gw: out.gateway });
        defaultFound[cidr.family] = true;
      }
    }
    if (config.isGateway && out.gateway !== undefined) bridgeAddresses.push({ family: cidr.family, cidr: `${out.gateway}/${cidr.prefixLength}` });
    return out;
  });
  return { ips, routes, bridgeAddresses };
}
