// The left-hand sides nft's JSON names (`{"payload": {"protocol": "tcp", "field": "dport"}}`,
// `{"meta": {"key": "mark"}}`, `{"ct": {"key": "state"}}`), as nft 1.0.6's protocol
// tables define them (src/proto.c, src/meta.c, src/ct.c): where the value is loaded
// from, its datatype and the dependency nft puts before it. Whole-byte fields reuse
// the rule builder's sources; header fields that are not whole bytes (`ip dscp`)
// load the bytes around them and mask (nft's payload_expr_complete).
import { IPPROTO_AH, IPPROTO_COMP, IPPROTO_DCCP, IPPROTO_ESP, IPPROTO_ICMP, IPPROTO_IGMP, IPPROTO_SCTP, IPPROTO_TCP, IPPROTO_UDP, IPPROTO_UDPLITE } from '../../../generated/in.js';
import { NFT_REG_1 } from '../../../generated/nf_tables.js';
import type { CtKey } from '../../expressions/ct.js';
import type { Expression } from '../../expressions/types.js';
import type { PayloadBase } from '../../expressions/payload.js';
import { DATATYPES, datatype, integerType, type Datatype } from '../../objects/datatypes.js';
import { wideIntegerType } from '../../objects/wide-integers.js';
import { ctField, ETHER_FIELDS, META_FIELDS, metaField, NFPROTO_TYPE, payloadField } from '../../builder/fields.js';
import { cmp, type Linearizer, type NetworkProtocol, type Source } from '../../builder/linearizer.js';
import { ARPHRD_ETHER } from '../../../generated/if_arp.js';
import { ETH_P_8021Q, ETH_P_ARP, ETH_P_IP, ETH_P_IPV6 } from '../../../generated/if_ether.js';
import type { NftFamily } from '../../objects/family.js';

/** ICMPv6 (IPPROTO_ICMPV6), which <linux/in.h> leaves to <linux/in6.h>. */
const IPPROTO_ICMPV6 = 58;

/** A loadable field; `bits` when it is not whole bytes: the mask over the loaded bytes and how far values shift. */
export interface Field extends Source {
  bits?: { mask: Buffer; shift: number };
  /** For expressions whose destination register sits inside raw data (`unknown` kinds): the load into `dreg`. */
  loadAt?: (dreg: number) => Expression;
}

const T = DATATYPES;
const int = (name: string, length: number, byteorder: 'big' | 'host', names: Record<string, number> = {}) => integerType(name, 0, length, byteorder, names);

/** A header field at a bit offset and width, e.g. `ip dscp` (6 bits at bit 8). */
function bitField(name: string, base: PayloadBase, bitOffset: number, bitLength: number, type: Datatype, network?: NetworkProtocol, transport?: number): Field {
  const span = bitSpan(bitOffset, bitLength);
  const source = payloadField(name, base, span.offset, span.bytes, type, network, transport);
  return span.bits ? { ...source, bits: span.bits } : source;
}

/** The whole bytes around a field of `bitLength` bits at `bitOffset`, and the mask and shift when it does not fill them. */
export function bitSpan(bitOffset: number, bitLength: number): { offset: number; bytes: number; bits?: { mask: Buffer; shift: number } } {
  if (bitOffset % 8 === 0 && bitLength % 8 === 0) return { offset: bitOffset / 8, bytes: bitLength / 8 };
  const first = Math.floor(bitOffset / 8);
  const bytes = Math.ceil((bitOffset + bitLength) / 8) - first;
  const shift = bytes * 8 - (bitOffset - first * 8) - bitLength;
  const mask = Buffer.alloc(bytes);
  for (let bit = bitOffset - first * 8; bit < bitOffset - first * 8 + bitLength; bit++) mask[bit >> 3]! |= 0x80 >> (bit & 7);
  return { offset: first, bytes, bits: { mask, shift } };
}

type Proto = { network?: NetworkProtocol; transport?: number; base: PayloadBase };

function header(protocol: string, p: Proto, fields: Record<string, [bitOffset: number, bitLength: number, type: Datatype]>): Record<string, Field> {
  const out: Record<string, Field> = {};
  for (const [field, [offset, length, type]] of Object.entries(fields)) {
    out[field] = bitField(`${protocol} ${field}`, p.base, offset, length, type, p.network, p.transport);
  }
  return out;
}

const u8 = int('integer', 1, 'big');
const u16 = int('integer', 2, 'big');
const u32 = int('integer', 4, 'big');
const port = T.inet_service!;

const PORTS: Record<string, [number, number, Datatype]> = { sport: [0, 16, port], dport: [16, 16, port] };

const transport = (number: number | undefined): Proto => ({ base: 'transport', ...(number !== undefined ? { transport: number } : {}) });

