import { greKind, type Gre6Fields, type GreInfo } from './gre-data.js';
import type { LinkKind } from './kind.js';

/**
 * `ip link add NAME type ip6gretap [local ADDR] [remote ADDR] [key|ikey|okey KEY] [[i|o]csum] [[i|o]seq] [dev DEV] ...`:
 * a GRE tunnel over IPv6 carrying Ethernet frames. Encoded like iproute2 (checked against ip's captured requests), not verified against a kernel here.
 */
export interface Ip6gretapSpec extends Gre6Fields {
  /** Selects the ip6gretap kind (IFLA_INFO_KIND "ip6gretap"). */
  type: 'ip6gretap';
}

export const ip6gretap: LinkKind<Ip6gretapSpec, GreInfo> = greKind<Ip6gretapSpec>('ip6gretap', 6);
