import { iptunKind, type Iptun4Fields, type IptunInfo } from './iptun-data.js';
import type { LinkKind } from './kind.js';

/**
 * `ip link add NAME type ipip [mode ipip|mplsip|any] [local ADDR] [remote ADDR] [ttl N] [tos T] [dev DEV] ...`:
 * IPv4 (or MPLS) in IPv4. Encoded like iproute2 (checked against ip's captured requests), not verified against a kernel here.
 */
export interface IpipSpec extends Iptun4Fields {
  /** Selects the ipip kind (IFLA_INFO_KIND "ipip"). */
  type: 'ipip';
  /** What the tunnel carries (`mode`); absent sends 0 (any), as ip does. */
  mode?: 'ipip' | 'mplsip' | 'any';
}

export const ipip: LinkKind<IpipSpec, IptunInfo> = iptunKind<IpipSpec>('ipip', 4, ['ipip', 'mplsip', 'any']);
