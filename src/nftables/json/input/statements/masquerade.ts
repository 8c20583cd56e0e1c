// `{"masquerade": ...}` and `{"redirect": ...}`: through the rule builder, as nlkit's API writes them.
import { rule as ruleBuilder } from '../../../builder/rule-builder.js';
import type { JsonNode } from '../reader.js';
import { natFlags, natPorts } from './nat-options.js';
import type { RuleReader } from './rule-reader.js';

export function masqueradeOrRedirect(rule: RuleReader, kind: 'masquerade' | 'redirect', node: JsonNode): void {
  const b = ruleBuilder();
  if (node.value === null) {
    if (kind === 'masquerade') b.masquerade(); else b.redirect();
  } else {
    node.object(['port', 'flags']);
    const ports = natPorts(node.at('port'));
    const options = natFlags(node.at('flags'));
    if (kind === 'masquerade') b.masquerade({ ...options, ...(ports !== undefined ? { ports } : {}) });
    else if (Object.keys(options).length) node.at('flags').fail('redirect takes no flags here');
    else b.redirect(ports);
  }
  rule.emit(...b.expressions(rule.context.family, rule.context.table));
}
