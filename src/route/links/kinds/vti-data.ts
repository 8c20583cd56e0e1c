import * as ifTunnel from '../../../generated/if_tunnel.js';
import { IFLA_VTI_FWMARK, IFLA_VTI_IKEY, IFLA_VTI_LINK, IFLA_VTI_LOCAL, IFLA_VTI_OKEY, IFLA_VTI_REMOTE } from '../../../generated/if_tunnel.js';
import { lazyAttributeNames } from '../attribute-names.js';
import type { KindData, LinkKind } from './kind.js';
import { directionKeys, ENDPOINT_KEYS, validateEndpoints, validateKeys, type TunnelEndpoints, type TunnelKey } from './tunnel-fields.js';

/** The IFLA_INFO_DATA members' names, for error messages; built on first use. */
const dataAttributeNames = lazyAttributeNames(ifTunnel, 'IFLA_VTI_', ifTunnel.IFLA_VTI_MAX);

// The IFLA_VTI_* encoding of vti (IPv4) and vti6 (IPv6), as iproute2's
// link_vti.c and link_vti6.c send it.

/** Options of vti and vti6: the endpoints and the keys, which select the IPsec policies by mark. */
export interface VtiFields extends TunnelEndpoints {
  /** Key of both directions (`key`), a number or a dotted quad: the mark the tunnel's IPsec policies match. */
  key?: TunnelKey;
  /** Key of received packets (`ikey`). */
  ikey?: TunnelKey;
  /** Key of sent packets (`okey`). */
  okey?: TunnelKey;
}

/** IFLA_INFO_DATA of vti and vti6. */
export interface VtiInfo extends KindData {
  /** IFLA_VTI_LINK: ifindex of the underlying device. */
  link?: number;
  /** IFLA_VTI_IKEY: input key. */
  ikey?: number;
  /** IFLA_VTI_OKEY: output key. */
  okey?: number;
  /** IFLA_VTI_LOCAL. */
  local?: string;
  /** IFLA_VTI_REMOTE. */
  remote?: string;
  /** IFLA_VTI_FWMARK. */
  fwmark?: number;
}

/** The LinkKind of vti (`family` 4) or vti6 (6). */
export function vtiKind<Spec extends VtiFields>(kind: string, family: 4 | 6): LinkKind<Spec, VtiInfo> {
  return {
    kind,
    creatable: true,
    specKeys: [...ENDPOINT_KEYS, 'key', 'ikey', 'okey'],
    get dataAttributeNames() {
      return dataAttributeNames();
    },

    validate(spec) {
      validateEndpoints(spec, family);
      validateKeys(spec);
    },

    linkRefs: (spec) => (spec.link === undefined ? [] : [spec.link]),

    encodeInfoData(spec, w, ctx) {
      const { ikey, okey } = directionKeys(spec);
      w.be32(IFLA_VTI_IKEY, ikey ?? 0);
      w.be32(IFLA_VTI_OKEY, okey ?? 0);
      if (spec.local !== undefined) w.ip(IFLA_VTI_LOCAL, spec.local);
      if (spec.remote !== undefined) w.ip(IFLA_VTI_REMOTE, spec.remote);
      w.u32(IFLA_VTI_FWMARK, spec.fwmark ?? 0);
      if (spec.link !== undefined) w.u32(IFLA_VTI_LINK, ctx.linkIndex(spec.link));
    },

    decodeInfoData(c) {
      const info: VtiInfo = { unknown: [] };
      while (c.next()) {
        switch (c.type) {
          case IFLA_VTI_LINK: info.link = c.u32(); break;
          case IFLA_VTI_IKEY: info.ikey = c.be32(); break;
          case IFLA_VTI_OKEY: info.okey = c.be32(); break;
          case IFLA_VTI_LOCAL: info.local = c.ip(); break;
          case IFLA_VTI_REMOTE: info.remote = c.ip(); break;
          case IFLA_VTI_FWMARK: info.fwmark = c.u32(); break;
          default: info.unknown.push(c.rawView());
        }
      }
      return info;
    },
  };
}
