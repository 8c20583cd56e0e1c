import { greKind, type Gre4Fields, type GreInfo } from './gre-data.js';
import type { LinkKind } from './kind.js';

/**
 * `ip link add NAME type gretap [local ADDR] [remote ADDR] [key|ikey|okey KEY] [[i|o]csum] [[i|o]seq] [dev DEV] ...`:
 * an IPv4 GRE tunnel carrying Ethernet frames. Encoded like iproute2 (checked against ip's captured requests), not verified against a kernel here.
 */
export interface GretapSpec extends Gre4Fields {
  /** Selects the gretap kind (IFLA_INFO_KIND "gretap"). */
  type: 'gretap';
}

export const gretap: LinkKind<GretapSpec, GreInfo> = greKind<GretapSpec>('gretap', 4);
