// The left-hand side of a match, a map lookup or a write: what a rule loads into registers, how,
// and its type per part. The rule linearizer (rule.ts) makes them; statements use them.
import type { Linearizer, Source } from '../../builder/linearizer.js';
import type { Expression } from '../../expressions/types.js';
import { datatype, type Datatype } from '../../objects/datatypes.js';
import type { TypeSpec } from '../../objects/set.js';

/** A left-hand side: what is loaded, its type per concatenated part, and how. */
export interface Left {
  name: string;
  parts: Datatype[];
  /** Bytes of each part in the registers (concatenations pad each to 4). */
  lengths: number[];
  /** Dependencies nft puts before the statement. */
  before(l: Linearizer): void;
  /** Loads the value into registers from `slot` on. */
  load(l: Linearizer, slot: number): void;
  /** A field narrower than its bytes, or `left & mask`: the mask applied after the load. */
  mask?: Buffer;
  /** `left | value`, `left ^ value`: the xor of the bitwise applied after the load. */
  xor?: Buffer;
  /** Values of a bit field shift left this far. */
  shift?: number;
  /** A single source, for protocol tracking and prefixes that shorten the load. */
  source?: Source;
  /** Matches `exists` / `missing` (JSON `true` / `false`), for expressions that have them. */
  presence?: (l: Linearizer, present: boolean) => void;
  /** A header or option named without a field: only its presence can be matched. */
  presenceOnly?: boolean;
  /** For concatenations: which parts nft holds in host byte order (swapped before an interval lookup). */
  hostOrder?: boolean[];
  /** Set before loading a concatenation for an interval lookup: swap the host-order parts. */
  swapHostOrder?: boolean;
  /** For fields a statement can write (`tcp option maxseg size set 1400`): the store from `sreg`. */
  store?: (sreg: number) => Expression;
}

/** Bytes loaded, all parts together. */
export function total(left: Left): number {
  return left.lengths.reduce((a, b) => a + b, 0);
}

/** A type as set keys name it: its own name when sets know it, else the sized integer or string it is. */
function setTypeName(type: Datatype): string {
  try {
    if (datatype(type.name, 'type').length === type.length) return type.name;
  } catch {
    // Not a set key type by that name: described by its size below.
  }
  if (type.text) return `string(${type.length * 8})`;
  return type.byteorder === 'host' ? `integer(${type.length * 8},host)` : `integer(${type.length * 8})`;
}

export function typeSpec(left: Left): TypeSpec {
  // A bit field keys its set at the width of the bytes loaded around it (`ip6 dscp` in two bytes: `dscp(16)`).
  if (left.shift !== undefined && left.parts[0]!.length !== left.lengths[0]) return `${left.parts[0]!.name}(${left.lengths[0]! * 8})`;
  const names = left.parts.map(setTypeName);
  return names.length === 1 ? names[0]! : names;
}
