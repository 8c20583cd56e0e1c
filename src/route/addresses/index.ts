export { AddressService, type AddressFilter, type AddressFlushFilter } from './service.js';
export { prepareAddress, type AddressSpec, type PreparedAddress } from './spec.js';
export {
  decodeAddress, encodeAddressRequest, encodeAddressDumpRequest, addressAttributeName, IFADDRMSG_LEN, FOREVER,
  type Address, type AddressRequest,
} from './message.js';
export { addressFlagNames, ADDRESS_FLAG_NAMES, type AddressFlags } from './flags.js';
export { addressesToIpJson, addressToIpJson, linkFlagsToIpJson, LINK_FLAG_NAMES, type AddressLinkInfo, type AddressesIpJsonOptions, type IpJson } from './ipjson.js';
export { scopeName, parseScope, type ScopeName } from './scope.js';
export { AF_INET, AF_INET6, AF_UNSPEC } from './family.js';
