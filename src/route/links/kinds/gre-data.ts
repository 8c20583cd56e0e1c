import * as ifTunnel from '../../../generated/if_tunnel.js';
import {
  IFLA_GRE_COLLECT_METADATA, IFLA_GRE_ENCAP_DPORT, IFLA_GRE_ENCAP_FLAGS, IFLA_GRE_ENCAP_LIMIT, IFLA_GRE_ENCAP_SPORT, IFLA_GRE_ENCAP_TYPE,
  IFLA_GRE_ERSPAN_VER, IFLA_GRE_FLAGS, IFLA_GRE_FLOWINFO, IFLA_GRE_FWMARK, IFLA_GRE_IFLAGS, IFLA_GRE_IGNORE_DF, IFLA_GRE_IKEY, IFLA_GRE_LINK,
  IFLA_GRE_LOCAL, IFLA_GRE_OFLAGS, IFLA_GRE_OKEY, IFLA_GRE_PMTUDISC, IFLA_GRE_REMOTE, IFLA_GRE_TOS, IFLA_GRE_TTL,
} from '../../../generated/if_tunnel.js';
import { lazyAttributeNames } from '../attribute-names.js';
import { validateBoolean } from '../validate.js';
import type { KindData, LinkKind } from './kind.js';
import {
  directionKeys, ENCAP_KEYS, encapName, encodeEncap, encodeOuter, ENDPOINT_KEYS, OUTER4_KEYS, OUTER6_KEYS, validateEncap, validateEndpoints,
  validateKeys, validateOuter, type Outer4Fields, type Outer6Fields, type TunnelEncap, type TunnelEncapFields, type TunnelEndpoints, type TunnelKey,
} from './tunnel-fields.js';

/** The IFLA_INFO_DATA members' names, for error messages; built on first use. */
const dataAttributeNames = lazyAttributeNames(ifTunnel, 'IFLA_GRE_', ifTunnel.IFLA_GRE_MAX);

// The IFLA_GRE_* encoding of gre, gretap (IPv4) and ip6gre, ip6gretap (IPv6),
// as iproute2's link_gre.c and link_gre6.c send it: every option on create,
// defaults included.

// GRE_* header bits of <linux/if_tunnel.h> (defined there through __cpu_to_be16, so not generated).
const GRE_CSUM = 0x8000;
const GRE_KEY = 0x2000;
const GRE_SEQ = 0x1000;

/** Keys and GRE header options, both families. */
export interface GreKeyFields {
  /** Key of both directions (`key`): GRE_KEY in both, a number or a dotted quad. */
  key?: TunnelKey;
  /** Key expected on received packets (`ikey`). */
  ikey?: TunnelKey;
  /** Key put on sent packets (`okey`). */
  okey?: TunnelKey;
  /** Checksums both ways (`csum`). */
  csum?: boolean;
  /** Require checksums on received packets (`icsum`). */
  icsum?: boolean;
  /** Checksum sent packets (`ocsum`). */
  ocsum?: boolean;
  /** Sequence numbers both ways (`seq`). */
  seq?: boolean;
  /** Drop received packets out of sequence (`iseq`). */
  iseq?: boolean;
  /** Number sent packets (`oseq`). */
  oseq?: boolean;
}

/** Options of the IPv4 GRE kinds (gre, gretap). */
export interface Gre4Fields extends TunnelEndpoints, TunnelEncapFields, Outer4Fields, GreKeyFields {}

/** Options of the IPv6 GRE kinds (ip6gre, ip6gretap). */
export interface Gre6Fields extends TunnelEndpoints, TunnelEncapFields, Outer6Fields, GreKeyFields {}

/** IFLA_INFO_DATA of gre, gretap, ip6gre and ip6gretap. */
export interface GreInfo extends KindData {
  /** IFLA_GRE_LINK: ifindex of the underlying device. */
  link?: number;
  /** IFLA_GRE_IFLAGS: GRE_* bits expected on received packets (GRE_CSUM 0x8000, GRE_KEY 0x2000, GRE_SEQ 0x1000). */
  iflags?: number;
  /** IFLA_GRE_OFLAGS: GRE_* bits of sent packets. */
  oflags?: number;
  /** IFLA_GRE_IKEY: input key. */
  ikey?: number;
  /** IFLA_GRE_OKEY: output key. */
  okey?: number;
  /** IFLA_GRE_LOCAL. */
  local?: string;
  /** IFLA_GRE_REMOTE. */
  remote?: string;
  /** IFLA_GRE_TTL: TTL or hop limit; 0 copies the inner one. */
  ttl?: number;
  /** IFLA_GRE_TOS (IPv4); 1 is `inherit`. */
  tos?: number;
  /** IFLA_GRE_PMTUDISC (IPv4). */
  pmtudisc?: boolean;
  /** IFLA_GRE_ENCAP_LIMIT (IPv6). */
  encapLimit?: number;
  /** IFLA_GRE_FLOWINFO (IPv6): traffic class << 20 | flow label. */
  flowinfo?: number;
  /** IFLA_GRE_FLAGS (IPv6): IP6_TNL_F_* bits (1: no encapsulation limit). */
  flags?: number;
  /** IFLA_GRE_ENCAP_TYPE by name. */
  encap?: TunnelEncap | number;
  /** IFLA_GRE_ENCAP_FLAGS: TUNNEL_ENCAP_FLAG_* bits (1 csum, 2 csum6, 4 remcsum). */
  encapFlags?: number;
  /** IFLA_GRE_ENCAP_SPORT. */
  encapSport?: number;
  /** IFLA_GRE_ENCAP_DPORT. */
  encapDport?: number;
  /** IFLA_GRE_FWMARK. */
  fwmark?: number;
  /** IFLA_GRE_ERSPAN_VER. */
  erspanVer?: number;
  /** IFLA_GRE_COLLECT_METADATA (`external`). */
  collectMetadata?: boolean;
  /** IFLA_GRE_IGNORE_DF. */
  ignoreDf?: boolean;
}

