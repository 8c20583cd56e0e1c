export { AddressService, type AddressFilter, type AddressFlushFilter } from './service.js';
export { prepareAddress, type AddressSpec, type PreparedAddress } from './spec.js';
export {
  decodeAddress, encodeAddressRequest, encodeAddressDumpRequest, addressAttributeName, IFADDRMSG_LEN, FOREVER,
  type Address, type AddressRequest,
} from './message.js';
export { addressFlagNames, ADDRESS_FLAG_NAMES, type AddressFlags } from './flags.js';
export { addressesToIpJson, addressToIpJson, type AddressesIpJsonOptions } from './ipjson.js';
