export { openNftables, NftablesConnection, type NftablesOptions } from './connection.js';
export type { Ruleset, RulesetContents, ListedSet } from './ruleset.js';
export { Transaction, type AddOptions, type EchoedObject, type SetTarget, type TransactionResult } from './transaction.js';
export type { ListFilter } from './listing.js';
export type { BatchCommand, CommitOptions, Generation } from './protocol/batch.js';
export type { Verdict, VerdictCode } from './protocol/data.js';
export { describeNftMessage } from './protocol/describe.js';
export { rulesetToNftJson, NLKIT_METAINFO, type NftJsonOutputOptions } from './json/output/ruleset.js';
export { NftJsonUnsupportedError } from './json/output/errors.js';
export { rulesetToNftText, type NftTextOutputOptions } from './text/index.js';
export {
  rulesetFromNftJson, nftJsonCommands, queueNftJson, type NftJsonInputRuleset, type NftJsonInputSet, type NftJsonCommand, type NftJsonInputOptions,
  type NftJsonElements, type NftJsonRulesetScope,
} from './json/input/index.js';
export type { InterfaceNamer } from './json/output/values.js';
export type {
  NftJsonRuleset, NftJsonEntry, NftJsonMetainfo, NftJsonTable, NftJsonChain, NftJsonRule, NftJsonSet, NftJsonObject,
  NftJsonStatement, NftJsonExpression, NftJsonValue,
} from './json/schema.js';
export { NFT_FAMILIES, type NftFamily } from './objects/family.js';
export type { Table, TableSpec, TableRef, TableFlag } from './objects/table.js';
export type { Chain, ChainSpec, ChainRef, ChainPolicy, ChainFlag } from './objects/chain.js';
export type { ChainHook, ChainType } from './objects/hooks.js';
export type { Rule, RuleSpec, RuleRef, RuleSource, LinearizeContext } from './objects/rule.js';
export type { NftSet, SetSpec, SetRef, SetFlag, SetPolicy, TypeSpec, AnonymousSetRequest } from './objects/set.js';
export type { SetElement, SetElementInput, ElementValue, ElementData } from './objects/elements.js';
export type { Flowtable, FlowtableSpec, FlowtableRef, FlowtableFlag, FlowtableHook } from './objects/flowtable.js';
export type { StatefulObject, StatefulObjectSpec, StatefulObjectType, ObjectRef, ObjectBase } from './objects/stateful.js';
export type { LimitObjectFields } from './objects/limit-object.js';
export type { CtHelperFields } from './objects/ct-helper.js';
export type { CtTimeoutFields } from './objects/ct-timeout.js';
export type { CtExpectationFields } from './objects/ct-expectation.js';
export type { SynproxyFields } from './objects/synproxy.js';
export type { SecmarkFields } from './objects/secmark.js';
export type { L3Proto, L4Proto } from './objects/ct-protocols.js';
export type { SynproxyFlag } from './objects/synproxy.js';
export { DATATYPES, type Datatype, type ScalarValue } from './objects/datatypes.js';
export * from './expressions/index.js';
export { rule, RuleBuilder, parseNatTarget, type NatTarget, type Matcher, type NatOptions, type LogOptions, type LimitOptions } from './builder/rule-builder.js';
export type { NumgenOptions, RtMatchKey, SocketMatchKey, SymhashOptions, TcpOptionName } from './builder/kernel-sources.js';
export { parseRule, tokenize } from './builder/parse.js';
export type { Operand, Relation } from './builder/operands.js';
export * from './recipes/index.js';
