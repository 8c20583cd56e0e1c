import { u64le } from '../../netlink/byte-reads.js';

/** struct rtnl_link_stats64 (IFLA_STATS64), counters as numbers (exact below 2^53). */
export interface LinkStats64 {
  rxPackets: number;
  txPackets: number;
  rxBytes: number;
  txBytes: number;
  rxErrors: number;
  txErrors: number;
  rxDropped: number;
  txDropped: number;
  multicast: number;
  collisions: number;
  rxLengthErrors: number;
  rxOverErrors: number;
  rxCrcErrors: number;
  rxFrameErrors: number;
  rxFifoErrors: number;
  rxMissedErrors: number;
  txAbortedErrors: number;
  txCarrierErrors: number;
  txFifoErrors: number;
  txHeartbeatErrors: number;
  txWindowErrors: number;
  rxCompressed: number;
  txCompressed: number;
  /** Since Linux 4.6. */
  rxNohandler?: number;
  /** Since Linux 5.19. */
  rxOtherhostDropped?: number;
}

/** The 23 counters of the original struct, which every kernel sends. */
export const STATS64_BASE_LEN = 23 * 8;
const STATS64_COUNTERS = 25;

// The counters are read into one scratch array first: one loop reading them
// is several times cheaper than 25 separate calls to a reader.
const counters = new Float64Array(STATS64_COUNTERS);

/**
 * Small counters as small integers: a field that only ever held those is
 * stored inline, while one that held a float64 keeps a 16-byte box per
 * object (400 bytes per link for a struct of mostly zeros).
 */
function small(value: number): number {
  return value <= 0x3fffffff ? value | 0 : value;
}

/**
 * Decodes struct rtnl_link_stats64 (fields in struct order); the two newest
 * counters are present only when the kernel sends them.
 */
export function decodeStats64(buf: Buffer, at: number, length: number): LinkStats64 {
  const present = Math.min(STATS64_COUNTERS, length >>> 3);
  const c = counters;
  let i = 0;
  for (; i < present; i++) c[i] = u64le(buf, at + i * 8);
  for (; i < STATS64_COUNTERS; i++) c[i] = 0;
  const stats: LinkStats64 = {
    rxPackets: small(c[0]!), txPackets: small(c[1]!), rxBytes: small(c[2]!), txBytes: small(c[3]!),
    rxErrors: small(c[4]!), txErrors: small(c[5]!), rxDropped: small(c[6]!), txDropped: small(c[7]!),
    multicast: small(c[8]!), collisions: small(c[9]!), rxLengthErrors: small(c[10]!), rxOverErrors: small(c[11]!),
    rxCrcErrors: small(c[12]!), rxFrameErrors: small(c[13]!), rxFifoErrors: small(c[14]!), rxMissedErrors: small(c[15]!),
    txAbortedErrors: small(c[16]!), txCarrierErrors: small(c[17]!), txFifoErrors: small(c[18]!),
    txHeartbeatErrors: small(c[19]!), txWindowErrors: small(c[20]!), rxCompressed: small(c[21]!), txCompressed: small(c[22]!),
  };
  if (length >= STATS64_BASE_LEN + 8) stats.rxNohandler = small(c[23]!);
  if (length >= STATS64_BASE_LEN + 16) stats.rxOtherhostDropped = small(c[24]!);
  return stats;
}
