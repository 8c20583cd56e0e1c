import { iptunKind, type Iptun6Fields, type IptunInfo } from './iptun-data.js';
import type { LinkKind } from './kind.js';

/**
 * `ip link add NAME type ip6tnl [mode ip6ip6|ipip6|any] [local ADDR] [remote ADDR] [hoplimit N] [tclass T]
 * [flowlabel F] [encaplimit N|none] [dev DEV] ...`: IPv6 or IPv4 in IPv6. Encoded like iproute2 (checked against
 * ip's captured requests), not verified against a kernel here.
 */
export interface Ip6tnlSpec extends Iptun6Fields {
  /** Selects the ip6tnl kind (IFLA_INFO_KIND "ip6tnl"). */
  type: 'ip6tnl';
  /** What the tunnel carries (`mode`): IPv6 (`ip6ip6`), IPv4 (`ipip6`) or both (`any`, sent when absent, as ip does). */
  mode?: 'ip6ip6' | 'ipip6' | 'any';
}

export const ip6tnl: LinkKind<Ip6tnlSpec, IptunInfo> = iptunKind<Ip6tnlSpec>('ip6tnl', 6, ['ip6ip6', 'ipip6', 'any']);
