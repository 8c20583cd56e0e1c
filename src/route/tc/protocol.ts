// Filter protocols (tcm_info's low half, an EtherType) by the names tc uses (ll_proto_n2a / ll_proto_a2n).
import { InvalidArgumentError } from '../../netlink/addresses.js';
import { describeValue } from '../../netlink/checks.js';
import { once } from '../constant-names.js';

/** A filter protocol: 'all', 'ip', 'ipv6', 'arp', '802.1Q', ... or an EtherType number. */
export type TcProtocol = string | number;

const PROTOCOLS: readonly [string, number][] = [
  ['loop', 0x0060], ['ip', 0x0800], ['arp', 0x0806], ['rarp', 0x8035], ['ipv6', 0x86dd], ['all', 0x0003],
  ['802.1Q', 0x8100], ['802.1ad', 0x88a8], ['mpls_uc', 0x8847], ['mpls_mc', 0x8848], ['teb', 0x6558], ['lldp', 0x88cc],
];
const byName = once(() => new Map(PROTOCOLS.map(([n, v]) => [n.toLowerCase(), v])));
const byNumber = once(() => new Map(PROTOCOLS.map(([n, v]) => [v, n])));

/** An EtherType (host order) from a name or number. */
export function parseTcProtocol(value: unknown, what = 'protocol'): number {
  if (typeof value === 'number' && Number.isInteger(value) && value >= 0 && value <= 0xffff) return value;
  if (typeof value === 'string') {
    const known = byName().get(value.toLowerCase());
    if (known !== undefined) return known;
    if (/^(0x[0-9a-fA-F]{1,4}|\d{1,5})$/.test(value) && Number(value) <= 0xffff) return Number(value);
  }
  throw new InvalidArgumentError(`${what} must be one of ${PROTOCOLS.map(([n]) => n).join(', ')} or an EtherType (0-0xffff), got ${describeValue(value)}`);
}

/** How tc names a protocol: its name, or 0x-hex when it has none. */
export function tcProtocolName(protocol: number): string {
  return byNumber().get(protocol) ?? `0x${protocol.toString(16)}`;
}

/** htons: the protocol as tcm_info carries it (network order in the low 16 bits). */
export function protocolToInfo(protocol: number): number {
  return ((protocol & 0xff) << 8) | (protocol >>> 8);
}
