import * as ifLink from '../../../generated/if_link.js';
import {
  GENEVE_DF_INHERIT, GENEVE_DF_SET, GENEVE_DF_UNSET, IFLA_GENEVE_COLLECT_METADATA, IFLA_GENEVE_DF, IFLA_GENEVE_ID,
  IFLA_GENEVE_INNER_PROTO_INHERIT, IFLA_GENEVE_LABEL, IFLA_GENEVE_PORT, IFLA_GENEVE_REMOTE, IFLA_GENEVE_REMOTE6, IFLA_GENEVE_TOS,
  IFLA_GENEVE_TTL, IFLA_GENEVE_TTL_INHERIT, IFLA_GENEVE_UDP_CSUM, IFLA_GENEVE_UDP_ZERO_CSUM6_RX, IFLA_GENEVE_UDP_ZERO_CSUM6_TX,
} from '../../../generated/if_link.js';
import { InvalidArgumentError, requireIp } from '../../../netlink/addresses.js';
import { validateInteger } from '../../names.js';
import { lazyAttributeNames } from '../attribute-names.js';
import type { LinkCommonSpec } from '../types.js';
import { U16_MAX, U8_MAX, validateBoolean, validateOneOf } from '../validate.js';
import type { KindData, LinkKind } from './kind.js';

/** The IFLA_INFO_DATA members' names, for error messages; built on first use. */
const dataAttributeNames = lazyAttributeNames(ifLink, 'IFLA_GENEVE_', ifLink.IFLA_GENEVE_MAX);

/** The largest Geneve VNI (24 bits). */
const GENEVE_VNI_MAX = 0xffffff;
/** The largest IPv6 flow label (20 bits). */
const FLOWLABEL_MAX = 0xfffff;

/** How the outer IPv4 header's DF bit is set (IFLA_GENEVE_DF, `df unset|set|inherit`): never, always, or copied from the inner packet. */
export type GeneveDf = 'unset' | 'set' | 'inherit';
const DF_VALUES: Record<GeneveDf, number> = { unset: GENEVE_DF_UNSET, set: GENEVE_DF_SET, inherit: GENEVE_DF_INHERIT };
const DF_NAMES = Object.keys(DF_VALUES) as GeneveDf[];

const BOOLEAN_KEYS = ['udpCsum', 'udp6ZeroCsumTx', 'udp6ZeroCsumRx', 'external', 'innerProtoInherit'] as const;

/**
 * `ip link add NAME type geneve id VNI remote ADDR [ttl TTL] [tos TOS] [df DF]
 * [label LABEL] [dstport PORT] [[no]udpcsum] [[no]udp6zerocsumtx|rx]` or
 * `... type geneve external [innerprotoinherit]`. Encoded like iproute2
 * (checked against ip's captured requests), not verified against a kernel here.
 */
export interface GeneveSpec extends LinkCommonSpec {
  /** Selects the geneve kind (IFLA_INFO_KIND "geneve"). */
  type: 'geneve';
  /** IFLA_GENEVE_ID: the VNI, 0–2²⁴−1; required unless external. */
  id?: number;
  /** IFLA_GENEVE_REMOTE or _REMOTE6: the unicast peer, IPv4 or IPv6; required unless external. */
  remote?: string;
  /** Outer TTL; 'inherit' copies the inner one, 'auto' (0, the default) lets the route decide. */
  ttl?: number | 'inherit' | 'auto';
  /** Outer TOS; 'inherit' copies the inner one (default 0). */
  tos?: number | 'inherit';
  /** Outer IPv4 DF bit (`df`); the kernel default is 'unset'. */
  df?: GeneveDf;
  /** IPv6 flow label of the outer header, 0..0xfffff (default 0). */
  label?: number;
  /** UDP destination port (the kernel's default is 6081). */
  dstport?: number;
  /** Compute the outer UDP checksum over an IPv4 underlay (`[no]udpcsum`). */
  udpCsum?: boolean;
  /** Send a zero UDP checksum over an IPv6 underlay (`[no]udp6zerocsumtx`). */
  udp6ZeroCsumTx?: boolean;
  /** Accept a zero UDP checksum over an IPv6 underlay (`[no]udp6zerocsumrx`). */
  udp6ZeroCsumRx?: boolean;
  /** Flow-based (`external`, collect metadata): VNI and remote come from per-packet metadata. */
  external?: boolean;
  /** Carry the inner packet's protocol instead of Ethernet (`innerprotoinherit`: a layer-3 device). */
  innerProtoInherit?: boolean;
}

