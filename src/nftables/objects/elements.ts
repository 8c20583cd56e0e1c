import {
  NFT_MSG_DELSETELEM, NFT_MSG_NEWSETELEM, NFT_SET_ELEM_INTERVAL_END, NFTA_LIST_ELEM, NFTA_SET_ELEM_DATA,
  NFTA_SET_ELEM_EXPIRATION, NFTA_SET_ELEM_FLAGS, NFTA_SET_ELEM_KEY, NFTA_SET_ELEM_KEY_END, NFTA_SET_ELEM_LIST_ELEMENTS,
  NFTA_SET_ELEM_LIST_SET, NFTA_SET_ELEM_LIST_SET_ID, NFTA_SET_ELEM_LIST_TABLE, NFTA_SET_ELEM_PAD, NFTA_SET_ELEM_TIMEOUT,
  NFTA_SET_ELEM_USERDATA, NFTA_SET_ELEM_EXPR, NFTA_SET_ELEM_EXPRESSIONS, NFTA_SET_ELEM_OBJREF,
} from '../../generated/nf_tables.js';
import { InvalidArgumentError } from '../../netlink/addresses.js';
import type { AttributeCursor, RawAttribute } from '../../netlink/attributes.js';
import { requireArray, requireKnownKeys, requireObject } from '../../netlink/checks.js';
import type { Message } from '../../netlink/message.js';
import { MalformedMessageError, NLM_F_CREATE, NLM_F_EXCL } from '../../netlink/message.js';
import { MessageWriter } from '../../netlink/writer.js';
import { decodeExpression, decodeExpressionList, encodeExpressionBody, encodeExpressionList, type Expression } from '../expressions/index.js';
import type { BatchCommand } from '../protocol/batch.js';
import { readData, requireVerdict, writeDataValue, writeDataVerdict, type Verdict, type VerdictCode } from '../protocol/data.js';
import { nftAttributes } from '../protocol/nfgenmsg.js';
import {
  commentEntry, decodeUserdata, encodeUserdata, u32Entry, UDATA_COMMENT, UDATA_SET_ELEM_FLAGS, UDATA_SET_ELEM_INTERVAL_OPEN, userdataString,
} from '../protocol/userdata.js';
import { decrementBytes, incrementBytes, type KeyType, type ScalarValue } from './datatypes.js';
import { familyNumber, type NftFamily } from './family.js';
import { requireName } from './names.js';
import { setLabel, type SetShape } from './set.js';

/** A key or data value: one value, or an array for a concatenation. In interval sets also `a-b` and `a/len`. */
export type ElementValue = ScalarValue | ScalarValue[];

/** Map data: a value, or a verdict (`{ code: 'accept' }`, or the words `accept`, `drop`, `jump chain`...). */
export type ElementData = ElementValue | Verdict;

/** One set or map element (`10.0.0.1`, `80 : accept`, `10.0.0.0/8 timeout 30s comment "x"`), as given to add/delete and as listed. */
export interface SetElement {
  /** The key (NFTA_SET_ELEM_KEY, plus NFTA_SET_ELEM_KEY_END for concatenated ranges); in an interval set a listed range comes back as `a-b` or `a/len`. */
  key: ElementValue;
  /** Map data (NFTA_SET_ELEM_DATA): the value or verdict the key maps to; required in a map, refused in a plain set. */
  data?: ElementData;
  /** Milliseconds until the element expires (sets with the timeout flag). */
  timeout?: number;
  /**
   * Milliseconds left, as the kernel reports it. Given back (NFTA_SET_ELEM_EXPIRATION), a re-created
   * element keeps its countdown instead of starting its timeout afresh; at most the element's timeout
   * (or the set's), and 0 or absent means the whole timeout.
   */
  expires?: number;
  /** Free text kept in NFTA_SET_ELEM_USERDATA (`comment "..."`). */
  comment?: string;
  /** In an object map: the name of the stateful object the key maps to (NFTA_SET_ELEM_OBJREF), as in `10.0.0.1 : "c1"`; required there, refused elsewhere. */
  object?: string;
  /**
   * Stateful expressions of the element (`10.0.0.1 counter packets 3 bytes 120`: NFTA_SET_ELEM_EXPR, or
   * NFTA_SET_ELEM_EXPRESSIONS for several); listed with their current values, which a re-created element starts from.
   */
  expressions?: Expression[];
  /** Attributes of a listed element this version does not decode, kept verbatim; absent when there are none. */
  unknown?: RawAttribute[];
}

/** An element in full, or just its key. */
export type SetElementInput = ElementValue | SetElement;

