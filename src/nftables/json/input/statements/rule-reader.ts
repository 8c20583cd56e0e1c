// What a statement module may ask of the rule it is read into: the left-hand sides, values,
// registers and lookups the rule's linearizer (rule.ts) shares between statements.
import type { Linearizer } from '../../../builder/linearizer.js';
import type { ObjectType } from '../../../expressions/objref.js';
import type { Expression } from '../../../expressions/types.js';
import type { Datatype, ScalarValue } from '../../../objects/datatypes.js';
import type { ElementValue } from '../../../objects/elements.js';
import type { TypeSpec } from '../../../objects/set.js';
import type { Field } from '../fields.js';
import type { Left } from '../left.js';
import type { JsonNode } from '../reader.js';
import type { RuleJsonContext } from '../rule.js';

export interface RuleReader {
  /** Where the rule goes, and how anonymous sets are made. */
  readonly context: RuleJsonContext;
  /** The expressions so far, and the protocols the rule established. */
  readonly linearizer: Linearizer;
  emit(...e: Expression[]): void;
  /** A left-hand side (`{"payload": ...}`, `{"meta": ...}`, a concatenation...). */
  left(node: JsonNode): Left;
  /** A payload field by protocol and name, or raw by base, offset and length. */
  payload(node: JsonNode): Field;
  /** The left-hand side of one field. */
  single(source: Field): Left;
  /** The bitwise after a masked load. */
  applyMask(left: Left): void;
  /** A value for `left` in its register bytes. */
  encodeValue(left: Left, given: ScalarValue, node: JsonNode): Buffer;
  /** Values of a concatenation for `left`. */
  encodeConcat(left: Left, values: ElementValue, node: JsonNode): Buffer;
  /** A bitmask operand: one flag, `{"|": [...]}` or a list of flags. */
  bitmaskValue(node: JsonNode): ScalarValue;
  /** An immediate value of `type` into `reg`. */
  immediate(type: Datatype, node: JsonNode, reg: number): void;
  /** An address type for dup, fwd and tproxy. */
  addressType(node: JsonNode, family: 'ip' | 'ip6' | undefined): Datatype;
  /** The value of a write, into register 1. */
  writeValue(key: Left, valueNode: JsonNode): void;
  /** A map lookup whose data lands in register 1 (or the verdict register). */
  mapLookup(node: JsonNode, dataType: TypeSpec | 'verdict'): void;
  /** An object looked up by key. */
  objectMap(objectType: ObjectType, node: JsonNode): void;
  /** The name of the anonymous set of `elements` keyed by `left`. */
  anonymous(left: Left, elements: JsonNode[], map?: TypeSpec | 'verdict', node?: JsonNode, objectType?: ObjectType): string;
  /** Loads `left` and looks it up in `set` (`named` when the rule names it), for a match (`invert`) or a map (`dreg`). */
  lookup(left: Left, set: string, named: boolean, result: { dreg?: number; invert: boolean }): void;
  /** A payload load of a `field == value` match, which nft merges with its neighbours. */
  markMergeable(load: Expression): void;
  /** A compare of a masked raw bit field, which nft may join with the next. */
  markMaskedMatch(compare: Expression): void;
}
