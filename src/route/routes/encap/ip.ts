// `encap ip`: the packet leaves through a collect-metadata tunnel device
// (dev) with an IPv4 outer header built from these fields.
import {
  LWTUNNEL_ENCAP_IP, LWTUNNEL_IP_DST, LWTUNNEL_IP_FLAGS, LWTUNNEL_IP_ID, LWTUNNEL_IP_SRC, LWTUNNEL_IP_TOS, LWTUNNEL_IP_TTL,
} from '../../../generated/lwtunnel.js';
import { tunnelEncapKind, type TunnelEncapCommon } from './tunnel-encap.js';

/** `encap ip id ID src ADDR dst ADDR ttl N tos N [key] [csum] [seq]`: IPv4 outer header (LWTUNNEL_ENCAP_IP). */
export interface IpEncapSpec extends TunnelEncapCommon {
  /** `encap ip`: an IPv4 outer header (LWTUNNEL_ENCAP_IP). */
  type: 'ip';
  /** Outer TTL, 0-255 (0: the tunnel device's choice). */
  ttl?: number;
  /** Outer TOS / DS field, 0-255. */
  tos?: number;
}

export const ipEncap = tunnelEncapKind<IpEncapSpec>({
  name: 'ip',
  type: LWTUNNEL_ENCAP_IP,
  family: 4,
  ttlKey: 'ttl',
  tosKey: 'tos',
  attributes: { id: LWTUNNEL_IP_ID, dst: LWTUNNEL_IP_DST, src: LWTUNNEL_IP_SRC, ttl: LWTUNNEL_IP_TTL, tos: LWTUNNEL_IP_TOS, flags: LWTUNNEL_IP_FLAGS },
});
