// A set's elements as nft's JSON prints them: sorted by value, intervals as
// prefixes and ranges, concatenations as {"concat"}, map entries as [key, data],
// and {"elem": {...}} around a key that carries a timeout, comment or counter.
import type { Expression } from '../../expressions/types.js';
import type { Datatype, KeyType } from '../../objects/datatypes.js';
import type { SetElement } from '../../objects/elements.js';
import { shapeOfListed, type NftSet, type SetShape } from '../../objects/set.js';
import type { Verdict } from '../../protocol/data.js';
import type { NftJsonStatement, NftJsonValue } from '../schema.js';
import { InvalidArgumentError } from '../../../netlink/addresses.js';
import { NftJsonUnsupportedError } from './errors.js';
import { intervalJson, isBitmask, sortBytes, valueJson, verdictJson, type ValueContext } from './values.js';
import { textOf } from '../../../netlink/checks.js';

/** A listed set with its elements, as `listRuleset` returns it. */
export type SetWithElements = NftSet & { elements: SetElement[] };

/** Renders the stateful statements of elements and sets (counter, limit, quota). */
export type StatefulRenderer = (expression: Expression, what: string) => NftJsonStatement;

/** nft stores host-order numbers big-endian in interval sets; back to the type's own order. */
function fromIntervalOrder(type: Datatype, b: Buffer): Buffer {
  return type.byteorder === 'host' && !type.text && b.length > 1 ? Buffer.from(b).reverse() : b;
}

interface Rendered {
  json: NftJsonValue;
  /** Per field: the bytes nft sorts by. */
  sort: Buffer[];
}

/** One key (or map data value) of `type`, re-encoded from the listing to print it from its bytes. */
function renderValue(type: KeyType, value: unknown, interval: boolean, ctx: ValueContext, what: string): Rendered {
  try {
    return renderBytes(type, value, interval, ctx, what);
  } catch (error) {
    // Interval map data (`10.0.0.1-10.0.0.9` as data) is listed in a form nlkit cannot encode back yet.
    if (error instanceof InvalidArgumentError) throw new NftJsonUnsupportedError(error.message, what);
    throw error;
  }
}

/** Combined flags in an element print as an or-expression (`{"|": ["syn", "ack"]}`). */
function elementJson(value: NftJsonValue): NftJsonValue {
  return Array.isArray(value) ? { '|': value } : value;
}

function renderBytes(type: KeyType, value: unknown, interval: boolean, ctx: ValueContext, what: string): Rendered {
  const parts: NftJsonValue[] = [];
  const sort: Buffer[] = [];
  let at = 0;
  if (interval) {
    const [start, end] = type.encodeInterval(value, what);
    type.parts.forEach((p, i) => {
      const s = fromIntervalOrder(p, start.subarray(at, at + p.length));
      const e = fromIntervalOrder(p, end.subarray(at, at + p.length));
      // In a concatenation nft prints a range of protocols as numbers (`1-17`, not `icmp-udp`).
      const numeric = type.concat && p.name === 'inet_proto' && !s.equals(e);
      parts.push(numeric ? { range: [s[0]!, e[0]!] } : elementJson(intervalJson(p, s, e, ctx, what)));
      // Interval sets keep numbers big-endian and strings as they are: their bytes sort as nft sorts.
      sort.push(start.subarray(at, at + p.length));
      at += type.fieldLengths[i]!;
    });
  } else {
    const bytes = type.encode(value, what);
    type.parts.forEach((p, i) => {
      const b = bytes.subarray(at, at + p.length);
      parts.push(elementJson(intervalJson(p, b, b, ctx)));
      sort.push(isBitmask(p) ? lowestFlag(p, b) : sortBytes(p, b));
      at += type.fieldLengths[i]!;
    });
    // nft orders concatenations as one host-order number: by their last bytes first.
    if (type.concat) return { json: { concat: parts }, sort: [Buffer.from(bytes).reverse()] };
  }
  return { json: type.concat ? { concat: parts } : parts[0]!, sort };
}

/**
 * nft sorts an element of several flags (`syn | ack`, an or-expression to it) by its left-most
 * operand, the lowest flag.
 */
function lowestFlag(type: Datatype, b: Buffer): Buffer {
  const ordered = sortBytes(type, b);
  const n = BigInt(`0x${ordered.toString('hex') || '0'}`);
  const lowest = n & -n;
  return Buffer.from(lowest.toString(16).padStart(ordered.length * 2, '0'), 'hex');
}