type GreFields = Gre4Fields & Gre6Fields;

const OUTER = { ttl: IFLA_GRE_TTL, tos: IFLA_GRE_TOS, pmtudisc: IFLA_GRE_PMTUDISC, encapLimit: IFLA_GRE_ENCAP_LIMIT, flowinfo: IFLA_GRE_FLOWINFO, flags: IFLA_GRE_FLAGS };

const KEY_FIELDS = ['key', 'ikey', 'okey', 'csum', 'icsum', 'ocsum', 'seq', 'iseq', 'oseq'] as const;
const BOOLEAN_FIELDS = ['csum', 'icsum', 'ocsum', 'seq', 'iseq', 'oseq'] as const;

function greFlags(key: number | undefined, csum: boolean | undefined, seq: boolean | undefined): number {
  return (key !== undefined ? GRE_KEY : 0) | (csum ? GRE_CSUM : 0) | (seq ? GRE_SEQ : 0);
}

/** The LinkKind of one GRE kind: `family` 4 (gre, gretap) or 6 (ip6gre, ip6gretap). */
export function greKind<Spec extends GreFields & { name: string }>(kind: string, family: 4 | 6): LinkKind<Spec, GreInfo> {
  const familyKeys = family === 4 ? OUTER4_KEYS : OUTER6_KEYS;
  return {
    kind,
    creatable: true,
    specKeys: [...ENDPOINT_KEYS, ...ENCAP_KEYS, ...KEY_FIELDS, ...familyKeys],
    get dataAttributeNames() {
      return dataAttributeNames();
    },

    validate(spec) {
      validateEndpoints(spec, family);
      validateEncap(spec);
      validateKeys(spec);
      for (const key of BOOLEAN_FIELDS) if (spec[key] !== undefined) validateBoolean(spec[key], key);
      validateOuter(spec, kind, family);
    },

    linkRefs: (spec) => (spec.link === undefined ? [] : [spec.link]),

    encodeInfoData(spec, w, ctx) {
      const { ikey, okey } = directionKeys(spec);
      w.be32(IFLA_GRE_IKEY, ikey ?? 0);
      w.be32(IFLA_GRE_OKEY, okey ?? 0);
      w.be16(IFLA_GRE_IFLAGS, greFlags(ikey, spec.csum || spec.icsum, spec.seq || spec.iseq));
      w.be16(IFLA_GRE_OFLAGS, greFlags(okey, spec.csum || spec.ocsum, spec.seq || spec.oseq));
      if (spec.local !== undefined) w.ip(IFLA_GRE_LOCAL, spec.local);
      if (spec.remote !== undefined) w.ip(IFLA_GRE_REMOTE, spec.remote);
      if (spec.link !== undefined) w.u32(IFLA_GRE_LINK, ctx.linkIndex(spec.link));
      encodeOuter(w, spec, OUTER, family);
      // ip 6.1 sends ERSPAN version 1 with every ip6gre; the kernel reads it only for ip6erspan.
      if (family === 6) w.u8(IFLA_GRE_ERSPAN_VER, 1);
      w.u32(IFLA_GRE_FWMARK, spec.fwmark ?? 0);
      encodeEncap(w, spec, { type: IFLA_GRE_ENCAP_TYPE, flags: IFLA_GRE_ENCAP_FLAGS, sport: IFLA_GRE_ENCAP_SPORT, dport: IFLA_GRE_ENCAP_DPORT }, family);
    },

    decodeInfoData(c) {
      const info: GreInfo = { unknown: [] };
      while (c.next()) {
        switch (c.type) {
          case IFLA_GRE_LINK: info.link = c.u32(); break;
          case IFLA_GRE_IFLAGS: info.iflags = c.be16(); break;
          case IFLA_GRE_OFLAGS: info.oflags = c.be16(); break;
          case IFLA_GRE_IKEY: info.ikey = c.be32(); break;
          case IFLA_GRE_OKEY: info.okey = c.be32(); break;
          case IFLA_GRE_LOCAL: info.local = c.ip(); break;
          case IFLA_GRE_REMOTE: info.remote = c.ip(); break;
          case IFLA_GRE_TTL: info.ttl = c.u8(); break;
          case IFLA_GRE_TOS: info.tos = c.u8(); break;
          case IFLA_GRE_PMTUDISC: info.pmtudisc = c.u8() !== 0; break;
          case IFLA_GRE_ENCAP_LIMIT: info.encapLimit = c.u8(); break;
          case IFLA_GRE_FLOWINFO: info.flowinfo = c.be32(); break;
          case IFLA_GRE_FLAGS: info.flags = c.u32(); break;
          case IFLA_GRE_ENCAP_TYPE: info.encap = encapName(c.u16()); break;
          case IFLA_GRE_ENCAP_FLAGS: info.encapFlags = c.u16(); break;
          case IFLA_GRE_ENCAP_SPORT: info.encapSport = c.be16(); break;
          case IFLA_GRE_ENCAP_DPORT: info.encapDport = c.be16(); break;
          case IFLA_GRE_FWMARK: info.fwmark = c.u32(); break;
          case IFLA_GRE_ERSPAN_VER: info.erspanVer = c.u8(); break;
          case IFLA_GRE_COLLECT_METADATA: info.collectMetadata = true; break;
          case IFLA_GRE_IGNORE_DF: info.ignoreDf = c.u8() !== 0; break;
          default: info.unknown.push(c.rawView());
        }
      }
      return info;
    },
  };
}
