// IP protocol numbers as nft prints them: nft names every number /etc/protocols names
// (getprotobynumber), nlkit's inet_proto type only the common transports. Printing only.
import { DATATYPES as T, type Datatype } from '../../objects/datatypes.js';

/** Names of Debian's /etc/protocols (netbase) beyond inet_proto's, for IPv6 extension headers and tunnels. */
const MORE_NAMES: Record<number, string> = {
  4: 'ipencap', 41: 'ipv6', 43: 'ipv6-route', 44: 'ipv6-frag', 59: 'ipv6-nonxt', 60: 'ipv6-opts', 135: 'mobility-header',
};

/** `inet_proto` for printing: nft's names for numbers nlkit's type leaves as numbers. */
export const INET_PROTO: Datatype = {
  ...T.inet_proto!,
  format: (b) => MORE_NAMES[b[0]!] ?? T.inet_proto!.format(b),
};
