export { TcService, TcObjectService, type TcListFilter } from './service.js';
export type { QdiscSpec, ClassSpec, FilterSpec, QdiscRef, ClassRef, FilterRef } from './spec.js';
export { decodeTc, TCMSG_LEN, type TcMessage, type TcStats } from './message.js';
export { qdiscToTcJson, classToTcJson, filterToTcJson, tcToJson, type TcJson, type TcJsonOptions } from './tcjson.js';
export {
  registerTcKind, registerTcActionKind, tcKind, tcActionKind,
  type TcKind, type TcActionKind, type TcObjectType, type TcEncodeContext, type TcJsonNames,
} from './kind.js';
export {
  parseRate, parseSize, parseTime, formatRate, formatSize, formatTime, TIME_UNITS_PER_SEC,
  type TcRate, type TcSize, type TcTime,
} from './units.js';
export { PschedClock, pschedClock, rateTable, type RateTable, type RateSpec, type LinkLayer, type PschedArithmetic } from './clock.js';
export { parseClassId, parseQdiscHandle, formatClassId, formatQdiscHandle, tcHandle, TC_H_CLSACT_INGRESS, TC_H_CLSACT_EGRESS, type TcHandle } from './handle.js';
export { parseTcProtocol, tcProtocolName, type TcProtocol } from './protocol.js';
export type { TcControlAction, TcGen } from './actions/control.js';
export type { TcAction, TcActionSpec, OtherActionSpec } from './actions/list.js';
export type { MirredSpec, MirredOptions } from './actions/mirred.js';
export type { GactSpec, GactOptions } from './actions/gact.js';
export type { PoliceSpec, PoliceOptions } from './actions/police.js';
export type { TbfSpec, TbfOptions } from './qdiscs/tbf.js';
export type { HtbQdiscSpec, HtbClassSpec, HtbOptions, HtbInit } from './qdiscs/htb.js';
export type { FifoSpec, FifoOptions } from './qdiscs/fifo.js';
export type { PrioOptions } from './qdiscs/pfifo-fast.js';
export type { U32Spec, U32Options, U32HashKey } from './filters/u32.js';
export type { U32Key, U32Selector } from './filters/u32-selector.js';
export { setBandwidthLimit, setBandwidthLimitAsync, removeBandwidthLimit, removeBandwidthLimitAsync, type BandwidthLimitSpec, type BandwidthLimitRef, type BandwidthRate } from './bandwidth.js';
export type { FqCodelSpec } from './qdiscs/fq-codel.js';
export type { FqSpec } from './qdiscs/fq.js';
export type { PrioSpec } from './qdiscs/prio.js';
export type { NetemSpec, NetemOptions, TcPercent } from './qdiscs/netem.js';
export type { SfqSpec, SfqOptions } from './qdiscs/sfq.js';
export type { MatchallSpec, MatchallOptions } from './filters/matchall.js';
export type { FlowerSpec, FlowerOptions } from './filters/flower.js';
export type { BpfSpec, BpfOptions, ClassicBpfInstruction } from './filters/bpf.js';
export { openPinnedBpfProgram, loadBpfProgram, type BpfProgram, type BpfProgramSpec, type BpfProgramType, type OpenPinnedBpfProgramOptions } from './filters/bpf-program.js';
