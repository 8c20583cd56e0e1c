// The CNI plugin's entry points, for the executable and for an agent that runs calls in-process.
export { runCni, type CniOutput } from './run.js';
export { runPlugin, isPluginName, PLUGIN_NAMES, type PluginName } from './plugins.js';
export type { RunCniOptions } from './call.js';
export { CniError, CniErrorCode } from './errors.js';
export type * from './spec/types.js';
export { SUPPORTED_VERSIONS } from './spec/versions.js';
