import { NFTA_EXPR_DATA, NFTA_EXPR_NAME, NFTA_LIST_ELEM } from '../../generated/nf_tables.js';
import { InvalidArgumentError } from '../../netlink/addresses.js';
import { AttributeCursor } from '../../netlink/attributes.js';
import type { MessageWriter } from '../../netlink/writer.js';
import type { ExpressionCodec } from './codec.js';
import { rawDataForWrite } from './raw-write.js';
import type { Expression, UnknownExpression } from './types.js';
import { jsonOf } from '../../netlink/checks.js';

const codecs = new Map<string, ExpressionCodec<{ kind: string }>>();

/** Adds an expression kind; one file per kind registers itself through expressions/index.ts. */
export function registerExpression<E extends {
  /** The kernel's expression name (NFTA_EXPR_NAME). */
  kind: string;
}>(codec: ExpressionCodec<E>): void {
  const c = codec as Partial<ExpressionCodec<E>> | null;
  if (c === null || typeof c !== 'object' || typeof c.kind !== 'string' || c.kind === '' || typeof c.encode !== 'function' || typeof c.decode !== 'function') {
    throw new InvalidArgumentError('registerExpression: codec must be an object like { kind, encode(writer, expression), decode(cursor) }');
  }
  codecs.set(codec.kind, codec as unknown as ExpressionCodec<{ kind: string }>);
}

/** The codec registered for an expression kind (NFTA_EXPR_NAME), or undefined when nlkit has none. */
export function expressionCodec(kind: string): ExpressionCodec<{
  /** The kernel's expression name (NFTA_EXPR_NAME). */
  kind: string;
}> | undefined {
  return codecs.get(kind);
}

/** Names of every expression kind with a registered codec, sorted. */
export function registeredExpressionKinds(): string[] {
  return [...codecs.keys()].sort();
}

/** Writes an expression's NFTA_EXPR_NAME and NFTA_EXPR_DATA into the nest the caller opened. */
export function encodeExpressionBody(writer: MessageWriter, expression: Expression): void {
  if (expression === null || typeof expression !== 'object' || typeof expression.kind !== 'string') {
    throw new InvalidArgumentError(`an expression must be an object with a kind, got ${jsonOf(expression)}`);
  }
  if (expression.kind === 'unknown') {
    const raw = expression as UnknownExpression;
    writer.string(NFTA_EXPR_NAME, raw.name);
    if (raw.data) {
      const data = writer.beginNested(NFTA_EXPR_DATA);
      // As listed, minus attributes the kernel dumps but refuses on writes (exthdr, osf).
      writer.raw(rawDataForWrite(raw.name, raw.data));
      writer.endNested(data);
    }
    return;
  }
  const codec = codecs.get(expression.kind);
  if (!codec) {
    throw new InvalidArgumentError(`unknown expression kind "${expression.kind}"; known: ${registeredExpressionKinds().join(', ')}`);
  }
  writer.string(NFTA_EXPR_NAME, expression.kind);
  const data = writer.beginNested(NFTA_EXPR_DATA);
  codec.encode(writer, expression);
  // A decoded listing carries attributes the kernel dumps but refuses on writes (exthdr, osf FLAGS).
  const written = writer.buf.subarray(data + 4, writer.offset);
  const writable = rawDataForWrite(expression.kind, written);
  if (writable !== written) {
    writer.offset = data + 4;
    writer.raw(writable);
  }
  // Kinds without attributes travel without the (empty) data nest, as the kernel lists them.
  if (codec.withoutData && writer.offset === data + 4) writer.offset = data;
  else writer.endNested(data);
}

/** Writes one expression as a list element: NFTA_LIST_ELEM { NFTA_EXPR_NAME, NFTA_EXPR_DATA }. */
export function encodeExpression(writer: MessageWriter, expression: Expression): void {
  const elem = writer.beginNested(NFTA_LIST_ELEM);
  encodeExpressionBody(writer, expression);
  writer.endNested(elem);
}

/** Writes a list of expressions inside a nest of type `type` (NFTA_RULE_EXPRESSIONS, NFTA_DYNSET_EXPRESSIONS, ...). */
export function encodeExpressionList(writer: MessageWriter, type: number, expressions: readonly Expression[]): void {
  const nest = writer.beginNested(type);
  for (const e of expressions) encodeExpression(writer, e);
  writer.endNested(nest);
}

/** Reads one expression from the attributes of an NFTA_LIST_ELEM (or NFTA_*_EXPR) nest. */
export function decodeExpression(cursor: AttributeCursor): Expression {
  let name = '';
  let data: AttributeCursor | undefined;
  let raw: Buffer | undefined;
  while (cursor.next()) {
    if (cursor.type === NFTA_EXPR_NAME) name = cursor.string();
    else if (cursor.type === NFTA_EXPR_DATA) {
      data = cursor.nestedCursor();
      raw = cursor.view();
    }
  }
  const codec = codecs.get(name);
  if (!codec) {
    const unknown: UnknownExpression = { kind: 'unknown', name };
    if (raw) unknown.data = Buffer.from(raw);
    return unknown;
  }
  return codec.decode(data ?? new AttributeCursor(cursor.buf, 0, 0, cursor.context)) as Expression;
}

/** Reads the expressions of a list nest (the cursor positioned on it). */
export function decodeExpressionList(cursor: AttributeCursor): Expression[] {
  const out: Expression[] = [];
  const list = cursor.nestedCursor();
  while (list.next()) out.push(decodeExpression(list.nestedCursor()));
  return out;
}
