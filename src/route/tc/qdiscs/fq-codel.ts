// fq_codel: fair queuing with CoDel per flow (`tc qdisc add ... fq_codel limit 1024 target 5ms ecn`), as q_fq_codel.c sends it.
// Encoded like iproute2, not verified against a kernel here (CONFIG_NET_SCH_FQ_CODEL is not built).
import {
  TCA_FQ_CODEL_CE_THRESHOLD, TCA_FQ_CODEL_DROP_BATCH_SIZE, TCA_FQ_CODEL_ECN, TCA_FQ_CODEL_FLOWS, TCA_FQ_CODEL_INTERVAL, TCA_FQ_CODEL_LIMIT,
  TCA_FQ_CODEL_MEMORY_LIMIT, TCA_FQ_CODEL_QUANTUM, TCA_FQ_CODEL_TARGET,
} from '../../../generated/pkt_sched.js';
import type { TcSize, TcTime } from '../units.js';
import { u32FieldsKind } from './u32-fields.js';

/** Options of an fq_codel qdisc; absent ones keep the kernel's defaults. */
export interface FqCodelSpec {
  /** Packets the qdisc holds. */
  limit?: number;
  /** Number of flow queues. */
  flows?: number;
  /** Bytes a flow may send per round. */
  quantum?: number;
  /** CoDel's interval. */
  interval?: TcTime;
  /** CoDel's target delay. */
  target?: TcTime;
  /** Mark packets with ECN instead of dropping them (`ecn` / `noecn`). */
  ecn?: boolean;
  /** Mark packets queued longer than this. */
  ceThreshold?: TcTime;
  /** Bytes of memory the qdisc may use. */
  memoryLimit?: TcSize;
  /** Packets dropped at once when over limit. */
  dropBatch?: number;
}


export const fqCodel = u32FieldsKind('fq_codel', [
  { key: 'limit', attr: TCA_FQ_CODEL_LIMIT, type: 'count' },
  { key: 'flows', attr: TCA_FQ_CODEL_FLOWS, type: 'count' },
  { key: 'quantum', attr: TCA_FQ_CODEL_QUANTUM, type: 'count' },
  { key: 'interval', attr: TCA_FQ_CODEL_INTERVAL, type: 'time' },
  { key: 'target', attr: TCA_FQ_CODEL_TARGET, type: 'time' },
  { key: 'ecn', attr: TCA_FQ_CODEL_ECN, type: 'boolean' },
  { key: 'ceThreshold', attr: TCA_FQ_CODEL_CE_THRESHOLD, type: 'time' },
  { key: 'memoryLimit', attr: TCA_FQ_CODEL_MEMORY_LIMIT, type: 'size' },
  { key: 'dropBatch', attr: TCA_FQ_CODEL_DROP_BATCH_SIZE, type: 'count' },
]);
