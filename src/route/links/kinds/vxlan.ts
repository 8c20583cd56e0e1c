import * as ifLink from '../../../generated/if_link.js';
import {
  IFLA_VXLAN_AGEING, IFLA_VXLAN_COLLECT_METADATA, IFLA_VXLAN_DF, IFLA_VXLAN_GBP, IFLA_VXLAN_GPE, IFLA_VXLAN_GROUP,
  IFLA_VXLAN_GROUP6, IFLA_VXLAN_ID, IFLA_VXLAN_L2MISS, IFLA_VXLAN_L3MISS, IFLA_VXLAN_LABEL, IFLA_VXLAN_LEARNING,
  IFLA_VXLAN_LIMIT, IFLA_VXLAN_LINK, IFLA_VXLAN_LOCAL, IFLA_VXLAN_LOCAL6, IFLA_VXLAN_PORT, IFLA_VXLAN_PORT_RANGE,
  IFLA_VXLAN_PROXY, IFLA_VXLAN_REMCSUM_NOPARTIAL, IFLA_VXLAN_REMCSUM_RX, IFLA_VXLAN_REMCSUM_TX, IFLA_VXLAN_RSC,
  IFLA_VXLAN_TOS, IFLA_VXLAN_TTL, IFLA_VXLAN_TTL_INHERIT, IFLA_VXLAN_UDP_CSUM, IFLA_VXLAN_UDP_ZERO_CSUM6_RX,
  IFLA_VXLAN_UDP_ZERO_CSUM6_TX, IFLA_VXLAN_VNIFILTER, VXLAN_DF_INHERIT, VXLAN_DF_SET, VXLAN_DF_UNSET,
} from '../../../generated/if_link.js';
import { InvalidArgumentError, requireIp } from '../../../netlink/addresses.js';
import { be16 } from '../../../netlink/byte-reads.js';
import type { MessageWriter } from '../../../netlink/writer.js';
import { hex0x } from '../../ipjson.js';
import { validateInteger } from '../../names.js';
import { validateLinkRef, type LinkRef } from '../../resolve.js';
import { encodeLinkNetnsId, validateLinkNetnsId, type LinkNetnsIdSpec } from './link-netnsid.js';
import { lazyAttributeNames } from '../attribute-names.js';
import type { LinkCommonSpec } from '../types.js';
import { U16_MAX, U8_MAX, validateBoolean, validateOneOf, validateU32 } from '../validate.js';
import type { KindData, LinkKind } from './kind.js';

/** The IFLA_INFO_DATA members' names, for error messages; built on first use. */
const dataAttributeNames = lazyAttributeNames(ifLink, 'IFLA_VXLAN_', ifLink.IFLA_VXLAN_MAX);

export const VXLAN_VNI_MAX = 0xffffff;
const FLOWLABEL_MAX = 0xfffff;

/** How the outer IPv4 header's DF bit is set (IFLA_VXLAN_DF, `df unset|set|inherit`): never, always, or copied from the inner packet. */
export type VxlanDf = 'unset' | 'set' | 'inherit';
const DF_VALUES: Record<VxlanDf, number> = { unset: VXLAN_DF_UNSET, set: VXLAN_DF_SET, inherit: VXLAN_DF_INHERIT };
const DF_NAMES = Object.keys(DF_VALUES) as VxlanDf[];

/**
 * `ip link add NAME type vxlan id VNI [remote|group ADDR] [local ADDR] [dev DEV] [dstport PORT] ...`
 * As after `type vxlan` in ip, `group` is the multicast group; set a vxlan's
 * device group with `set(name, { group })`.
 */
