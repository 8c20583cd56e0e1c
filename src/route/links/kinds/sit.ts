import { iptunKind, type Iptun4Fields, type IptunInfo } from './iptun-data.js';
import type { LinkKind } from './kind.js';

/**
 * `ip link add NAME type sit [mode ip6ip|ipip|mplsip|any] [local ADDR] [remote ADDR] [ttl N] [tos T] [dev DEV] [isatap] ...`:
 * IPv6 (or IPv4, MPLS) in IPv4. Encoded like iproute2 (checked against ip's captured requests), not verified against a kernel here.
 */
export interface SitSpec extends Iptun4Fields {
  /** Selects the sit kind (IFLA_INFO_KIND "sit"). */
  type: 'sit';
  /** What the tunnel carries (`mode`); absent sends 0 (any), as ip does. */
  mode?: 'ip6ip' | 'ipip' | 'mplsip' | 'any';
  /** SIT_ISATAP (`isatap`): an ISATAP router-less tunnel. */
  isatap?: boolean;
}

export const sit: LinkKind<SitSpec, IptunInfo> = iptunKind<SitSpec>('sit', 4, ['ip6ip', 'ipip', 'mplsip', 'any'], true);
