// `{"reject": {"type", "expr"}}` or `{"reject": null}`: the family's default or the code named.
import { ICMP_PORT_UNREACH } from '../../../../generated/icmp.js';
import { ICMPV6_PORT_UNREACH } from '../../../../generated/icmpv6.js';
import { IPPROTO_TCP } from '../../../../generated/in.js';
import { ICMP_CODES, ICMPV6_CODES, ICMPX_CODES } from '../../../objects/datatype-symbols.js';
import type { JsonNode } from '../reader.js';
import type { RuleReader } from './rule-reader.js';

export function reject(rule: RuleReader, node: JsonNode): void {
  const family = rule.context.family;
  if (node.value === null) {
    // Without `with`, nft picks the family's ICMP port unreachable (icmpx in inet, bridge and netdev).
    if (family === 'ip') rule.emit({ kind: 'reject', type: 'icmp-unreach', code: ICMP_PORT_UNREACH });
    else if (family === 'ip6') rule.emit({ kind: 'reject', type: 'icmp-unreach', code: ICMPV6_PORT_UNREACH });
    else rule.emit({ kind: 'reject', type: 'icmpx-unreach', code: ICMPX_CODES['port-unreachable']! });
    return;
  }
  node.object(['type', 'expr']);
  const type = node.at('type').oneOf(['tcp reset', 'icmpx', 'icmp', 'icmpv6']);
  if (type === 'tcp reset') {
    rule.linearizer.requireTransport(IPPROTO_TCP);
    rule.emit({ kind: 'reject', type: 'tcp-rst' });
    return;
  }
  const codes = type === 'icmpx' ? ICMPX_CODES : type === 'icmp' ? ICMP_CODES : ICMPV6_CODES;
  const codeNode = node.at('expr');
  const code = codeNode.isMissing() ? codes['port-unreachable']! : typeof codeNode.value === 'number' ? codeNode.integer(255) : Object.hasOwn(codes, codeNode.string()) ? codes[codeNode.string()]! : codeNode.fail(`"${codeNode.value}" is not an ${type} code (${Object.keys(codes).join(', ')})`);
  if (type === 'icmpx') {
    rule.emit({ kind: 'reject', type: 'icmpx-unreach', code });
    return;
  }
  // An ICMP reject names the network protocol: in tables of several nft first matches it.
  rule.linearizer.requireNetwork(type === 'icmp' ? 'ip' : 'ip6', `reject with ${type}`);
  rule.emit({ kind: 'reject', type: 'icmp-unreach', code });
}
