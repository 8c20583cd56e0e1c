import { InvalidArgumentError } from '../../netlink/addresses.js';
import type { ScalarValue } from '../objects/datatypes.js';
import { jsonOf } from '../../netlink/checks.js';

/** Relational operators as nft writes them. */
export type Relation = '==' | '!=' | '<' | '>' | '<=' | '>=';

/**
 * The right-hand side of a match: a value (`10.0.0.1`, `22`), a prefix
 * (`10.0.0.0/8`), a range (`1000-2000`), an anonymous set (an array:
 * `[80, 443]`) or a named set (`@allowed`).
 */
export type Operand = ScalarValue | readonly ScalarValue[];

export type ParsedOperand =
  | { form: 'value'; value: ScalarValue }
  | { form: 'prefix'; address: string; length: number }
  | { form: 'range'; from: ScalarValue; to: ScalarValue }
  | { form: 'set'; name: string }
  | { form: 'anonymous'; elements: ScalarValue[] };

const RELATIONS = new Set<Relation>(['==', '!=', '<', '>', '<=', '>=']);

/** Accepts `(value)` or `(relation, value)`, the way nft puts an optional operator before the value. */
export function relationAndOperand(args: readonly unknown[], what: string): { relation: Relation; operand: Operand } {
  if (args.length === 1) return { relation: '==', operand: args[0] as Operand };
  if (args.length === 2 && RELATIONS.has(args[0] as Relation)) return { relation: args[0] as Relation, operand: args[1] as Operand };
  throw new InvalidArgumentError(`${what} takes a value, or an operator (${[...RELATIONS].join(' ')}) and a value`);
}

function scalar(text: string): ScalarValue {
  return /^\d+$/.test(text) ? Number(text) : text;
}

/** Splits an operand into its form; `addresses` enables the `a/len` prefix form. */
export function parseOperand(operand: Operand, what: string, addresses: boolean): ParsedOperand {
  if (Array.isArray(operand)) {
    if (operand.length === 0) throw new InvalidArgumentError(`${what}: an anonymous set needs at least one element`);
    return { form: 'anonymous', elements: [...operand] };
  }
  if (typeof operand === 'number') return { form: 'value', value: operand };
  if (typeof operand !== 'string' || operand === '') throw new InvalidArgumentError(`${what} needs a value, got ${jsonOf(operand)}`);
  if (operand.startsWith('@')) {
    if (operand.length === 1) throw new InvalidArgumentError(`${what}: "@" needs a set name`);
    return { form: 'set', name: operand.slice(1) };
  }
  const slash = operand.indexOf('/');
  if (addresses && slash > 0) {
    const length = Number(operand.slice(slash + 1));
    if (!/^\d{1,3}$/.test(operand.slice(slash + 1))) throw new InvalidArgumentError(`${what} "${operand}" has an invalid prefix length`);
    return { form: 'prefix', address: operand.slice(0, slash), length };
  }
  const dash = operand.indexOf('-', 1);
  // Interface names may contain '-'; the caller decides whether ranges apply.
  if (dash > 0 && !operand.includes(':')) return { form: 'range', from: scalar(operand.slice(0, dash)), to: scalar(operand.slice(dash + 1)) };
  if (dash > 0 && addresses) return { form: 'range', from: operand.slice(0, dash), to: operand.slice(dash + 1) };
  return { form: 'value', value: scalar(operand) };
}