/** Header fields by protocol and field, as `{"payload": {"protocol": P, "field": F}}` names them. */
export const PAYLOAD_FIELDS: Record<string, Record<string, Field>> = {
  ether: { daddr: ETHER_FIELDS.daddr, saddr: ETHER_FIELDS.saddr, type: ETHER_FIELDS.type },
  ip: header('ip', { base: 'network', network: 'ip' }, {
    version: [0, 4, u8], hdrlength: [4, 4, u8], dscp: [8, 6, T.dscp!], ecn: [14, 2, T.ecn!], length: [16, 16, u16],
    id: [32, 16, u16], 'frag-off': [48, 16, u16], ttl: [64, 8, u8], protocol: [72, 8, T.inet_proto!], checksum: [80, 16, u16],
    saddr: [96, 32, T.ipv4_addr!], daddr: [128, 32, T.ipv4_addr!],
  }),
  ip6: header('ip6', { base: 'network', network: 'ip6' }, {
    version: [0, 4, u8], dscp: [4, 6, T.dscp!], ecn: [10, 2, T.ecn!], flowlabel: [12, 20, u32], length: [32, 16, u16],
    nexthdr: [48, 8, T.inet_proto!], hoplimit: [56, 8, u8], saddr: [64, 128, T.ipv6_addr!], daddr: [192, 128, T.ipv6_addr!],
  }),
  tcp: header('tcp', transport(IPPROTO_TCP), {
    ...PORTS, sequence: [32, 32, u32], ackseq: [64, 32, u32], doff: [96, 4, u8], reserved: [100, 4, u8],
    flags: [104, 8, T.tcp_flag!], window: [112, 16, u16], checksum: [128, 16, u16], urgptr: [144, 16, u16],
  }),
  udp: header('udp', transport(IPPROTO_UDP), { ...PORTS, length: [32, 16, u16], checksum: [48, 16, u16] }),
  udplite: header('udplite', transport(IPPROTO_UDPLITE), { ...PORTS, csumcov: [32, 16, u16], checksum: [48, 16, u16] }),
  sctp: header('sctp', transport(IPPROTO_SCTP), { ...PORTS, vtag: [32, 32, u32], checksum: [64, 32, u32] }),
  dccp: header('dccp', transport(IPPROTO_DCCP), { ...PORTS, type: [67, 4, T.dccp_pkttype!] }),
  igmp: header('igmp', transport(IPPROTO_IGMP), { type: [0, 8, T.igmp_type!], mrt: [8, 8, u8], checksum: [16, 16, u16], group: [32, 32, T.ipv4_addr!] }),
  th: header('th', transport(undefined), { ...PORTS }),
  // ICMP names its network protocol: in inet tables nft matches `meta nfproto` before `meta l4proto`.
  icmp: header('icmp', { ...transport(IPPROTO_ICMP), network: 'ip' }, {
    type: [0, 8, T.icmp_type!], code: [8, 8, T.icmp_code!], checksum: [16, 16, u16], id: [32, 16, u16], sequence: [48, 16, u16],
    gateway: [32, 32, u32], mtu: [48, 16, u16],
  }),
  icmpv6: header('icmpv6', { ...transport(IPPROTO_ICMPV6), network: 'ip6' }, {
    type: [0, 8, T.icmpv6_type!], code: [8, 8, T.icmpv6_code!], checksum: [16, 16, u16], 'parameter-problem': [32, 32, u32],
    mtu: [32, 32, u32], id: [32, 16, u16], sequence: [48, 16, u16], 'max-delay': [32, 16, u16],
  }),
  ah: header('ah', transport(IPPROTO_AH), { nexthdr: [0, 8, T.inet_proto!], hdrlength: [8, 8, u8], reserved: [16, 16, u16], spi: [32, 32, u32], sequence: [64, 32, u32] }),
  esp: header('esp', transport(IPPROTO_ESP), { spi: [0, 32, u32], sequence: [32, 32, u32] }),
  comp: header('comp', transport(IPPROTO_COMP), { nexthdr: [0, 8, T.inet_proto!], flags: [8, 8, u8], cpi: [16, 16, u16] }),
};

/**
 * Ethertypes a rule has matched (`ether type 8021q`, or a dependency nft added):
 * nft matches the ethertype before a vlan or arp field once per rule.
 */
const ethertypesMatched = new WeakMap<Linearizer, Set<number>>();

export function establishEthertype(l: Linearizer, ethertype: number): void {
  const known = ethertypesMatched.get(l) ?? new Set<number>();
  known.add(ethertype);
  ethertypesMatched.set(l, known);
}