interface WireElement {
  key: Buffer;
  keyEnd?: Buffer;
  end?: boolean;
  data?: Buffer | Verdict;
  timeout?: number;
  expires?: number;
  userdata?: Buffer;
  object?: string;
  expressions?: Expression[];
}

/** A SetElement's fields (`unknown` comes with listed elements and is ignored). */
const ELEMENT_KEYS: ReadonlySet<string> = new Set(['key', 'data', 'timeout', 'expires', 'comment', 'object', 'expressions', 'unknown']);

function normalize(input: SetElementInput, what: string): SetElement {
  if (input !== null && typeof input === 'object' && !Array.isArray(input)) {
    requireKnownKeys(input, ELEMENT_KEYS, what);
    return input;
  }
  return { key: input };
}

const VERDICT_WORDS = new Set<VerdictCode>(['accept', 'drop', 'continue', 'return', 'queue', 'stolen', 'repeat', 'stop', 'break']);

/** A verdict from `{ code, chain }` or the nft words (`accept`, `jump other`). */
export function parseVerdict(value: unknown, what: string): Verdict {
  if (typeof value === 'string') {
    const [word, chain, extra] = value.trim().split(/\s+/);
    if ((word === 'jump' || word === 'goto') && chain && extra === undefined) return { code: word, chain };
    if (VERDICT_WORDS.has(word as VerdictCode) && chain === undefined) return { code: word as VerdictCode };
    throw new InvalidArgumentError(`${what} "${value}" is not a verdict (accept, drop, continue, return, jump <chain>, goto <chain>)`);
  }
  return requireVerdict(value as Verdict, what);
}

function wireObject(shape: SetShape, element: SetElement, what: string): string | undefined {
  if (!shape.object) {
    if (element.object !== undefined) throw new InvalidArgumentError(`${what} names an object but the set is not an object map`);
    return undefined;
  }
  if (element.data !== undefined) throw new InvalidArgumentError(`${what} has data but the set is an object map: name the object with \`object\``);
  if (element.object === undefined) throw new InvalidArgumentError(`${what} needs object: the set is an object map`);
  return requireName(element.object, 'object');
}

function wireExpressions(element: SetElement, what: string): Expression[] | undefined {
  if (element.expressions === undefined) return undefined;
  requireArray(element.expressions, `${what} expressions`);
  for (const e of element.expressions) requireObject(e, `${what} expression`, "{ kind: 'counter', packets: 0, bytes: 0 }");
  return element.expressions.length ? element.expressions : undefined;
}

function wireData(shape: SetShape, element: SetElement, what: string): Buffer | Verdict | undefined {
  if (shape.object) return undefined;
  if (shape.data === undefined) {
    if (element.data !== undefined) throw new InvalidArgumentError(`${what} has data but the set is not a map`);
    return undefined;
  }
  if (element.data === undefined) throw new InvalidArgumentError(`${what} needs data: the set is a map`);
  if (shape.data === 'verdict') return parseVerdict(element.data, `${what} data`);
  // Interval data (`: interval ipv4_addr`) are the start and the inclusive end, one after the other.
  if (shape.dataInterval) return Buffer.concat(shape.data.encodeInterval(element.data, `${what} data`));
  return shape.data.encode(element.data, `${what} data`);
}

function requireTimeout(element: SetElement, shape: SetShape, what: string): number | undefined {
  if (element.timeout === undefined) return undefined;
  if (!shape.timeout) throw new InvalidArgumentError(`${what} has a timeout but the set lacks the timeout flag`);
  if (!Number.isSafeInteger(element.timeout) || element.timeout <= 0) throw new InvalidArgumentError(`${what} timeout must be a positive number of milliseconds`);
  return element.timeout;
}

function requireExpires(element: SetElement, shape: SetShape, what: string): number | undefined {
  if (element.expires === undefined) return undefined;
  if (!Number.isSafeInteger(element.expires) || element.expires < 0) throw new InvalidArgumentError(`${what} expires must be a non-negative number of milliseconds`);
  if (!shape.timeout) throw new InvalidArgumentError(`${what} has expires but the set lacks the timeout flag`);
  // The kernel refuses (ERANGE) a countdown longer than the element's timeout.
  if (element.timeout !== undefined && element.expires > element.timeout) {
    throw new InvalidArgumentError(`${what} expires (${element.expires} ms) must not exceed its timeout (${element.timeout} ms)`);
  }
  return element.expires || undefined;
}

