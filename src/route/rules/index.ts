export { RuleService, type RuleFilter } from './service.js';
export { prepareRule, type RuleSpec, type PreparedRule, type RulePurpose } from './spec.js';
export {
  decodeRule, encodeRule, encodeRuleDumpRequest, ruleAttributeName, ruleActionName, FIB_RULE_HDR_LEN,
  type Rule, type RuleMessage, type RuleActionName, type Range,
} from './message.js';
export { ruleToIpJson, rulesToIpJson, type RuleIpJson, type RuleIpJsonOptions } from './ipjson.js';
export type { Realm, Realms } from '../realms.js';
