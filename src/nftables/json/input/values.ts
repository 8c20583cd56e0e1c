// Right-hand sides and set elements in nft's JSON (`22`, `"established"`,
// `{"prefix": {...}}`, `{"range": [a, b]}`, `{"concat": [...]}`, `{"set": [...]}`,
// `"@name"`, verdicts) turned into the values nlkit's datatypes and sets take.
import type { ElementData, ElementValue, SetElement, SetElementInput } from '../../objects/elements.js';
import { KeyType, type Datatype, type ScalarValue } from '../../objects/datatypes.js';
import type { TypeSpec } from '../../objects/set.js';
import type { Verdict } from '../../protocol/data.js';
import type { Expression } from '../../expressions/types.js';
import { systemNameNumber } from './system-names.js';
import type { JsonNode } from './reader.js';

/** Parses a stateful statement (`counter`, `quota`, `limit`) of an element or a set. */
export type StatefulParser = (name: string, node: JsonNode) => Expression[];

/** Ethertypes nft names that nlkit's ether_type table does not (nft's ethertype_tbl). */
const ETHERTYPE_NAMES: Record<string, number> = { '8021q': 0x8100, '8021ad': 0x88a8 };

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
    // nft 1.0.6 prints a value whose type it lost (`ct original proto-dst { 80 }`) as its raw bytes, marked.
    const raw = /^(0x[0-9a-f]+) \[invalid type\]$/.exec(v);
    if (raw) return raw[1]!;
    return ETHERTYPE_NAMES[v] ?? v;
  }
  // A boolean type's values (`exists` / `missing`).
  if (typeof v === 'boolean') return v ? 1 : 0;
  return node.fail(`expected a number or a string, got ${v === null ? 'null' : Array.isArray(v) ? 'an array' : typeof v}`);
}

/** Parses a right-hand side without knowing its type yet. */
export function rightValue(node: JsonNode): RightValue {
  const v = node.value;
  if (typeof v === 'string' && v.startsWith('@')) {
    if (v.length === 1) node.fail('"@" needs a set name');
    return { form: 'set', name: v.slice(1) };
  }
  if (typeof v === 'number' || typeof v === 'string' || typeof v === 'boolean') return { form: 'value', value: scalar(node) };
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
  // A boolean interval ends at the top of its byte, any non-zero value, which nft prints as `true`.
  const to = items[1]!.value === true ? '0xff' : scalar(items[1]!);
  return { form: 'range', from: scalar(items[0]!), to };
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
    const elem = node.at('elem').object(['val', 'timeout', 'expires', 'comment', 'counter', 'quota', 'limit', 'ct count']);
    const out: SetElement = { key: elementKey(elem.at('val')) };
    const timeout = elem.at('timeout');
    if (!timeout.isMissing()) out.timeout = seconds(timeout);
    const comment = elem.at('comment');
    if (!comment.isMissing()) out.comment = comment.string();
    const expressions = ['counter', 'quota', 'limit', 'ct count'].filter((k) => !elem.at(k).isMissing()).flatMap((k) => statement(k, elem.at(k)));
    if (expressions.length) out.expressions = expressions;
    return out;
  }
  return elementKey(node);
}

/**
 * Element keys and data as nlkit's set types read them, for what nft's JSON
 * writes that only addresses take as text: a prefix of an integer (`{"prefix":
 * {"addr": 256, "len": 24}}` of a mark) becomes the range it covers; the end of
 * a range past the type's named values (`{"range": ["ce", 255]}`, the 0xff nft
 * lists as the end of a 2-bit ecn interval) is written as the raw register
 * value; interface names where the type holds indexes are resolved with `ifindex`.
 */
export function normalizeElements(elements: SetElementInput[], type: TypeSpec, map: TypeSpec | undefined, ifindex?: (name: string) => number): void {
  const keyParts = partsOf(type);
  const dataParts = map === undefined ? undefined : partsOf(map);
  elements.forEach((input, i) => {
    const full: SetElement = typeof input === 'object' && !Array.isArray(input) ? { ...input } : { key: input as ElementValue };
    let changed = false;
    const fix = (value: ElementValue, parts: readonly Datatype[]): ElementValue => {
      const list = Array.isArray(value) ? value : [value];
      const fixed = list.map((part, j) => (parts[j] ? normalizePart(part, parts[j]!, ifindex) : part));
      if (fixed.every((p, j) => p === list[j])) return value;
      changed = true;
      return Array.isArray(value) ? fixed : fixed[0]!;
    };
    if (keyParts) full.key = fix(full.key, keyParts);
    if (dataParts && full.data !== undefined && (typeof full.data !== 'object' || Array.isArray(full.data))) full.data = fix(full.data as ElementValue, dataParts);
    if (changed) elements[i] = typeof input === 'object' && !Array.isArray(input) ? full : full.data === undefined ? full.key : full;
  });
}

/** `"lo"`, or a range of interfaces `"lo-100"` / `"lo-veth0"` (names may hold dashes: the first split whose two sides resolve). */
function interfaceIndexes(part: string, ifindex: (name: string) => number): ScalarValue {
  const index = (name: string): number | undefined => {
    if (/^\d+$/.test(name)) return Number(name);
    try {
      return ifindex(name);
    } catch {
      return undefined;
    }
  };
  for (let dash = part.indexOf('-', 1); dash > 0; dash = part.indexOf('-', dash + 1)) {
    const from = index(part.slice(0, dash));
    const to = index(part.slice(dash + 1));
    if (from !== undefined && to !== undefined) return `${from}-${to}`;
  }
  return ifindex(part);
}

function partsOf(type: TypeSpec): readonly Datatype[] | undefined {
  try {
    return new KeyType(type, 'type').parts;
  } catch {
    return undefined; // the set's own check names a bad type
  }
}

function normalizePart(part: ScalarValue, type: Datatype, ifindex?: (name: string) => number): ScalarValue {
  // nft's JSON gives durations in seconds; nlkit's time type counts milliseconds.
  if (type.name === 'time' && typeof part === 'number') return part * 1000;
  if (typeof part !== 'string') return part;
  const seconds = type.name === 'time' ? /^(\d+)-(\d+)$/.exec(part) : null;
  if (seconds) return `${Number(seconds[1]) * 1000}-${Number(seconds[2]) * 1000}`;
  if (!encodes(type, part)) {
    const n = systemNameNumber(type.name, part);
    if (n !== undefined) return n;
  }
  if (type.name === 'iface_index' && ifindex && !/^\d+$/.test(part)) return interfaceIndexes(part, ifindex);
  if (type.name === 'ipv4_addr' || type.name === 'ipv6_addr' || type.text) return part;
  const prefix = /^(\d+|0x[0-9a-f]+)\/(\d+)$/i.exec(part);
  if (prefix) {
    const bits = BigInt(type.length * 8);
    const len = BigInt(prefix[2]!);
    if (len > bits) return part;
    const value = BigInt(prefix[1]!);
    const host = (1n << (bits - len)) - 1n;
    return `0x${(value & ~host).toString(16)}-0x${(value | host).toString(16)}`;
  }
  const range = /^(.+)-(\d+)$/.exec(part);
  if (range && !encodes(type, Number(range[2])) && encodes(type, `0x${Number(range[2]).toString(16)}`)) {
    return `${range[1]}-0x${Number(range[2]).toString(16)}`;
  }
  return part;
}

function encodes(type: Datatype, value: ScalarValue): boolean {
  try {
    type.encode(value, '');
    return true;
  } catch {
    return false;
  }
}
