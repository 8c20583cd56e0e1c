export { openRoute, RouteConnection } from './connection.js';
export type { RouteContext } from './context.js';
export type { IpJson } from './ipjson.js';
export { resolveLinkIndex, resolveLinkIndexAsync, validateLinkRef, LinkNotFoundError, IFINFOMSG_LEN, type LinkRef } from './resolve.js';
export { validateIfName, MAX_IFNAME_BYTES } from './names.js';
export { registerRouteMessage, type RouteDescriber } from './describe.js';
export type { IpValue } from './ip-value.js';
export type { PreparedMetrics } from './routes/metrics.js';
export type { TakenName } from './links/kinds/kind.js';
export { VLAN_PROTOCOLS } from './links/kinds/bridge.js';
export {
  routeTableName, parseRouteTable, routeProtocolName, parseRouteProtocol, scopeName, parseScope, routeTypeName, parseRouteType,
  routePrefName, parseRoutePref, ipProtocolName, parseIpProtocol, groupName,
  type RouteTableName, type RouteProtocolName, type ScopeName, type RouteTypeName, type RoutePrefName,
} from './iproute2-names.js';
export { iproute2NameToId, iproute2IdToName, useIproute2ConfigDir, IPROUTE2_CONFIG_DIR, type Iproute2Database } from './iproute2-databases.js';
export * from './links/index.js';
export * from './addresses/index.js';
export * from './routes/index.js';
export * from './neighbours/index.js';
export * from './nexthops/index.js';
export * from './fdb/index.js';
export * from './rules/index.js';
export * from './nsid/index.js';
export * from './tc/index.js';
export { deleteNetnsAndWait, deleteNetnsAndWaitAsync, NetnsTeardownTimeoutError, type NetnsTeardown, type NetnsTeardownOptions, type TornDownLink } from './teardown.js';
