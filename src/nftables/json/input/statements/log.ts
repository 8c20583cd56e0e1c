// `{"log": {"prefix", "level", "group", "snaplen", "queue-threshold", "flags"}}` or `{"log": null}`.
import type { LogFlag, LogLevel } from '../../../expressions/log.js';
import type { Expression } from '../../../expressions/types.js';
import type { JsonNode } from '../reader.js';
import type { RuleReader } from './rule-reader.js';

export function log(rule: RuleReader, node: JsonNode): void {
  if (node.value === null) {
    rule.emit({ kind: 'log', level: 'warn' });
    return;
  }
  node.object(['prefix', 'level', 'group', 'snaplen', 'queue-threshold', 'flags']);
  const e: Expression & { kind: 'log' } = { kind: 'log' };
  const prefix = node.at('prefix').optionalString();
  if (prefix !== undefined) e.prefix = prefix;
  const group = node.at('group').optionalInteger(0xffff);
  if (group !== undefined) e.group = group;
  const snaplen = node.at('snaplen').optionalInteger(0xffffffff);
  if (snaplen !== undefined) e.snaplen = snaplen;
  const threshold = node.at('queue-threshold').optionalInteger(0xffff);
  if (threshold !== undefined) e.qthreshold = threshold;
  const levels: LogLevel[] = ['emerg', 'alert', 'crit', 'err', 'warn', 'notice', 'info', 'debug', 'audit'];
  if (!node.at('level').isMissing()) e.level = node.at('level').oneOf(levels);
  else if (group === undefined) e.level = 'warn';
  if (!node.at('flags').isMissing()) {
    const all: LogFlag[] = ['tcp sequence', 'tcp options', 'ip options', 'skuid', 'ether'];
    const flags = node.at('flags').list().flatMap((f) => (f.value === 'all' ? all : [f.oneOf(all)]));
    e.flags = all.filter((f) => flags.includes(f));
  }
  rule.emit(e);
}
