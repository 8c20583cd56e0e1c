import * as ifLink from '../../generated/if_link.js';
import { IFLA_AF_SPEC, IFLA_INFO_DATA, IFLA_INFO_SLAVE_DATA, IFLA_LINKINFO, IFLA_MAX } from '../../generated/if_link.js';
import { once } from '../constant-names.js';

/** Attribute names indexed by type; holes where a header defines no name. */
export type AttributeNames = readonly (string | undefined)[];

/**
 * Builds a type → name table from a generated constants module by reverse
 * lookup of the names with `prefix` (up to `max`). A module namespace lists
 * its exports alphabetically, not in header order, so names that belong to a
 * nested enum (IFLA_BR_*, with IFLA_BR_UNSPEC .. IFLA_BR_MAX) are set aside,
 * the enum's own `PREFIX_MAX` alias is skipped, and of the rest the name
 * with the fewest parts wins a shared value.
 */
export function attributeNames(constants: Record<string, unknown>, prefix: string, max: number): AttributeNames {
  const value = (name: string) => (typeof constants[name] === 'number' ? (constants[name] as number) : undefined);
  const inNestedEnum = (name: string, v: number) => {
    for (let at = name.indexOf('_', prefix.length); at >= 0; at = name.indexOf('_', at + 1)) {
      const enumPrefix = name.slice(0, at + 1);
      const enumMax = value(`${enumPrefix}MAX`);
      if (value(`${enumPrefix}UNSPEC`) !== undefined && enumMax !== undefined && v <= enumMax) return true;
    }
    return false;
  };
  const parts = (name: string) => name.split('_').length;
  const names: (string | undefined)[] = [];
  for (const name of Object.keys(constants)) {
    const v = value(name);
    if (v === undefined || !name.startsWith(prefix) || name === `${prefix}MAX` || v < 0 || v > max) continue;
    if (inNestedEnum(name, v)) continue;
    const current = names[v];
    if (current === undefined || parts(name) < parts(current)) names[v] = name;
  }
  return names;
}

/**
 * `attributeNames(constants, prefix, max)`, built on first call and kept: a
 * table walks every name of a generated module (~1,000 for if_link.h), so it
 * is built when an error message needs it, not when the module loads
 * (docs/development.md, "No work at module load").
 */
export function lazyAttributeNames(constants: Record<string, unknown>, prefix: string, max: number): () => AttributeNames {
  return once(() => attributeNames(constants, prefix, max));
}

/** IFLA_* names (the top level of a link message). */
export const iflaNames = lazyAttributeNames(ifLink, 'IFLA_', IFLA_MAX);
/** IFLA_INFO_* names (IFLA_LINKINFO's members). */
export const iflaInfoNames = lazyAttributeNames(ifLink, 'IFLA_INFO_', ifLink.IFLA_INFO_MAX);
/** IFLA_BRPORT_* names (a bridge port's IFLA_INFO_SLAVE_DATA). */
export const iflaBrportNames = lazyAttributeNames(ifLink, 'IFLA_BRPORT_', ifLink.IFLA_BRPORT_MAX);

function nameOf(table: AttributeNames | undefined, type: number): string {
  return table?.[type] ?? String(type);
}

/**
 * Names an attribute path of a link request for error messages, e.g.
 * `IFLA_LINKINFO/IFLA_INFO_DATA/IFLA_VXLAN_PORT`. `dataNames` names the
 * kind's IFLA_INFO_DATA members.
 */
export function linkAttributeName(path: readonly number[], dataNames?: AttributeNames): string | undefined {
  if (path.length === 0) return undefined;
  const parts = [nameOf(iflaNames(), path[0]!)];
  if (path[0] === IFLA_LINKINFO && path.length > 1) {
    parts.push(nameOf(iflaInfoNames(), path[1]!));
    const members = path[1] === IFLA_INFO_DATA ? dataNames : path[1] === IFLA_INFO_SLAVE_DATA ? iflaBrportNames() : undefined;
    for (let i = 2; i < path.length; i++) parts.push(nameOf(i === 2 ? members : undefined, path[i]!));
  } else {
    // Deeper levels (IFLA_AF_SPEC families, ...) have no single name table.
    for (let i = 1; i < path.length; i++) parts.push(path[0] === IFLA_AF_SPEC && i === 1 ? `family ${path[i]}` : String(path[i]));
  }
  return parts.join('/');
}