export interface VxlanSpec extends Omit<LinkCommonSpec, 'group'>, LinkNetnsIdSpec {
  /** Selects the vxlan kind (IFLA_INFO_KIND "vxlan"). */
  type: 'vxlan';
  /** VXLAN network identifier, 0..16777215. Required unless `external`. */
  id?: number;
  /** Unicast remote VTEP. */
  remote?: string;
  /** Multicast group to join (needs `link`). */
  group?: string;
  /** Source address of the encapsulated packets. */
  local?: string;
  /** The underlay device (`dev`). */
  link?: LinkRef;
  /** UDP destination port (the kernel's default is 8472; IANA's is 4789). */
  dstport?: number;
  /** UDP source port range [min, max]. */
  srcport?: [number, number];
  /** Outer TTL; 'inherit' copies the inner one, 'auto' (0) lets the route decide. */
  ttl?: number | 'inherit' | 'auto';
  /** Outer TOS; 'inherit' copies the inner one. */
  tos?: number | 'inherit';
  /** Outer IPv4 DF bit (`df`); the kernel default is 'unset'. */
  df?: VxlanDf;
  /** IPv6 flow label, 0..0xfffff. */
  label?: number;
  /** Learn remote MACs into the fdb from received packets (`[no]learning`); on by default. */
  learning?: boolean;
  /** ARP/ND proxy: answer from the neighbour table instead of flooding (`proxy`). */
  proxy?: boolean;
  /** Route short-circuit: for a routed packet, use the fdb entry of the next hop's MAC (`rsc`). */
  rsc?: boolean;
  /** Send netlink notifications on fdb misses (`l2miss`), for an external control plane. */
  l2miss?: boolean;
  /** Send netlink notifications on IP neighbour misses (`l3miss`). */
  l3miss?: boolean;
  /** FDB entry lifetime in seconds. */
  ageing?: number;
  /** Maximum number of FDB entries (`maxaddress`). */
  maxAddresses?: number;
  /** Compute the outer UDP checksum over an IPv4 underlay (`udpcsum`); off by default. */
  udpCsum?: boolean;
  /** Send a zero UDP checksum over an IPv6 underlay (`udp6zerocsumtx`). */
  udp6ZeroCsumTx?: boolean;
  /** Accept a zero UDP checksum over an IPv6 underlay (`udp6zerocsumrx`). */
  udp6ZeroCsumRx?: boolean;
  /** Collect metadata (flow-based tunnelling, `external`). */
  external?: boolean;
  /** Group Based Policy extension. */
  gbp?: boolean;
}

