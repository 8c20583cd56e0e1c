import type { AttributeCursor, RawAttribute } from '../../../netlink/attributes.js';
import type { MessageWriter } from '../../../netlink/writer.js';
import type { NetnsRef } from '../../../netns/reference.js';
import type { LinkRef } from '../../resolve.js';
import type { AttributeNames } from '../attribute-names.js';

/** What every decoded kind-specific object carries: the attributes nlkit did not decode. */
export interface KindData {
  /** Members of IFLA_INFO_DATA (or _SLAVE_DATA) nlkit does not decode, kept verbatim. */
  unknown: RawAttribute[];
}

/** References in a spec, turned into numbers before the request is encoded. */
export interface KindEncodeContext {
  /** The ifindex of a link the spec names (resolved before anything is sent). */
  linkIndex(ref: LinkRef): number;
  /** The fd of a namespace the spec names (opened before sending, closed after). */
  netnsFd(ref: NetnsRef): number;
}

/**
 * A change the kernel cannot make in the request that creates a link (a veth
 * peer's IFF_UP, an alias), sent right after it to the namespace the link is in.
 */
export interface FollowUp {
  /** The namespace of the link; the connection's own when absent. */
  netns?: NetnsRef;
  /** The link's name in that namespace. */
  name: string;
  /** Set IFF_UP on the link. */
  up?: boolean;
  /** Set IFLA_IFALIAS on the link. */
  alias?: string;
}

/** A name a creating request takes, in the namespace it takes it in (the connection's when absent). */
export interface TakenName {
  /** What the name is, for messages: `veth peer`. */
  role: string;
  /** The interface name the request claims. */
  name: string;
  /** The namespace the name is claimed in; the connection's own when absent. */
  netns?: NetnsRef;
}

/** How `ip` would name other links of the namespace, for fields that hold an ifindex. */
export interface IpJsonNames {
  /** The link's name, or `if<N>` as ip prints an index it cannot resolve. */
  name(index: number): string;
  /** The link's flags, or undefined when unknown. */
  flags(index: number): number | undefined;
}

/**
 * A link kind (IFLA_INFO_KIND) as a plug-in: validation, encoding of its
 * IFLA_INFO_DATA, decoding, and the `info_data` object `ip -j -d` prints.
 */
export interface LinkKind<Spec = any, Info extends KindData = any> {
  /** The IFLA_INFO_KIND string, as `ip link add ... type KIND` takes it. */
  readonly kind: string;
  /** False for kinds nlkit decodes but cannot create through rtnetlink (tun). */
  readonly creatable: boolean;
  /** Spec fields this kind adds to the common ones (unknown fields are refused as typos). */
  readonly specKeys: readonly string[];
  /** Common spec fields this kind gives another meaning (vxlan's `group` is its multicast group). */
  readonly redefines?: readonly string[];
  /** Names of the IFLA_INFO_DATA members, for error messages. */
  readonly dataAttributeNames?: AttributeNames;
  /** Refuses bad kind-specific input before anything is sent (InvalidArgumentError). */
  validate(spec: Spec): void;
  /** Links the spec names; resolved in the connection's namespace before sending. */
  linkRefs?(spec: Spec): readonly LinkRef[];
  /** Namespaces the spec names besides the common `netns`; opened before sending. */
  netnsRefs?(spec: Spec): readonly NetnsRef[];
  /**
   * Names besides the link's own that its creating request takes (a veth's
   * peer), so an EEXIST can say which name is taken and where.
   */
  takenNames?(spec: Spec): readonly TakenName[];
  /** Changes to make right after the link exists (see FollowUp). */
  followUps?(spec: Spec): readonly FollowUp[];
  /** Top-level attributes the kind needs besides IFLA_LINKINFO (macvlan's IFLA_LINK). */
  encodeLinkAttributes?(spec: Spec, writer: MessageWriter, ctx: KindEncodeContext): void;
  /** Writes the members of IFLA_INFO_DATA; absent for kinds without options. */
  encodeInfoData?(spec: Spec, writer: MessageWriter, ctx: KindEncodeContext): void;
  /**
   * Reads IFLA_INFO_DATA. The cursor walks the decoded link's own copy of its
   * message, so `view()` and `rawView()` may be kept in the result.
   */
  decodeInfoData(cursor: AttributeCursor): Info;
  /**
   * The `info_data` object of `ip -j -d link show`, given the decoded data or
   * undefined when the kernel sent none. Absent for kinds ip prints no
   * info_data for (veth, ifb).
   */
  toIpJson?(info: Info | undefined, names: IpJsonNames): Record<string, unknown>;
}

/** The kind of a link's master as seen from the port (IFLA_INFO_SLAVE_KIND / _DATA). */
export interface SlaveKind<Info extends KindData = any> {
  /** The IFLA_INFO_SLAVE_KIND string: the master's kind, e.g. "bridge". */
  readonly kind: string;
  /** Reads IFLA_INFO_SLAVE_DATA; like decodeInfoData, over the link's own copy of its message. */
  decodeSlaveData(cursor: AttributeCursor): Info;
  /** The `info_slave_data` object of `ip -j -d link show`. */
  toIpJson?(info: Info | undefined, names: IpJsonNames): Record<string, unknown>;
}
