export { NsidService, type NsidFilter } from './service.js';
export {
  decodeNetnsId, decodeNsidMessage, encodeNsid, nsidAttributeName, RTGENMSG_LEN, type NetnsId, type NsidMessage,
} from './message.js';
export { netnsIdsToIpJson, type NetnsIdIpJson } from './ipjson.js';
