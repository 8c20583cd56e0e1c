// nft's expression syntax, printed from nlkit's nft-JSON expressions:
// payload and meta keys, ct, binary operations, sets, prefixes, ranges,
// concatenations, maps and the expressions nft names in words of their own.
import type { NftJsonValue } from '../json/schema.js';
import { duration, quoted } from './layout.js';
import { NftTextUnsupported } from './unsupported.js';
import { hintOf, numberText, partHint, rangeEnd, stringText, type ValueHint } from './values.js';

type Body = Record<string, NftJsonValue>;

/** Meta keys nft prints without `meta` in front. */
const UNQUALIFIED_META = new Set(['iif', 'oif', 'iifname', 'oifname', 'iifgroup', 'oifgroup']);

const VERDICTS = new Set(['accept', 'drop', 'continue', 'return', 'queue']);

/** nft's operator precedence for the binary operations it prints without parentheses. */
const BINOP_RANK: Record<string, number> = { '<<': 4, '>>': 4, '&': 3, '^': 2, '|': 1 };


function kindOf(v: NftJsonValue): [string, NftJsonValue] | undefined {
  if (v === null || typeof v !== 'object' || Array.isArray(v)) return undefined;
  return Object.entries(v)[0];
}

/** A verdict used as a value (`accept`, `jump chain`). */
export function verdictText(kind: string, body: NftJsonValue): string | undefined {
  if (VERDICTS.has(kind) && body === null) return kind;
  if ((kind === 'jump' || kind === 'goto') && body !== null && typeof body === 'object' && !Array.isArray(body)) {
    return `${kind} ${String((body as Body).target)}`;
  }
  return undefined;
}

/** An expression as nft prints it; `hint` says how plain values print. */
export function exprText(e: NftJsonValue, hint: ValueHint = 'plain'): string {
  if (typeof e === 'number') return numberText(e, hint);
  if (typeof e === 'string') return stringText(e, hint);
  if (typeof e === 'boolean') return e ? 'exists' : 'missing';
  if (e === null) throw new NftTextUnsupported('null expression');
  if (Array.isArray(e)) return e.map((x) => exprText(x, hint)).join(',');
  const [kind, body] = Object.entries(e)[0] ?? ['', null];
  const b = (body ?? {}) as Body;
  const verdict = verdictText(kind, body);
  if (verdict !== undefined) return verdict;
  switch (kind) {
    case 'payload':
      if (b.protocol !== undefined) return `${b.protocol} ${b.field}`;
      return `@${b.base},${b.offset},${b.len}`;
    case 'meta':
      return UNQUALIFIED_META.has(String(b.key)) ? String(b.key) : `meta ${b.key}`;
    case 'ct':
      return ['ct', b.dir, b.family, b.key].filter((x) => x !== undefined).join(' ');
    case 'set': {
      const items = Array.isArray(body) ? body : [body];
      return `{ ${items.map((x) => exprText(x, hint)).join(', ')} }`;
    }
    case 'prefix':
      return `${exprText(b.addr!, hint)}/${b.len}`;
    case 'range': {
      const [lo, hi] = body as NftJsonValue[];
      const end = (v: NftJsonValue) => {
        const n = rangeEnd(v, hint);
        return n !== v && typeof n === 'string' ? n : exprText(v, hint);
      };
      return `${end(lo!)}-${end(hi!)}`;
    }
    case 'concat':
      return (body as NftJsonValue[]).map((x, i) => exprText(x, partHint(hint, i))).join(' . ');
    case 'map':
      return `${exprText(b.key!)} map ${mapDataText(b.data!, b.key!, hint)}`;
    case 'elem':
      return elemText(b, hint);
    case '&': case '|': case '^': case '<<': case '>>':
      return binopText(kind, body as NftJsonValue[], hintOf((body as NftJsonValue[])[0]));
    case 'fib':
      return `fib ${(Array.isArray(b.flags) ? b.flags : [b.flags]).join(' . ')} ${b.result}`;
    case 'exthdr':
      return b.field === undefined ? `exthdr ${b.name}` : `${b.name} ${b.field}`;
    case 'tcp option': case 'ip option': case 'sctp chunk': {
      const what = kind;
      if (b.name === undefined) return b.offset === 0 && b.len === 8 ? `${what} ${b.base}` : `${what} @${b.base},${b.offset},${b.len}`;
      return b.field === undefined ? `${what} ${b.name}` : `${what} ${b.name} ${b.field}`;
    }
    case 'rt':
      return ['rt', b.family, b.key].filter((x) => x !== undefined).join(' ');
    case 'socket':
      return `socket ${b.key}`;
    case 'osf':
      return ['osf', ...(b.ttl !== undefined ? ['ttl', b.ttl] : []), b.key].join(' ');
    case 'numgen':
      return `numgen ${b.mode} mod ${b.mod}${b.offset ? ` offset ${b.offset}` : ''}`;
    case 'jhash':
      return `jhash ${exprText(b.expr!)} mod ${b.mod}${b.seed ? ` seed 0x${Number(b.seed).toString(16)}` : ''}${b.offset ? ` offset ${b.offset}` : ''}`;
    case 'symhash':
      return `symhash mod ${b.mod}${b.offset ? ` offset ${b.offset}` : ''}`;
    case 'ipsec':
      return ['ipsec', b.dir, ...(b.spnum ? ['spnum', b.spnum] : []), b.family, b.key].filter((x) => x !== undefined).join(' ');
    default:
      throw new NftTextUnsupported(`expression ${kind}`);
  }
}

