import * as ifTunnel from '../../../generated/if_tunnel.js';
import {
  IFLA_IPTUN_COLLECT_METADATA, IFLA_IPTUN_ENCAP_DPORT, IFLA_IPTUN_ENCAP_FLAGS, IFLA_IPTUN_ENCAP_LIMIT, IFLA_IPTUN_ENCAP_SPORT,
  IFLA_IPTUN_ENCAP_TYPE, IFLA_IPTUN_FLAGS, IFLA_IPTUN_FLOWINFO, IFLA_IPTUN_FWMARK, IFLA_IPTUN_LINK, IFLA_IPTUN_LOCAL, IFLA_IPTUN_PMTUDISC,
  IFLA_IPTUN_PROTO, IFLA_IPTUN_REMOTE, IFLA_IPTUN_TOS, IFLA_IPTUN_TTL, SIT_ISATAP,
} from '../../../generated/if_tunnel.js';
import { lazyAttributeNames } from '../attribute-names.js';
import { validateBoolean, validateOneOf } from '../validate.js';
import type { KindData, LinkKind } from './kind.js';
import {
  ENCAP_KEYS, encapName, encodeEncap, encodeOuter, ENDPOINT_KEYS, OUTER4_KEYS, OUTER6_KEYS, validateEncap, validateEndpoints, validateOuter,
  type Outer4Fields, type Outer6Fields, type TunnelEncap, type TunnelEncapFields, type TunnelEndpoints,
} from './tunnel-fields.js';

/** The IFLA_INFO_DATA members' names, for error messages; built on first use. */
const dataAttributeNames = lazyAttributeNames(ifTunnel, 'IFLA_IPTUN_', ifTunnel.IFLA_IPTUN_MAX);

// The IFLA_IPTUN_* encoding of ipip, sit (IPv4 outer header) and ip6tnl (IPv6),
// as iproute2's link_iptnl.c and link_ip6tnl.c send it: every option on
// create, defaults included.


/** What an IP tunnel carries (`mode`), by its IFLA_IPTUN_PROTO: `any` (0) takes every protocol the kind can carry. */
export type IptunMode = 'ipip' | 'ip6ip' | 'mplsip' | 'ip6ip6' | 'ipip6' | 'any';
const PROTOS: Record<IptunMode, number> = { any: 0, ipip: 4, ipip6: 4, ip6ip: 41, ip6ip6: 41, mplsip: 137 };

/** Options of the IPv4 IP tunnels (ipip, sit). */
export interface Iptun4Fields extends TunnelEndpoints, TunnelEncapFields, Outer4Fields {}

/** Options of ip6tnl. */
export interface Iptun6Fields extends TunnelEndpoints, TunnelEncapFields, Outer6Fields {}

/** IFLA_INFO_DATA of ipip, sit and ip6tnl. */
export interface IptunInfo extends KindData {
  /** IFLA_IPTUN_LINK: ifindex of the underlying device; 0 for none. */
  link?: number;
  /** IFLA_IPTUN_LOCAL. */
  local?: string;
  /** IFLA_IPTUN_REMOTE. */
  remote?: string;
  /** IFLA_IPTUN_TTL: TTL or hop limit; 0 copies the inner one. */
  ttl?: number;
  /** IFLA_IPTUN_TOS (IPv4); 1 is `inherit`. */
  tos?: number;
  /** IFLA_IPTUN_ENCAP_LIMIT (ip6tnl). */
  encapLimit?: number;
  /** IFLA_IPTUN_FLOWINFO (ip6tnl): traffic class << 20 | flow label. */
  flowinfo?: number;
  /** IFLA_IPTUN_FLAGS: SIT_ISATAP (sit) or IP6_TNL_F_* bits (ip6tnl; 1: no encapsulation limit). */
  flags?: number;
  /** IFLA_IPTUN_PROTO: the carried protocol, 0 for any. */
  proto?: number;
  /** IFLA_IPTUN_PMTUDISC (IPv4). */
  pmtudisc?: boolean;
  /** IFLA_IPTUN_ENCAP_TYPE by name. */
  encap?: TunnelEncap | number;
  /** IFLA_IPTUN_ENCAP_FLAGS: TUNNEL_ENCAP_FLAG_* bits (1 csum, 2 csum6, 4 remcsum). */
  encapFlags?: number;
  /** IFLA_IPTUN_ENCAP_SPORT. */
  encapSport?: number;
  /** IFLA_IPTUN_ENCAP_DPORT. */
  encapDport?: number;
  /** IFLA_IPTUN_FWMARK. */
  fwmark?: number;
  /** IFLA_IPTUN_COLLECT_METADATA (`external`). */
  collectMetadata?: boolean;
}

