import { IPPROTO_TCP, IPPROTO_UDP } from '../../generated/in.js';
import { NFPROTO_ARP, NFPROTO_BRIDGE, NFPROTO_INET, NFPROTO_IPV4, NFPROTO_IPV6, NFPROTO_NETDEV } from '../../generated/netfilter.js';
import { NFT_REG_1 } from '../../generated/nf_tables.js';
import {
  RTN_ANYCAST, RTN_BLACKHOLE, RTN_BROADCAST, RTN_LOCAL, RTN_MULTICAST, RTN_PROHIBIT, RTN_UNICAST, RTN_UNREACHABLE, RTN_UNSPEC,
} from '../../generated/rtnetlink.js';
import { ARPHRD_ETHER } from '../../generated/if_arp.js';
import { ETH_P_ARP, ETH_P_IP, ETH_P_IPV6 } from '../../generated/if_ether.js';
import type { CtKey } from '../expressions/ct.js';
import type { MetaKey } from '../expressions/meta.js';
import type { PayloadBase } from '../expressions/payload.js';
import { DATATYPES, integerType, type Datatype } from '../objects/datatypes.js';
import type { Linearizer, NetworkProtocol, Source } from './linearizer.js';

/** An integer type for a match (no set type number: these never key a set nlkit creates). */
function integer(name: string, length: number, network: boolean, names: Record<string, number> = {}): Datatype {
  return integerType(name, 0, length, network ? 'big' : 'host', names);
}

/** `meta nfproto` values. */
export const NFPROTO_TYPE = integer('nf_proto', 1, false, {
  ipv4: NFPROTO_IPV4, ipv6: NFPROTO_IPV6, inet: NFPROTO_INET, arp: NFPROTO_ARP, bridge: NFPROTO_BRIDGE, netdev: NFPROTO_NETDEV,
});
/** `meta protocol` and `ether type` values. */
export const ETHERTYPE_TYPE = integer('ether_type', 2, true, { ip: ETH_P_IP, arp: ETH_P_ARP, ip6: ETH_P_IPV6 });
/** `fib ... type` results (RTN_*), named as nft names them. */
export const FIB_ADDRTYPE_TYPE = integer('fib_addrtype', 4, false, {
  unspec: RTN_UNSPEC, unicast: RTN_UNICAST, local: RTN_LOCAL, broadcast: RTN_BROADCAST, anycast: RTN_ANYCAST,
  multicast: RTN_MULTICAST, blackhole: RTN_BLACKHOLE, unreachable: RTN_UNREACHABLE, prohibit: RTN_PROHIBIT,
});

export function payloadField(
  name: string, base: PayloadBase, offset: number, length: number, type: Datatype,
  network?: NetworkProtocol, transport?: number,
): Source {
  return {
    name,
    type,
    length,
    load: (bytes) => ({ kind: 'payload', base, offset, length: bytes, dreg: NFT_REG_1 }),
    before(l: Linearizer) {
      if (network) l.requireNetwork(network, name);
      if (transport !== undefined) l.requireTransport(transport);
    },
  };
}

export function metaField(key: MetaKey, type: Datatype, length = type.length): Source {
  return { name: `meta ${key}`, type, length, load: () => ({ kind: 'meta', key, dreg: NFT_REG_1 }) };
}

export function ctField(key: CtKey, type: Datatype, length = type.length): Source {
  return { name: `ct ${key}`, type, length, load: () => ({ kind: 'ct', key, dreg: NFT_REG_1 }) };
}

const T = DATATYPES;
const u8 = (name: string) => integer(name, 1, true);
const u16be = (name: string) => integer(name, 2, true);

export const IP_FIELDS = {
  protocol: payloadField('ip protocol', 'network', 9, 1, T.inet_proto!, 'ip'),
  saddr: payloadField('ip saddr', 'network', 12, 4, T.ipv4_addr!, 'ip'),
  daddr: payloadField('ip daddr', 'network', 16, 4, T.ipv4_addr!, 'ip'),
  ttl: payloadField('ip ttl', 'network', 8, 1, u8('ttl'), 'ip'),
  length: payloadField('ip length', 'network', 2, 2, u16be('length'), 'ip'),
};

export const IP6_FIELDS = {
  nexthdr: payloadField('ip6 nexthdr', 'network', 6, 1, T.inet_proto!, 'ip6'),
  hoplimit: payloadField('ip6 hoplimit', 'network', 7, 1, u8('hoplimit'), 'ip6'),
  saddr: payloadField('ip6 saddr', 'network', 8, 16, T.ipv6_addr!, 'ip6'),
  daddr: payloadField('ip6 daddr', 'network', 24, 16, T.ipv6_addr!, 'ip6'),
};

export function portFields(protocol: 'tcp' | 'udp' | 'th') {
  const number = protocol === 'tcp' ? IPPROTO_TCP : protocol === 'udp' ? IPPROTO_UDP : undefined;
  return {
    sport: payloadField(`${protocol} sport`, 'transport', 0, 2, T.inet_service!, undefined, number),
    dport: payloadField(`${protocol} dport`, 'transport', 2, 2, T.inet_service!, undefined, number),
  };
}

/** Ethernet header fields; outside bridge tables nft first checks that the input device is ethernet. */
function etherField(name: string, offset: number, length: number, type: Datatype): Source {
  return {
    ...payloadField(`ether ${name}`, 'link', offset, length, type),
    before(l: Linearizer) {
      if (l.family === 'bridge') return;
      const arphrd = Buffer.alloc(2);
      arphrd.writeUInt16LE(ARPHRD_ETHER);
      l.emit({ kind: 'meta', key: 'iiftype', dreg: NFT_REG_1 }, { kind: 'cmp', sreg: NFT_REG_1, op: 'eq', data: arphrd });
    },
  };
}

export const ETHER_FIELDS = {
  daddr: etherField('daddr', 0, 6, T.ether_addr!),
  saddr: etherField('saddr', 6, 6, T.ether_addr!),
  type: etherField('type', 12, 2, ETHERTYPE_TYPE),
};

export const META_FIELDS = {
  l4proto: metaField('l4proto', T.inet_proto!),
  nfproto: metaField('nfproto', NFPROTO_TYPE),
  protocol: metaField('protocol', ETHERTYPE_TYPE),
  mark: metaField('mark', T.mark!),
  iif: metaField('iif', T.iface_index!),
  oif: metaField('oif', T.iface_index!),
  iifname: metaField('iifname', T.ifname!),
  oifname: metaField('oifname', T.ifname!),
  skuid: metaField('skuid', integer('uid', 4, false)),
  skgid: metaField('skgid', integer('gid', 4, false)),
  pkttype: metaField('pkttype', integer('pkt_type', 1, false, { host: 0, broadcast: 1, multicast: 2, other: 3 })),
};

export const CT_STATE_TYPE = integer('ct_state', 4, false, { invalid: 1, established: 2, related: 4, new: 8, untracked: 64 });
export const CT_STATUS_TYPE = integer('ct_status', 4, false, {
  expected: 1, 'seen-reply': 2, assured: 4, confirmed: 8, snat: 16, dnat: 32, dying: 512,
});

export const CT_FIELDS = {
  mark: ctField('mark', T.mark!),
  zone: ctField('zone', integer('zone', 2, false)),
  direction: ctField('direction', integer('ct_dir', 1, false, { original: 0, reply: 1 })),
};
