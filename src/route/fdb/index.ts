export { FdbService, type FdbFilter } from './service.js';
export { prepareFdb, type FdbSpec, type FdbSpecState, type PreparedFdb } from './spec.js';
export { decodeFdbEntry, fdbFlagNames, fdbStateName, type FdbEntry, type FdbFlag, type FdbState } from './entry.js';
export { fdbToBridgeJson, fdbEntriesToBridgeJson, type FdbBridgeJson, type FdbBridgeJsonOptions } from './bridge-json.js';