/**
 * Turns elements into what the kernel stores. Plain sets: one element per
 * key. Interval sets of one type, the way nft encodes them: a start element
 * per interval and an end element (flag INTERVAL_END) at the first value past
 * it, sorted, plus an end element at zero when filling a new set whose first
 * interval does not start there (nft's marker; lookups do not need it, so it
 * is left out when adding to a set that may hold an interval at zero). Concatenated interval sets: start in KEY, inclusive
 * end in KEY_END.
 */
function toWire(shape: SetShape, inputs: readonly SetElementInput[], sentinel: boolean, label: string, anonymous = false): WireElement[] {
  const out: WireElement[] = [];
  const intervals: { start: Buffer; end: Buffer; element: WireElement }[] = [];
  inputs.forEach((input, i) => {
    const what = `element #${i} of ${label}`;
    const element = normalize(input, what);
    const wire: WireElement = { key: Buffer.alloc(0) };
    const data = wireData(shape, element, what);
    if (data !== undefined) wire.data = data;
    const object = wireObject(shape, element, what);
    if (object !== undefined) wire.object = object;
    const expressions = wireExpressions(element, what);
    if (expressions !== undefined) wire.expressions = expressions;
    const timeout = requireTimeout(element, shape, what);
    if (timeout !== undefined) wire.timeout = timeout;
    const expires = requireExpires(element, shape, what);
    if (expires !== undefined) wire.expires = expires;
    if (element.comment !== undefined) wire.userdata = encodeUserdata([commentEntry(UDATA_COMMENT, element.comment, 'element')]);
    if (!shape.interval) {
      wire.key = shape.key.encode(element.key, what);
      out.push(wire);
      return;
    }
    const [start, end] = shape.key.encodeInterval(element.key, what);
    if (shape.key.concat) {
      wire.key = start;
      wire.keyEnd = end;
      out.push(wire);
      return;
    }
    wire.key = start;
    intervals.push({ start, end, element: wire });
  });
  if (!shape.interval || shape.key.concat) return out;
  intervals.sort((a, b) => Buffer.compare(a.start, b.start));
  for (let i = 1; i < intervals.length; i++) {
    if (Buffer.compare(intervals[i]!.start, intervals[i - 1]!.end) <= 0) {
      throw new InvalidArgumentError(`${label}: elements overlap (${shape.key.formatInterval(intervals[i]!.start, intervals[i]!.end)} and ${shape.key.formatInterval(intervals[i - 1]!.start, intervals[i - 1]!.end)})`);
    }
  }
  if (sentinel && intervals.length && intervals[0]!.start.some((b) => b !== 0)) {
    out.push({ key: Buffer.alloc(intervals[0]!.start.length), end: true });
  }
  intervals.forEach(({ end, element }, i) => {
    out.push(element);
    const next = incrementBytes(end);
    // An interval that runs to the last value needs no end element; in an anonymous set neither does
    // one the next interval starts right at (nft sends none there; the kernel keeps what it is sent).
    // The end element carries only its key: the kernel refuses (EINVAL) a timeout, expiration or
    // userdata on NFT_SET_ELEM_INTERVAL_END.
    if (next && !(anonymous && intervals[i + 1]?.start.equals(next))) out.push({ key: next, end: true });
    // nft marks such an open interval in the element's userdata, after its comment (`nft list` reads it).
    if (!next) element.userdata = Buffer.concat([element.userdata ?? Buffer.alloc(0), encodeUserdata([u32Entry(UDATA_SET_ELEM_FLAGS, UDATA_SET_ELEM_INTERVAL_OPEN)])]);
  });
  return out;
}

function writeElement(w: MessageWriter, e: WireElement): void {
  const nest = w.beginNested(NFTA_LIST_ELEM);
  if (e.end) w.be32(NFTA_SET_ELEM_FLAGS, NFT_SET_ELEM_INTERVAL_END);
  writeDataValue(w, NFTA_SET_ELEM_KEY, e.key);
  if (e.keyEnd) writeDataValue(w, NFTA_SET_ELEM_KEY_END, e.keyEnd);
  if (Buffer.isBuffer(e.data)) writeDataValue(w, NFTA_SET_ELEM_DATA, e.data);
  else if (e.data) writeDataVerdict(w, NFTA_SET_ELEM_DATA, e.data as Verdict);
  if (e.timeout !== undefined) w.be64(NFTA_SET_ELEM_TIMEOUT, e.timeout);
  if (e.expires !== undefined) w.be64(NFTA_SET_ELEM_EXPIRATION, e.expires);
  if (e.userdata) w.binary(NFTA_SET_ELEM_USERDATA, e.userdata);
  if (e.object !== undefined) w.string(NFTA_SET_ELEM_OBJREF, e.object);
  if (e.expressions?.length === 1) {
    const nest = w.beginNested(NFTA_SET_ELEM_EXPR);
    encodeExpressionBody(w, e.expressions[0]!);
    w.endNested(nest);
  } else if (e.expressions?.length) {
    encodeExpressionList(w, NFTA_SET_ELEM_EXPRESSIONS, e.expressions);
  }
  w.endNested(nest);
}