export interface VxlanInfo extends KindData {
  /** IFLA_VXLAN_ID: the VNI, 0-16777215. */
  id?: number;
  /** IFLA_VXLAN_GROUP: the IPv4 remote or multicast group. */
  group?: string;
  /** IFLA_VXLAN_GROUP6: the IPv6 remote or multicast group. */
  group6?: string;
  /** IFLA_VXLAN_LOCAL: IPv4 source address of the encapsulated packets. */
  local?: string;
  /** IFLA_VXLAN_LOCAL6: IPv6 source address of the encapsulated packets. */
  local6?: string;
  /** IFLA_VXLAN_LINK: ifindex of the underlay device (`dev`). */
  link?: number;
  /** IFLA_VXLAN_TTL: outer TTL; 0 lets the route decide (`ttl auto`). */
  ttl?: number;
  /** IFLA_VXLAN_TTL_INHERIT: the outer TTL copies the inner one (`ttl inherit`). */
  ttlInherit?: boolean;
  /** IFLA_VXLAN_TOS: outer TOS; 1 means inherit from the inner packet. */
  tos?: number;
  /** IFLA_VXLAN_DF by name; the raw number for a value nlkit does not know. */
  df?: VxlanDf | number;
  /** IFLA_VXLAN_LABEL: IPv6 flow label of the outer header (host byte order). */
  label?: number;
  /** IFLA_VXLAN_LEARNING: remote MACs are learned from received packets. */
  learning?: boolean;
  /** IFLA_VXLAN_AGEING: fdb entry lifetime in seconds (default 300). */
  ageing?: number;
  /** IFLA_VXLAN_LIMIT: most fdb entries (`maxaddress`); 0 is unlimited. */
  limit?: number;
  /** IFLA_VXLAN_PORT_RANGE: UDP source port range [min, max] (`srcport`). */
  portRange?: [number, number];
  /** IFLA_VXLAN_PROXY: ARP/ND proxy is on. */
  proxy?: boolean;
  /** IFLA_VXLAN_RSC: route short-circuit is on. */
  rsc?: boolean;
  /** IFLA_VXLAN_L2MISS: fdb misses are notified. */
  l2miss?: boolean;
  /** IFLA_VXLAN_L3MISS: IP neighbour misses are notified. */
  l3miss?: boolean;
  /** IFLA_VXLAN_PORT: UDP destination port (`dstport`), host byte order. */
  port?: number;
  /** IFLA_VXLAN_UDP_CSUM: outer UDP checksums are computed over IPv4. */
  udpCsum?: boolean;
  /** IFLA_VXLAN_UDP_ZERO_CSUM6_TX: zero UDP checksums are sent over IPv6. */
  udpZeroCsum6Tx?: boolean;
  /** IFLA_VXLAN_UDP_ZERO_CSUM6_RX: zero UDP checksums are accepted over IPv6. */
  udpZeroCsum6Rx?: boolean;
  /** IFLA_VXLAN_REMCSUM_TX: remote checksum offload on transmit (`remcsumtx`). */
  remcsumTx?: boolean;
  /** IFLA_VXLAN_REMCSUM_RX: remote checksum offload on receive (`remcsumrx`). */
  remcsumRx?: boolean;
  /** IFLA_VXLAN_REMCSUM_NOPARTIAL: remote checksum offload without partial checksums. */
  remcsumNopartial?: boolean;
  /** IFLA_VXLAN_GBP: the Group Based Policy extension is on (`gbp`). */
  gbp?: boolean;
  /** IFLA_VXLAN_GPE: Generic Protocol Extension (VXLAN-GPE) is on (`gpe`). */
  gpe?: boolean;
  /** IFLA_VXLAN_COLLECT_METADATA: flow-based (`external`) mode; the VNI and remote come from per-packet metadata. */
  collectMetadata?: boolean;
  /** IFLA_VXLAN_VNIFILTER: per-VNI filtering of an `external` device (`vnifilter on`). */
  vnifilter?: boolean;
}

const BOOLEAN_KEYS = ['learning', 'proxy', 'rsc', 'l2miss', 'l3miss', 'udpCsum', 'udp6ZeroCsumTx', 'udp6ZeroCsumRx', 'external', 'gbp'] as const;

function isMulticast(address: string): boolean {
  if (address.includes(':')) return /^ff/i.test(address);
  const first = Number(address.slice(0, address.indexOf('.')));
  return first >= 224 && first <= 239;
}

function isUnspecified(address: string): boolean {
  return address === '0.0.0.0' || address === '::';
}

function writeAddress(w: MessageWriter, v4: number, v6: number, address: string): void {
  w.ip(address.includes(':') ? v6 : v4, address);
}

