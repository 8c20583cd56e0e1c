// The datatypes of `meta` and `ct` keys, for printing the values compared with
// them or assigned to them (nftables 1.0.6 src/meta.c, src/ct.c).
import { integerType, DATATYPES as T, type Datatype } from '../../objects/datatypes.js';
import { NFPROTO_TYPE } from '../../builder/fields.js';
import { plainInteger } from './values.js';
import { INET_PROTO } from './protocols.js';

/** ARPHRD_* names nft gives `meta iiftype` values. */
const ARPHRD = integerType('iface_type', 0, 2, 'host', {
  ether: 1, ppp: 512, ipip: 768, ipip6: 769, loopback: 772, sit: 776, ipgre: 778,
});

const hostU32 = plainInteger(4, 'host');

/** Device groups: nft names group 0 `default` (/etc/iproute2/group). */
const DEVGROUP = integerType('devgroup', 0, 4, 'host', { default: 0 });

/** `ct helper`: the helper's name, a NUL-padded string. */
const HELPER: Datatype = { ...T.ifname!, name: 'ct_helper' };

/** `ct expiration`: milliseconds left, printed in seconds. */
const EXPIRATION: Datatype = { ...hostU32, name: 'ct_expiration', format: (b) => Math.floor(b.readUInt32LE(0) / 1000) };

const META: Record<string, Datatype> = {
  len: hostU32,
  protocol: T.ether_type!,
  priority: T.classid!,
  mark: T.mark!,
  iif: T.iface_index!,
  oif: T.iface_index!,
  sdif: T.iface_index!,
  iifname: T.ifname!,
  oifname: T.ifname!,
  ibrname: T.ifname!,
  obrname: T.ifname!,
  iifkind: T.ifname!,
  oifkind: T.ifname!,
  sdifname: T.ifname!,
  iiftype: ARPHRD,
  oiftype: ARPHRD,
  skuid: T.uid!,
  skgid: T.gid!,
  nftrace: plainInteger(1),
  rtclassid: T.realm!,
  secmark: hostU32,
  nfproto: NFPROTO_TYPE,
  l4proto: INET_PROTO,
  pkttype: T.pkt_type!,
  cpu: hostU32,
  iifgroup: DEVGROUP,
  oifgroup: DEVGROUP,
  cgroup: hostU32,
  random: plainInteger(4),
  time: T.date!,
  day: T.day!,
  hour: T.hour!,
  ibrpvid: plainInteger(2, 'host'),
  ibrvproto: T.ether_type!,
  ipsec: T.boolean!,
};

/** Meta keys nft names differently from nlkit's `MetaKey`. */
const META_NAMES: Record<string, string> = { len: 'length' };

/** A meta key as nft's JSON names it. */
export function metaName(key: string): string {
  return META_NAMES[key] ?? key;
}

const CT: Record<string, Datatype> = {
  state: T.ct_state!,
  direction: T.ct_dir!,
  status: T.ct_status!,
  mark: T.mark!,
  secmark: hostU32,
  l3proto: NFPROTO_TYPE,
  helper: HELPER,
  expiration: EXPIRATION,
  protocol: INET_PROTO,
  'proto-src': T.inet_service!,
  'proto-dst': T.inet_service!,
  zone: plainInteger(2, 'host'),
  packets: plainInteger(8, 'host'),
  bytes: plainInteger(8, 'host'),
  avgpkt: plainInteger(8, 'host'),
  'ip saddr': T.ipv4_addr!,
  'ip daddr': T.ipv4_addr!,
  'ip6 saddr': T.ipv6_addr!,
  'ip6 daddr': T.ipv6_addr!,
  id: plainInteger(4),
  event: T.ct_event!,
  label: T.ct_label!,
};

/** The datatype of a meta key, undefined when nlkit does not print its values yet. */
export function metaType(key: string): Datatype | undefined {
  return Object.hasOwn(META, key) ? META[key] : undefined;
}

/** The datatype of a ct key, undefined when nlkit does not print its values yet. */
export function ctType(key: string): Datatype | undefined {
  return Object.hasOwn(CT, key) ? CT[key] : undefined;
}