// Attribute lengths are 16-bit, so a message carries at most ~64 KiB of elements; more go into further messages.
const ELEMENTS_PER_MESSAGE_BYTES = 48 * 1024;

export interface ElementsTarget {
  family: NftFamily;
  table: string;
  /** The set's name (`__set%d` for an anonymous set). */
  set: string;
  /** NFTA_SET_ID of a set added in the same batch. */
  setId?: number;
  /**
   * An anonymous set (bound to a rule): nft sends its adjacent intervals without an end element
   * between them (`1-52 : drop, 53 : accept`), where a named set gets one at 53 before the start.
   */
  anonymous?: boolean;
}

/**
 * NEWSETELEM (or DELSETELEM) commands for `elements`, checked against the
 * set's types first. `populate` fills a set added in the same batch.
 */
export function elementsCommands(
  target: ElementsTarget, shape: SetShape, inputs: readonly SetElementInput[], op: 'populate' | 'add' | 'create' | 'delete',
): BatchCommand[] {
  const family = familyNumber(target.family);
  requireName(target.table, 'table');
  requireName(target.set, 'set');
  requireArray(inputs, 'elements');
  const label = setLabel(target.family, target.table, target.set);
  const wire = toWire(shape, inputs, op === 'populate', label, target.anonymous);
  const chunks: Buffer[][] = [[]];
  let size = 0;
  const scratch = new MessageWriter(256);
  for (const e of wire) {
    writeElement(scratch.reset(), e);
    const bytes = Buffer.from(scratch.bytes());
    if (size + bytes.length > ELEMENTS_PER_MESSAGE_BYTES) {
      chunks.push([]);
      size = 0;
    }
    chunks[chunks.length - 1]!.push(bytes);
    size += bytes.length;
  }
  return chunks.filter((c) => c.length).map((chunk) => ({
    message: op === 'delete' ? NFT_MSG_DELSETELEM : NFT_MSG_NEWSETELEM,
    family,
    flags: op === 'delete' ? 0 : NLM_F_CREATE | (op === 'create' ? NLM_F_EXCL : 0),
    operation: op === 'delete' ? 'delete elements from' : 'add elements to',
    object: label,
    encode(w) {
      w.string(NFTA_SET_ELEM_LIST_TABLE, target.table);
      w.string(NFTA_SET_ELEM_LIST_SET, target.set);
      if (target.setId !== undefined) w.be32(NFTA_SET_ELEM_LIST_SET_ID, target.setId);
      const list = w.beginNested(NFTA_SET_ELEM_LIST_ELEMENTS);
      for (const bytes of chunk) w.raw(bytes);
      w.endNested(list);
    },
  }));
}

/** One element as the kernel lists it, before intervals are put back together. */
export interface RawElement {
  key: Buffer;
  keyEnd?: Buffer;
  flags: number;
  data?: Buffer | Verdict;
  timeout?: number;
  expires?: number;
  userdata?: Buffer;
  object?: string;
  expressions?: Expression[];
  unknown?: RawAttribute[];
}

function decodeRawElement(c: AttributeCursor): RawElement {
  const e: RawElement = { key: Buffer.alloc(0), flags: 0 };
  while (c.next()) {
    switch (c.type) {
      case NFTA_SET_ELEM_KEY: { const d = readData(c); if ('value' in d) e.key = d.value; break; }
      case NFTA_SET_ELEM_KEY_END: { const d = readData(c); if ('value' in d) e.keyEnd = d.value; break; }
      case NFTA_SET_ELEM_DATA: { const d = readData(c); e.data = 'value' in d ? d.value : d.verdict; break; }
      case NFTA_SET_ELEM_FLAGS: e.flags = c.be32(); break;
      case NFTA_SET_ELEM_TIMEOUT: e.timeout = Number(c.be64()); break;
      case NFTA_SET_ELEM_EXPIRATION: e.expires = Number(c.be64()); break;
      case NFTA_SET_ELEM_USERDATA: e.userdata = c.bytes(); break;
      case NFTA_SET_ELEM_OBJREF: e.object = c.string(); break;
      case NFTA_SET_ELEM_EXPR: (e.expressions ??= []).push(decodeExpression(c.nestedCursor())); break;
      case NFTA_SET_ELEM_EXPRESSIONS: e.expressions = decodeExpressionList(c); break;
      case NFTA_SET_ELEM_PAD: break;
      default: (e.unknown ??= []).push(c.raw());
    }
  }
  return e;
}

