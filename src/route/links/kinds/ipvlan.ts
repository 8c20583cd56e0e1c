import * as ifLink from '../../../generated/if_link.js';
import { IFLA_IPVLAN_FLAGS, IFLA_IPVLAN_MODE, IFLA_LINK } from '../../../generated/if_link.js';
import { InvalidArgumentError } from '../../../netlink/addresses.js';
import { validateLinkRef, type LinkRef } from '../../resolve.js';
import { lazyAttributeNames } from '../attribute-names.js';
import type { LinkCommonSpec } from '../types.js';
import { validateOneOf } from '../validate.js';
import type { KindData, LinkKind } from './kind.js';

/** The IFLA_INFO_DATA members' names, for error messages; built on first use. */
const dataAttributeNames = lazyAttributeNames(ifLink, 'IFLA_IPVLAN_', ifLink.IFLA_IPVLAN_MAX);

/** IPVLAN_MODE_*: where the ipvlan devices of one lower device switch: layer 2, layer 3, or layer 3 through netfilter (l3s). */
export type IpvlanMode = 'l2' | 'l3' | 'l3s';
/** How siblings on one lower device reach each other: `bridge` (directly, the default), `private` (not at all), `vepa` (through the external switch). */
export type IpvlanIsolation = 'bridge' | 'private' | 'vepa';

const MODES: readonly IpvlanMode[] = ['l2', 'l3', 'l3s'];
// IPVLAN_F_PRIVATE and IPVLAN_F_VEPA of <linux/if_link.h> (#defines codegen does not emit).
const ISOLATION_FLAGS: Record<IpvlanIsolation, number> = { bridge: 0, private: 0x01, vepa: 0x02 };
const ISOLATIONS = Object.keys(ISOLATION_FLAGS) as IpvlanIsolation[];

/**
 * `ip link add NAME link DEV type ipvlan [mode l2|l3|l3s] [bridge|private|vepa]`.
 * Encoded like iproute2 (checked against ip's captured request), not verified
 * against a kernel here.
 */
export interface IpvlanSpec extends LinkCommonSpec {
  /** Selects the ipvlan kind (IFLA_INFO_KIND "ipvlan"). */
  type: 'ipvlan';
  /** The lower device (required). */
  link: LinkRef;
  /** IFLA_IPVLAN_MODE; the kernel defaults to l3. */
  mode?: IpvlanMode;
  /** IFLA_IPVLAN_FLAGS; sent as `bridge` (0) when only a mode is given, as ip does. */
  isolation?: IpvlanIsolation;
}

/** IFLA_INFO_DATA of an ipvlan. */
export interface IpvlanInfo extends KindData {
  /** IFLA_IPVLAN_MODE by name; the number for one nlkit does not know. */
  mode?: IpvlanMode | number;
  /** IFLA_IPVLAN_FLAGS by name; the number for a combination nlkit does not know. */
  isolation?: IpvlanIsolation | number;
}

export const ipvlan: LinkKind<IpvlanSpec, IpvlanInfo> = {
  kind: 'ipvlan',
  creatable: true,
  specKeys: ['link', 'mode', 'isolation'],
  get dataAttributeNames() {
    return dataAttributeNames();
  },

  validate(spec) {
    if (spec.link === undefined) throw new InvalidArgumentError(`ipvlan "${spec.name}" needs link: the lower device it sits on`);
    validateLinkRef(spec.link, 'link');
    if (spec.mode !== undefined) validateOneOf(spec.mode, 'mode', MODES);
    if (spec.isolation !== undefined) validateOneOf(spec.isolation, 'isolation', ISOLATIONS);
  },

  linkRefs: (spec) => [spec.link],

  encodeLinkAttributes(spec, w, ctx) {
    w.u32(IFLA_LINK, ctx.linkIndex(spec.link));
  },

  encodeInfoData(spec, w) {
    // As ip: the mode when given, and the flags (0 for bridge) whenever either is.
    if (spec.mode !== undefined) w.u16(IFLA_IPVLAN_MODE, MODES.indexOf(spec.mode));
    if (spec.mode !== undefined || spec.isolation !== undefined) w.u16(IFLA_IPVLAN_FLAGS, ISOLATION_FLAGS[spec.isolation ?? 'bridge']);
  },

  decodeInfoData(c) {
    const info: IpvlanInfo = { unknown: [] };
    while (c.next()) {
      switch (c.type) {
        case IFLA_IPVLAN_MODE: {
          const mode = c.u16();
          info.mode = MODES[mode] ?? mode;
          break;
        }
        case IFLA_IPVLAN_FLAGS: {
          const flags = c.u16();
          info.isolation = ISOLATIONS.find((name) => ISOLATION_FLAGS[name] === flags) ?? flags;
          break;
        }
        default: info.unknown.push(c.rawView());
      }
    }
    return info;
  },
};
