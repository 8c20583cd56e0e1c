import {
  NF_NAT_RANGE_MAP_IPS, NF_NAT_RANGE_NETMAP, NF_NAT_RANGE_PERSISTENT, NF_NAT_RANGE_PROTO_OFFSET,
  NF_NAT_RANGE_PROTO_RANDOM, NF_NAT_RANGE_PROTO_RANDOM_FULLY, NF_NAT_RANGE_PROTO_SPECIFIED,
} from '../../generated/nf_nat.js';
import { FlagNames } from './codec.js';

/** NF_NAT_RANGE_* flags shared by nat, masq and redir, named as `nft` prints them. */
export type NatFlag = 'map-ips' | 'proto-specified' | 'random' | 'persistent' | 'fully-random' | 'proto-offset' | 'netmap';

export const natFlags = new FlagNames<NatFlag>('nat', {
  'map-ips': NF_NAT_RANGE_MAP_IPS,
  'proto-specified': NF_NAT_RANGE_PROTO_SPECIFIED,
  random: NF_NAT_RANGE_PROTO_RANDOM,
  persistent: NF_NAT_RANGE_PERSISTENT,
  'fully-random': NF_NAT_RANGE_PROTO_RANDOM_FULLY,
  'proto-offset': NF_NAT_RANGE_PROTO_OFFSET,
  netmap: NF_NAT_RANGE_NETMAP,
});

/** NF_NAT_RANGE_* flags by name, as nft prints them after the target (`snat to 10.0.0.1 random, persistent`); unnamed bits appear as hex strings. */
export type NatFlags = (NatFlag | `0x${string}`)[];
