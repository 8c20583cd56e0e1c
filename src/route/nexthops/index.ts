export { NexthopService, type NexthopFilter, type NexthopSelector } from './service.js';
export { prepareNexthop, validateNexthopId, type NexthopSpec, type NexthopGroupMemberSpec, type PreparedNexthop } from './spec.js';
export {
  decodeNexthop, encodeNexthop, nexthopAttributeName, nexthopGroupTypeName, NHMSG_LEN, NEXTHOP_GRP_LEN,
  type Nexthop, type NexthopMessage, type NexthopGroupMember, type NexthopGroupType, type ResilientGroupParameters,
} from './message.js';
export { nexthopToIpJson, nexthopsToIpJson, type NexthopIpJsonOptions } from './ipjson.js';
