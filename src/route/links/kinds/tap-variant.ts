import { InvalidArgumentError } from '../../../netlink/addresses.js';
import type { KindData, LinkKind } from './kind.js';

/**
 * The character-device twin of a link kind (macvtap of macvlan, ipvtap of
 * ipvlan): the kernel takes the base kind's IFLA_INFO_DATA unchanged, so its
 * encoder and decoder serve both; only the kind's name and the checks'
 * wording differ.
 */
export function tapVariant<Spec extends { type: string; name: string; link?: unknown }, Info extends KindData>(
  base: LinkKind<any, Info>,
  kind: Spec['type'],
): LinkKind<Spec, Info> {
  // The base's properties as they are: a spread would read its getters (the
  // attribute-name table, built on first use) when the module loads.
  const variant = Object.defineProperties({}, Object.getOwnPropertyDescriptors(base)) as LinkKind<Spec, Info>;
  return Object.assign(variant, {
    kind,
    validate(spec: Spec) {
      // Checked here first so the message names the tap kind, not the base kind whose checks follow.
      if (spec.link === undefined) throw new InvalidArgumentError(`${kind} "${spec.name}" needs link: the lower device it sits on`);
      base.validate({ ...spec, type: base.kind });
    },
  });
}