const OUTER = {
  ttl: IFLA_IPTUN_TTL, tos: IFLA_IPTUN_TOS, pmtudisc: IFLA_IPTUN_PMTUDISC, encapLimit: IFLA_IPTUN_ENCAP_LIMIT, flowinfo: IFLA_IPTUN_FLOWINFO, flags: IFLA_IPTUN_FLAGS,
};

type IptunFields = Iptun4Fields & Iptun6Fields & { mode?: IptunMode; isatap?: boolean; name: string };

/**
 * The LinkKind of one IP tunnel kind: `family` 4 (ipip, sit) or 6 (ip6tnl),
 * carrying the `modes` given; `isatap` for sit's SIT_ISATAP flag.
 */
export function iptunKind<Spec extends IptunFields>(kind: string, family: 4 | 6, modes: readonly IptunMode[], isatap = false): LinkKind<Spec, IptunInfo> {
  const familyKeys = family === 4 ? OUTER4_KEYS : OUTER6_KEYS;
  return {
    kind,
    creatable: true,
    specKeys: [...ENDPOINT_KEYS, ...ENCAP_KEYS, 'mode', ...familyKeys, ...(isatap ? ['isatap'] : [])],
    get dataAttributeNames() {
      return dataAttributeNames();
    },

    validate(spec) {
      validateEndpoints(spec, family);
      validateEncap(spec);
      if (spec.mode !== undefined) validateOneOf(spec.mode, 'mode', modes);
      if (isatap && spec.isatap !== undefined) validateBoolean(spec.isatap, 'isatap');
      validateOuter(spec, kind, family);
    },

    linkRefs: (spec) => (spec.link === undefined ? [] : [spec.link]),

    encodeInfoData(spec, w, ctx) {
      w.u8(IFLA_IPTUN_PROTO, PROTOS[spec.mode ?? 'any']);
      if (spec.local !== undefined) w.ip(IFLA_IPTUN_LOCAL, spec.local);
      if (spec.remote !== undefined) w.ip(IFLA_IPTUN_REMOTE, spec.remote);
      encodeOuter(w, spec, OUTER, family);
      // ip sends the link always, 0 for none.
      w.u32(IFLA_IPTUN_LINK, spec.link === undefined ? 0 : ctx.linkIndex(spec.link));
      w.u32(IFLA_IPTUN_FWMARK, spec.fwmark ?? 0);
      encodeEncap(w, spec, { type: IFLA_IPTUN_ENCAP_TYPE, flags: IFLA_IPTUN_ENCAP_FLAGS, sport: IFLA_IPTUN_ENCAP_SPORT, dport: IFLA_IPTUN_ENCAP_DPORT }, family);
      if (isatap) w.u16(IFLA_IPTUN_FLAGS, spec.isatap ? SIT_ISATAP : 0);
    },

    decodeInfoData(c) {
      const info: IptunInfo = { unknown: [] };
      while (c.next()) {
        switch (c.type) {
          case IFLA_IPTUN_LINK: info.link = c.u32(); break;
          case IFLA_IPTUN_LOCAL: info.local = c.ip(); break;
          case IFLA_IPTUN_REMOTE: info.remote = c.ip(); break;
          case IFLA_IPTUN_TTL: info.ttl = c.u8(); break;
          case IFLA_IPTUN_TOS: info.tos = c.u8(); break;
          case IFLA_IPTUN_ENCAP_LIMIT: info.encapLimit = c.u8(); break;
          case IFLA_IPTUN_FLOWINFO: info.flowinfo = c.be32(); break;
          // sit sends a u16, ip6tnl a u32; both host order.
          case IFLA_IPTUN_FLAGS: info.flags = c.length >= 4 ? c.u32() : c.u16(); break;
          case IFLA_IPTUN_PROTO: info.proto = c.u8(); break;
          case IFLA_IPTUN_PMTUDISC: info.pmtudisc = c.u8() !== 0; break;
          case IFLA_IPTUN_ENCAP_TYPE: info.encap = encapName(c.u16()); break;
          case IFLA_IPTUN_ENCAP_FLAGS: info.encapFlags = c.u16(); break;
          case IFLA_IPTUN_ENCAP_SPORT: info.encapSport = c.be16(); break;
          case IFLA_IPTUN_ENCAP_DPORT: info.encapDport = c.be16(); break;
          case IFLA_IPTUN_FWMARK: info.fwmark = c.u32(); break;
          case IFLA_IPTUN_COLLECT_METADATA: info.collectMetadata = true; break;
          default: info.unknown.push(c.rawView());
        }
      }
      return info;
    },
  };
}