function requireEthertype(l: Linearizer, ethertype: number): void {
  if (ethertypesMatched.get(l)?.has(ethertype)) return;
  // Outside bridge tables nft first checks that the frame came from an ethernet device (as for `ether` fields).
  requireEthernet(l);
  const value = Buffer.alloc(2);
  value.writeUInt16BE(ethertype);
  l.emit({ kind: 'payload', base: 'link', offset: 12, length: 2, dreg: NFT_REG_1 }, cmp('eq', value));
  establishEthertype(l, ethertype);
}

function onEthertype(fields: Record<string, Field>, ethertype: number, unless?: NftFamily): Record<string, Field> {
  for (const [name, field] of Object.entries(fields)) {
    fields[name] = { ...field, before: (l) => { if (l.family !== unless) requireEthertype(l, ethertype); } };
  }
  return fields;
}

/** 802.1Q (`vlan id`) after the ethernet header, and ARP (`arp operation`) as the network header. */
PAYLOAD_FIELDS.vlan = onEthertype(header('vlan', { base: 'link' }, {
  pcp: [112, 3, u8], dei: [115, 1, u8], id: [116, 12, u16], type: [128, 16, T.ether_type!],
}), ETH_P_8021Q);
PAYLOAD_FIELDS.arp = onEthertype(header('arp', { base: 'network' }, {
  htype: [0, 16, u16], ptype: [16, 16, T.ether_type!], hlen: [32, 8, u8], plen: [40, 8, u8], operation: [48, 16, T.arp_op!],
  'saddr ether': [64, 48, T.ether_addr!], 'saddr ip': [112, 32, T.ipv4_addr!], 'daddr ether': [144, 48, T.ether_addr!], 'daddr ip': [192, 32, T.ipv4_addr!],
}), ETH_P_ARP, 'arp');

/**
 * A rule that matched an ethernet field has checked the device type once, and then
 * takes the network protocol from `ether type` (nft's link-layer dependency) rather
 * than from `meta nfproto` / `meta protocol`.
 */
const etherChecked = new WeakSet<Linearizer>();
const networkKnown = new WeakSet<Linearizer>();

/** The rule matched its network protocol (`meta nfproto ipv4`, `ether type ip`): no dependency is added for it. */
export function establishNetworkKnown(l: Linearizer): void {
  networkKnown.add(l);
}

function requireEthernet(l: Linearizer): void {
  if (l.family === 'bridge' || etherChecked.has(l)) return;
  l.emit({ kind: 'meta', key: 'iiftype', dreg: NFT_REG_1 }, cmp('eq', Buffer.from([ARPHRD_ETHER & 0xff, ARPHRD_ETHER >> 8])));
  etherChecked.add(l);
}

for (const [name, field] of Object.entries(ETHER_FIELDS)) {
  PAYLOAD_FIELDS.ether![name] = { ...field, before: (l) => { requireEthernet(l); etherChecked.add(l); } };
}

for (const protocol of ['ip', 'ip6'] as const) {
  for (const [name, field] of Object.entries(PAYLOAD_FIELDS[protocol]!)) {
    PAYLOAD_FIELDS[protocol]![name] = {
      ...field,
      before(l) {
        if (etherChecked.has(l) && !networkKnown.has(l) && l.family !== 'ip' && l.family !== 'ip6') {
          requireEthertype(l, protocol === 'ip' ? ETH_P_IP : ETH_P_IPV6);
          l.establishNetwork(protocol);
        }
        field.before?.(l);
        networkKnown.add(l);
      },
    };
  }
}

/** ICMP fields that exist only in some message types: nft matches the type first (redirect, destination-unreachable, packet-too-big...). */
for (const [protocol, field, type] of [['icmp', 'gateway', 5], ['icmp', 'mtu', 3], ['icmpv6', 'mtu', 2], ['icmpv6', 'parameter-problem', 4], ['icmpv6', 'max-delay', 130]] as const) {
  const plain = PAYLOAD_FIELDS[protocol]![field]!;
  PAYLOAD_FIELDS[protocol]![field] = {
    ...plain,
    before(l) {
      plain.before?.(l);
      l.emit({ kind: 'payload', base: 'transport', offset: 0, length: 1, dreg: NFT_REG_1 }, cmp('eq', Buffer.from([type])));
    },
  };
}

/** ARPHRD_* names nft gives `meta iiftype` values (src/datatype.c arphrd_tbl). */
const IFACE_TYPE = int('iface_type', 2, 'host', {
  ether: 1, ppp: 512, ipip: 768, ipip6: 769, loopback: 772, sit: 776, ipgre: 778,
});
const DEVGROUP = int('devgroup', 4, 'host', { default: 0 });

