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

const STATS64_BASE_LEN = 23 * 8;

/**
 * Decodes struct rtnl_link_stats64 (fields in struct order); the two newest
 * counters are present only when the kernel sends them.
 */
export function decodeStats64(buf: Buffer, at: number, length: number): LinkStats64 {
  const u64 = (i: number) => (i * 8 + 8 <= length ? buf.readUInt32LE(at + i * 8) + buf.readUInt32LE(at + i * 8 + 4) * 0x100000000 : 0);
  const stats: LinkStats64 = {
    rxPackets: u64(0), txPackets: u64(1), rxBytes: u64(2), txBytes: u64(3), rxErrors: u64(4), txErrors: u64(5),
    rxDropped: u64(6), txDropped: u64(7), multicast: u64(8), collisions: u64(9), rxLengthErrors: u64(10),
    rxOverErrors: u64(11), rxCrcErrors: u64(12), rxFrameErrors: u64(13), rxFifoErrors: u64(14), rxMissedErrors: u64(15),
    txAbortedErrors: u64(16), txCarrierErrors: u64(17), txFifoErrors: u64(18), txHeartbeatErrors: u64(19),
    txWindowErrors: u64(20), rxCompressed: u64(21), txCompressed: u64(22),
  };
  if (length >= STATS64_BASE_LEN + 8) stats.rxNohandler = u64(23);
  if (length >= STATS64_BASE_LEN + 16) stats.rxOtherhostDropped = u64(24);
  return stats;
}
