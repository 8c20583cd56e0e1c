import {
  IFA_F_DADFAILED, IFA_F_DEPRECATED, IFA_F_HOMEADDRESS, IFA_F_MANAGETEMPADDR, IFA_F_MCAUTOJOIN, IFA_F_NODAD,
  IFA_F_NOPREFIXROUTE, IFA_F_OPTIMISTIC, IFA_F_PERMANENT, IFA_F_SECONDARY, IFA_F_STABLE_PRIVACY, IFA_F_TENTATIVE,
} from '../../generated/if_addr.js';
import { InvalidArgumentError, type IpFamily } from '../../netlink/addresses.js';
import { textOf } from '../../netlink/checks.js';

/**
 * IFA_F_* bits with the words `ip` uses, in the order `ip addr` prints them.
 * IFA_F_SECONDARY and IFA_F_TEMPORARY share a bit: "temporary" on IPv6.
 */
export const ADDRESS_FLAG_NAMES: readonly (readonly [number, string])[] = [
  [IFA_F_SECONDARY, 'secondary'],
  [IFA_F_NODAD, 'nodad'],
  [IFA_F_OPTIMISTIC, 'optimistic'],
  [IFA_F_DADFAILED, 'dadfailed'],
  [IFA_F_HOMEADDRESS, 'home'],
  [IFA_F_DEPRECATED, 'deprecated'],
  [IFA_F_TENTATIVE, 'tentative'],
  [IFA_F_PERMANENT, 'permanent'],
  [IFA_F_MANAGETEMPADDR, 'mngtmpaddr'],
  [IFA_F_NOPREFIXROUTE, 'noprefixroute'],
  [IFA_F_MCAUTOJOIN, 'autojoin'],
  [IFA_F_STABLE_PRIVACY, 'stable-privacy'],
];

/** Names of the set flags in `ip`'s order; bits nobody knows appear as hex. */
export function addressFlagNames(flags: number, family: IpFamily): string[] {
  const names: string[] = [];
  let rest = flags;
  for (const [bit, name] of ADDRESS_FLAG_NAMES) {
    if (flags & bit) names.push(bit === IFA_F_SECONDARY && family === 6 ? 'temporary' : name);
    rest &= ~bit;
  }
  if (rest) names.push(`0x${(rest >>> 0).toString(16)}`);
  return names;
}

/** The flags a caller may set on an address (the rest are the kernel's to report). */
export interface AddressFlags {
  /** IPv6: skip duplicate address detection. */
  nodad?: boolean;
  /** Do not create the prefix route for the address's subnet. */
  noprefixroute?: boolean;
  /** IPv6: home address (Mobile IPv6). */
  homeaddress?: boolean;
  /** IPv6: manage temporary (privacy) addresses from this one. */
  managetempaddr?: boolean;
  /** Join the multicast group of a multicast address. */
  mcautojoin?: boolean;
  /** IPv6: optimistic DAD. */
  optimistic?: boolean;
}

const SETTABLE: Record<keyof AddressFlags, { bit: number; ipv6Only: boolean }> = {
  nodad: { bit: IFA_F_NODAD, ipv6Only: true },
  noprefixroute: { bit: IFA_F_NOPREFIXROUTE, ipv6Only: false },
  homeaddress: { bit: IFA_F_HOMEADDRESS, ipv6Only: true },
  managetempaddr: { bit: IFA_F_MANAGETEMPADDR, ipv6Only: true },
  mcautojoin: { bit: IFA_F_MCAUTOJOIN, ipv6Only: false },
  optimistic: { bit: IFA_F_OPTIMISTIC, ipv6Only: true },
};

/** Turns `flags: { nodad: true, ... }` into IFA_F_* bits, refusing what the family cannot have. */
export function encodeAddressFlags(flags: unknown, family: IpFamily): number {
  if (flags === undefined) return 0;
  if (typeof flags !== 'object' || flags === null) throw new InvalidArgumentError(`flags must be an object like { nodad: true }, got ${textOf(flags)}`);
  let bits = 0;
  for (const [key, value] of Object.entries(flags)) {
    const known = SETTABLE[key as keyof AddressFlags];
    if (!known) throw new InvalidArgumentError(`unknown address flag "${key}"; settable flags are ${Object.keys(SETTABLE).join(', ')}`);
    if (value === undefined || value === false) continue;
    if (value !== true) throw new InvalidArgumentError(`address flag ${key} must be true or false, got ${textOf(value)}`);
    if (known.ipv6Only && family !== 6) throw new InvalidArgumentError(`address flag ${key} applies to IPv6 addresses only`);
    bits |= known.bit;
  }
  return bits;
}
