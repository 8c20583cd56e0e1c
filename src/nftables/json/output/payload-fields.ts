// Protocol header fields as nft names them (nftables 1.0.6 src/proto.c), by
// bit offset and length, with the datatype their values print as. The
// delinearizer finds a field from a payload load (base, offset, length) and
// the mask a bitwise applies to it.
import { integerType, DATATYPES as T, type Datatype } from '../../objects/datatypes.js';
import { plainInteger } from './values.js';
import { INET_PROTO } from './protocols.js';

export type Layer = 'link' | 'network' | 'transport';

/** One header field: `ip saddr` is { name: 'saddr', offset: 96, length: 32 } in protocol `ip`. */
export interface HeaderField {
  name: string;
  /** ICMP fields that exist only for some message types (`icmpv6 mtu` in packet-too-big): those types. */
  types?: number[];
  /**
   * The one ICMP type nft adds as this field's dependency and leaves out again when listing
   * (payload.c icmp_dep_to_type): `icmpv6 mtu` implies packet-too-big. Echo ids and sequences
   * depend on a set of types, so a user's `icmp type echo-request` before them stays.
   */
  implies?: number;
  /** Bit offset from the start of the header. */
  offset: number;
  /** Length in bits. */
  length: number;
  type: Datatype;
}

/** A header: its fields, and what a match on its protocol-key field establishes for the layer above. */
export interface Header {
  name: string;
  layer: Layer;
  fields: HeaderField[];
  /** The field naming the next header (`ip protocol`, `ip6 nexthdr`, `ether type`). */
  protocolKey?: string;
}

const f = (name: string, offset: number, length: number, type: Datatype = plainInteger(Math.ceil(length / 8)), types?: number[], implies?: number): HeaderField => ({
  name, offset, length, type, ...(types ? { types } : {}), ...(implies !== undefined ? { implies } : {}),
});
const ipv4 = T.ipv4_addr!;
const ipv6 = T.ipv6_addr!;
const service = T.inet_service!;
const ethertype = T.ether_type!;
const ether = T.ether_addr!;
/** `ip6 flowlabel` is 20 bits: three bytes of value. */
const u20 = integerType('integer(20)', 0, 3, 'big');

const ports = (): HeaderField[] => [f('sport', 0, 16, service), f('dport', 16, 16, service)];

