// Relational and payload-writing statements: `match`, `mangle` (`… set …`), `reset`, `vmap`.
import type { NftJsonValue } from '../../json/schema.js';
import { exprText, mappingText } from '../expressions.js';
import { hintOf } from '../values.js';
import { fields, registerStatement } from './registry.js';

const BINOPS = new Set(['&', '|', '^', '<<', '>>']);
/** Expressions of bitmask type that nft prints as `value / mask` under a mask. */
const FLAG_TYPES = new Set([
  JSON.stringify({ payload: { protocol: 'tcp', field: 'flags' } }),
]);

registerStatement('match', (body) => {
  const b = fields(body);
  const left = b.left!;
  const op = String(b.op);
  const binop = left !== null && typeof left === 'object' && !Array.isArray(left) && BINOPS.has(Object.keys(left)[0] ?? '');
  const right = b.right!;
  const hint = hintOf(left);
  // `tcp flags syn / fin,syn,rst,ack`: a flag type under a mask prints as value / mask.
  if (binop && Object.keys(left as object)[0] === '&' && (op === '==' || op === '!=')) {
    const [inner, mask] = (left as Record<string, NftJsonValue[]>)['&']!;
    if (FLAG_TYPES.has(JSON.stringify(inner)) && (typeof mask === 'string' || Array.isArray(mask))) {
      return `${exprText(inner!)} ${op === '!=' ? '!= ' : ''}${exprText(right)} / ${exprText(mask)}`;
    }
  }
  if (typeof right === 'number' && FLAG_TYPES.has(JSON.stringify(left))) return `${exprText(left)} ${op} 0x${right.toString(16)}`;
  const ct = fields(fields(left).ct ?? null);
  if ((ct.key === 'saddr' || ct.key === 'daddr') && ct.family === undefined && typeof right === 'string') {
    // nft's JSON drops the family of `ct original ip saddr`; its text takes it from the address's length.
    const family = right.includes(':') ? 'ip6' : 'ip';
    return `${exprText({ ct: { ...ct, family } })} ${op === '==' ? '' : `${op} `}${exprText(right)}`;
  }
  const plainValue = !(right !== null && typeof right === 'object' && !Array.isArray(right) && 'range' in right);
  const shown = op === 'in' || (op === '==' && !(binop && plainValue)) ? '' : `${op} `;
  return `${exprText(left)} ${shown}${exprText(right, hint)}`;
});

registerStatement('mangle', (body) => {
  const b = fields(body);
  return `${exprText(b.key!)} set ${exprText(b.value!, hintOf(b.key))}`;
});

registerStatement('reset', (body) => `reset ${exprText(body)}`);

registerStatement('vmap', (body) => {
  const b = fields(body);
  const data = b.data!;
  if (typeof data === 'string') return `${exprText(b.key!)} vmap ${data}`;
  const items = fields(data).set;
  const list = Array.isArray(items) ? items : [items!];
  return `${exprText(b.key!)} vmap { ${list.map((p) => mappingText(p, hintOf(b.key), 'plain')).join(', ')} }`;
});
