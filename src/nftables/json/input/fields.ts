// The left-hand sides nft's JSON names (`{"payload": {"protocol": "tcp", "field": "dport"}}`,
// `{"meta": {"key": "mark"}}`, `{"ct": {"key": "state"}}`), as nft 1.0.6's protocol
// tables define them (src/proto.c, src/meta.c, src/ct.c): where the value is loaded
// from, its datatype and the dependency nft puts before it. Whole-byte fields reuse
// the rule builder's sources; header fields that are not whole bytes (`ip dscp`)
// load the bytes around them and mask (nft's payload_expr_complete).
import { IPPROTO_AH, IPPROTO_COMP, IPPROTO_DCCP, IPPROTO_ESP, IPPROTO_ICMP, IPPROTO_SCTP, IPPROTO_TCP, IPPROTO_UDP, IPPROTO_UDPLITE } from '../../../generated/in.js';
import { NFT_REG_1 } from '../../../generated/nf_tables.js';
import type { CtKey } from '../../expressions/ct.js';
import type { PayloadBase } from '../../expressions/payload.js';
import { DATATYPES, datatype, integerType, type Datatype } from '../../objects/datatypes.js';
import { ctField, ETHER_FIELDS, META_FIELDS, metaField, NFPROTO_TYPE, payloadField } from '../../builder/fields.js';
import type { NetworkProtocol, Source } from '../../builder/linearizer.js';

/** ICMPv6 (IPPROTO_ICMPV6), which <linux/in.h> leaves to <linux/in6.h>. */
const IPPROTO_ICMPV6 = 58;

/** A loadable field; `bits` when it is not whole bytes: the mask over the loaded bytes and how far values shift. */
export interface Field extends Source {
  bits?: { mask: Buffer; shift: number };
}

const T = DATATYPES;
const int = (name: string, length: number, byteorder: 'big' | 'host', names: Record<string, number> = {}) => integerType(name, 0, length, byteorder, names);

/** A header field at a bit offset and width, e.g. `ip dscp` (6 bits at bit 8). */
function bitField(name: string, base: PayloadBase, bitOffset: number, bitLength: number, type: Datatype, network?: NetworkProtocol, transport?: number): Field {
  if (bitOffset % 8 === 0 && bitLength % 8 === 0) return payloadField(name, base, bitOffset / 8, bitLength / 8, type, network, transport);
  const first = Math.floor(bitOffset / 8);
  const bytes = Math.ceil((bitOffset + bitLength) / 8) - first;
  const shift = bytes * 8 - (bitOffset - first * 8) - bitLength;
  const mask = Buffer.alloc(bytes);
  for (let bit = bitOffset - first * 8; bit < bitOffset - first * 8 + bitLength; bit++) mask[bit >> 3]! |= 0x80 >> (bit & 7);
  const source = payloadField(name, base, first, bytes, type, network, transport);
  return { ...source, bits: { mask, shift } };
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
  dccp: header('dccp', transport(IPPROTO_DCCP), { ...PORTS }),
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
  day: metaField('day', T.day!),
  hour: metaField('hour', T.hour!),
  time: metaField('time', T.time!),
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
  const e = source.load(bytes) as { dreg?: number };
  return { ...e, dreg: register(slot) } as ReturnType<Source['load']>;
}
