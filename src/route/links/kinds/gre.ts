import { greKind, type Gre4Fields, type GreInfo } from './gre-data.js';
import type { LinkKind } from './kind.js';

/**
 * `ip link add NAME type gre [local ADDR] [remote ADDR] [key|ikey|okey KEY] [[i|o]csum] [[i|o]seq] [dev DEV] ...`:
 * an IPv4 GRE tunnel carrying IP packets. Encoded like iproute2 (checked against ip's captured requests), not verified against a kernel here.
 */
export interface GreSpec extends Gre4Fields {
  /** Selects the gre kind (IFLA_INFO_KIND "gre"). */
  type: 'gre';
}

export const gre: LinkKind<GreSpec, GreInfo> = greKind<GreSpec>('gre', 4);