/** Meta keys as `{"meta": {"key": K}}` names them (JSON says `length` where the kernel says `len`). */
export const META_KEYS: Record<string, Source> = {
  ...META_FIELDS,
  length: metaField('len', int('integer', 4, 'host')),
  priority: metaField('priority', T.classid!),
  iiftype: metaField('iiftype', IFACE_TYPE),
  oiftype: metaField('oiftype', IFACE_TYPE),
  // As set key types nft names these uid, gid and pkt_type.
  skuid: metaField('skuid', T.uid!),
  skgid: metaField('skgid', T.gid!),
  pkttype: metaField('pkttype', T.pkt_type!),
  rtclassid: metaField('rtclassid', T.realm!),
  secmark: metaField('secmark', int('integer', 4, 'host')),
  cpu: metaField('cpu', int('integer', 4, 'host')),
  iifgroup: metaField('iifgroup', DEVGROUP),
  oifgroup: metaField('oifgroup', DEVGROUP),
  cgroup: metaField('cgroup', int('integer', 4, 'host')),
  random: metaField('random', int('integer', 4, 'big')),
  ...Object.fromEntries((['ibrname', 'obrname', 'iifkind', 'oifkind', 'sdifname'] as const).map((k) => [k, metaField(k, T.ifname!)])),
  sdif: metaField('sdif', T.iface_index!),
  nftrace: metaField('nftrace', int('integer', 1, 'host')),
  ipsec: metaField('ipsec', T.boolean!),
  ibrpvid: metaField('ibrpvid', int('integer', 2, 'host')),
  ibrvproto: metaField('ibrvproto', T.ether_type!),
  day: metaField('day', T.day!),
  hour: metaField('hour', T.hour!),
  time: metaField('time', T.date!),
};

const ZONE = int('integer', 2, 'host');
/** ct keys that read one value of the whole connection or either direction's tuple. */
export const CT_KEYS: Record<string, Source> = {
  state: ctField('state', T.ct_state!),
  direction: ctField('direction', T.ct_dir!),
  status: ctField('status', T.ct_status!),
  mark: ctField('mark', T.mark!),
  secmark: ctField('secmark', int('integer', 4, 'host')),
  expiration: ctField('expiration', T.time!),
  helper: ctField('helper', datatype('string(128)', 'ct helper')),
  l3proto: ctField('l3proto', NFPROTO_TYPE),
  protocol: ctField('protocol', T.inet_proto!),
  'proto-src': ctField('proto-src', port),
  'proto-dst': ctField('proto-dst', port),
  zone: ctField('zone', ZONE),
  id: ctField('id', int('integer', 4, 'big')),
  packets: ctField('packets', wideIntegerType('integer', 0, 8, 'host')),
  bytes: ctField('bytes', wideIntegerType('integer', 0, 8, 'host')),
  avgpkt: ctField('avgpkt', wideIntegerType('integer', 0, 8, 'host')),
  label: ctField('label', T.ct_label!),
  event: ctField('event', T.ct_event!),
};

/** `ct [original|reply] ip saddr`: addresses with their family named (NFT_CT_SRC_IP and friends). */
export function ctAddress(key: 'saddr' | 'daddr', family: 'ip' | 'ip6' | undefined, tableFamily: string): Source | undefined {
  const fam = family ?? (tableFamily === 'ip' || tableFamily === 'ip6' ? tableFamily : undefined);
  if (!fam) return undefined;
  const type = fam === 'ip' ? T.ipv4_addr! : T.ipv6_addr!;
  // With the family written nft uses the family-specific keys; without it, the plain key sized by the table.
  const ctKey = (family ? `${fam} ${key}` : key) as CtKey;
  return ctField(ctKey, type);
}

/** A raw payload (`@th,16,16`): `{"payload": {"base": "th", "offset": 16, "len": 16}}`, loaded as an integer. */
export function rawPayload(base: PayloadBase, bitOffset: number, bitLength: number): Field {
  return bitField(`@${base},${bitOffset},${bitLength}`, base, bitOffset, bitLength, int('integer', Math.ceil(bitLength / 8), 'big'));
}

/** The register a statement's value is loaded into, in nft's numbering of 32-bit slots from NFT_REG_1 (netlink_put_register). */
export function register(slot: number): number {
  return slot % 4 === 0 ? NFT_REG_1 + slot / 4 : 8 + slot;
}

/** Slots a value of `bytes` occupies. */
export function slots(bytes: number): number {
  return Math.ceil(bytes / 4);
}

/** Gives a load its register: sources load into NFT_REG_1 by default. */
export function loadInto(source: Source, bytes: number, slot: number): ReturnType<Source['load']> {
  const at = (source as Field).loadAt;
  if (at) return at(register(slot));
  const e = source.load(bytes) as { dreg?: number };
  return { ...e, dreg: register(slot) } as ReturnType<Source['load']>;
}
