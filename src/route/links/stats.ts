import { u64le } from '../../netlink/byte-reads.js';

/** struct rtnl_link_stats64 (IFLA_STATS64), counters as numbers (exact below 2^53). */
export interface LinkStats64 {
  /** rx_packets: packets received and handed to the stack. */
  rxPackets: number;
  /** tx_packets: packets transmitted successfully. */
  txPackets: number;
  /** rx_bytes: bytes of the received packets (layer 2, without FCS). */
  rxBytes: number;
  /** tx_bytes: bytes of the transmitted packets. */
  txBytes: number;
  /** rx_errors: bad packets received, in total (the rx*Errors counters break it down). */
  rxErrors: number;
  /** tx_errors: packets that failed to transmit, in total. */
  txErrors: number;
  /** rx_dropped: packets received but dropped (no buffer, unknown protocol, ...). */
  rxDropped: number;
  /** tx_dropped: packets dropped on the way to transmission (e.g. no memory). */
  txDropped: number;
  /** multicast: multicast packets received. */
  multicast: number;
  /** collisions: collisions while transmitting (half-duplex media). */
  collisions: number;
  /** rx_length_errors: packets dropped for a wrong length. */
  rxLengthErrors: number;
  /** rx_over_errors: receive ring buffer overflows (the NIC had no room to put a packet). */
  rxOverErrors: number;
  /** rx_crc_errors: packets with a bad frame checksum. */
  rxCrcErrors: number;
  /** rx_frame_errors: frame alignment errors. */
  rxFrameErrors: number;
  /** rx_fifo_errors: receive FIFO errors. */
  rxFifoErrors: number;
  /** rx_missed_errors: packets the NIC missed because the host did not keep up. */
  rxMissedErrors: number;
  /** tx_aborted_errors: transmissions aborted (e.g. excessive collisions). */
  txAbortedErrors: number;
  /** tx_carrier_errors: transmissions failed for loss of carrier. */
  txCarrierErrors: number;
  /** tx_fifo_errors: transmit FIFO underruns. */
  txFifoErrors: number;
  /** tx_heartbeat_errors: SQE heartbeat test failures (old Ethernet). */
  txHeartbeatErrors: number;
  /** tx_window_errors: late collisions. */
  txWindowErrors: number;
  /** rx_compressed: compressed packets received (CSLIP, PPP). */
  rxCompressed: number;
  /** tx_compressed: compressed packets transmitted (CSLIP, PPP). */
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
