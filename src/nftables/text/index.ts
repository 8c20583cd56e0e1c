// nft's text syntax (`nft list ruleset`), printed from nlkit's nft-JSON model.
export { rulesetToNftText, ruleText, type NftTextOutputOptions } from './ruleset.js';
