// Statements that write sets from the packet path: `add @s { … }`, `update @m { … : … }`,
// meters and `flow add @ft`.
import type { NftJsonStatement, NftJsonValue } from '../../json/schema.js';
import { exprText } from '../expressions.js';
import { hintOf } from '../values.js';
import { fields, registerStatement, statementText } from './registry.js';

/** Statements inside a set element (`limit rate 10/second`, `counter`). */
function inner(stmt: NftJsonValue | undefined): string {
  if (stmt === undefined) return '';
  const list = Array.isArray(stmt) ? stmt : [stmt];
  return list.map((s) => ` ${statementText(s as NftJsonStatement)}`).join('');
}

registerStatement('set', (body) => {
  const b = fields(body);
  return `${b.op} ${b.set} { ${exprText(b.elem!, hintOf(b.elem))}${inner(b.stmt)} }`;
});

registerStatement('map', (body) => {
  const b = fields(body);
  return `${b.op} ${b.map} { ${exprText(b.elem!)}${inner(b.stmt)} : ${exprText(b.data!, hintOf(b.data))} }`;
});

registerStatement('meter', (body) => {
  const b = fields(body);
  const size = b.size !== undefined ? ` size ${b.size}` : '';
  return `meter ${b.name}${size} { ${exprText(b.key!)}${inner(b.stmt)} }`;
});

registerStatement('flow', (body) => {
  const b = fields(body);
  return `flow ${b.op} ${b.flowtable}`;
});
