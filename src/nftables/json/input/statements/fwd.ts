// `{"fwd": {"dev", "family", "addr"}}`: the packet sent out of a device from netdev ingress.
import { NFPROTO_IPV4, NFPROTO_IPV6 } from '../../../../generated/netfilter.js';
import { NFT_REG_1, NFTA_FWD_NFPROTO, NFTA_FWD_SREG_ADDR, NFTA_FWD_SREG_DEV } from '../../../../generated/nf_tables.js';
import { DATATYPES } from '../../../objects/datatypes.js';
import { rawExpression, type RawAttribute } from '../raw-expression.js';
import type { JsonNode } from '../reader.js';
import type { RuleReader } from './rule-reader.js';

/** `fwd to "eth0"`, `fwd ip to 192.0.2.1 device "eth0"` (netdev). */
export function fwd(rule: RuleReader, node: JsonNode): void {
  node.object(['dev', 'family', 'addr']);
  rule.immediate(DATATYPES.iface_index!, node.at('dev'), NFT_REG_1);
  const attributes: RawAttribute[] = [[NFTA_FWD_SREG_DEV, NFT_REG_1]];
  const addr = node.at('addr');
  if (!addr.isMissing()) {
    const family = node.at('family').oneOf(['ip', 'ip6'] as const);
    rule.immediate(rule.addressType(addr, family), addr, NFT_REG_1 + 1);
    attributes.push([NFTA_FWD_SREG_ADDR, NFT_REG_1 + 1], [NFTA_FWD_NFPROTO, family === 'ip' ? NFPROTO_IPV4 : NFPROTO_IPV6]);
  } else if (!node.at('family').isMissing()) node.at('family').fail('a family goes with "addr"');
  rule.emit(rawExpression('fwd', attributes));
}
