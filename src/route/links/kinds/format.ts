import type { AttributeCursor } from '../../../netlink/attributes.js';
import { be16 } from '../../../netlink/byte-reads.js';
import { formatMac } from '../../../netlink/addresses.js';

// Small formatting rules iproute2 applies in `ip -j -d link show`, shared by kinds.

/**
 * A clock_t timer (centiseconds) as ip prints it in JSON: "%i.%.2i" seconds,
 * which JSON readers see as a number.
 */
export function clockTimer(centiseconds: number): number {
  const cs = Math.floor(centiseconds % 100);
  return Number(`${Math.floor(centiseconds / 100)}.${cs < 10 ? '0' : ''}${cs}`);
}

/** struct ifla_bridge_id: the bridge priority and MAC address. */
export interface BridgeId {
  /** Bridge priority, 0-65535 (`ip link ... type bridge priority`), default 32768 (0x8000). */
  priority: number;
  /** The bridge's MAC address, colon-separated hex. */
  address: string;
}

/** Decodes the struct ifla_bridge_id under the cursor; MalformedMessageError when shorter. */
export function decodeBridgeId(c: AttributeCursor): BridgeId {
  c.need(8);
  return { priority: be16(c.buf, c.start), address: formatMac(c.buf, c.start + 2, 6) };
}

/** "8000.2:0:0:0:0:1": priority as 4 hex digits, then the address as ether_ntoa prints it (no zero padding). */
export function formatBridgeId(id: BridgeId): string {
  const mac = id.address.split(':').map((octet) => parseInt(octet, 16).toString(16)).join(':');
  return `${id.priority.toString(16).padStart(4, '0')}.${mac}`;
}
