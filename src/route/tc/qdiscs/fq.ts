// fq: fair queuing with pacing (`tc qdisc add ... fq maxrate 100mbit`), as q_fq.c sends it.
// Encoded like iproute2, not verified against a kernel here (CONFIG_NET_SCH_FQ is not built).
import {
  TCA_FQ_BUCKETS_LOG, TCA_FQ_CE_THRESHOLD, TCA_FQ_FLOW_DEFAULT_RATE, TCA_FQ_FLOW_MAX_RATE, TCA_FQ_FLOW_PLIMIT, TCA_FQ_FLOW_REFILL_DELAY, TCA_FQ_HORIZON,
  TCA_FQ_INITIAL_QUANTUM, TCA_FQ_LOW_RATE_THRESHOLD, TCA_FQ_ORPHAN_MASK, TCA_FQ_PLIMIT, TCA_FQ_QUANTUM, TCA_FQ_RATE_ENABLE,
} from '../../../generated/pkt_sched.js';
import type { TcRate, TcTime } from '../units.js';
import { u32FieldsKind } from './u32-fields.js';

/** Options of an fq qdisc; absent ones keep the kernel's defaults. */
export interface FqSpec {
  /** Packets the qdisc holds. */
  limit?: number;
  /** Packets one flow may queue. */
  flowLimit?: number;
  /** Hash buckets (rounded up to a power of two). */
  buckets?: number;
  /** Bytes a flow may send per round. */
  quantum?: number;
  /** Bytes a new flow may send in its first round. */
  initialQuantum?: number;
  /** Pace flows (`pacing` / `nopacing`). */
  pacing?: boolean;
  /** Largest rate of one flow. */
  maxrate?: TcRate;
  /** Below this rate a flow's packets are sent one per round. */
  lowRateThreshold?: TcRate;
  /** Rate of flows without a socket's rate. */
  defrate?: TcRate;
  /** How long a flow waits for its credit to refill. */
  refillDelay?: TcTime;
  /** Mask of the hash of packets without a socket. */
  orphanMask?: number;
  /** Mark packets queued longer than this. */
  ceThreshold?: TcTime;
  /** Drop packets timestamped further in the future. */
  horizon?: TcTime;
}

export const fq = u32FieldsKind('fq', [
  { key: 'buckets', attr: TCA_FQ_BUCKETS_LOG, type: 'log2' },
  { key: 'limit', attr: TCA_FQ_PLIMIT, type: 'count' },
  { key: 'flowLimit', attr: TCA_FQ_FLOW_PLIMIT, type: 'count' },
  { key: 'quantum', attr: TCA_FQ_QUANTUM, type: 'count' },
  { key: 'initialQuantum', attr: TCA_FQ_INITIAL_QUANTUM, type: 'count' },
  { key: 'pacing', attr: TCA_FQ_RATE_ENABLE, type: 'boolean' },
  { key: 'maxrate', attr: TCA_FQ_FLOW_MAX_RATE, type: 'rate' },
  { key: 'lowRateThreshold', attr: TCA_FQ_LOW_RATE_THRESHOLD, type: 'rate' },
  { key: 'defrate', attr: TCA_FQ_FLOW_DEFAULT_RATE, type: 'rate' },
  { key: 'refillDelay', attr: TCA_FQ_FLOW_REFILL_DELAY, type: 'time' },
  { key: 'orphanMask', attr: TCA_FQ_ORPHAN_MASK, type: 'count' },
  { key: 'ceThreshold', attr: TCA_FQ_CE_THRESHOLD, type: 'time' },
  { key: 'horizon', attr: TCA_FQ_HORIZON, type: 'time' },
]);
