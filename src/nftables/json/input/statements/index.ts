// The statements of a rule's `expr` array, one module each, by the name nft's JSON gives them
// (`{"match": ...}`, `{"counter": ...}`, `{"dnat": ...}`). The rule linearizer (rule.ts) looks a
// statement up here; a statement nlkit does not read is refused there, naming it.
import { resetOption } from '../exthdr.js';
import type { JsonNode } from '../reader.js';
import { verdict } from '../values.js';
import { dup } from './dup.js';
import { dynset } from './dynset.js';
import { fwd } from './fwd.js';
import { log } from './log.js';
import { mangle } from './mangle.js';
import { masqueradeOrRedirect } from './masquerade.js';
import { match } from './match.js';
import { namedObject } from './named-object.js';
import { nat } from './nat.js';
import { reject } from './reject.js';
import type { RuleReader } from './rule-reader.js';
import { ctCount, stateful } from './stateful.js';
import { tproxy } from './tproxy.js';

export type { RuleReader } from './rule-reader.js';
export { statefulExpressions } from './stateful.js';

/** Reads one statement into the rule: `inner` is its value, `kind` its name, `statement` the whole `{kind: inner}`. */
export type StatementReader = (rule: RuleReader, inner: JsonNode, kind: string, statement: JsonNode) => void;

const verdictStatement: StatementReader = (rule, _inner, _kind, statement) => rule.emit({ kind: 'immediate', dreg: 0, verdict: verdict(statement) });

export const STATEMENTS: Readonly<Record<string, StatementReader>> = {
  match,
  accept: verdictStatement,
  drop: verdictStatement,
  continue: verdictStatement,
  return: verdictStatement,
  jump: verdictStatement,
  goto: verdictStatement,
  counter: stateful,
  quota: stateful,
  limit: stateful,
  'ct count': ctCount,
  dup,
  fwd,
  tproxy,
  synproxy: namedObject,
  'ct helper': namedObject,
  'ct timeout': namedObject,
  'ct expectation': namedObject,
  secmark: namedObject,
  log,
  reject,
  notrack: (rule) => rule.emit({ kind: 'notrack' }),
  mangle,
  set: dynset,
  reset: (rule, inner) => rule.emit(resetOption(inner)),
  vmap: (rule, inner) => rule.mapLookup(inner, 'verdict'),
  masquerade: (rule, inner) => masqueradeOrRedirect(rule, 'masquerade', inner),
  redirect: (rule, inner) => masqueradeOrRedirect(rule, 'redirect', inner),
  snat: (rule, inner) => nat(rule, 'snat', inner),
  dnat: (rule, inner) => nat(rule, 'dnat', inner),
};

/** The reader of a statement nft's JSON names `kind`, if nlkit reads it. */
export function statementReader(kind: string): StatementReader | undefined {
  return Object.hasOwn(STATEMENTS, kind) ? STATEMENTS[kind] : undefined;
}
