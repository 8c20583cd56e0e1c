import { greKind, type Gre6Fields, type GreInfo } from './gre-data.js';
import type { LinkKind } from './kind.js';

/**
 * `ip link add NAME type ip6gre [local ADDR] [remote ADDR] [key|ikey|okey KEY] [[i|o]csum] [[i|o]seq] [dev DEV] ...`:
 * a GRE tunnel over IPv6 carrying IP packets. Encoded like iproute2 (checked against ip's captured requests), not verified against a kernel here.
 */
export interface Ip6greSpec extends Gre6Fields {
  /** Selects the ip6gre kind (IFLA_INFO_KIND "ip6gre"). */
  type: 'ip6gre';
}

export const ip6gre: LinkKind<Ip6greSpec, GreInfo> = greKind<Ip6greSpec>('ip6gre', 6);
