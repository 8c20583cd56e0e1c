// nlkit-bandwidth's commands: the reference bandwidth plugin's tc setup
// (setBandwidthLimit's steps, in limit.ts) on the host end of the container's
// veth. A chained plugin: it passes prevResult on, with the ifb device added
// when it made one. Through the agent it runs on the agent's connections.
import {
  LinkNotFoundError, NetlinkError, pschedClock, type Link, type MirredOptions, type RouteConnection, type TbfOptions, type TcMessage, type U32Options,
} from '../../index.js';
import { withHostState, type HostState } from '../agent/cache.js';
import type { CniCall } from '../call.js';
import { podNetnsGone } from '../bridge/pod-netns.js';
import { CniError, CniErrorCode } from '../errors.js';
import type { CniPluginHandlers } from '../run.js';
import { parseResult } from '../spec/result.js';
import type { CniResult } from '../spec/types.js';
import { limitsSomething, parseBandwidthConfig, type BandwidthEntry } from './config.js';
import { findHostInterface, openHostRoute } from './host-interface.js';
import { ifbAlias, ifbName, parseIfbAlias } from './ifb-name.js';
import { applyBandwidthLimit, inBytes, LATENCY_MS } from './limit.js';

const TC_H_ROOT = 0xffffffff;

function previous(call: CniCall, missing: string): CniResult {
  if (!call.network.prevResult) throw new CniError(CniErrorCode.internal, missing);
  return parseResult(call.network.prevResult);
}

function linkOrUndefined(rt: RouteConnection, name: string): Link | undefined {
  try {
    return rt.link.get(name);
  } catch (error) {
    if (error instanceof LinkNotFoundError) return undefined;
    throw error;
  }
}

/**
 * Runs `fn` on the host's rtnetlink connection the agent keeps, or on one of
 * its own (closed after) for a standalone call.
 */
function withHostRoute<T>(call: CniCall, fn: (host: RouteConnection, state: HostState | undefined) => T | Promise<T>): Promise<T> {
  return withHostState(call.options, async (state) => {
    if (state) return fn(state.route, state);
    const host = openHostRoute(call);
    try {
      return await fn(host, undefined);
    } finally {
      host.close();
    }
  });
}

async function add(call: CniCall, entry: BandwidthEntry | undefined): Promise<CniResult> {
  const result = previous(call, 'must be called as chained plugin');
  if (!limitsSomething(entry)) return result;
  return withHostRoute(call, (host) => {
    const hostEnd = findHostInterface(call, host, result.interfaces ?? []);
    const ifb = ifbName(call.network.name, call.env.containerId);
    const mac = applyBandwidthLimit(host, hostEnd, entry, ifb, ifbAlias(call.network.name, call.env.containerId, call.env.ifname));
    if (mac !== undefined) result.interfaces = [...(result.interfaces ?? []), { name: ifb, mac }];
    return result;
  });
}

function isLinkGone(error: unknown): boolean {
  return error instanceof LinkNotFoundError || (error instanceof NetlinkError && error.code === 'ENODEV');
}

function deleteLink(host: RouteConnection, name: string): void {
  try {
    host.link.delete(name);
  } catch (error) {
    if (!isLinkGone(error)) throw error;
  }
}

/**
 * Deletes the ifb. The kernel spends 10-20 ms inside that request (as for a
 * veth): it waits on a worker thread, so an agent serves other calls
 * meanwhile. The agent sends it on its second connection to the host (the
 * first stays free for other calls), a standalone call on its own.
 */
async function deleteIfb(host: RouteConnection, state: HostState | undefined, name: string): Promise<void> {
  try {
    await (state ? state.slowRoute() : host).link.deleteAsync(name);
  } catch (error) {
    if (!isLinkGone(error)) throw error;
  }
}

function deleteQdisc(host: RouteConnection, q: TcMessage): void {
  try {
    host.tc.qdisc.delete(q.parent === TC_H_ROOT ? { dev: q.ifindex, parent: 'root' } : { dev: q.ifindex, kind: 'ingress' });
  } catch (error) {
    if (!(error instanceof NetlinkError && (error.code === 'ENOENT' || error.code === 'EINVAL' || error.code === 'ENODEV'))) throw error;
  }
}

/**
 * DEL: the ifb goes (the reference's whole DEL). While the pod still exists
 * and prevResult names its host end, the tbf and ingress qdiscs this plugin
 * put there go too (first: the ifb's slow delete comes last), so a host end
 * that outlives the chain is left clean.
 */
