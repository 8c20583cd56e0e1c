import { macvlan, type MacvlanInfo, type MacvlanSpec } from './macvlan.js';
import { tapVariant } from './tap-variant.js';

/**
 * `ip link add NAME link DEV type macvtap [mode MODE] [nopromisc] [bcqueuelen N]`:
 * a macvlan with a character device (/dev/tapN) for a VM. It takes the same
 * IFLA_MACVLAN_* attributes as macvlan, encoded and decoded by macvlan's code;
 * checked against ip's captured requests.
 */
export interface MacvtapSpec extends Omit<MacvlanSpec, 'type'> {
  /** Selects the macvtap kind (IFLA_INFO_KIND "macvtap"). */
  type: 'macvtap';
}

/** IFLA_INFO_DATA of a macvtap: the same members as a macvlan's. */
export type MacvtapInfo = MacvlanInfo;

export const macvtap = tapVariant<MacvtapSpec, MacvtapInfo>(macvlan, 'macvtap');
