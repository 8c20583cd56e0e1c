// `{"dup": {"addr", "dev"}}`: a copy of the packet to an address and/or out of a device.
import { NFT_REG_1, NFTA_DUP_SREG_ADDR, NFTA_DUP_SREG_DEV } from '../../../../generated/nf_tables.js';
import { DATATYPES } from '../../../objects/datatypes.js';
import { rawExpression, type RawAttribute } from '../raw-expression.js';
import type { JsonNode } from '../reader.js';
import type { RuleReader } from './rule-reader.js';

/** `dup to 10.0.0.1 device "eth0"`, `dup to ip daddr map { ... }`, `dup to "eth0"` (netdev). */
export function dup(rule: RuleReader, node: JsonNode): void {
  node.object(['addr', 'dev']);
  const attributes: RawAttribute[] = [];
  let reg = NFT_REG_1;
  let addr = node.at('addr');
  let dev = node.at('dev');
  // In netdev tables nft's JSON gives `dup to "eth0"` as "addr".
  if (rule.context.family === 'netdev' && dev.isMissing()) [addr, dev] = [dev, addr];
  if (!addr.isMissing()) {
    const type = rule.addressType(addr, undefined);
    if (addr.isObject() && Object.keys(addr.value as object)[0] === 'map') rule.mapLookup(addr.at('map'), type.name);
    else rule.immediate(type, addr, reg);
    attributes.push([NFTA_DUP_SREG_ADDR, reg]);
    reg++;
  }
  if (!dev.isMissing()) {
    rule.immediate(DATATYPES.iface_index!, dev, reg);
    attributes.push([NFTA_DUP_SREG_DEV, reg]);
  }
  if (!attributes.length) node.fail('dup needs "addr" or "dev"');
  rule.emit(rawExpression('dup', attributes));
}