/** The data side of `key map data`: a named map or an anonymous one of `key : value` pairs. */
function mapDataText(data: NftJsonValue, key: NftJsonValue, hint: ValueHint): string {
  if (typeof data === 'string') return data;
  const kv = kindOf(data);
  if (kv?.[0] === 'set') {
    const keyHint = hintOf(key);
    const items = (Array.isArray(kv[1]) ? kv[1] : [kv[1]]).map((x) => mappingText(x, keyHint, hint));
    return `{ ${items.join(', ')} }`;
  }
  return exprText(data, hint);
}

/** A `key : value` pair of a map (`[key, value]` in JSON). */
export function mappingText(pair: NftJsonValue, keyHint: ValueHint, dataHint: ValueHint): string {
  if (!Array.isArray(pair) || pair.length !== 2) return exprText(pair, keyHint);
  return `${exprText(pair[0]!, keyHint)} : ${exprText(pair[1]!, dataHint)}`;
}

const ELEM_FIELDS = new Set(['val', 'timeout', 'expires', 'counter', 'comment']);
let elemStatement: (kind: string, body: NftJsonValue) => string = (kind) => kind;
/** Wires in the statement printer for the statements an element carries (`quota 10 mbytes`). */
export function useElementStatements(f: (kind: string, body: NftJsonValue) => string): void {
  elemStatement = f;
}

/** A set element: its value, the statements it carries (`counter packets 0 bytes 0`), timeout, expiry and comment. */
export function elemText(b: Body, hint: ValueHint): string {
  let out = exprText(b.val!, hint);
  for (const [k, v] of Object.entries(b)) {
    if (k === 'counter') {
      const c = v as Body;
      out += ` counter packets ${c.packets} bytes ${c.bytes}`;
    } else if (!ELEM_FIELDS.has(k)) out += ` ${elemStatement(k, v)}`;
  }
  if (b.timeout !== undefined) out += ` timeout ${duration(Number(b.timeout) * 1000)}`;
  if (b.expires !== undefined) out += ` expires ${duration(Number(b.expires) * 1000)}`;
  if (b.comment !== undefined) out += ` comment ${quoted(String(b.comment))}`;
  return out;
}

function binopText(op: string, operands: NftJsonValue[], hint: ValueHint): string {
  const [left, right] = operands;
  const side = (x: NftJsonValue, isRight: boolean): string => {
    const kv = kindOf(x);
    if (kv && kv[0] in BINOP_RANK) {
      const inner = binopText(kv[0], kv[1] as NftJsonValue[], hint);
      return BINOP_RANK[kv[0]]! < BINOP_RANK[op]! || (isRight && BINOP_RANK[kv[0]] === BINOP_RANK[op]) ? `(${inner})` : inner;
    }
    if (Array.isArray(x)) return x.length > 1 ? `(${x.map((y) => exprText(y, hint)).join(' | ')})` : exprText(x[0]!, hint);
    if (typeof x === 'number' && isRight && (op === '<<' || op === '>>')) return String(x);
    return exprText(x, hint);
  };
  return `${side(left!, false)} ${op} ${side(right!, true)}`;
}
