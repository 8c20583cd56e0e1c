// `{"snat": ...}` and `{"dnat": ...}`: to an address (through the rule builder) or through a map.
import { NFT_REG_1 } from '../../../../generated/nf_tables.js';
import { natFlags as natFlagList, rule as ruleBuilder } from '../../../builder/rule-builder.js';
import type { NatFlag } from '../../../expressions/nat-flags.js';
import type { Expression } from '../../../expressions/types.js';
import { register, slots } from '../fields.js';
import type { JsonNode } from '../reader.js';
import { rightValue } from '../values.js';
import { isConcat, natFlags, natPorts, netmap } from './nat-options.js';
import type { RuleReader } from './rule-reader.js';

export function nat(rule: RuleReader, kind: 'snat' | 'dnat', node: JsonNode): void {
  node.object(['addr', 'port', 'family', 'flags', 'type_flags']);
  const addrNode = node.at('addr');
  if (addrNode.isMissing()) node.fail('NAT without an address is not supported yet');
  const family = node.at('family').isMissing() ? undefined : node.at('family').oneOf(['ip', 'ip6'] as const);
  if (addrNode.isObject() && Object.keys(addrNode.value as object)[0] === 'map') {
    natMap(rule, kind, family, node);
    return;
  }
  const addr = rightValue(addrNode);
  let address: string;
  if (addr.form === 'value') address = String(addr.value);
  else if (addr.form === 'range') address = `${addr.from}-${addr.to}`;
  else return addrNode.fail('an address or {"range": [from, to]} (NAT through maps and prefixes is not supported yet)');
  const ports = natPorts(node.at('port'));
  const six = address.includes(':');
  const target = ports === undefined ? address : six ? `[${address}]:${ports}` : `${address}:${ports}`;
  const b = ruleBuilder();
  const options = natFlags(node.at('flags'));
  if (kind === 'snat') b.snat(target, options); else b.dnat(target, options);
  if (family !== undefined && family !== (six ? 'ip6' : 'ip')) node.at('family').fail(`${address} is not an ${family} address`);
  rule.emit(...b.expressions(rule.context.family, rule.context.table));
}

/**
 * `dnat to ip daddr map @m` / `dnat ip addr . port to ... map @m`: the key is looked
 * up, the address (and port, when the map's data is `address . inet_service`) lands
 * in registers the nat expression reads.
 */
function natMap(rule: RuleReader, kind: 'snat' | 'dnat', family: 'ip' | 'ip6' | undefined, node: JsonNode): void {
  if (!node.at('port').isMissing()) node.at('port').fail('a port beside an address map is not supported yet');
  const fam = family ?? (rule.context.family === 'ip' || rule.context.family === 'ip6' ? rule.context.family : undefined);
  if (!fam) return node.fail(`NAT in an ${rule.context.family} table needs "family": "ip" or "ip6"`);
  const map = node.at('addr').at('map').object(['key', 'data']);
  const left = rule.left(map.at('key'));
  const dataNode = map.at('data');
  const right = rightValue(dataNode);
  const address = fam === 'ip' ? 'ipv4_addr' : 'ipv6_addr';
  let withPort: boolean;
  let set: string;
  // `dnat ip prefix to ip daddr map { 192.0.2.0/24 : 10.1.0.0/24 }`: the data are address intervals, start and end in two registers.
  const prefix = !node.at('type_flags').isMissing() && node.at('type_flags').oneOf(['prefix', 'interval'] as const) !== undefined;
  left.before(rule.linearizer);
  if (right.form === 'set') {
    set = right.name;
    const data = rule.context.setData?.(right.name);
    withPort = Array.isArray(data) ? data.length === 2 : typeof data === 'string' && data.includes('.');
  } else if (right.form === 'anonymous') {
    withPort = right.elements.some((e) => Array.isArray(e.value) && isConcat(e.value[1]));
    set = rule.anonymous(left, right.elements, withPort ? [address, 'inet_service'] : address, dataNode);
  } else {
    return dataNode.fail('a NAT map takes "@map" or {"set": [[key, address], ...]}');
  }
  left.load(rule.linearizer, 0);
  rule.applyMask(left);
  rule.emit({ kind: 'lookup', set, sreg: NFT_REG_1, dreg: NFT_REG_1, invert: false });
  const e: Expression & { kind: 'nat' } = { kind: 'nat', type: kind, family: fam, addrMin: NFT_REG_1, addrMax: prefix ? register(slots(fam === 'ip' ? 4 : 16)) : NFT_REG_1 };
  const flags: NatFlag[] = ['map-ips'];
  if (withPort) {
    e.protoMin = e.protoMax = register(slots(fam === 'ip' ? 4 : 16));
    flags.push('proto-specified');
  }
  e.flags = [...flags, ...natFlagList(natFlags(node.at('flags')))];
  if (netmap(node.at('flags'))) e.flags.push('netmap');
  rule.emit(e);
}
