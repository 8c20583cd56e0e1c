// `{"mangle": {"key", "value"}}`: a meta, ct, payload or option field set from a value (payload
// writes in payload-write.ts, which fix checksums).
import { NFT_REG_1 } from '../../../../generated/nf_tables.js';
import type { Expression } from '../../../expressions/types.js';
import type { Left } from '../left.js';
import type { JsonNode } from '../reader.js';
import { payloadWrite } from './payload-write.js';
import type { RuleReader } from './rule-reader.js';

export function mangle(rule: RuleReader, node: JsonNode): void {
  node.object(['key', 'value']);
  const [kind] = node.at('key').single('a meta, ct, payload or option key');
  if (kind === 'payload') return payloadWrite(rule, node);
  if (!['meta', 'ct', 'exthdr', 'tcp option', 'ip option', 'sctp chunk'].includes(kind)) node.at('key').fail(`setting ${kind} is not supported (meta, ct, payload and tcp option keys are)`);
  const key = rule.left(node.at('key'));
  if (key.store) return optionWrite(rule, key, node.at('value'));
  const source = key.source!;
  const loaded = source.load(key.lengths[0]!) as { key: string; direction?: string };
  // `meta mark set 0x10`, `meta mark set ct mark`, `meta mark set ip saddr map { ... }`: the value lands in register 1.
  rule.writeValue(key, node.at('value'));
  const set = { kind, key: loaded.key, sreg: NFT_REG_1, ...(loaded.direction ? { direction: loaded.direction } : {}) };
  rule.emit(set as Expression);
}

/** `tcp option maxseg size set 1400`: the value in register 1, stored into the option. */
function optionWrite(rule: RuleReader, key: Left, valueNode: JsonNode): void {
  if (key.presenceOnly || key.mask) valueNode.fail(`${key.name} cannot be set: name a whole-byte field`);
  key.before(rule.linearizer);
  rule.writeValue(key, valueNode);
  rule.emit(key.store!(NFT_REG_1));
}
