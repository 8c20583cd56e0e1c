import type { AttributeCursor } from '../../../netlink/attributes.js';
import type { KindData } from './kind.js';

/**
 * Every member of IFLA_INFO_DATA (or _SLAVE_DATA) kept raw: the decoding of
 * kinds without options (ifb, dummy) and of kinds nlkit has no module for.
 */
export function rawMembers(c: AttributeCursor): KindData {
  const info: KindData = { unknown: [] };
  while (c.next()) info.unknown.push(c.rawView());
  return info;
}