export const HEADERS: Record<string, Header> = {
  ether: {
    name: 'ether', layer: 'link', protocolKey: 'type',
    fields: [f('daddr', 0, 48, ether), f('saddr', 48, 48, ether), f('type', 96, 16, ethertype)],
  },
  // The 802.1Q header follows the ethernet header: its offsets count from the start of the frame.
  vlan: {
    name: 'vlan', layer: 'link', protocolKey: 'type',
    fields: [f('pcp', 112, 3), f('dei', 115, 1), f('id', 116, 12), f('type', 128, 16, ethertype)],
  },
  arp: {
    name: 'arp', layer: 'network',
    fields: [
      f('htype', 0, 16), f('ptype', 16, 16, ethertype), f('hlen', 32, 8), f('plen', 40, 8), f('operation', 48, 16, T.arp_op!),
      f('saddr ether', 64, 48, ether), f('saddr ip', 112, 32, ipv4), f('daddr ether', 144, 48, ether), f('daddr ip', 192, 32, ipv4),
    ],
  },
  ip: {
    name: 'ip', layer: 'network', protocolKey: 'protocol',
    fields: [
      f('version', 0, 4), f('hdrlength', 4, 4), f('dscp', 8, 6, T.dscp!), f('ecn', 14, 2, T.ecn!), f('length', 16, 16),
      f('id', 32, 16), f('frag-off', 48, 16), f('ttl', 64, 8), f('protocol', 72, 8, INET_PROTO), f('checksum', 80, 16),
      f('saddr', 96, 32, ipv4), f('daddr', 128, 32, ipv4),
    ],
  },
  ip6: {
    name: 'ip6', layer: 'network', protocolKey: 'nexthdr',
    fields: [
      f('version', 0, 4), f('dscp', 4, 6, T.dscp!), f('ecn', 10, 2, T.ecn!), f('flowlabel', 12, 20, u20), f('length', 32, 16),
      f('nexthdr', 48, 8, INET_PROTO), f('hoplimit', 56, 8), f('saddr', 64, 128, ipv6), f('daddr', 192, 128, ipv6),
    ],
  },
  icmp: {
    name: 'icmp', layer: 'transport',
    fields: [
      f('type', 0, 8, T.icmp_type!), f('code', 8, 8, T.icmp_code!), f('checksum', 16, 16),
      f('id', 32, 16, undefined, [0, 8, 13, 14, 15, 16, 17, 18]), f('sequence', 48, 16, undefined, [0, 8, 13, 14, 15, 16, 17, 18]),
      f('gateway', 32, 32, undefined, [5], 5), f('mtu', 48, 16, undefined, [3], 3),
    ],
  },
  icmpv6: {
    name: 'icmpv6', layer: 'transport',
    fields: [
      f('type', 0, 8, T.icmpv6_type!), f('code', 8, 8, T.icmpv6_code!), f('checksum', 16, 16),
      f('parameter-problem', 32, 32, undefined, [4], 4), f('mtu', 32, 32, undefined, [2], 2), f('id', 32, 16, undefined, [128, 129]),
      f('sequence', 48, 16, undefined, [128, 129]), f('max-delay', 32, 16, undefined, [130, 131, 132], 130),
    ],
  },
  tcp: {
    name: 'tcp', layer: 'transport',
    fields: [
      ...ports(), f('sequence', 32, 32), f('ackseq', 64, 32), f('doff', 96, 4), f('reserved', 100, 4),
      f('flags', 104, 8, T.tcp_flag!), f('window', 112, 16), f('checksum', 128, 16), f('urgptr', 144, 16),
    ],
  },
  igmp: {
    name: 'igmp', layer: 'transport',
    fields: [f('type', 0, 8, T.igmp_type!), f('mrt', 8, 8), f('checksum', 16, 16), f('group', 32, 32)],
  },
  udp: { name: 'udp', layer: 'transport', fields: [...ports(), f('length', 32, 16), f('checksum', 48, 16)] },
  udplite: { name: 'udplite', layer: 'transport', fields: [...ports(), f('csumcov', 32, 16), f('checksum', 48, 16)] },
  sctp: { name: 'sctp', layer: 'transport', fields: [...ports(), f('vtag', 32, 32), f('checksum', 64, 32)] },
  dccp: { name: 'dccp', layer: 'transport', fields: [...ports(), f('type', 67, 4, T.dccp_pkttype!)] },
  esp: { name: 'esp', layer: 'transport', fields: [f('spi', 0, 32), f('sequence', 32, 32)] },
  ah: {
    name: 'ah', layer: 'transport',
    fields: [f('nexthdr', 0, 8, INET_PROTO), f('hdrlength', 8, 8), f('reserved', 16, 16), f('spi', 32, 32), f('sequence', 64, 32)],
  },
  comp: { name: 'comp', layer: 'transport', fields: [f('nexthdr', 0, 8, INET_PROTO), f('flags', 8, 8), f('cpi', 16, 16)] },
  // nft's `th`: the ports of whatever transport header follows, when no rule match names it.
  th: { name: 'th', layer: 'transport', fields: ports() },
};

/** Transport protocols by IP protocol number, as nft names their headers. */
export const TRANSPORT_BY_NUMBER: Record<number, string> = {
  1: 'icmp', 2: 'igmp', 6: 'tcp', 17: 'udp', 33: 'dccp', 50: 'esp', 51: 'ah', 58: 'icmpv6', 108: 'comp', 132: 'sctp', 136: 'udplite',
};

/** Network (and inner link) protocols by EtherType. */
export const NETWORK_BY_ETHERTYPE: Record<number, string> = { 0x0800: 'ip', 0x86dd: 'ip6', 0x0806: 'arp', 0x8100: 'vlan', 0x88a8: 'vlan' };

/** Network protocols by `meta nfproto` value. */
export const NETWORK_BY_NFPROTO: Record<number, string> = { 2: 'ip', 10: 'ip6' };

/**
 * The field of `header` a load of bits [offset, offset + length) reads: exact,
 * or (`exact` false) the field that starts there and is longer (a prefix load).
 */
export function findField(header: Header, offset: number, length: number, icmpType?: number): HeaderField | undefined {
  const exact = header.fields.filter((x) => x.offset === offset && x.length === length);
  // Where ICMP message types lay the same bytes out differently, the type matched before decides.
  const hit = exact.find((x) => icmpType !== undefined && x.types?.includes(icmpType)) ?? exact.find((x) => !x.types);
  if (hit) return hit;
  // Fields of other message types than the one matched before name nothing (`icmpv6 id . sequence` after echo-request).
  if (exact.length && icmpType !== undefined) return undefined;
  return exact[0]
    ?? header.fields.find((x) => x.offset === offset && x.length > length && x.length % 8 === 0 && length % 8 === 0);
}
