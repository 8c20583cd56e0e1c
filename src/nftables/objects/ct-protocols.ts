// Protocol names of the conntrack objects (ct helper, ct timeout, ct
// expectation), in nft's words: `l3proto ip` (NFPROTO_*, be16) and
// `protocol tcp` (IPPROTO_*, u8).
import { NFPROTO_INET, NFPROTO_IPV4, NFPROTO_IPV6 } from '../../generated/netfilter.js';
import { IPPROTO_DCCP, IPPROTO_GRE, IPPROTO_ICMP, IPPROTO_SCTP, IPPROTO_TCP, IPPROTO_UDP, IPPROTO_UDPLITE } from '../../generated/in.js';
import { IPPROTO_ICMPV6 } from '../../generated/in6.js';
import { InvalidArgumentError } from '../../netlink/addresses.js';
import { describeValue } from '../../netlink/checks.js';

/** Network-layer family of a conntrack object (`l3proto ip`); a raw NFPROTO_* number for others. */
export type L3Proto = 'ip' | 'ip6' | 'inet';
const L3: Record<L3Proto, number> = { ip: NFPROTO_IPV4, ip6: NFPROTO_IPV6, inet: NFPROTO_INET };

/** Transport protocol of a conntrack object (`protocol tcp`); a raw IPPROTO_* number for others. */
export type L4Proto = 'tcp' | 'udp' | 'sctp' | 'dccp' | 'udplite' | 'gre' | 'icmp' | 'icmpv6';
const L4: Record<L4Proto, number> = {
  tcp: IPPROTO_TCP, udp: IPPROTO_UDP, sctp: IPPROTO_SCTP, dccp: IPPROTO_DCCP, udplite: IPPROTO_UDPLITE,
  gre: IPPROTO_GRE, icmp: IPPROTO_ICMP, icmpv6: IPPROTO_ICMPV6,
};

function encodeName(table: Record<string, number>, value: unknown, what: string, max: number): number {
  if (typeof value === 'number' && Number.isInteger(value) && value >= 0 && value <= max) return value;
  if (typeof value === 'string' && Object.prototype.hasOwnProperty.call(table, value)) return table[value]!;
  throw new InvalidArgumentError(`${what} must be one of ${Object.keys(table).map((k) => `"${k}"`).join(', ')} or an integer from 0 to ${max}, got ${describeValue(value)}`);
}

function decodeName<N extends string>(table: Record<N, number>, value: number): N | number {
  for (const [name, n] of Object.entries(table) as [N, number][]) if (n === value) return name;
  return value;
}

export const l3proto = {
  encode: (value: unknown, what: string): number => encodeName(L3, value, what, 0xffff),
  decode: (value: number): L3Proto | number => decodeName(L3, value),
};

export const l4proto = {
  encode: (value: unknown, what: string): number => encodeName(L4, value, what, 0xff),
  decode: (value: number): L4Proto | number => decodeName(L4, value),
};