async function del(call: CniCall, entry: BandwidthEntry | undefined): Promise<void> {
  await withHostRoute(call, async (host, state) => {
    if (limitsSomething(entry) && call.network.prevResult && !podNetnsGone(call.env.netns)) {
      let hostEnd: Link | undefined;
      try {
        hostEnd = findHostInterface(call, host, parseResult(call.network.prevResult).interfaces ?? []);
      } catch {
        hostEnd = undefined;
      }
      if (hostEnd) {
        for (const q of host.tc.qdisc.list({ dev: hostEnd.index })) {
          if ((entry.ingressRate > 0 && q.parent === TC_H_ROOT && q.kind === 'tbf') || (entry.egressRate > 0 && q.kind === 'ingress')) deleteQdisc(host, q);
        }
      }
    }
    await deleteIfb(host, state, ifbName(call.network.name, call.env.containerId));
  });
}

/** Checks a tbf against the limit as the reference does: rate, limit and buffer. */
function checkTbf(host: RouteConnection, dev: Link, rateBits: number, burstBits: number): void {
  const { rate, burst } = inBytes(rateBits, burstBits);
  const root = host.tc.qdisc.list({ dev: dev.index }).find((q) => q.parent === TC_H_ROOT);
  if (root?.kind !== 'tbf') throw new CniError(CniErrorCode.internal, `Failed to find qdisc`, `no tbf at the root of ${dev.name}`);
  const o = root.options as TbfOptions;
  const limit = Math.trunc((rate * LATENCY_MS) / 1000) + burst;
  if (o.rate !== rate) throw new CniError(CniErrorCode.internal, "Rate doesn't match", `${dev.name}: ${o.rate} bytes/s, expected ${rate}`);
  if (o.limit !== limit) throw new CniError(CniErrorCode.internal, "Limit doesn't match", `${dev.name}: ${o.limit} bytes, expected ${limit}`);
  if (o.buffer !== pschedClock().xmitTime(rate, burst)) throw new CniError(CniErrorCode.internal, "Buffer doesn't match", `${dev.name}: ${o.buffer} ticks`);
}

/** CHECK: the tbf on the host end (ingress limit), the ifb with its tbf and the redirect to it (egress limit). */
async function check(call: CniCall, entry: BandwidthEntry | undefined): Promise<void> {
  const result = previous(call, 'must be called as a chained plugin');
  await withHostRoute(call, (host) => {
    const hostEnd = findHostInterface(call, host, result.interfaces ?? []);
    if (!limitsSomething(entry)) return;
    if (entry.ingressRate > 0) checkTbf(host, hostEnd, entry.ingressRate, entry.ingressBurst);
    if (entry.egressRate > 0) {
      const name = ifbName(call.network.name, call.env.containerId);
      const ifb = linkOrUndefined(host, name) ?? fail('Failed to find ifbDevice', name);
      checkTbf(host, ifb, entry.egressRate, entry.egressBurst);
      if (!host.tc.qdisc.list({ dev: hostEnd.index }).some((q) => q.kind === 'ingress')) fail('Failed to find ingress qdisc', hostEnd.name);
      const redirects = host.tc.filter.list({ dev: hostEnd.index, parent: 'ffff:' }).some((f) => f.kind === 'u32' && redirectsTo(f.options as U32Options, ifb.index));
      if (!redirects) fail('Failed to find the redirect to the ifb device', `${hostEnd.name} -> ${name}`);
    }
  });
}

function redirectsTo(options: U32Options | undefined, ifindex: number): boolean {
  return (options?.actions ?? []).some((a) => a.kind === 'mirred' && (a.options as MirredOptions | undefined)?.ifindex === ifindex);
}

function fail(message: string, details: string): never {
  throw new CniError(CniErrorCode.internal, message, details);
}

/** STATUS: nlkit-bandwidth can serve ADD when rtnetlink answers in the host namespace. */
async function status(call: CniCall): Promise<void> {
  try {
    await withHostRoute(call, () => undefined);
  } catch (error) {
    throw new CniError(CniErrorCode.notAvailable, 'plugin not available: no netlink socket in the host namespace', (error as Error).message);
  }
}

/** GC: removes this network's ifb devices (known by nlkit's alias) whose attachment is not valid any more. */
async function gc(call: CniCall): Promise<void> {
  const valid = call.network.validAttachments;
  if (!valid) throw new CniError(CniErrorCode.invalidConfig, 'GC needs cni.dev/valid-attachments (the attachments still in use)');
  const keep = new Set(valid.map((a) => `${a.containerID}/${a.ifname}`));
  await withHostRoute(call, (host) => {
    for (const link of host.link.list()) {
      const owner = link.kind === 'ifb' ? parseIfbAlias(link.alias) : undefined;
      if (owner && owner.network === call.network.name && !keep.has(owner.attachment)) deleteLink(host, link.name);
    }
  });
}

/** nlkit-bandwidth's handlers for the protocol core. */
export const bandwidthHandlers: CniPluginHandlers<BandwidthEntry | undefined> = {
  parse: (network) => parseBandwidthConfig(network),
  add,
  del,
  check,
  status,
  gc,
};