function compareSort(a: Buffer[], b: Buffer[]): number {
  for (let i = 0; i < Math.min(a.length, b.length); i++) {
    const c = Buffer.compare(a[i]!, b[i]!);
    if (c !== 0) return c;
  }
  return a.length - b.length;
}

function dataJson(shape: SetShape, element: SetElement, ctx: ValueContext, what: string): NftJsonValue | undefined {
  if (shape.object) return element.object ?? null;
  if (shape.data === undefined) return undefined;
  if (shape.data === 'verdict') return verdictJson(element.data as Verdict);
  // Interval data (`: interval ipv4_addr`) print as prefixes and ranges, like interval keys.
  return renderValue(shape.data, element.data, shape.dataInterval === true, ctx, what).json;
}

/** The shape of a listed set, or the typed error when nlkit does not know its types. */
export function listedShape(set: NftSet, what: string): SetShape {
  const shape = shapeOfListed(set);
  if (!shape) throw new NftJsonUnsupportedError(`its key or data type (${textOf(set.type)}${set.map !== undefined ? ` : ${textOf(set.map)}` : ''}) is not one nlkit prints`, what);
  return shape;
}

/** The `elem` array of a set (or the members of an anonymous set), sorted as nft sorts them. */
export function elementsJson(set: SetWithElements, ctx: ValueContext, stateful: StatefulRenderer, what: string): NftJsonValue[] {
  const shape = listedShape(set, what);
  const rendered = set.elements.map((element, i) => {
    const label = `${what} element #${i}`;
    const key = renderValue(shape.key, element.key, shape.interval, ctx, label);
    let json = key.json;
    const extra: { [k: string]: NftJsonValue } = {};
    if (element.timeout !== undefined) extra.timeout = Math.floor(element.timeout / 1000);
    if (element.expires !== undefined) extra.expires = Math.floor(element.expires / 1000);
    if (element.comment !== undefined) extra.comment = element.comment;
    // nft 1.0.6 prints an element's first stateful statement only.
    const first = element.expressions?.[0];
    if (first) Object.assign(extra, stateful(first, label));
    if (Object.keys(extra).length) json = { elem: { val: json, ...extra } };
    const data = dataJson(shape, element, ctx, label);
    return { json: data === undefined ? json : [json, data], sort: key.sort };
  });
  // nft sorts elements by value, except those of concatenated interval sets, which it prints in the kernel's order.
  if (!(shape.key.concat && shape.interval)) {
    // Equal keys (`syn | ack` and `syn`, both sorted by their lowest flag) come out in the reverse of
    // the kernel's order, as nft collects the elements: a stable sort of the reversed list.
    return rendered.reverse().sort((a, b) => compareSort(a.sort, b.sort)).map((r) => r.json);
  }
  return rendered.map((r) => r.json);
}

/**
 * The members of an anonymous set of a sub-byte field's values (`ip6 dscp { cs1, ef }`): nft stores
 * them as loaded, `shift` bits up in the field's bytes, and prints them shifted back, sorted.
 */
export function shiftedMembersJson(set: SetWithElements, type: Datatype, shift: number, bits: number, ctx: ValueContext, what: string): NftJsonValue[] {
  const shape = listedShape(set, what);
  if (shape.interval || shape.key.concat) throw new NftJsonUnsupportedError('a sub-byte field looked up in an interval or concatenated set', what);
  const members = set.elements.map((element, i) => {
    const label = `${what} element #${i}`;
    if (element.timeout !== undefined || element.comment !== undefined || element.expressions?.length) {
      throw new NftJsonUnsupportedError('a sub-byte field\'s set member with a timeout, comment or statement', label);
    }
    const bytes = shape.key.encode(element.key, label);
    const n = (BigInt(`0x${bytes.toString('hex') || '0'}`) >> BigInt(shift)) & ((1n << BigInt(bits)) - 1n);
    const key = valueJson(type, Buffer.from(n.toString(16).padStart(type.length * 2, '0'), 'hex'), ctx);
    const data = dataJson(shape, element, ctx, label);
    return { n, json: data === undefined ? key : [key, data] };
  });
  members.sort((a, b) => (a.n < b.n ? -1 : a.n > b.n ? 1 : 0));
  return members.map((m) => m.json);
}
