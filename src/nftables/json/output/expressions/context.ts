// What a per-expression JSON module may ask of the rule it is delinearized in: registers,
// statements and the dependencies nft added. The delinearizer implements it.
import type { Datatype } from '../../../objects/datatypes.js';
import type { NftFamily } from '../../../objects/family.js';
import type { NftJsonStatement, NftJsonValue } from '../../schema.js';

/** What a load puts into a register, as the delinearizer keeps it. */
export interface RegisterLoad {
  /** The expression as JSON (`{"rt": {"key": "classid"}}`). */
  json: NftJsonValue;
  /** The datatype its values print as. */
  type: Datatype;
  /** Bytes loaded. */
  length: number;
  /** A flag test (`exists` / `missing`): compares print as true or false. */
  presence?: boolean;
  /**
   * A load wider than the field nft names, left for the mask of a bitwise that follows
   * (`tcp option mptcp subtype`): the field at those bits, undefined when none is.
   */
  maskedField?: (bitOffset: number, bitLength: number) => { json: NftJsonValue; type: Datatype } | undefined;
}

export interface RawExpressionContext {
  /** The family of the rule's table. */
  readonly family: NftFamily;
  /** Refuses the rule with NftJsonUnsupportedError. */
  fail(message: string): never;
  /** A register as the argument of a statement of `type` (immediate data printed in that type). */
  value(register: number, type: Datatype): NftJsonValue;
  /** The key of `length` bytes from `register` on: one operand or a concatenation. */
  key(register: number, length: number): NftJsonValue;
  /** Puts a load into a register. */
  load(register: number, loaded: RegisterLoad): void;
  emit(statement: NftJsonStatement): void;
  /** Leaves out the protocol match nft added for this layer, as nft's payload_dependency_release does. */
  releaseDependency(layer: 'network' | 'transport'): void;
}

/** The value of a field the kernel always lists, or a refusal naming it when a listing lacks it. */
export function required<T>(value: T | undefined, ctx: RawExpressionContext, expression: string, name: string): T {
  return value ?? ctx.fail(`the ${expression} expression: ${name} is missing`);
}

/** A field named by a codec's EnumNames: a number there is one nft does not name either. */
export function named<N extends string>(value: N | number | undefined, ctx: RawExpressionContext, expression: string, what: string): N {
  if (typeof value === 'string') return value;
  return ctx.fail(`the ${expression} expression: ${what} ${String(value)} is not one nft names`);
}
