// A route's or a path's lightweight tunnel encapsulation (RTA_ENCAP_TYPE,
// RTA_ENCAP), as `ip -j route show` prints it (lwt_print_encap of iproute2
// 6.1). The decoder keeps both attributes raw in `unknown`; this reads them
// there when rendering.
//
// ip prints the encap's keys into the route's own object, so some appear
// twice in its text: an `ip` encap's "dst" after the route's "dst", its "tos"
// before the route's "tos". A JSON reader keeps the last value at the first
// key's place; assigning into the same object in ip's order gives exactly
// that object.
import {
  LWTUNNEL_ENCAP_BPF, LWTUNNEL_ENCAP_ILA, LWTUNNEL_ENCAP_IOAM6, LWTUNNEL_ENCAP_IP, LWTUNNEL_ENCAP_IP6, LWTUNNEL_ENCAP_MPLS,
  LWTUNNEL_ENCAP_RPL, LWTUNNEL_ENCAP_SEG6, LWTUNNEL_ENCAP_SEG6_LOCAL, LWTUNNEL_ENCAP_XFRM, LWTUNNEL_IP6_DST, LWTUNNEL_IP6_FLAGS,
  LWTUNNEL_IP6_HOPLIMIT, LWTUNNEL_IP6_ID, LWTUNNEL_IP6_SRC, LWTUNNEL_IP6_TC, LWTUNNEL_IP_DST, LWTUNNEL_IP_FLAGS, LWTUNNEL_IP_ID,
  LWTUNNEL_IP_SRC, LWTUNNEL_IP_TOS, LWTUNNEL_IP_TTL,
} from '../../generated/lwtunnel.js';
import { RTA_ENCAP, RTA_ENCAP_TYPE } from '../../generated/rtnetlink.js';
import type { RawAttribute } from '../../netlink/attributes.js';
import { formatIp } from '../../netlink/addresses.js';
import { be16 } from '../../netlink/byte-reads.js';
import type { IpJson } from '../ipjson.js';
import { requireArray } from '../../netlink/checks.js';
import { encapMembers } from './encap/members.js';
import { tunnelFlagNames } from './encap/tunnel-flags.js';

const ENCAP_NAMES = new Map<number, string>([
  [LWTUNNEL_ENCAP_MPLS, 'mpls'], [LWTUNNEL_ENCAP_IP, 'ip'], [LWTUNNEL_ENCAP_IP6, 'ip6'], [LWTUNNEL_ENCAP_ILA, 'ila'],
  [LWTUNNEL_ENCAP_BPF, 'bpf'], [LWTUNNEL_ENCAP_SEG6, 'seg6'], [LWTUNNEL_ENCAP_SEG6_LOCAL, 'seg6local'], [LWTUNNEL_ENCAP_RPL, 'rpl'],
  [LWTUNNEL_ENCAP_IOAM6, 'ioam6'], [LWTUNNEL_ENCAP_XFRM, 'xfrm'],
]);

/** A big-endian u64 as a JSON reader reads ip's digits: a double. */
function be64Number(b: Buffer): number {
  return Number(b.readBigUInt64BE(0));
}

/** Fields of one tunnel encap, in ip's order; a field whose payload has the wrong size is left out. */
function tunnelFields(o: IpJson, attrs: Map<number, Buffer>, ipv6: boolean): void {
  const addressLength = ipv6 ? 16 : 4;
  const id = attrs.get(ipv6 ? LWTUNNEL_IP6_ID : LWTUNNEL_IP_ID);
  if (id?.length === 8) o.id = be64Number(id);
  const src = attrs.get(ipv6 ? LWTUNNEL_IP6_SRC : LWTUNNEL_IP_SRC);
  if (src?.length === addressLength) o.src = formatIp(src);
  const dst = attrs.get(ipv6 ? LWTUNNEL_IP6_DST : LWTUNNEL_IP_DST);
  if (dst?.length === addressLength) o.dst = formatIp(dst);
  const ttl = attrs.get(ipv6 ? LWTUNNEL_IP6_HOPLIMIT : LWTUNNEL_IP_TTL);
  if (ttl && ttl.length >= 1) o[ipv6 ? 'hoplimit' : 'ttl'] = ttl[0]!;
  const tos = attrs.get(ipv6 ? LWTUNNEL_IP6_TC : LWTUNNEL_IP_TOS);
  if (tos && tos.length >= 1) o[ipv6 ? 'tc' : 'tos'] = tos[0]!;
  const flags = attrs.get(ipv6 ? LWTUNNEL_IP6_FLAGS : LWTUNNEL_IP_FLAGS);
  if (flags && flags.length >= 2) {
    const value = be16(flags, 0);
    for (const name of tunnelFlagNames(value)) o[name] = true;
  }
}

/**
 * Adds the encapsulation among `unknown` (a route's or a path's raw
 * attributes) to `o` as ip prints it: "encap" and, for `ip` and `ip6`
 * tunnels, their fields. Other encap types (none built into the kernels
 * nlkit is tested on) get their name only.
 */
export function addEncapJson(o: IpJson, unknown: readonly RawAttribute[] | undefined): void {
  if (!unknown || unknown.length === 0) return;
  const typeAttr = unknown.find((a) => a.type === RTA_ENCAP_TYPE);
  // ip prints nothing without the type, and reads it as a u16.
  if (!typeAttr || typeAttr.data.length < 2) return;
  const type = typeAttr.data.readUInt16LE(0);
  o.encap = ENCAP_NAMES.get(type) ?? 'unknown';
  const encap = unknown.find((a) => a.type === RTA_ENCAP);
  if (!encap || (type !== LWTUNNEL_ENCAP_IP && type !== LWTUNNEL_ENCAP_IP6)) return;
  tunnelFields(o, encapMembers(encap.data), type === LWTUNNEL_ENCAP_IP6);
}

/**
 * A route's or a path's lightweight tunnel encapsulation on its own, as
 * `ip route show` prints it after `encap` (`{ encap: 'ip', id: 5, dst: … }`),
 * from its raw attributes (`Route.unknown`, `RouteNexthop.unknown`);
 * undefined when there is none. Text output needs it apart: inside
 * routeToIpJson's object an `ip` encap's `dst` and `tos` take the route's keys.
 */
export function routeEncapToIpJson(unknown: readonly RawAttribute[] | undefined): IpJson | undefined {
  if (unknown !== undefined) requireArray(unknown, 'routeEncapToIpJson: unknown');
  const o: IpJson = {};
  addEncapJson(o, unknown);
  return o.encap === undefined ? undefined : o;
}