/** IFLA_INFO_DATA of a geneve. */
export interface GeneveInfo extends KindData {
  /** IFLA_GENEVE_ID: the VNI. */
  id?: number;
  /** IFLA_GENEVE_REMOTE: the IPv4 peer. */
  remote?: string;
  /** IFLA_GENEVE_REMOTE6: the IPv6 peer. */
  remote6?: string;
  /** IFLA_GENEVE_TTL: outer TTL; 0 lets the route decide. */
  ttl?: number;
  /** IFLA_GENEVE_TTL_INHERIT: the outer TTL copies the inner one. */
  ttlInherit?: boolean;
  /** IFLA_GENEVE_TOS: outer TOS; 1 means inherit from the inner packet. */
  tos?: number;
  /** IFLA_GENEVE_DF by name; the number for a value nlkit does not know. */
  df?: GeneveDf | number;
  /** IFLA_GENEVE_LABEL: IPv6 flow label of the outer header (host byte order). */
  label?: number;
  /** IFLA_GENEVE_PORT: UDP destination port, host byte order. */
  port?: number;
  /** IFLA_GENEVE_UDP_CSUM: outer UDP checksums are computed over IPv4. */
  udpCsum?: boolean;
  /** IFLA_GENEVE_UDP_ZERO_CSUM6_TX: zero UDP checksums are sent over IPv6. */
  udp6ZeroCsumTx?: boolean;
  /** IFLA_GENEVE_UDP_ZERO_CSUM6_RX: zero UDP checksums are accepted over IPv6. */
  udp6ZeroCsumRx?: boolean;
  /** IFLA_GENEVE_COLLECT_METADATA: flow-based (`external`) mode. */
  external?: boolean;
  /** IFLA_GENEVE_INNER_PROTO_INHERIT: the device carries the inner protocol, not Ethernet. */
  innerProtoInherit?: boolean;
}

