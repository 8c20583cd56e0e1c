// Attribute helpers shared by the codecs whose attributes do not nest
// (addresses, neighbours, rules, nsid).
import type { RawAttribute } from '../netlink/attributes.js';
import { NLA_F_NESTED, type MessageWriter } from '../netlink/writer.js';

/** Names an attribute path for error messages: the top level by its uapi name, anything deeper by number. */
export function flatAttributeName(names: ReadonlyMap<number, string>, path: readonly number[]): string {
  return path.map((type, i) => (i === 0 ? names.get(type) : undefined) ?? String(type)).join('/');
}

/** Writes back attributes a decoder kept verbatim, after the ones it understood. */
export function writeRawAttributes(writer: MessageWriter, attributes: readonly RawAttribute[] | undefined): void {
  for (const raw of attributes ?? []) writer.binary(raw.type | (raw.nested ? NLA_F_NESTED : 0), raw.data);
}
