// `{"tproxy": {"family", "addr", "port"}}`: the packet handed to a local transparent socket.
import { NFPROTO_IPV4, NFPROTO_IPV6 } from '../../../../generated/netfilter.js';
import { NFT_REG_1, NFTA_TPROXY_FAMILY, NFTA_TPROXY_REG_ADDR, NFTA_TPROXY_REG_PORT } from '../../../../generated/nf_tables.js';
import { DATATYPES } from '../../../objects/datatypes.js';
import { rawExpression, type RawAttribute } from '../raw-expression.js';
import type { JsonNode } from '../reader.js';
import type { RuleReader } from './rule-reader.js';

/** `tproxy ip to 127.0.0.1:8080`, `tproxy to :8080`. */
export function tproxy(rule: RuleReader, node: JsonNode): void {
  node.object(['family', 'addr', 'port']);
  const familyNode = node.at('family');
  const family = familyNode.isMissing() ? undefined : familyNode.oneOf(['ip', 'ip6'] as const);
  const tableFamily = rule.context.family === 'ip' || rule.context.family === 'ip6' ? rule.context.family : undefined;
  const fam = family ?? tableFamily;
  const attributes: RawAttribute[] = [[NFTA_TPROXY_FAMILY, fam === 'ip' ? NFPROTO_IPV4 : fam === 'ip6' ? NFPROTO_IPV6 : 0]];
  let reg = NFT_REG_1;
  const addr = node.at('addr');
  if (!addr.isMissing()) {
    if (!fam) familyNode.fail(`tproxy to an address in an ${rule.context.family} table needs "family": "ip" or "ip6"`);
    rule.immediate(rule.addressType(addr, fam), addr, reg);
    attributes.push([NFTA_TPROXY_REG_ADDR, reg]);
    reg++;
  }
  const port = node.at('port');
  if (!port.isMissing()) {
    rule.immediate(DATATYPES.inet_service!, port, reg);
    attributes.push([NFTA_TPROXY_REG_PORT, reg]);
  }
  if (addr.isMissing() && port.isMissing()) node.fail('tproxy needs "addr" or "port"');
  rule.emit(rawExpression('tproxy', attributes));
}