export const geneve: LinkKind<GeneveSpec, GeneveInfo> = {
  kind: 'geneve',
  creatable: true,
  specKeys: ['id', 'remote', 'ttl', 'tos', 'df', 'label', 'dstport', ...BOOLEAN_KEYS],
  get dataAttributeNames() {
    return dataAttributeNames();
  },

  validate(spec) {
    for (const key of BOOLEAN_KEYS) if (spec[key] !== undefined) validateBoolean(spec[key], key);
    if (spec.external) {
      // As ip: a flow-based device takes its VNI and peer from each packet's metadata.
      if (spec.id !== undefined) throw new InvalidArgumentError(`geneve "${spec.name}": give either id or external: true, not both`);
      if (spec.remote !== undefined) throw new InvalidArgumentError(`geneve "${spec.name}": give either remote or external: true, not both`);
    } else {
      if (spec.id === undefined) throw new InvalidArgumentError(`geneve "${spec.name}" needs id (the VNI, 0-${GENEVE_VNI_MAX}) unless external is true`);
      if (spec.remote === undefined) throw new InvalidArgumentError(`geneve "${spec.name}" needs remote (the peer's address) unless external is true`);
    }
    if (spec.id !== undefined) validateInteger(spec.id, 'id', 0, GENEVE_VNI_MAX);
    if (spec.remote !== undefined) requireIp(spec.remote, 'remote');
    if (spec.ttl !== undefined && spec.ttl !== 'inherit' && spec.ttl !== 'auto') validateInteger(spec.ttl, 'ttl', 0, U8_MAX);
    if (spec.tos !== undefined && spec.tos !== 'inherit') validateInteger(spec.tos, 'tos', 0, U8_MAX);
    if (spec.df !== undefined) validateOneOf(spec.df, 'df', DF_NAMES);
    if (spec.label !== undefined) validateInteger(spec.label, 'label', 0, FLOWLABEL_MAX);
    if (spec.dstport !== undefined) validateInteger(spec.dstport, 'dstport', 0, U16_MAX);
  },

  encodeInfoData(spec, w) {
    // As ip: id, label, ttl and tos are always sent (0 when not given), the rest only when given.
    w.u32(IFLA_GENEVE_ID, spec.id ?? 0);
    if (spec.remote !== undefined) w.ip(spec.remote.includes(':') ? IFLA_GENEVE_REMOTE6 : IFLA_GENEVE_REMOTE, spec.remote);
    w.be32(IFLA_GENEVE_LABEL, spec.label ?? 0);
    w.u8(IFLA_GENEVE_TTL, typeof spec.ttl === 'number' ? spec.ttl : 0);
    // Unlike vxlan's, geneve's policy takes TTL_INHERIT as a u8.
    if (spec.ttl === 'inherit') w.u8(IFLA_GENEVE_TTL_INHERIT, 1);
    w.u8(IFLA_GENEVE_TOS, spec.tos === 'inherit' ? 1 : spec.tos ?? 0);
    if (spec.df !== undefined) w.u8(IFLA_GENEVE_DF, DF_VALUES[spec.df]);
    if (spec.external) w.flag(IFLA_GENEVE_COLLECT_METADATA);
    if (spec.innerProtoInherit) w.flag(IFLA_GENEVE_INNER_PROTO_INHERIT);
    if (spec.dstport !== undefined) w.be16(IFLA_GENEVE_PORT, spec.dstport);
    if (spec.udpCsum !== undefined) w.u8(IFLA_GENEVE_UDP_CSUM, spec.udpCsum ? 1 : 0);
    if (spec.udp6ZeroCsumTx !== undefined) w.u8(IFLA_GENEVE_UDP_ZERO_CSUM6_TX, spec.udp6ZeroCsumTx ? 1 : 0);
    if (spec.udp6ZeroCsumRx !== undefined) w.u8(IFLA_GENEVE_UDP_ZERO_CSUM6_RX, spec.udp6ZeroCsumRx ? 1 : 0);
  },

  decodeInfoData(c) {
    const info: GeneveInfo = { unknown: [] };
    while (c.next()) {
      switch (c.type) {
        case IFLA_GENEVE_ID: info.id = c.u32(); break;
        case IFLA_GENEVE_REMOTE: info.remote = c.ip(); break;
        case IFLA_GENEVE_REMOTE6: info.remote6 = c.ip(); break;
        case IFLA_GENEVE_TTL: info.ttl = c.u8(); break;
        case IFLA_GENEVE_TTL_INHERIT: info.ttlInherit = c.u8() !== 0; break;
        case IFLA_GENEVE_TOS: info.tos = c.u8(); break;
        case IFLA_GENEVE_DF: {
          const df = c.u8();
          info.df = DF_NAMES.find((name) => DF_VALUES[name] === df) ?? df;
          break;
        }
        case IFLA_GENEVE_LABEL: info.label = c.be32(); break;
        case IFLA_GENEVE_PORT: info.port = c.be16(); break;
        case IFLA_GENEVE_UDP_CSUM: info.udpCsum = c.u8() !== 0; break;
        case IFLA_GENEVE_UDP_ZERO_CSUM6_TX: info.udp6ZeroCsumTx = c.u8() !== 0; break;
        case IFLA_GENEVE_UDP_ZERO_CSUM6_RX: info.udp6ZeroCsumRx = c.u8() !== 0; break;
        case IFLA_GENEVE_COLLECT_METADATA: info.external = true; break;
        case IFLA_GENEVE_INNER_PROTO_INHERIT: info.innerProtoInherit = true; break;
        default: info.unknown.push(c.rawView());
      }
    }
    return info;
  },
};
