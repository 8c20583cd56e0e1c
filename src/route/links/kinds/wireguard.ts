import type { LinkCommonSpec } from '../types.js';
import type { KindData, LinkKind } from './kind.js';
import { rawMembers } from './raw-members.js';

/**
 * `ip link add NAME type wireguard`: a WireGuard interface. rtnetlink only
 * creates it; its keys, peers and port are set through the "wireguard"
 * generic netlink family, not here. Encoded like iproute2 (checked against
 * ip's captured request), not verified against a kernel here.
 */
export interface WireguardSpec extends LinkCommonSpec {
  /** Selects the wireguard kind (IFLA_INFO_KIND "wireguard"). */
  type: 'wireguard';
}

export const wireguard: LinkKind<WireguardSpec, KindData> = {
  kind: 'wireguard',
  creatable: true,
  specKeys: [],
  validate() {},
  // The kernel sends no IFLA_INFO_DATA for wireguard; anything there is kept raw.
  decodeInfoData: rawMembers,
};
