import * as ifLink from '../../../generated/if_link.js';
import { IFLA_VRF_TABLE } from '../../../generated/if_link.js';
import { InvalidArgumentError } from '../../../netlink/addresses.js';
import { lazyAttributeNames } from '../attribute-names.js';
import type { LinkCommonSpec } from '../types.js';
import { validateU32 } from '../validate.js';
import type { KindData, LinkKind } from './kind.js';

/** The IFLA_INFO_DATA members' names, for error messages; built on first use. */
const dataAttributeNames = lazyAttributeNames(ifLink, 'IFLA_VRF_', ifLink.IFLA_VRF_MAX);

/**
 * `ip link add NAME type vrf table N`: a VRF device, whose ports route through
 * table N. Encoded like iproute2 (checked against ip's captured request), not
 * verified against a kernel here.
 */
export interface VrfSpec extends LinkCommonSpec {
  /** Selects the vrf kind (IFLA_INFO_KIND "vrf"). */
  type: 'vrf';
  /** IFLA_VRF_TABLE: the routing table of the VRF (required, 1–2³²−1). */
  table: number;
}

/** IFLA_INFO_DATA of a vrf. */
export interface VrfInfo extends KindData {
  /** IFLA_VRF_TABLE: the VRF's routing table. */
  table?: number;
}

export const vrf: LinkKind<VrfSpec, VrfInfo> = {
  kind: 'vrf',
  creatable: true,
  specKeys: ['table'],
  get dataAttributeNames() {
    return dataAttributeNames();
  },

  validate(spec) {
    if (spec.table === undefined) throw new InvalidArgumentError(`vrf "${spec.name}" needs table: the routing table its ports use`);
    validateU32(spec.table, 'table');
    if (spec.table === 0) throw new InvalidArgumentError('table must be 1 or more: the kernel refuses table 0 for a vrf');
  },

  encodeInfoData(spec, w) {
    w.u32(IFLA_VRF_TABLE, spec.table);
  },

  decodeInfoData(c) {
    const info: VrfInfo = { unknown: [] };
    while (c.next()) {
      if (c.type === IFLA_VRF_TABLE) info.table = c.u32();
      else info.unknown.push(c.rawView());
    }
    return info;
  },
};
