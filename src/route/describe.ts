import { NETLINK_ROUTE } from '../generated/netlink.js';
import { registerDescriber } from '../netlink/debug.js';
import type { Message } from '../netlink/message.js';

/** Renders the body of one rtnetlink message (header fields, key attributes) as a short one-line summary for debug output. */
export type RouteDescriber = (message: Message) => string;
const byType = new Map<number, { name: string; describe?: RouteDescriber }>();

/**
 * Registers how an rtnetlink message type appears in `DEBUG=nlkit:*` output.
 * Each object module (links, addresses, routes) registers its own types.
 */
export function registerRouteMessage(type: number, name: string, describe?: RouteDescriber): void {
  byType.set(type, describe ? { name, describe } : { name });
}

registerDescriber(NETLINK_ROUTE, (m) => {
  const entry = byType.get(m.type);
  if (!entry) return undefined;
  // Requests carry only a header for dumps; decode what is there.
  return entry.describe ? `${entry.name} ${entry.describe(m)}` : entry.name;
});
