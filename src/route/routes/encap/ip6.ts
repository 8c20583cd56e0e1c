// `encap ip6`: the packet leaves through a collect-metadata tunnel device
// (dev) with an IPv6 outer header built from these fields.
import {
  LWTUNNEL_ENCAP_IP6, LWTUNNEL_IP6_DST, LWTUNNEL_IP6_FLAGS, LWTUNNEL_IP6_HOPLIMIT, LWTUNNEL_IP6_ID, LWTUNNEL_IP6_SRC,
  LWTUNNEL_IP6_TC,
} from '../../../generated/lwtunnel.js';
import { tunnelEncapKind, type TunnelEncapCommon } from './tunnel-encap.js';

/** `encap ip6 id ID src ADDR dst ADDR hoplimit N tc N [key] [csum] [seq]`: IPv6 outer header (LWTUNNEL_ENCAP_IP6). */
export interface Ip6EncapSpec extends TunnelEncapCommon {
  /** `encap ip6`: an IPv6 outer header (LWTUNNEL_ENCAP_IP6). */
  type: 'ip6';
  /** Outer hop limit, 0-255 (0: the tunnel device's choice). */
  hoplimit?: number;
  /** Outer traffic class, 0-255. */
  tc?: number;
}

export const ip6Encap = tunnelEncapKind<Ip6EncapSpec>({
  name: 'ip6',
  type: LWTUNNEL_ENCAP_IP6,
  family: 6,
  ttlKey: 'hoplimit',
  tosKey: 'tc',
  attributes: {
    id: LWTUNNEL_IP6_ID, dst: LWTUNNEL_IP6_DST, src: LWTUNNEL_IP6_SRC, ttl: LWTUNNEL_IP6_HOPLIMIT, tos: LWTUNNEL_IP6_TC,
    flags: LWTUNNEL_IP6_FLAGS,
  },
});
