// Sockets for tests that must prove what reached the kernel: one that counts
// the requests sent through it, and one that throws on any use.
import type { Test } from 'tap';
import { NETLINK_ROUTE } from '../../src/generated/netlink.js';
import type { NetlinkSocket } from '../../src/netlink/socket.js';
import { openNetlinkSocket } from '../../src/netns/socket.js';
import type { RouteContext } from '../../src/route/context.js';

/** NetlinkSocket methods that put a request on the wire (sync or async). */
const SENDING = new Set(['execute', 'executeAsync', 'dump', 'dumpAsync', 'executeMany', 'executeManyAsync', 'sendFrames', 'sendFramesAsync']);

export interface CountingContext extends RouteContext {
  /** The socket underneath, whose use is not counted. */
  readonly raw: NetlinkSocket;
  /** How many requests reached the socket (execute/dump/executeMany, sync or async, and raw sends). */
  sent(): number;
}

/**
 * An rtnetlink context whose socket lives in `netns` and counts what is sent
 * through it, so tests can prove bad input never reaches the kernel. The
 * socket is closed when the test ends.
 */
export function openCountingContext(t: Test, netns: string): CountingContext {
  const { socket, raw, sent } = openCountingSocket(t, NETLINK_ROUTE, netns);
  return { socket, raw, label: `netns ${netns}`, sent };
}

/** A socket of any netlink protocol (NETLINK_NETFILTER too) in `netns`, counting what is sent through it. */
export function openCountingSocket(t: Test, protocol: number, netns: string): { socket: NetlinkSocket; raw: NetlinkSocket; sent(): number } {
  const raw = openNetlinkSocket(protocol, { netns });
  t.teardown(() => raw.close());
  let sent = 0;
  const socket = new Proxy(raw, {
    get(target, key, receiver) {
      const value = Reflect.get(target, key, receiver);
      if (typeof value !== 'function') return value;
      return (...args: unknown[]) => {
        if (SENDING.has(String(key))) sent++;
        return (value as (...a: unknown[]) => unknown).apply(target, args);
      };
    },
  });
  return { socket, raw, sent: () => sent };
}

/**
 * A context whose socket throws on any use: a call that is refused with it
 * provably refused before sending (and needs neither root nor a namespace).
 */
export function tripwireContext(): RouteContext {
  const socket = new Proxy({} as NetlinkSocket, {
    get(_target, key) {
      throw new Error(`the socket was touched (${String(key)}): input reached the sending path`);
    },
  });
  return { socket, label: 'netns tripwire' };
}