/** The elements of NEWSETELEM messages (a GETSETELEM dump), as the kernel stores them. */
export function decodeRawElements(m: Message): RawElement[] {
  const out: RawElement[] = [];
  const c = nftAttributes(m);
  while (c.next()) {
    if (c.type !== NFTA_SET_ELEM_LIST_ELEMENTS) continue;
    const list = c.nestedCursor();
    while (list.next()) out.push(decodeRawElement(list.nestedCursor()));
  }
  return out;
}

function finish(shape: SetShape, raw: RawElement, key: ElementValue): SetElement {
  const element: SetElement = { key };
  if (Buffer.isBuffer(raw.data) && shape.data !== undefined && shape.data !== 'verdict') element.data = formatData(shape.data, raw.data, shape.dataInterval);
  else if (raw.data !== undefined) element.data = raw.data as Verdict;
  if (raw.timeout !== undefined) element.timeout = raw.timeout;
  if (raw.expires !== undefined) element.expires = raw.expires;
  if (raw.userdata) {
    const comment = userdataString(decodeUserdata(raw.userdata), UDATA_COMMENT);
    if (comment !== undefined) element.comment = comment;
  }
  if (raw.object !== undefined) element.object = raw.object;
  if (raw.expressions) element.expressions = raw.expressions;
  if (raw.unknown) element.unknown = raw.unknown;
  return element;
}

/** Map data as written: a value, or for interval data (start, then inclusive end) a value, prefix or range. */
function formatData(type: KeyType, data: Buffer, interval = false): ElementValue {
  return interval ? type.formatInterval(data.subarray(0, type.length), data.subarray(type.length)) : type.format(data);
}

/** Throws MalformedMessageError unless `bytes` has the length its type takes (`count` values of it). */
function requireLength(bytes: Buffer, type: KeyType, attribute: string, count = 1): void {
  if (bytes.length === type.length * count) return;
  throw new MalformedMessageError(`set element value is ${bytes.length} bytes; the set's ${type.parts.map((p) => p.name).join(' . ')} takes ${type.length * count}`, {
    family: 'nftables', messageType: 'NFT_MSG_NEWSETELEM', attribute,
  });
}

/**
 * Checks that keys and data have the lengths of the set's types before they
 * are formatted (a kernel never sends otherwise; a damaged message might).
 */
function requireShape(shape: SetShape, raw: RawElement): void {
  requireLength(raw.key, shape.key, 'NFTA_SET_ELEM_KEY');
  if (raw.keyEnd) requireLength(raw.keyEnd, shape.key, 'NFTA_SET_ELEM_KEY_END');
  if (Buffer.isBuffer(raw.data) && shape.data !== undefined && shape.data !== 'verdict') requireLength(raw.data, shape.data, 'NFTA_SET_ELEM_DATA', shape.dataInterval ? 2 : 1);
}

/**
 * Elements as the user wrote them: keys formatted by type, and the start/end
 * pairs of an interval set joined back into `a/len` prefixes and `a-b` ranges.
 */
export function interpretElements(shape: SetShape, raws: readonly RawElement[]): SetElement[] {
  for (const raw of raws) requireShape(shape, raw);
  if (!shape.interval) return raws.map((r) => finish(shape, r, shape.key.format(r.key)));
  if (shape.key.concat) return raws.map((r) => finish(shape, r, shape.key.formatInterval(r.key, r.keyEnd ?? r.key)));
  const sorted = [...raws].sort((a, b) => Buffer.compare(a.key, b.key) || endFirst(a) - endFirst(b));
  const out: SetElement[] = [];
  let open: RawElement | undefined;
  const close = (last: Buffer) => {
    out.push(finish(shape, open!, shape.key.formatInterval(open!.key, last)));
    open = undefined;
  };
  for (const r of sorted) {
    if (r.flags & NFT_SET_ELEM_INTERVAL_END) {
      if (open) close(decrementBytes(r.key));
    } else {
      if (open) close(decrementBytes(r.key));
      open = r;
    }
  }
  if (open) close(Buffer.alloc(open.key.length, 0xff));
  return out;
}

function endFirst(e: RawElement): number {
  return e.flags & NFT_SET_ELEM_INTERVAL_END ? 0 : 1;
}
