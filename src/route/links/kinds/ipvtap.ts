import { ipvlan, type IpvlanInfo, type IpvlanSpec } from './ipvlan.js';
import { tapVariant } from './tap-variant.js';

/**
 * `ip link add NAME link DEV type ipvtap [mode l2|l3|l3s] [bridge|private|vepa]`:
 * an ipvlan with a character device (/dev/tapN). It takes the same
 * IFLA_IPVLAN_* attributes as ipvlan, encoded and decoded by ipvlan's code.
 * Encoded like iproute2 (checked against ip's captured requests), not
 * verified against a kernel here.
 */
export interface IpvtapSpec extends Omit<IpvlanSpec, 'type'> {
  /** Selects the ipvtap kind (IFLA_INFO_KIND "ipvtap"). */
  type: 'ipvtap';
}

/** IFLA_INFO_DATA of an ipvtap: the same members as an ipvlan's. */
export type IpvtapInfo = IpvlanInfo;

export const ipvtap = tapVariant<IpvtapSpec, IpvtapInfo>(ipvlan, 'ipvtap');
