// `{"ct helper": "ftp"}`, `{"synproxy": "name"}`, `{"secmark": ...}`...: a named object assigned
// to the packet, or looked up by key (`{"map": ...}`); a synproxy may also be written in the rule.
import type { ObjectType } from '../../../expressions/objref.js';
import { synproxyExpression } from '../kernel-statements.js';
import type { JsonNode } from '../reader.js';
import type { RuleReader } from './rule-reader.js';

export function namedObject(rule: RuleReader, inner: JsonNode, kind: string): void {
  // `ct helper set tcp dport map { 21 : "ftp" }`: the object looked up by key.
  if (inner.isObject() && Object.keys(inner.value as object)[0] === 'map' && Object.keys(inner.value as object).length === 1) return rule.objectMap(kind as ObjectType, inner.at('map'));
  if (kind === 'synproxy' && typeof inner.value !== 'string') return synproxy(rule, inner);
  if (typeof inner.value !== 'string') inner.fail(`expected the name of a ${kind} object, or {"map": ...}`);
  rule.emit({ kind: 'objref', objectType: kind as ObjectType, name: inner.string() });
}

/** `synproxy mss 1460 wscale 7 timestamp sack-perm` without a named object. */
function synproxy(rule: RuleReader, node: JsonNode): void {
  rule.emit(synproxyExpression(node));
}
