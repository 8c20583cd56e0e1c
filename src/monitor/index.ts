export { openMonitor, Monitor, type MonitorOptions, type MonitorListener, type MonitorErrorListener } from './monitor.js';
export { MONITOR_GROUPS, DEFAULT_MONITOR_GROUPS, type MonitorGroup, type MonitorGroupMembership } from './groups.js';
export type * from './events.js';
export { decodeRouteEvent } from './decode.js';
export { NetworkView, objectKey, type ViewObjects } from './view.js';
export * from './nftables-events.js';
export { monitorEventToIpJson, type MonitorIpJsonOptions } from './ipjson.js';
