// What snat, dnat, masquerade and redirect share in nft's JSON: ports and flags.
import type { NatOptions } from '../../../builder/rule-builder.js';
import type { JsonNode } from '../reader.js';
import { rightValue } from '../values.js';

export function natPorts(node: JsonNode): string | undefined {
  if (node.isMissing()) return undefined;
  const r = rightValue(node);
  if (r.form === 'value') return String(r.value);
  if (r.form === 'range') return `${r.from}-${r.to}`;
  return node.fail('a port or {"range": [from, to]}');
}

export function isConcat(value: unknown): boolean {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && Object.hasOwn(value, 'concat');
}

export function netmap(node: JsonNode): boolean {
  return !node.isMissing() && node.list().some((f) => f.value === 'netmap');
}

export function natFlags(node: JsonNode): NatOptions {
  const options: NatOptions = {};
  if (node.isMissing()) return options;
  for (const flag of node.list()) {
    const f = flag.oneOf(['random', 'fully-random', 'persistent', 'netmap']);
    if (f === 'netmap') continue;
    if (f === 'random') options.random = true;
    else if (f === 'persistent') options.persistent = true;
    else options.fullyRandom = true;
  }
  return options;
}
