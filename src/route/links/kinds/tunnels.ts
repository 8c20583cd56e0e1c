// The tunnel kinds and their public types in one place, so the shared kind
// registry, LinkSpec union and exports each name them once.
import { gre, type GreSpec } from './gre.js';
import type { GreInfo } from './gre-data.js';
import { gretap, type GretapSpec } from './gretap.js';
import { ip6gre, type Ip6greSpec } from './ip6gre.js';
import { ip6gretap, type Ip6gretapSpec } from './ip6gretap.js';
import { ip6tnl, type Ip6tnlSpec } from './ip6tnl.js';
import { ipip, type IpipSpec } from './ipip.js';
import type { IptunInfo } from './iptun-data.js';
import type { LinkKind } from './kind.js';
import { sit, type SitSpec } from './sit.js';
import { vti, type VtiSpec } from './vti.js';
import type { VtiInfo } from './vti-data.js';
import { vti6, type Vti6Spec } from './vti6.js';

export type { GreSpec, GretapSpec, Ip6greSpec, Ip6gretapSpec, GreInfo, IpipSpec, SitSpec, Ip6tnlSpec, IptunInfo, VtiSpec, Vti6Spec, VtiInfo };
export type { Gre4Fields, Gre6Fields, GreKeyFields } from './gre-data.js';
export type { Iptun4Fields, Iptun6Fields, IptunMode } from './iptun-data.js';
export type { VtiFields } from './vti-data.js';
export type { Outer4Fields, Outer6Fields, TunnelEncap, TunnelEncapFields, TunnelEndpoints, TunnelKey } from './tunnel-fields.js';

/** Spec of any tunnel kind. */
export type TunnelSpec = GreSpec | GretapSpec | Ip6greSpec | Ip6gretapSpec | IpipSpec | SitSpec | Ip6tnlSpec | VtiSpec | Vti6Spec;
/** IFLA_INFO_DATA of any tunnel kind. */
export type TunnelInfo = GreInfo | IptunInfo | VtiInfo;

/** The tunnel kind plug-ins, registered by the kind registry. */
export const TUNNEL_KINDS: readonly LinkKind[] = [gre, gretap, ip6gre, ip6gretap, ipip, sit, ip6tnl, vti, vti6];
