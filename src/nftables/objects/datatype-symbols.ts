// The symbol tables of nft's datatypes, as `nft describe <type>` prints them (nftables 1.0.6:
// src/proto.c, src/ct.c, src/meta.c, src/fib.c, src/datatype.c). When two names share a value,
// the first is the one nft prints. Values are the numbers as the type holds them (host view).

export const ICMP_TYPES: Record<string, number> = {
  'echo-reply': 0, 'destination-unreachable': 3, 'source-quench': 4, redirect: 5, 'echo-request': 8,
  'router-advertisement': 9, 'router-solicitation': 10, 'time-exceeded': 11, 'parameter-problem': 12,
  'timestamp-request': 13, 'timestamp-reply': 14, 'info-request': 15, 'info-reply': 16,
  'address-mask-request': 17, 'address-mask-reply': 18,
};

export const ICMP_CODES: Record<string, number> = {
  'net-unreachable': 0, 'host-unreachable': 1, 'prot-unreachable': 2, 'port-unreachable': 3,
  'net-prohibited': 9, 'host-prohibited': 10, 'admin-prohibited': 13, 'frag-needed': 4,
};

export const ICMPV6_TYPES: Record<string, number> = {
  'destination-unreachable': 1, 'packet-too-big': 2, 'time-exceeded': 3, 'parameter-problem': 4,
  'echo-request': 128, 'echo-reply': 129, 'mld-listener-query': 130, 'mld-listener-report': 131,
  'mld-listener-done': 132, 'mld-listener-reduction': 132, 'nd-router-solicit': 133, 'nd-router-advert': 134,
  'nd-neighbor-solicit': 135, 'nd-neighbor-advert': 136, 'nd-redirect': 137, 'router-renumbering': 138,
  'ind-neighbor-solicit': 141, 'ind-neighbor-advert': 142, 'mld2-listener-report': 143,
};

export const ICMPV6_CODES: Record<string, number> = {
  'no-route': 0, 'admin-prohibited': 1, 'addr-unreachable': 3, 'port-unreachable': 4, 'policy-fail': 5,
  'reject-route': 6,
};

export const ICMPX_CODES: Record<string, number> = {
  'port-unreachable': 1, 'admin-prohibited': 3, 'no-route': 0, 'host-unreachable': 2,
};

/** Bits of ct_state. */
export const CT_STATES: Record<string, number> = { invalid: 0x1, new: 0x8, established: 0x2, related: 0x4, untracked: 0x40 };

/** Bits of ct_status. */
export const CT_STATUSES: Record<string, number> = {
  expected: 0x1, 'seen-reply': 0x2, assured: 0x4, confirmed: 0x8, snat: 0x10, dnat: 0x20, dying: 0x200,
};

export const CT_DIRS: Record<string, number> = { original: 0, reply: 1 };

/** Bits of tcp_flag. */
export const TCP_FLAGS: Record<string, number> = {
  fin: 0x01, syn: 0x02, rst: 0x04, psh: 0x08, ack: 0x10, urg: 0x20, ecn: 0x40, cwr: 0x80,
};

export const DSCPS: Record<string, number> = {
  cs0: 0x00, cs1: 0x08, cs2: 0x10, cs3: 0x18, cs4: 0x20, cs5: 0x28, cs6: 0x30, cs7: 0x38, df: 0x00, be: 0x00,
  lephb: 0x01, af11: 0x0a, af12: 0x0c, af13: 0x0e, af21: 0x12, af22: 0x14, af23: 0x16, af31: 0x1a, af32: 0x1c,
  af33: 0x1e, af41: 0x22, af42: 0x24, af43: 0x26, va: 0x2c, ef: 0x2e,
};

export const ECNS: Record<string, number> = { 'not-ect': 0, ect1: 1, ect0: 2, ce: 3 };

/** EtherTypes as numbers (nft's describe shows them byte-swapped: `ip 0x0008`). */
export const ETHER_TYPES: Record<string, number> = {
  ip: 0x0800, arp: 0x0806, ip6: 0x86dd, '8021q': 0x8100, '8021ad': 0x88a8, vlan: 0x8100,
};

export const ARP_OPS: Record<string, number> = {
  request: 1, reply: 2, rrequest: 3, rreply: 4, inrequest: 8, inreply: 9, nak: 10,
};

export const PKT_TYPES: Record<string, number> = { host: 0, unicast: 0, broadcast: 1, multicast: 2, other: 3 };

export const FIB_ADDRTYPES: Record<string, number> = {
  unspec: 0, unicast: 1, local: 2, broadcast: 3, anycast: 4, multicast: 5, blackhole: 6, unreachable: 7, prohibit: 8,
};

export const DAYS: Record<string, number> = {
  Sunday: 0, Monday: 1, Tuesday: 2, Wednesday: 3, Thursday: 4, Friday: 5, Saturday: 6,
};

/** nf_proto (meta nfproto, ct l3proto): NFPROTO_IPV4 and NFPROTO_IPV6. */
export const NFPROTOS: Record<string, number> = { ipv4: 2, ipv6: 10 };

/** dccp_pkttype (dccp type). */
export const DCCP_PKTTYPES: Record<string, number> = {
  request: 0, response: 1, data: 2, ack: 3, dataack: 4, closereq: 5, close: 6, reset: 7, sync: 8, syncack: 9,
};

/** mh_type (mh type, the IPv6 mobility header). */
export const MH_TYPES: Record<string, number> = {
  'binding-refresh-request': 0, 'home-test-init': 1, 'careof-test-init': 2, 'home-test': 3, 'careof-test': 4,
  'binding-update': 5, 'binding-acknowledgement': 6, 'binding-error': 7, 'fast-binding-update': 8,
  'fast-binding-acknowledgement': 9, 'fast-binding-advertisement': 10, 'experimental-mobility-header': 11,
  'home-agent-switch-message': 12,
};

/** iface_type (meta iiftype/oiftype): ARPHRD_* numbers. */
export const IFACE_TYPES: Record<string, number> = {
  ether: 0x0001, ppp: 0x0200, ipip: 0x0300, ipip6: 0x0301, loopback: 0x0304, sit: 0x0308, ipgre: 0x030a,
};

/** devgroup (meta iifgroup/oifgroup): the names in iproute2's /etc/iproute2/group that every system has. */
export const DEVGROUPS: Record<string, number> = { default: 0 };

/** boolean (exthdr … exists, meta secpath …, fib … exists). */
export const BOOLEANS: Record<string, number> = { exists: 1, missing: 0 };

/** Bits of ct_event (ct event set …). */
export const CT_EVENTS: Record<string, number> = {
  new: 0x1, related: 0x2, destroy: 0x4, reply: 0x8, assured: 0x10, protoinfo: 0x20, helper: 0x40, mark: 0x80,
  seqadj: 0x100, secmark: 0x200, label: 0x400,
};

/** igmp_type (igmp type). */
export const IGMP_TYPES: Record<string, number> = {
  'membership-query': 0x11, 'membership-report-v1': 0x12, 'membership-report-v2': 0x16, 'membership-report-v3': 0x22,
  'leave-group': 0x17,
};
