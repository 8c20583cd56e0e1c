// `counter`, `quota`, `limit` and `ct count`: anonymous (an object of values, or null), a named
// object (a string), or an object looked up by key (`{"map": ...}`). Also the statements of a
// set's elements and of `add @s { ... }`.
import type { LimitUnit } from '../../../expressions/limit.js';
import { LIMIT_UNITS } from '../../../expressions/limit.js';
import type { ObjectType } from '../../../expressions/objref.js';
import type { Expression } from '../../../expressions/types.js';
import { connlimit } from '../kernel-statements.js';
import type { JsonNode } from '../reader.js';
import type { RuleReader } from './rule-reader.js';

const BYTE_UNITS: Record<string, number> = { bytes: 1, kbytes: 1024, mbytes: 1024 ** 2, gbytes: 1024 ** 3 };

function bytes(value: JsonNode, unit: JsonNode): number {
  const n = value.integer();
  const factor = unit.isMissing() ? 1 : BYTE_UNITS[unit.oneOf(Object.keys(BYTE_UNITS))]!;
  const out = n * factor;
  if (!Number.isSafeInteger(out)) value.fail('is too large');
  return out;
}

/** The expressions of a stateful statement: `counter`, `quota`, `limit` or `ct count`. */
export function statefulExpressions(rule: RuleReader, kind: string, node: JsonNode): Expression[] {
  if (typeof node.value === 'string') return [{ kind: 'objref', objectType: kind as ObjectType, name: node.string() }];
  if (node.isObject() && Object.keys(node.value as object)[0] === 'map' && ['counter', 'quota', 'limit'].includes(kind)) {
    // `counter name tcp dport map { 80 : "c1" }`: the object is looked up by key (objref through a map).
    rule.objectMap(kind as ObjectType, node.at('map'));
    return [];
  }
  switch (kind) {
    case 'ct count': return [connlimit(node)];
    case 'counter': {
      if (node.value === null) return [{ kind: 'counter', packets: 0, bytes: 0 }];
      node.object(['packets', 'bytes']);
      return [{ kind: 'counter', packets: node.at('packets').optionalInteger() ?? 0, bytes: node.at('bytes').optionalInteger() ?? 0 }];
    }
    case 'quota': {
      node.object(['val', 'val_unit', 'used', 'used_unit', 'inv']);
      const over = node.at('inv').isMissing() ? false : node.at('inv').boolean();
      return [{ kind: 'quota', bytes: bytes(node.at('val'), node.at('val_unit')), over, consumed: node.at('used').isMissing() ? 0 : bytes(node.at('used'), node.at('used_unit')) }];
    }
    case 'limit': {
      node.object(['rate', 'per', 'burst', 'rate_unit', 'burst_unit', 'inv']);
      const per = node.at('per').isMissing() ? 'second' : node.at('per').oneOf(Object.keys(LIMIT_UNITS) as LimitUnit[]);
      const rateUnit = node.at('rate_unit');
      const byteRate = !rateUnit.isMissing() && rateUnit.value !== 'packets';
      const rate = byteRate ? bytes(node.at('rate'), rateUnit) : node.at('rate').integer(Number.MAX_SAFE_INTEGER, 1);
      const burstNode = node.at('burst');
      const burst = burstNode.isMissing() ? (byteRate ? 0 : 5) : byteRate ? bytes(burstNode, node.at('burst_unit')) : burstNode.integer(0xffffffff);
      const invert = node.at('inv').isMissing() ? false : node.at('inv').boolean();
      return [{ kind: 'limit', rate, unit: LIMIT_UNITS[per], burst, type: byteRate ? 'bytes' : 'packets', invert }];
    }
    default:
      return node.fail(`"${kind}" is not a stateful statement (counter, quota, limit, ct count)`);
  }
}

/** `counter`, `quota`, `limit` as statements of a rule. */
export function stateful(rule: RuleReader, node: JsonNode, kind: string): void {
  rule.emit(...statefulExpressions(rule, kind, node));
}

/** `ct count over 10`: `{"ct count": {"val": 10, "inv": true}}` (connlimit). */
export function ctCount(rule: RuleReader, node: JsonNode): void {
  rule.emit(connlimit(node));
}
