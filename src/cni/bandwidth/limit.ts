// The reference bandwidth plugin's tc setup (setBandwidthLimit of
// src/route/tc/bandwidth.ts, step by step) in as few requests as the kernel
// allows: the host end is already read (its index and MTU), the ifb gets its
// MAC in the creating request (the result reports it without reading the ifb
// back) and its alias right after (the kernel ignores an alias at creation).
// Five objects, six requests: tbf on the host end, the ifb, its alias, the
// ingress qdisc, the redirecting filter, the ifb's tbf. All or nothing: on
// failure what was made is removed again.
import { randomBytes } from 'node:crypto';
import { InvalidArgumentError, removeBandwidthLimit, type Link, type RouteConnection } from '../../index.js';
import type { BandwidthEntry } from './config.js';

/** The reference's latencyInMillis. */
export const LATENCY_MS = 25;

/** Bits and bits per second (the reference's units) to tc's bytes and bytes per second, truncated as the reference does. */
export function inBytes(rate: number, burst: number): { rate: number; burst: number } {
  return { rate: Math.floor(rate / 8), burst: Math.floor(burst / 8) };
}

function bytesOf(rate: number, burst: number, what: string): { rate: number; burst: number } {
  const r = inBytes(rate, burst);
  // As setBandwidthLimit refuses them: a limit that truncates to nothing.
  if (r.rate === 0) throw new InvalidArgumentError(`bandwidth ${what}.rate must not be 0`);
  if (r.burst === 0) throw new InvalidArgumentError(`bandwidth ${what}.burst must not be 0`);
  return r;
}

/** A random locally administered unicast MAC for the ifb (the kernel would pick a random one too). */
function ifbMac(): string {
  const b = randomBytes(6);
  b[0] = (b[0]! & 0xfc) | 0x02;
  return b.toString('hex').replace(/(..)(?!$)/g, '$1:');
}

/**
 * Sets the limits of `entry` on `hostEnd` (ingress: tbf at its root; egress:
 * the ifb `ifb` with a tbf, and the host end's ingress traffic redirected to
 * it). Returns the ifb's MAC when it made one.
 */
export function applyBandwidthLimit(host: RouteConnection, hostEnd: Link, entry: BandwidthEntry, ifb: string, alias: string | undefined): string | undefined {
  const latency = `${LATENCY_MS}ms`;
  const ingress = entry.ingressRate > 0 ? bytesOf(entry.ingressRate, entry.ingressBurst, 'ingress') : undefined;
  const egress = entry.egressRate > 0 ? bytesOf(entry.egressRate, entry.egressBurst, 'egress') : undefined;
  try {
    if (ingress) host.tc.qdisc.add({ dev: hostEnd.index, kind: 'tbf', handle: '1:', ...ingress, latency });
    if (!egress) return undefined;
    const mac = ifbMac();
    // The plugin gives the ifb the host end's MTU.
    host.link.add({ name: ifb, type: 'ifb', up: true, mtu: hostEnd.mtu, address: mac });
    if (alias !== undefined) host.link.set(ifb, { alias });
    host.tc.qdisc.add({ dev: hostEnd.index, kind: 'ingress' });
    host.tc.filter.add({
      dev: hostEnd.index, parent: 'ffff:', kind: 'u32', pref: 1, protocol: 'all', match: ['u32 0 0'], flowid: '1:1',
      actions: [{ kind: 'mirred', direction: 'egress', action: 'redirect', dev: ifb }],
    });
    host.tc.qdisc.add({ dev: ifb, kind: 'tbf', handle: '1:', ...egress, latency });
    return mac;
  } catch (error) {
    try {
      removeBandwidthLimit(host, { hostDev: hostEnd.index, ...(egress ? { ifb } : {}) });
    } catch {
      // The original error is the one worth reporting.
    }
    throw error;
  }
}
