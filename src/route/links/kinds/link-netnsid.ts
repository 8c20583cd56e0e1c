// IFLA_LINK_NETNSID on a creating request: the namespace, by its nsid as the
// connection's namespace sees it, in which the kernel looks up the new link's
// lower device (IFLA_LINK, a vxlan's IFLA_VXLAN_LINK) and builds the link
// before moving it to its own namespace (`ip link add … link-netnsid ID`).
import { IFLA_LINK_NETNSID } from '../../../generated/if_link.js';
import type { MessageWriter } from '../../../netlink/writer.js';
import { validateInteger } from '../../names.js';
import { S32_MAX } from '../validate.js';

/** The spec field of the kinds whose lower device may live in another namespace. */
export interface LinkNetnsIdSpec {
  /**
   * IFLA_LINK_NETNSID: the nsid (see `nsid.get`) of the namespace holding the
   * lower device; its ifindex is still resolved in the connection's
   * namespace, as ip 6.1 resolves `link DEV`. The kernel answers an unknown
   * id with "Unknown network namespace id".
   */
  linkNetnsId?: number;
}

export function validateLinkNetnsId(spec: LinkNetnsIdSpec): void {
  // Any s32, as ip sends it: a negative or unassigned id is the kernel's to refuse.
  if (spec.linkNetnsId !== undefined) validateInteger(spec.linkNetnsId, 'linkNetnsId', -S32_MAX - 1, S32_MAX);
}

export function encodeLinkNetnsId(spec: LinkNetnsIdSpec, w: MessageWriter): void {
  if (spec.linkNetnsId !== undefined) w.s32(IFLA_LINK_NETNSID, spec.linkNetnsId);
}
