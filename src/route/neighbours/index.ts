export { NeighbourService, type NeighbourFilter, type NeighbourQuery } from './service.js';
export { prepareNeighbour, type NeighbourSpec, type PreparedNeighbour, type NeighbourPurpose } from './spec.js';
export {
  decodeNeighbour, encodeNeighbour, encodeNeighbourDumpRequest, neighbourAttributeName, NDMSG_LEN,
  type Neighbour, type NeighbourMessage, type NeighbourCacheInfo,
} from './message.js';
export { neighbourStateNames, neighbourFlagNames, parseNeighbourState, type NeighbourState } from './state.js';
export { neighbourToIpJson, neighboursToIpJson, type NeighbourIpJson, type NeighbourIpJsonOptions } from './ipjson.js';
