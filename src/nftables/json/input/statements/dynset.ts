// `{"set": {"op", "elem", "set", "stmt"}}`: `add @s { ... }`, `update @s { ... }`, `delete @s { ... }`.
import { NFT_REG_1 } from '../../../../generated/nf_tables.js';
import type { Expression } from '../../../expressions/types.js';
import type { JsonNode } from '../reader.js';
import type { RuleReader } from './rule-reader.js';
import { statefulExpressions } from './stateful.js';

/** `add @s { ip saddr timeout 10s limit rate 10/second }`, `update @s { ... }`, `delete @s { ... }`: the set written at packet time. */
export function dynset(rule: RuleReader, node: JsonNode): void {
  node.object(['op', 'elem', 'set', 'stmt']);
  const op = node.at('op').oneOf(['add', 'update', 'delete'] as const);
  const setName = node.at('set').string();
  if (!setName.startsWith('@') || setName.length < 2) node.at('set').fail('expected "@name"');
  let elem = node.at('elem');
  let timeout: number | undefined;
  if (elem.isObject() && Object.keys(elem.value as object)[0] === 'elem') {
    const inner = elem.at('elem').object(['val', 'timeout']);
    timeout = inner.at('timeout').optionalInteger(Number.MAX_SAFE_INTEGER / 1000);
    elem = inner.at('val');
  }
  const key = rule.left(elem);
  const expressions = node.at('stmt').isMissing() ? [] : node.at('stmt').items().flatMap((s) => {
    const [kind, inner] = s.single('a stateful statement');
    return statefulExpressions(rule, kind, inner);
  });
  key.before(rule.linearizer);
  key.load(rule.linearizer, 0);
  rule.applyMask(key);
  const e: Expression & { kind: 'dynset' } = { kind: 'dynset', op, set: setName.slice(1), sregKey: NFT_REG_1 };
  rule.context.writtenByRule?.(e.set);
  if (timeout !== undefined) e.timeout = timeout * 1000;
  if (expressions.length) e.expressions = expressions;
  rule.emit(e);
}