export const vxlan: LinkKind<VxlanSpec, VxlanInfo> = {
  kind: 'vxlan',
  creatable: true,
  redefines: ['group'],
  specKeys: ['id', 'remote', 'group', 'local', 'link', 'dstport', 'srcport', 'ttl', 'tos', 'df', 'label', 'ageing', 'maxAddresses', 'linkNetnsId', ...BOOLEAN_KEYS],
  get dataAttributeNames() {
    return dataAttributeNames();
  },

  validate(spec) {
    validateLinkNetnsId(spec);
    if (spec.id === undefined) {
      if (!spec.external) throw new InvalidArgumentError(`vxlan "${spec.name}" needs id (the VNI, 0-${VXLAN_VNI_MAX}) unless external is true`);
    } else validateInteger(spec.id, 'id', 0, VXLAN_VNI_MAX);
    if (spec.remote !== undefined && spec.group !== undefined) throw new InvalidArgumentError('give either remote (unicast) or group (multicast), not both');
    const families: number[] = [];
    if (spec.remote !== undefined) {
      families.push(requireIp(spec.remote, 'remote'));
      if (isMulticast(spec.remote)) throw new InvalidArgumentError(`remote "${spec.remote}" is a multicast address; use group for multicast`);
    }
    if (spec.group !== undefined) {
      families.push(requireIp(spec.group, 'group'));
      if (!isMulticast(spec.group)) throw new InvalidArgumentError(`group "${spec.group}" is not a multicast address; use remote for a unicast peer`);
    }
    if (spec.local !== undefined) families.push(requireIp(spec.local, 'local'));
    if (families.length === 2 && families[0] !== families[1]) throw new InvalidArgumentError('local and remote/group must both be IPv4 or both IPv6');
    if (spec.link !== undefined) validateLinkRef(spec.link, 'link');
    if (spec.dstport !== undefined) validateInteger(spec.dstport, 'dstport', 0, U16_MAX);
    if (spec.srcport !== undefined) {
      if (!Array.isArray(spec.srcport) || spec.srcport.length !== 2) throw new InvalidArgumentError('srcport must be [min, max]');
      const [min, max] = spec.srcport;
      validateInteger(min, 'srcport min', 0, U16_MAX);
      validateInteger(max, 'srcport max', 0, U16_MAX);
      if (max < min) throw new InvalidArgumentError(`srcport [${min}, ${max}]: max is below min`);
    }
    if (spec.ttl !== undefined && spec.ttl !== 'inherit' && spec.ttl !== 'auto') validateInteger(spec.ttl, 'ttl', 0, U8_MAX);
    if (spec.tos !== undefined && spec.tos !== 'inherit') validateInteger(spec.tos, 'tos', 0, U8_MAX);
    if (spec.df !== undefined) validateOneOf(spec.df, 'df', DF_NAMES);
    if (spec.label !== undefined) validateInteger(spec.label, 'label', 0, FLOWLABEL_MAX);
    if (spec.ageing !== undefined) validateU32(spec.ageing, 'ageing');
    if (spec.maxAddresses !== undefined) validateU32(spec.maxAddresses, 'maxAddresses');
    for (const key of BOOLEAN_KEYS) if (spec[key] !== undefined) validateBoolean(spec[key], key);
  },

  linkRefs(spec) {
    return spec.link === undefined ? [] : [spec.link];
  },

  encodeLinkAttributes(spec, w) {
    encodeLinkNetnsId(spec, w);
  },

  encodeInfoData(spec, w, ctx) {
    if (spec.id !== undefined) w.u32(IFLA_VXLAN_ID, spec.id);
    const peer = spec.remote ?? spec.group;
    if (peer !== undefined) writeAddress(w, IFLA_VXLAN_GROUP, IFLA_VXLAN_GROUP6, peer);
    if (spec.local !== undefined) writeAddress(w, IFLA_VXLAN_LOCAL, IFLA_VXLAN_LOCAL6, spec.local);
    if (spec.link !== undefined) w.u32(IFLA_VXLAN_LINK, ctx.linkIndex(spec.link));
    if (spec.dstport !== undefined) w.be16(IFLA_VXLAN_PORT, spec.dstport);
    if (spec.srcport !== undefined) {
      const range = Buffer.alloc(4);
      range.writeUInt16BE(spec.srcport[0], 0);
      range.writeUInt16BE(spec.srcport[1], 2);
      w.binary(IFLA_VXLAN_PORT_RANGE, range);
    }
    // The kernel's policy takes TTL_INHERIT as a flag, though it reports a u8.
    if (spec.ttl === 'inherit') w.flag(IFLA_VXLAN_TTL_INHERIT);
    else if (spec.ttl !== undefined) w.u8(IFLA_VXLAN_TTL, spec.ttl === 'auto' ? 0 : spec.ttl);
    if (spec.tos !== undefined) w.u8(IFLA_VXLAN_TOS, spec.tos === 'inherit' ? 1 : spec.tos);
    if (spec.df !== undefined) w.u8(IFLA_VXLAN_DF, DF_VALUES[spec.df]);
    if (spec.label !== undefined) w.be32(IFLA_VXLAN_LABEL, spec.label);
    if (spec.learning !== undefined) w.u8(IFLA_VXLAN_LEARNING, spec.learning ? 1 : 0);
    if (spec.proxy !== undefined) w.u8(IFLA_VXLAN_PROXY, spec.proxy ? 1 : 0);
    if (spec.rsc !== undefined) w.u8(IFLA_VXLAN_RSC, spec.rsc ? 1 : 0);
    if (spec.l2miss !== undefined) w.u8(IFLA_VXLAN_L2MISS, spec.l2miss ? 1 : 0);
    if (spec.l3miss !== undefined) w.u8(IFLA_VXLAN_L3MISS, spec.l3miss ? 1 : 0);
    if (spec.ageing !== undefined) w.u32(IFLA_VXLAN_AGEING, spec.ageing);
    if (spec.maxAddresses !== undefined) w.u32(IFLA_VXLAN_LIMIT, spec.maxAddresses);
    if (spec.udpCsum !== undefined) w.u8(IFLA_VXLAN_UDP_CSUM, spec.udpCsum ? 1 : 0);
    if (spec.udp6ZeroCsumTx !== undefined) w.u8(IFLA_VXLAN_UDP_ZERO_CSUM6_TX, spec.udp6ZeroCsumTx ? 1 : 0);
    if (spec.udp6ZeroCsumRx !== undefined) w.u8(IFLA_VXLAN_UDP_ZERO_CSUM6_RX, spec.udp6ZeroCsumRx ? 1 : 0);
    if (spec.external !== undefined) w.u8(IFLA_VXLAN_COLLECT_METADATA, spec.external ? 1 : 0);
    if (spec.gbp) w.flag(IFLA_VXLAN_GBP);
  },

  decodeInfoData(c) {
    const info: VxlanInfo = { unknown: [] };
    while (c.next()) {
      switch (c.type) {
        case IFLA_VXLAN_ID: info.id = c.u32(); break;
        case IFLA_VXLAN_GROUP: info.group = c.ip(); break;
        case IFLA_VXLAN_GROUP6: info.group6 = c.ip(); break;
        case IFLA_VXLAN_LOCAL: info.local = c.ip(); break;
        case IFLA_VXLAN_LOCAL6: info.local6 = c.ip(); break;
        case IFLA_VXLAN_LINK: info.link = c.u32(); break;
        case IFLA_VXLAN_TTL: info.ttl = c.u8(); break;
        case IFLA_VXLAN_TTL_INHERIT: info.ttlInherit = c.length === 0 || c.u8() !== 0; break;
        case IFLA_VXLAN_TOS: info.tos = c.u8(); break;
        case IFLA_VXLAN_DF: {
          const df = c.u8();
          info.df = DF_NAMES.find((name) => DF_VALUES[name] === df) ?? df;
          break;
        }
        case IFLA_VXLAN_LABEL: info.label = c.be32(); break;
        case IFLA_VXLAN_LEARNING: info.learning = c.u8() !== 0; break;
        case IFLA_VXLAN_AGEING: info.ageing = c.u32(); break;
        case IFLA_VXLAN_LIMIT: info.limit = c.u32(); break;
        case IFLA_VXLAN_PORT_RANGE:
          // struct ifla_vxlan_port_range: two big-endian u16.
          c.need(4);
          info.portRange = [be16(c.buf, c.start), be16(c.buf, c.start + 2)];
          break;
        case IFLA_VXLAN_PROXY: info.proxy = c.u8() !== 0; break;
        case IFLA_VXLAN_RSC: info.rsc = c.u8() !== 0; break;
        case IFLA_VXLAN_L2MISS: info.l2miss = c.u8() !== 0; break;
        case IFLA_VXLAN_L3MISS: info.l3miss = c.u8() !== 0; break;
        case IFLA_VXLAN_PORT: info.port = c.be16(); break;
        case IFLA_VXLAN_UDP_CSUM: info.udpCsum = c.u8() !== 0; break;
        case IFLA_VXLAN_UDP_ZERO_CSUM6_TX: info.udpZeroCsum6Tx = c.u8() !== 0; break;
        case IFLA_VXLAN_UDP_ZERO_CSUM6_RX: info.udpZeroCsum6Rx = c.u8() !== 0; break;
        case IFLA_VXLAN_REMCSUM_TX: info.remcsumTx = c.u8() !== 0; break;
        case IFLA_VXLAN_REMCSUM_RX: info.remcsumRx = c.u8() !== 0; break;
        case IFLA_VXLAN_REMCSUM_NOPARTIAL: info.remcsumNopartial = true; break;
        case IFLA_VXLAN_GBP: info.gbp = true; break;
        case IFLA_VXLAN_GPE: info.gpe = true; break;
        case IFLA_VXLAN_COLLECT_METADATA: info.collectMetadata = c.u8() !== 0; break;
        case IFLA_VXLAN_VNIFILTER: info.vnifilter = c.u8() !== 0; break;
        default: info.unknown.push(c.rawView());
      }
    }
    return info;
  },

  toIpJson(info, names) {
    const out: Record<string, unknown> = {};
    if (!info) return out;
    if (info.collectMetadata) out.external = true;
    if (info.vnifilter) out.vnifilter = true;
    if (info.id !== undefined) out.id = info.id;
    if (info.group !== undefined) {
      if (!isUnspecified(info.group)) out[isMulticast(info.group) ? 'group' : 'remote'] = info.group;
    } else if (info.group6 !== undefined && !isUnspecified(info.group6)) {
      out[isMulticast(info.group6) ? 'group6' : 'remote6'] = info.group6;
    }
    if (info.local !== undefined) {
      if (!isUnspecified(info.local)) out.local = info.local;
    } else if (info.local6 !== undefined && !isUnspecified(info.local6)) out.local6 = info.local6;
    if (info.link) out.link = names.name(info.link);
    if (info.portRange) out.port_range = { low: info.portRange[0], high: info.portRange[1] };
    if (info.port !== undefined) out.port = info.port;
    if (info.learning !== undefined) out.learning = info.learning;
    if (info.proxy) out.proxy = true;
    if (info.rsc) out.rsc = true;
    if (info.l2miss) out.l2miss = true;
    if (info.l3miss) out.l3miss = true;
    if (info.tos) out.tos = hex0x(info.tos);
    // ip prints "ttl inherit" only as text; its JSON has no ttl then.
    if (!info.ttlInherit && info.ttl !== undefined) out.ttl = info.ttl;
    if (info.df !== undefined && typeof info.df === 'string') out.df = info.df;
    if (info.label) out.label = hex0x(info.label);
    if (info.ageing !== undefined) out.ageing = info.ageing;
    if (info.limit) out.limit = info.limit;
    if (info.udpCsum !== undefined) out.udp_csum = info.udpCsum;
    if (info.udpZeroCsum6Tx !== undefined) out.udp_zero_csum6_tx = info.udpZeroCsum6Tx;
    if (info.udpZeroCsum6Rx !== undefined) out.udp_zero_csum6_rx = info.udpZeroCsum6Rx;
    if (info.remcsumTx) out.remcsum_tx = true;
    if (info.remcsumRx) out.remcsum_rx = true;
    if (info.gbp) out.gbp = true;
    if (info.gpe) out.gpe = true;
    return out;
  },
};
