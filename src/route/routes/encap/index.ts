// A route's or a path's lightweight tunnel encapsulation: RTA_ENCAP_TYPE and
// the RTA_ENCAP nest, by encap type. nlkit builds the `ip` and `ip6` types,
// the ones a kernel without MPLS, SRv6 or BPF routing takes; the others are
// refused before anything is sent.
import {
  LWTUNNEL_ENCAP_BPF, LWTUNNEL_ENCAP_ILA, LWTUNNEL_ENCAP_IOAM6, LWTUNNEL_ENCAP_MPLS, LWTUNNEL_ENCAP_RPL, LWTUNNEL_ENCAP_SEG6,
  LWTUNNEL_ENCAP_SEG6_LOCAL, LWTUNNEL_ENCAP_XFRM,
} from '../../../generated/lwtunnel.js';
import { RTA_ENCAP, RTA_ENCAP_TYPE } from '../../../generated/rtnetlink.js';
import { InvalidArgumentError } from '../../../netlink/addresses.js';
import type { RawAttribute } from '../../../netlink/attributes.js';
import { describeValue, requireObject } from '../../../netlink/checks.js';
import type { MessageWriter } from '../../../netlink/writer.js';
import type { EncapKind, PreparedEncap } from './encap-kind.js';
import { ip6Encap, type Ip6EncapSpec } from './ip6.js';
import { ipEncap, type IpEncapSpec } from './ip.js';
import { encapMembers } from './members.js';

export type { PreparedEncap } from './encap-kind.js';
export type { IpEncapSpec } from './ip.js';
export type { Ip6EncapSpec } from './ip6.js';
export type { TunnelEncapFlag } from './tunnel-flags.js';
export { encapMembers } from './members.js';

/** A lightweight tunnel encapsulation (`ip route ... encap ip|ip6 ...`). */
export type RouteEncapSpec = IpEncapSpec | Ip6EncapSpec;

const KINDS: ReadonlyMap<string, EncapKind<RouteEncapSpec>> = new Map<string, EncapKind<any>>([
  [ipEncap.name, ipEncap], [ip6Encap.name, ip6Encap],
]);
const KIND_OF_TYPE: ReadonlyMap<number, EncapKind<RouteEncapSpec>> = new Map([...KINDS.values()].map((k) => [k.type, k]));

/** The kernel's other encap types, by ip's names: known, but not built by nlkit. */
const OTHER_TYPES = new Map<string, number>([
  ['mpls', LWTUNNEL_ENCAP_MPLS], ['ila', LWTUNNEL_ENCAP_ILA], ['bpf', LWTUNNEL_ENCAP_BPF], ['seg6', LWTUNNEL_ENCAP_SEG6],
  ['seg6local', LWTUNNEL_ENCAP_SEG6_LOCAL], ['rpl', LWTUNNEL_ENCAP_RPL], ['ioam6', LWTUNNEL_ENCAP_IOAM6], ['xfrm', LWTUNNEL_ENCAP_XFRM],
]);

/** Checks an encap spec (`what` names it: `encap`, `nexthops[0].encap`). */
export function prepareEncap(spec: unknown, what: string): PreparedEncap {
  const o = requireObject<{ type?: unknown }>(spec, what, "{ type: 'ip', id: 5, dst: '10.0.0.9' }");
  const kind = typeof o.type === 'string' ? KINDS.get(o.type) : undefined;
  if (kind === undefined) {
    if (typeof o.type === 'string' && OTHER_TYPES.has(o.type)) {
      throw new InvalidArgumentError(`${what}.type '${o.type}' is not supported: nlkit builds 'ip' and 'ip6' encaps only`);
    }
    throw new InvalidArgumentError(`${what}.type must be 'ip' or 'ip6', got ${describeValue(o.type)}`);
  }
  return kind.prepare(spec as RouteEncapSpec, what);
}

/** Writes RTA_ENCAP (without NLA_F_NESTED, as ip sends it) and RTA_ENCAP_TYPE. */
export function encodeEncap(writer: MessageWriter, encap: PreparedEncap): void {
  const nest = writer.beginNestedLegacy(RTA_ENCAP);
  encap.encode(writer);
  writer.endNested(nest);
  writer.u16(RTA_ENCAP_TYPE, encap.type);
}

/**
 * The encap among a route's or a path's raw attributes (`Route.unknown`,
 * `RouteNexthop.unknown`) as a spec that recreates it; undefined when there is
 * none, or of a type nlkit does not build (it stays in `unknown`).
 */
export function decodeEncap(unknown: readonly RawAttribute[] | undefined): RouteEncapSpec | undefined {
  if (unknown === undefined || unknown.length === 0) return undefined;
  const typeAttribute = unknown.find((a) => a.type === RTA_ENCAP_TYPE);
  if (typeAttribute === undefined || typeAttribute.data.length < 2) return undefined;
  const kind = KIND_OF_TYPE.get(typeAttribute.data.readUInt16LE(0));
  if (kind === undefined) return undefined;
  const encap = unknown.find((a) => a.type === RTA_ENCAP);
  return kind.decode(encap === undefined ? new Map() : encapMembers(encap.data));
}
