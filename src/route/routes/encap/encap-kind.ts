// One lightweight tunnel encapsulation type (RTA_ENCAP_TYPE), as a plug-in:
// the spec it takes, checked before anything is sent, its RTA_ENCAP payload,
// and the spec read back from a route the kernel reports. The route and
// each path of a multipath route carry one through the same interface.
import type { MessageWriter } from '../../../netlink/writer.js';

/** A checked encap, ready to encode: RTA_ENCAP_TYPE's value and the members of RTA_ENCAP. */
export interface PreparedEncap {
  /** LWTUNNEL_ENCAP_*. */
  type: number;
  /** Writes the members of RTA_ENCAP (the nest itself is the caller's). */
  encode(writer: MessageWriter): void;
}

export interface EncapKind<Spec extends { type: string }> {
  /** The `type` of the spec and ip's word after `encap`. */
  readonly name: string;
  /** LWTUNNEL_ENCAP_* sent in RTA_ENCAP_TYPE. */
  readonly type: number;
  /** Checks the spec (`what` names it in messages, e.g. `nexthops[1].encap`); InvalidArgumentError when it is wrong. */
  prepare(spec: Spec, what: string): PreparedEncap;
  /** The spec of an RTA_ENCAP payload the kernel sent: its members by type (the first of each). */
  decode(members: ReadonlyMap<number, Buffer>): Spec;
}
