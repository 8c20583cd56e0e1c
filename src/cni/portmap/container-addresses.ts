// Which addresses a port mapping leads to: from the previous plugin's result,
// the first IPv4 and the first IPv6 address of the container's interface
// (CNI_IFNAME inside the sandbox), skipping addresses of host-side
// interfaces, as the reference picks them.
import { CniErrorCode } from '../errors.js';
import { parseCidr, type Cidr } from '../ip.js';
import type { CniResult } from '../spec/types.js';

/** The container's address per family, with its prefix (the prefix gives the hairpin subnet). */
export interface ContainerAddresses {
  4?: Cidr;
  6?: Cidr;
}

export function containerAddresses(result: CniResult, ifname: string): ContainerAddresses {
  const found: ContainerAddresses = {};
  const interfaces = result.interfaces ?? [];
  for (const ip of result.ips ?? []) {
    const index = ip.interface;
    if (index !== undefined && index >= 0 && index < interfaces.length) {
      const iface = interfaces[index]!;
      if (iface.name !== ifname || !iface.sandbox) continue;
    }
    const cidr = parseCidr(ip.address, 'prevResult address', CniErrorCode.decodeFailure);
    if (found[cidr.family] === undefined) found[cidr.family] = cidr;
  }
  return found;
}
