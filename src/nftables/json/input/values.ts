// Right-hand sides and set elements in nft's JSON (`22`, `"established"`,
// `{"prefix": {...}}`, `{"range": [a, b]}`, `{"concat": [...]}`, `{"set": [...]}`,
// `"@name"`, verdicts) turned into the values nlkit's datatypes and sets take.
import type { ElementData, ElementValue, SetElement, SetElementInput } from '../../objects/elements.js';
import type { ScalarValue } from '../../objects/datatypes.js';
import type { Verdict } from '../../protocol/data.js';
import type { Expression } from '../../expressions/types.js';
import type { JsonNode } from './reader.js';

/** Parses a stateful statement (`counter`, `quota`, `limit`) of an element or a set. */
export type StatefulParser = (name: string, node: JsonNode) => Expression[];

/** What a right-hand side is. */
export type RightValue =
  | { form: 'value'; value: ScalarValue }
  | { form: 'prefix'; address: string; length: number }
  | { form: 'range'; from: ScalarValue; to: ScalarValue }
  | { form: 'concat'; values: ElementValue }
  | { form: 'flags'; values: ScalarValue[] }
  | { form: 'set'; name: string }
  | { form: 'anonymous'; elements: JsonNode[] };

/** A number or a string: what a datatype encodes. */
export function scalar(node: JsonNode): ScalarValue {
  const v = node.value;
  if (typeof v === 'number') {
    if (!Number.isSafeInteger(v) || v < 0) node.fail(`expected a non-negative integer, got ${v}`);
    return v;
  }
  if (typeof v === 'string') {
    if (v === '') node.fail('expected a value, got an empty string');
    return v;
  }
  return node.fail(`expected a number or a string, got ${v === null ? 'null' : Array.isArray(v) ? 'an array' : typeof v}`);
}

/** Parses a right-hand side without knowing its type yet. */
export function rightValue(node: JsonNode): RightValue {
  const v = node.value;
  if (typeof v === 'string' && v.startsWith('@')) {
    if (v.length === 1) node.fail('"@" needs a set name');
    return { form: 'set', name: v.slice(1) };
  }
  if (typeof v === 'number' || typeof v === 'string') return { form: 'value', value: scalar(node) };
  if (Array.isArray(v)) return { form: 'flags', values: node.items().map(flagValue) };
  const [key, inner] = node.single('a value');
  switch (key) {
    case 'prefix': return prefix(inner);
    case 'range': return range(inner);
    case 'concat': return { form: 'concat', values: inner.items().map(elementPart) };
    case 'set': return { form: 'anonymous', elements: inner.list() };
    case '|': return { form: 'flags', values: inner.items().map(flagValue) };
    default: return node.fail(`"${key}" is not a supported value (a number, a string, prefix, range, concat, set, "@set")`);
  }
}

function flagValue(node: JsonNode): ScalarValue {
  return scalar(node);
}

function prefix(node: JsonNode): RightValue & { form: 'prefix' } {
  node.object(['addr', 'len']);
  const address = String(scalar(node.at('addr')));
  return { form: 'prefix', address, length: node.at('len').integer(128) };
}

function range(node: JsonNode): RightValue & { form: 'range' } {
  const items = node.items();
  if (items.length !== 2) node.fail(`a range needs two values, got ${items.length}`);
  return { form: 'range', from: scalar(items[0]!), to: scalar(items[1]!) };
}

/** One part of an element key as nlkit writes it: a value, `a/len` or `a-b`. */
function elementPart(node: JsonNode): ScalarValue {
  const r = rightValue(node);
  switch (r.form) {
    case 'value': return r.value;
    case 'prefix': return `${r.address}/${r.length}`;
    case 'range': return `${r.from}-${r.to}`;
    // `tcp flags { syn | ack }`: flags OR'ed, as the bitmask types read them.
    case 'flags':
      if (!Array.isArray(node.value)) return r.values.map(String).join('|');
      return node.fail('an element must be a value, a prefix, a range or flags joined with "|"');
    default: return node.fail('an element must be a value, a prefix, a range or flags joined with "|"');
  }
}

/** An element key: a part, or a concatenation (an array for nlkit). */
export function elementKey(node: JsonNode): ElementValue {
  if (node.isObject() && Object.keys(node.value as object)[0] === 'concat') {
    return node.at('concat').items().map(elementPart);
  }
  return elementPart(node);
}

/** A verdict as `{"accept": null}` or `{"jump": {"target": "c"}}`. */
export function verdict(node: JsonNode): Verdict {
  const [code, inner] = node.single('a verdict');
  switch (code) {
    case 'accept': case 'drop': case 'continue': case 'return': case 'queue':
      if (inner.value !== null && inner.value !== undefined) inner.fail('expected null');
      return { code };
    case 'jump': case 'goto':
      inner.object(['target']);
      return { code, chain: inner.at('target').string() };
    default:
      return node.fail(`"${code}" is not a verdict (accept, drop, continue, return, jump, goto)`);
  }
}

export function isVerdict(node: JsonNode): boolean {
  if (!node.isObject()) return false;
  const keys = Object.keys(node.value as object);
  return keys.length === 1 && ['accept', 'drop', 'continue', 'return', 'queue', 'jump', 'goto'].includes(keys[0]!);
}

/** Map data: a verdict, or a value like a key. */
export function elementData(node: JsonNode): ElementData {
  return isVerdict(node) ? verdict(node) : elementKey(node);
}

/** Seconds in nft's JSON, milliseconds in nlkit. */
function seconds(node: JsonNode): number {
  return node.integer(Number.MAX_SAFE_INTEGER / 1000) * 1000;
}

/**
 * One element of a set (`"10.0.0.1"`, `{"elem": {"val": ..., "timeout": 30, "comment": "x", "counter": ...}}`)
 * or of a map (`[key, data]`); `object` for object maps, whose data names an object.
 */
export function element(node: JsonNode, map: 'data' | 'object' | undefined, statement: StatefulParser): SetElementInput {
  if (map !== undefined) {
    const pair = node.items();
    if (pair.length !== 2) node.fail(`a map element is [key, data], got ${pair.length} items`);
    const key = element(pair[0]!, undefined, statement);
    const base = typeof key === 'object' && !Array.isArray(key) ? key : { key };
    if (map === 'object') return { ...base, object: pair[1]!.string() };
    return { ...base, data: elementData(pair[1]!) };
  }
  if (node.isObject() && Object.keys(node.value as object).length === 1 && 'elem' in (node.value as object)) {
    const elem = node.at('elem').object(['val', 'timeout', 'expires', 'comment', 'counter', 'quota', 'limit']);
    const out: SetElement = { key: elementKey(elem.at('val')) };
    const timeout = elem.at('timeout');
    if (!timeout.isMissing()) out.timeout = seconds(timeout);
    const comment = elem.at('comment');
    if (!comment.isMissing()) out.comment = comment.string();
    const expressions = ['counter', 'quota', 'limit'].filter((k) => !elem.at(k).isMissing()).flatMap((k) => statement(k, elem.at(k)));
    if (expressions.length) out.expressions = expressions;
    return out;
  }
  return elementKey(node);
}
